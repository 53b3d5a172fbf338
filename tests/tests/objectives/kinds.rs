//! Every kind of block and data, mixed, by value and by reference.

use altmin_core::nalgebra::{Matrix2x3, Matrix3x2, RowDVector, SMatrix};
use altmin_core::prelude::*;
use altmin_core::{BlockStructure, Error, Structure};

use crate::common::{
    Dual, H, check_argmin_x, check_derivatives, check_derivatives_with, check_prox_x, check_prox_y,
    check_solvers, data, data_vec, dmat, dvec, lift, points, rng, smat, uniform,
};
use crate::taylor::Taylor;

#[objective]
fn static_rank1(
    x: &SVector<f64, 3>,
    y: &SVector<f64, 3>,
    m: &SMatrix<f64, 3, 3>,
    lambda: f64,
) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

fn static_rank1_twin<D: Dual>(x: &[D], y: &[D], m: &SMatrix<D, 3, 3>, lambda: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (smat::<D, 3, 1>(x), smat::<D, 3, 1>(y));
    k(0.5) * (m - x * y.transpose()).norm_squared()
        + k(0.5) * lambda * (x.norm_squared() + y.norm_squared())
}

#[test]
fn static_vectors_and_static_data() {
    let mut rng = rng(101);
    let m: SMatrix<f64, 3, 3> = uniform(3, 3, &mut rng);
    let f = StaticRank1::new(&m, 0.2);
    let pts = points(3, &mut rng, |r| (uniform(3, 1, r), uniform(3, 1, r)));
    let md = lift(&m);
    check_derivatives(
        &f,
        &pts,
        |x, y| static_rank1_twin(x, y, &md, H::from(0.2)),
        &mut rng,
    );
    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
    let expected = Structure {
        x: BlockStructure::ScaledIdentity,
        y: BlockStructure::ScaledIdentity,
    };
    assert_eq!(f.structure(), expected);
}

#[objective]
fn aliases(x: &Vector3<f64>, y: &Matrix2<f64>, a: &Matrix3x2<f64>, w: &Vector2<f64>) -> f64 {
    (x.transpose() * a * y * w)[(0, 0)]
        + 0.5 * x.norm_squared()
        + (y.transpose() * y).trace()
        + (x[0] * y[(1, 0)]).sin()
        + y[3] * x[2]
}

fn aliases_twin<D: Dual>(x: &[D], y: &[D], a: &SMatrix<D, 3, 2>, w: &SMatrix<D, 2, 1>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (smat::<D, 3, 1>(x), smat::<D, 2, 2>(y));
    (x.transpose() * a * y * w)[(0, 0)]
        + k(0.5) * x.norm_squared()
        + (y.transpose() * y).trace()
        + (x[0] * y[(1, 0)]).sin()
        + y[3] * x[2]
}

#[test]
fn nalgebra_aliases_and_linear_indexing() {
    let mut rng = rng(102);
    let a: Matrix3x2<f64> = uniform(3, 2, &mut rng);
    let w: Vector2<f64> = uniform(2, 1, &mut rng);
    let f = Aliases::new(&a, &w);
    let pts = points(3, &mut rng, |r| (uniform(3, 1, r), uniform(2, 2, r)));
    let (ad, wd) = (lift(&a), lift(&w));
    check_derivatives(&f, &pts, |x, y| aliases_twin(x, y, &ad, &wd), &mut rng);
    // Hxx = I - sin(.) y10^2 e0 e0^T and Hyy = 2 I - sin(.) x0^2 e1 e1^T
    // are positive definite for entries in (-1, 1).
    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
}

#[objective]
fn matrix_and_vector(x: &DMatrix<f64>, y: &DVector<f64>, b: &DVector<f64>, mu: f64) -> f64 {
    0.5 * (x * y - b).norm_squared() + 0.5 * mu * (x.norm_squared() + y.norm_squared())
}

fn matrix_and_vector_twin<D: Dual>(x: &[D], y: &[D], b: &DVector<D>, mu: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dmat(b.len(), x), dvec(y));
    k(0.5) * (&x * &y - b).norm_squared() + k(0.5) * mu * (x.norm_squared() + y.norm_squared())
}

