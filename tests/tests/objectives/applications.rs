//! The applications of the paper: rank-1 PCA, dense factorization, matrix
//! sensing with Burer-Monteiro factors, matrix completion with a mask, the
//! two-variable strict saddle, and a logistic-type objective.

use altmin_core::prelude::*;
use altmin_core::{BlockStructure, Structure};
use rand::RngExt;

use crate::common::{
    Dual, H, assert_close, check_argmin_y, check_derivatives, check_derivatives_with, check_prox_x,
    check_prox_y, check_solvers, data, dmat, dvec, lift, points, rng, smat, uniform,
};
use crate::taylor::Taylor;

#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

fn rank1_pca_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>, lambda: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    k(0.5) * (a - &x * y.transpose()).norm_squared()
        + k(0.5) * lambda * (x.norm_squared() + y.norm_squared())
}

#[test]
fn rank1_pca_matches_num_dual() {
    let mut rng = rng(11);
    let (n, m, lambda) = (5, 4, 0.3);
    let a = data(n, m, &mut rng);
    let f = Rank1Pca::new(&a, lambda);
    let pts = points(3, &mut rng, |r| (uniform(n, 1, r), uniform(m, 1, r)));
    let ad = lift(&a);
    check_derivatives(
        &f,
        &pts,
        |x, y| rank1_pca_twin(x, y, &ad, H::from(lambda)),
        &mut rng,
    );

    for (x, y) in &pts {
        check_solvers(&f, x, y, 2.0);
    }
    let expected = Structure {
        x: BlockStructure::ScaledIdentity,
        y: BlockStructure::ScaledIdentity,
    };
    assert_eq!(f.structure(), expected);
}

/// The closed forms of DESIGN section 3, written by hand.
#[test]
fn rank1_pca_closed_forms() {
    let mut rng = rng(12);
    let (n, m, lambda) = (6, 4, 0.7);
    let a = data(n, m, &mut rng);
    let f = Rank1Pca::new(&a, lambda);
    for _ in 0..3 {
        let x: DVector<f64> = uniform(n, 1, &mut rng);
        let y: DVector<f64> = uniform(m, 1, &mut rng);
        let (cx, cy) = (lambda + y.norm_squared(), lambda + x.norm_squared());
        let close = |what: &str, got: &[f64], want: &[f64]| {
            let scale = want.iter().fold(0.0_f64, |s, w| s.max(w.abs()));
            assert_close(what, got, want, scale, 1e-12);
        };

        let grad_x = &x * cx - &a * &y;
        close("grad_x", f.grad_x(&x, &y).as_slice(), grad_x.as_slice());
        let grad_y = &y * cy - a.transpose() * &x;
        close("grad_y", f.grad_y(&x, &y).as_slice(), grad_y.as_slice());
        let hess_xx = DMatrix::<f64>::identity(n, n) * cx;
        close("hess_xx", f.hess_xx(&x, &y).as_slice(), hess_xx.as_slice());
        let hess_yy = DMatrix::<f64>::identity(m, m) * cy;
        close("hess_yy", f.hess_yy(&x, &y).as_slice(), hess_yy.as_slice());
        let hess_xy = 2.0 * &x * y.transpose() - &a;
        close("hess_xy", f.hess_xy(&x, &y).as_slice(), hess_xy.as_slice());

        // The paper's closed-form block minimizers.
        let xs = f.argmin_x(&x, &y).unwrap();
        close("argmin_x", xs.as_slice(), (&a * &y / cx).as_slice());
        let ys = f.argmin_y(&x, &y).unwrap();
        close(
            "argmin_y",
            ys.as_slice(),
            (a.transpose() * &x / cy).as_slice(),
        );
    }
}

#[objective]
fn factorization(x: &DMatrix<f64>, y: &DMatrix<f64>, m: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

fn factorization_twin<D: Dual>(x: &[D], y: &[D], m: &DMatrix<D>, lambda: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dmat(m.nrows(), x), dmat(m.ncols(), y));
    k(0.5) * (m - &x * y.transpose()).norm_squared()
        + k(0.5) * lambda * (x.norm_squared() + y.norm_squared())
}