#[test]
fn matrix_x_with_vector_y() {
    let mut rng = rng(103);
    let (n, p, mu) = (5, 3, 0.1);
    let b = data_vec(n, &mut rng);
    let f = MatrixAndVector::new(&b, mu);
    let pts = points(3, &mut rng, |r| (uniform(n, p, r), uniform(p, 1, r)));
    let bd = lift(&b);
    check_derivatives(
        &f,
        &pts,
        |x, y| matrix_and_vector_twin(x, y, &bd, H::from(mu)),
        &mut rng,
    );
    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
    // Hxx V = V (y y^T + mu I); Hyy = x^T x + mu I, dense for a vector.
    let expected = Structure {
        x: BlockStructure::RightProduct,
        y: BlockStructure::Quadratic,
    };
    assert_eq!(f.structure(), expected);
}

#[objective]
fn left_right(
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
    a: &DMatrix<f64>,
    b: &DMatrix<f64>,
    lambda: f64,
) -> f64 {
    0.5 * (a * x - y * b).norm_squared() + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

fn left_right_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>, b: &DMatrix<D>, lambda: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dmat(a.ncols(), x), dmat(a.nrows(), y));
    k(0.5) * (a * &x - &y * b).norm_squared()
        + k(0.5) * lambda * (x.norm_squared() + y.norm_squared())
}

#[test]
fn left_and_right_products() {
    let mut rng = rng(104);
    let (n, p, q, r, lambda) = (4, 3, 2, 3, 0.2);
    let (a, b) = (data(n, p, &mut rng), data(r, q, &mut rng));
    let f = LeftRight::new(&a, &b, lambda);
    let pts = points(3, &mut rng, |g| (uniform(p, q, g), uniform(n, r, g)));
    let (ad, bd) = (lift(&a), lift(&b));
    let twin = |x: &[H], y: &[H]| left_right_twin(x, y, &ad, &bd, H::from(lambda));
    // Jointly quadratic in (x, y): the second-order model is exact.
    check_derivatives_with(&f, &pts, twin, &mut rng, |_| Taylor::Quadratic);
    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
    // Hxx V = (a^T a + lambda I) V and Hyy V = V (b b^T + lambda I).
    let expected = Structure {
        x: BlockStructure::LeftProduct,
        y: BlockStructure::RightProduct,
    };
    assert_eq!(f.structure(), expected);
}

#[objective]
fn static_block_dynamic_data(x: SVector<f64, 2>, y: &DVector<f64>, a: &DMatrix<f64>) -> f64 {
    let r = a * x - y;
    0.5 * r.norm_squared() + y.map(|t| t.tanh()).sum() + 0.1 * x.norm_squared().powi(2)
}

fn static_block_dynamic_data_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (smat::<D, 2, 1>(x), dvec(y));
    let r = a * x - &y;
    k(0.5) * r.norm_squared() + y.map(|t| t.tanh()).sum() + k(0.1) * x.norm_squared().powi(2)
}

#[test]
fn static_block_with_dynamic_data() {
    let mut rng = rng(105);
    let n = 5;
    let a = data(n, 2, &mut rng);
    let f = StaticBlockDynamicData::new(&a);
    let pts = points(3, &mut rng, |r| (uniform(2, 1, r), uniform(n, 1, r)));
    let ad = lift(&a);
    check_derivatives(
        &f,
        &pts,
        |x, y| static_block_dynamic_data_twin(x, y, &ad),
        &mut rng,
    );
    // Hxx = a^T a + 0.4 (|x|^2 I + 2 x x^T) and Hyy = I + diag(tanh'') are
    // positive definite.
    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }

    // The data's columns must match the static block.
    let (x, y) = &pts[0];
    assert!(f.check_dims(x, y).is_ok());
    let wrong = StaticBlockDynamicData::new(&data(n, 3, &mut rng));
    assert!(matches!(
        wrong.check_dims(x, y),
        Err(Error::DimensionMismatch { .. })
    ));
}

#[objective]
fn scalar_and_vector(x: f64, y: &DVector<f64>, b: &DVector<f64>) -> f64 {
    let r = y * x - b;
    0.5 * r.norm_squared() + y.map(|t| (1.0 + t * t).ln()).sum() + x.exp()
}