#[test]
fn dense_factorization_matches_num_dual() {
    let mut rng = rng(21);
    let (n, m, r, lambda) = (5, 4, 2, 0.1);
    let mm = data(n, m, &mut rng);
    let f = Factorization::new(&mm, lambda);
    let pts = points(3, &mut rng, |g| (uniform(n, r, g), uniform(m, r, g)));
    let md = lift(&mm);
    check_derivatives(
        &f,
        &pts,
        |x, y| factorization_twin(x, y, &md, H::from(lambda)),
        &mut rng,
    );

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
#[allow(clippy::too_many_arguments)]
fn matrix_sensing(
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
    a1: &DMatrix<f64>,
    a2: &DMatrix<f64>,
    a3: &DMatrix<f64>,
    b1: f64,
    b2: f64,
    b3: f64,
    mu: f64,
) -> f64 {
    0.5 * ((a1.component_mul(&(x * y.transpose()))).sum() - b1).powi(2)
        + 0.5 * ((a2.component_mul(&(x * y.transpose()))).sum() - b2).powi(2)
        + 0.5 * ((a3.component_mul(&(x * y.transpose()))).sum() - b3).powi(2)
        + 0.5 * mu * (x.norm_squared() + y.norm_squared())
}

fn matrix_sensing_twin<D: Dual>(x: &[D], y: &[D], a: &[DMatrix<D>; 3], b: [D; 3], mu: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dmat(a[0].nrows(), x), dmat(a[0].ncols(), y));
    k(0.5) * ((a[0].component_mul(&(&x * y.transpose()))).sum() - b[0]).powi(2)
        + k(0.5) * ((a[1].component_mul(&(&x * y.transpose()))).sum() - b[1]).powi(2)
        + k(0.5) * ((a[2].component_mul(&(&x * y.transpose()))).sum() - b[2]).powi(2)
        + k(0.5) * mu * (x.norm_squared() + y.norm_squared())
}

#[test]
fn matrix_sensing_matches_num_dual() {
    let mut rng = rng(31);
    let (n, m, r, mu) = (4, 3, 2, 0.2);
    let a = [
        data(n, m, &mut rng),
        data(n, m, &mut rng),
        data(n, m, &mut rng),
    ];
    let b = [0.5, -0.3, 1.1];
    let f = MatrixSensing::new(&a[0], &a[1], &a[2], b[0], b[1], b[2], mu);
    let pts = points(3, &mut rng, |g| (uniform(n, r, g), uniform(m, r, g)));
    let ad = [lift(&a[0]), lift(&a[1]), lift(&a[2])];
    let bd = b.map(H::from);
    let twin = |x: &[H], y: &[H]| matrix_sensing_twin(x, y, &ad, bd, H::from(mu));
    check_derivatives(&f, &pts, twin, &mut rng);

    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
    let s = f.structure();
    assert!(s.x.is_quadratic() && s.y.is_quadratic(), "{s}");
    // Three rank-one measurements and a ridge: neither a scaled identity
    // nor a one-sided product.
    assert_eq!(s.x, BlockStructure::Quadratic, "{s}");
    assert_eq!(s.y, BlockStructure::Quadratic, "{s}");
}

#[objective]
fn matrix_completion(
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
    mask: &DMatrix<f64>,
    m: &DMatrix<f64>,
    lambda: f64,
) -> f64 {
    0.5 * (mask.component_mul(&(x * y.transpose() - m))).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

fn matrix_completion_twin<D: Dual>(
    x: &[D],
    y: &[D],
    mask: &DMatrix<D>,
    m: &DMatrix<D>,
    lambda: D,
) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dmat(m.nrows(), x), dmat(m.ncols(), y));
    k(0.5) * (mask.component_mul(&(&x * y.transpose() - m))).norm_squared()
        + k(0.5) * lambda * (x.norm_squared() + y.norm_squared())
}