fn scalar_and_vector_twin<D: Dual>(x: &[D], y: &[D], b: &DVector<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (x[0], dvec(y));
    let r = &y * x - b;
    k(0.5) * r.norm_squared() + y.map(|t| (k(1.0) + t * t).ln()).sum() + x.exp()
}

#[test]
fn scalar_x_with_vector_y() {
    let mut rng = rng(106);
    let n = 4;
    let b = data_vec(n, &mut rng);
    let f = ScalarAndVector::new(&b);
    let pts = points(3, &mut rng, |r| (uniform(1, 1, r), uniform(n, 1, r)));
    let bd = lift(&b);
    check_derivatives(&f, &pts, |x, y| scalar_and_vector_twin(x, y, &bd), &mut rng);
    // Hxx = exp(x) + |y|^2 > 0; Hyy = x^2 I + diag(2 (1 - t^2) / (1 + t^2)^2)
    // is bounded below by -1/4, so a proximal weight of 1 convexifies it.
    for (x, y) in &pts {
        check_argmin_x(&f, x, y);
        check_prox_x(&f, x, y, 0.5);
        check_prox_y(&f, x, y, 1.0);
    }
    let expected = Structure {
        x: BlockStructure::NonQuadratic,
        y: BlockStructure::NonQuadratic,
    };
    assert_eq!(f.structure(), expected);
}

#[objective]
fn by_value(x: DVector<f64>, y: DVector<f64>, a: DMatrix<f64>, lambda: f64) -> f64 {
    let r = &a * &x - &y;
    0.5 * r.norm_squared() + 0.25 * lambda * x.norm_squared() * y.norm_squared()
}

fn by_value_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>, lambda: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    let r = a * &x - &y;
    k(0.5) * r.norm_squared() + k(0.25) * lambda * x.norm_squared() * y.norm_squared()
}

#[test]
fn blocks_and_data_by_value() {
    let mut rng = rng(107);
    let (n, p, lambda) = (4, 3, 0.5);
    let a = data(n, p, &mut rng);
    let f = ByValue::new(a.clone(), lambda);
    let pts = points(3, &mut rng, |r| (uniform(p, 1, r), uniform(n, 1, r)));
    let ad = lift(&a);
    check_derivatives(
        &f,
        &pts,
        |x, y| by_value_twin(x, y, &ad, H::from(lambda)),
        &mut rng,
    );
    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
    // Hxx = a^T a + (lambda / 2) |y|^2 I; Hyy = (1 + (lambda / 2) |x|^2) I.
    let expected = Structure {
        x: BlockStructure::Quadratic,
        y: BlockStructure::ScaledIdentity,
    };
    assert_eq!(f.structure(), expected);
}

#[objective]
fn scaled_regression(
    x: &DVector<f64>,
    y: f64,
    a: &DMatrix<f64>,
    b: &DVector<f64>,
    lambda: &f64,
) -> f64 {
    0.5 * (a * x * y - b).norm_squared() + 0.5 * *lambda * (x.norm_squared() + y * y)
}

fn scaled_regression_twin<D: Dual>(
    x: &[D],
    y: &[D],
    a: &DMatrix<D>,
    b: &DVector<D>,
    lambda: D,
) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), y[0]);
    k(0.5) * (a * &x * y - b).norm_squared() + k(0.5) * lambda * (x.norm_squared() + y * y)
}

#[test]
fn scalar_y_and_scalar_data_by_reference() {
    let mut rng = rng(108);
    let (n, p, lambda) = (5, 3, 0.3);
    let (a, b) = (data(n, p, &mut rng), data_vec(n, &mut rng));
    let f = ScaledRegression::new(&a, &b, &lambda);
    let pts = points(3, &mut rng, |r| (uniform(p, 1, r), uniform(1, 1, r)));
    let (ad, bd) = (lift(&a), lift(&b));
    let twin = |x: &[H], y: &[H]| scaled_regression_twin(x, y, &ad, &bd, H::from(lambda));
    check_derivatives(&f, &pts, twin, &mut rng);
    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
    // Hyy = |a x|^2 + lambda, a scalar; Hxx = y^2 a^T a + lambda I.
    let expected = Structure {
        x: BlockStructure::Quadratic,
        y: BlockStructure::ScaledIdentity,
    };
    assert_eq!(f.structure(), expected);
}