#[test]
fn matrix_completion_matches_num_dual() {
    let mut rng = rng(41);
    let (n, m, r, lambda) = (5, 4, 2, 0.05);
    let mask = DMatrix::from_fn(
        n,
        m,
        |_, _| {
            if rng.random::<f64>() < 0.6 { 1.0 } else { 0.0 }
        },
    );
    let mm = data(n, m, &mut rng);
    let f = MatrixCompletion::new(&mask, &mm, lambda);
    let pts = points(3, &mut rng, |g| (uniform(n, r, g), uniform(m, r, g)));
    let (maskd, md) = (lift(&mask), lift(&mm));
    let twin = |x: &[H], y: &[H]| matrix_completion_twin(x, y, &maskd, &md, H::from(lambda));
    check_derivatives(&f, &pts, twin, &mut rng);

    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
    // The mask keeps rows apart: one small system a row, as in ALS.
    let s = f.structure();
    assert_eq!(s.x, BlockStructure::RowBlocks, "{s}");
    assert_eq!(s.y, BlockStructure::RowBlocks, "{s}");
}

/// Alternating least squares for matrix completion, written by hand: row
/// `i` of the new `x` solves `(y^T diag(w_i) y + (lambda + beta) I) x_i =
/// y^T diag(w_i) m_i + beta x0_i`, with weights `w = mask o mask`.
fn als_rows(
    mask: &DMatrix<f64>,
    m: &DMatrix<f64>,
    y: &DMatrix<f64>,
    lambda: f64,
    prox: Option<(f64, &DMatrix<f64>)>,
) -> DMatrix<f64> {
    let (n, r) = (m.nrows(), y.ncols());
    let beta = prox.map_or(0.0, |(b, _)| b);
    let mut x = DMatrix::zeros(n, r);
    for i in 0..n {
        let mut gram = DMatrix::<f64>::identity(r, r) * (lambda + beta);
        let mut rhs = DVector::<f64>::zeros(r);
        for j in 0..m.ncols() {
            let w = mask[(i, j)] * mask[(i, j)];
            let yj = y.row(j).transpose();
            gram += &yj * yj.transpose() * w;
            rhs += &yj * (w * m[(i, j)]);
        }
        if let Some((b, x0)) = prox {
            rhs += x0.row(i).transpose() * b;
        }
        let row = gram.cholesky().expect("positive definite").solve(&rhs);
        x.set_row(i, &row.transpose());
    }
    x
}

/// The masked objective's block solvers are ALS: one small system a row,
/// equal to the hand-written sweep, at a size where the dense Hessian
/// (1500 unknowns in x) would cost a large Cholesky.
#[test]
fn matrix_completion_solves_row_by_row_as_als() {
    let mut rng = rng(43);
    let (n, m, r, lambda) = (300, 200, 5, 0.05);
    let mask = DMatrix::from_fn(
        n,
        m,
        |_, _| {
            if rng.random::<f64>() < 0.3 { 1.0 } else { 0.0 }
        },
    );
    let mm = data(n, m, &mut rng);
    let f = MatrixCompletion::new(&mask, &mm, lambda);
    let (x, y): (DMatrix<f64>, DMatrix<f64>) = (uniform(n, r, &mut rng), uniform(m, r, &mut rng));

    let close = |what: &str, got: &DMatrix<f64>, want: &DMatrix<f64>| {
        let scale = want.amax().max(1.0);
        assert_close(what, got.as_slice(), want.as_slice(), scale, 1e-12);
    };
    let mask_t = mask.transpose();
    let m_t = mm.transpose();
    close(
        "argmin_x",
        &f.argmin_x(&x, &y).unwrap(),
        &als_rows(&mask, &mm, &y, lambda, None),
    );
    close(
        "argmin_y",
        &f.argmin_y(&x, &y).unwrap(),
        &als_rows(&mask_t, &m_t, &x, lambda, None),
    );
    let beta = 0.7;
    close(
        "prox_argmin_x",
        &f.prox_argmin_x(&x, &y, beta).unwrap(),
        &als_rows(&mask, &mm, &y, lambda, Some((beta, &x))),
    );
    close(
        "prox_argmin_y",
        &f.prox_argmin_y(&x, &y, beta).unwrap(),
        &als_rows(&mask_t, &m_t, &x, lambda, Some((beta, &y))),
    );

    // Without the ridge, a row with no observation has a singular system.
    let mut sparse = mask.clone();
    sparse.row_mut(7).fill(0.0);
    let g = MatrixCompletion::new(&sparse, &mm, 0.0);
    match g.argmin_x(&x, &y) {
        Err(Error::NotStronglyConvex {
            block,
            min_eigenvalue,
        }) => {
            assert_eq!(block, altmin_core::BlockId::X);
            assert!(min_eigenvalue.abs() < 1e-12, "{min_eigenvalue}");
        }
        other => panic!("expected a singular row: {other:?}"),
    }
}

#[objective]
fn strict_saddle(x: f64, y: f64) -> f64 {
    x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
}

fn strict_saddle_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (x[0], y[0]);
    x * x + y * y + k(3.0) * x * y + (x * x + y * y).powi(2)
}

#[test]
fn strict_saddle_matches_num_dual() {
    let mut rng = rng(51);
    let f = StrictSaddle::new();
    let mut pts = points(4, &mut rng, |r| (uniform(1, 1, r), uniform(1, 1, r)));
    pts.push((0.0, 0.0));
    // f is even about the origin, the last point: no cubic term there.
    let taylor = |k| {
        if k == 4 {
            Taylor::Even
        } else {
            Taylor::Generic
        }
    };
    check_derivatives_with(&f, &pts, strict_saddle_twin::<H>, &mut rng, taylor);

    // Each block is strongly convex: Hxx = 2 + 12 x^2 + 4 y^2.
    for (x, y) in &pts {
        check_solvers(&f, x, y, 0.5);
    }
    let expected = Structure {
        x: BlockStructure::NonQuadratic,
        y: BlockStructure::NonQuadratic,
    };
    assert_eq!(f.structure(), expected);

    // The origin is a strict saddle: the cross term 3 beats the diagonal 2.
    let h = [
        f.hess_xx(&0.0, &0.0),
        f.hess_yy(&0.0, &0.0),
        f.hess_xy(&0.0, &0.0),
    ];
    assert_eq!([h[0][(0, 0)], h[1][(0, 0)], h[2][(0, 0)]], [2.0, 2.0, 3.0]);
}

#[objective]
fn logistic(x: &DVector<f64>, y: &SMatrix<f64, 2, 2>, a: &DMatrix<f64>, c: f64) -> f64 {
    let z = a * x;
    z.map(|t| (1.0 + (-t).exp()).ln()).sum()
        + c * y.trace() * x[0]
        + y.norm_squared()
        + (x.transpose() * x)[(0, 0)] * y[(0, 1)]
}

fn logistic_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>, c: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), smat::<D, 2, 2>(y));
    let z = a * &x;
    z.map(|t| (k(1.0) + (-t).exp()).ln()).sum()
        + c * y.trace() * x[0]
        + y.norm_squared()
        + (x.transpose() * &x)[(0, 0)] * y[(0, 1)]
}

#[test]
fn logistic_matches_num_dual() {
    let mut rng = rng(61);
    let (n, p, c) = (6, 3, 0.5);
    let a = data(n, p, &mut rng);
    let f = Logistic::new(&a, c);
    let pts = points(3, &mut rng, |r| (uniform(p, 1, r), uniform(2, 2, r)));
    let ad = lift(&a);
    check_derivatives(
        &f,
        &pts,
        |x, y| logistic_twin(x, y, &ad, H::from(c)),
        &mut rng,
    );

    let expected = Structure {
        x: BlockStructure::NonQuadratic,
        y: BlockStructure::ScaledIdentity,
    };
    assert_eq!(f.structure(), expected);
    // In y: |y|^2 plus terms linear in y, so y = -(c x0 I + |x|^2 e01) / 2.
    for (x, y) in &pts {
        check_argmin_y(&f, x, y);
        check_prox_y(&f, x, y, 0.5);
        let ys = f.argmin_y(x, y).unwrap();
        let mut want = SMatrix::<f64, 2, 2>::identity() * (-c * x[0] / 2.0);
        want[(0, 1)] -= x.norm_squared() / 2.0;
        assert_close(
            "logistic argmin_y",
            ys.as_slice(),
            want.as_slice(),
            1.0,
            1e-12,
        );
    }
    // In x the subproblem is convex only with a proximal term large enough.
    let (x, y) = &pts[0];
    check_prox_x(&f, x, y, 4.0);
}