#[objective]
fn static_factorization(
    x: &SMatrix<f64, 3, 2>,
    y: &SMatrix<f64, 4, 2>,
    m: &SMatrix<f64, 3, 4>,
    lambda: f64,
) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

fn static_factorization_twin<D: Dual>(x: &[D], y: &[D], m: &SMatrix<D, 3, 4>, lambda: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (smat::<D, 3, 2>(x), smat::<D, 4, 2>(y));
    k(0.5) * (m - x * y.transpose()).norm_squared()
        + k(0.5) * lambda * (x.norm_squared() + y.norm_squared())
}

#[test]
fn static_matrix_blocks() {
    let mut rng = rng(109);
    let m: SMatrix<f64, 3, 4> = uniform(3, 4, &mut rng);
    let f = StaticFactorization::new(&m, 0.1);
    let pts = points(3, &mut rng, |r| (uniform(3, 2, r), uniform(4, 2, r)));
    let md = lift(&m);
    let twin = |x: &[H], y: &[H]| static_factorization_twin(x, y, &md, H::from(0.1));
    check_derivatives(&f, &pts, twin, &mut rng);
    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
    let expected = Structure {
        x: BlockStructure::RightProduct,
        y: BlockStructure::RightProduct,
    };
    assert_eq!(f.structure(), expected);
}

#[objective]
fn row_and_column(x: &RowDVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>) -> f64 {
    (x * a * y)[(0, 0)] + 0.5 * (x.norm_squared() + y.norm_squared()) + (x * a).norm_squared() / 4.0
}

fn row_and_column_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (RowDVector::from_row_slice(x), dvec(y));
    (&x * a * &y)[(0, 0)]
        + k(0.5) * (x.norm_squared() + y.norm_squared())
        + (&x * a).norm_squared() / k(4.0)
}

#[test]
fn row_vector_block() {
    let mut rng = rng(110);
    let (n, m) = (3, 4);
    let a = data(n, m, &mut rng);
    let f = RowAndColumn::new(&a);
    let pts = points(3, &mut rng, |r| (uniform(1, n, r), uniform(m, 1, r)));
    let ad = lift(&a);
    // Jointly quadratic in (x, y): the second-order model is exact.
    let twin = |x: &[H], y: &[H]| row_and_column_twin(x, y, &ad);
    check_derivatives_with(&f, &pts, twin, &mut rng, |_| Taylor::Quadratic);
    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
    // Hxx V = V (I + a a^T / 2) for the row x; Hyy = I.
    let s = f.structure();
    assert!(s.x.is_quadratic(), "{s}");
    assert_eq!(s.y, BlockStructure::ScaledIdentity, "{s}");
}

#[objective]
fn static_by_value(x: Vector2<f64>, y: Vector3<f64>, b: Matrix2x3<f64>, s: f64) -> f64 {
    (x.transpose() * b * y)[(0, 0)].cos()
        + s * (x.norm_squared() + y.norm_squared())
        + (x.sum() - y.sum()).powi(2)
}

fn static_by_value_twin<D: Dual>(x: &[D], y: &[D], b: &SMatrix<D, 2, 3>, s: D) -> D {
    let (x, y) = (smat::<D, 2, 1>(x), smat::<D, 3, 1>(y));
    (x.transpose() * b * y)[(0, 0)].cos()
        + s * (x.norm_squared() + y.norm_squared())
        + (x.sum() - y.sum()).powi(2)
}

#[test]
fn static_blocks_and_data_by_value() {
    let mut rng = rng(111);
    let b: Matrix2x3<f64> = uniform(2, 3, &mut rng);
    let f = StaticByValue::new(b, 1.0);
    let pts = points(3, &mut rng, |r| (uniform(2, 1, r), uniform(3, 1, r)));
    let bd = lift(&b);
    check_derivatives(
        &f,
        &pts,
        |x, y| static_by_value_twin(x, y, &bd, H::from(1.0)),
        &mut rng,
    );
    // Hxx >= (2 s - |b y|^2) I with |b y|^2 < 18, and Hyy >= (2 s - |b^T x|^2) I
    // with |b^T x|^2 < 12: these proximal weights make both subproblems convex.
    for (x, y) in &pts {
        check_prox_x(&f, x, y, 20.0);
        check_prox_y(&f, x, y, 12.0);
    }
}
