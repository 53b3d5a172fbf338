//! Corners of the language: names that shadow parameters or generated
//! locals, reciprocals, outer-product Hessian terms, transposed factors,
//! data-only subexpressions, literal forms and named constants, indexing of
//! compound expressions, scalars by reference, and a block that enters
//! linearly.

use altmin_core::nalgebra::SMatrix;
use altmin_core::prelude::*;

use crate::common::{
    Dual, H, check_derivatives, check_derivatives_with, data, dmat, dvec, lift, points, rng, smat,
    uniform,
};
use crate::taylor::Taylor;

#[objective]
fn shadowed_names(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>) -> f64 {
    let a = a * x;
    let x = x * 2.0;
    y.map(|x| x.sin() * x).sum() + a.dot(y) + 0.25 * x.norm_squared() + y.map(|y| y * y).sum()
}

fn shadowed_names_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    let a = a * &x;
    let x = &x * k(2.0);
    y.map(|x| x.sin() * x).sum() + a.dot(&y) + k(0.25) * x.norm_squared() + y.map(|y| y * y).sum()
}

#[test]
fn bindings_and_closure_parameters_shadowing_parameters() {
    let mut rng = rng(301);
    let (n, p) = (4, 3);
    let a = data(n, p, &mut rng);
    let f = ShadowedNames::new(&a);
    let pts = points(3, &mut rng, |r| (uniform(p, 1, r), uniform(n, 1, r)));
    let ad = lift(&a);
    check_derivatives(&f, &pts, |x, y| shadowed_names_twin(x, y, &ad), &mut rng);
}

#[objective]
fn generated_names(v: &DVector<f64>, w: &DVector<f64>, beta: f64, rhs: &DVector<f64>) -> f64 {
    let out = v.dot(w) - rhs.dot(v);
    0.5 * beta * (v.norm_squared() + w.norm_squared()) + out * out / 4.0
}

fn generated_names_twin<D: Dual>(v: &[D], w: &[D], beta: D, rhs: &DVector<D>) -> D {
    let k = |c: f64| D::from(c);
    let (v, w) = (dvec(v), dvec(w));
    let out = v.dot(&w) - rhs.dot(&v);
    k(0.5) * beta * (v.norm_squared() + w.norm_squared()) + out * out / k(4.0)
}

#[test]
fn parameters_named_like_generated_locals() {
    let mut rng = rng(302);
    let n = 3;
    let rhs = crate::common::data_vec(n, &mut rng);
    let f = GeneratedNames::new(1.5, &rhs);
    let pts = points(3, &mut rng, |r| (uniform(n, 1, r), uniform(n, 1, r)));
    let rd = lift(&rhs);
    check_derivatives(
        &f,
        &pts,
        |v, w| generated_names_twin(v, w, H::from(1.5), &rd),
        &mut rng,
    );
    for (v, w) in &pts {
        crate::common::check_solvers(&f, v, w, 1.0);
    }
}

#[objective]
fn reciprocals(x: f64, y: &DVector<f64>) -> f64 {
    1.0 / (1.0 + x * x)
        + y.sum() / (2.0 + x.sin())
        + 2.0 / (1.5 + y.norm_squared())
        + x / 2.0
        + (y / (1.0 + x * x)).norm_squared()
}

fn reciprocals_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (x[0], dvec(y));
    k(1.0) / (k(1.0) + x * x)
        + y.sum() / (k(2.0) + x.sin())
        + k(2.0) / (k(1.5) + y.norm_squared())
        + x / k(2.0)
        + (&y / (k(1.0) + x * x)).norm_squared()
}

#[test]
fn reciprocals_and_quotients_of_blocks() {
    let mut rng = rng(303);
    let pts = points(3, &mut rng, |r| (uniform(1, 1, r), uniform(3, 1, r)));
    // Along the direction reported at the third point the cubic term is
    // small next to the quartic one: the local slopes reach 3 only near
    // the rounding level.
    let taylor = |k| {
        if k == 2 {
            Taylor::LateAsymptote
        } else {
            Taylor::Generic
        }
    };
    let f = Reciprocals::new();
    check_derivatives_with(&f, &pts, reciprocals_twin::<H>, &mut rng, taylor);
}

#[objective]
fn outer_terms(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>) -> f64 {
    (a.transpose() * x).dot(y).powi(2)
        + x.sum().powi(2) * y.norm_squared()
        + (x.transpose() * a).norm_squared() * y.sum()
        + y.component_mul(y).dot(&(a.transpose() * x))
}

fn outer_terms_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>) -> D {
    let (x, y) = (dvec(x), dvec(y));
    (a.transpose() * &x).dot(&y).powi(2)
        + x.sum().powi(2) * y.norm_squared()
        + (x.transpose() * a).norm_squared() * y.sum()
        + y.component_mul(&y).dot(&(a.transpose() * &x))
}

#[test]
fn outer_product_hessian_terms() {
    let mut rng = rng(304);
    let (n, m) = (4, 3);
    let a = data(n, m, &mut rng);
    let f = OuterTerms::new(&a);
    let pts = points(3, &mut rng, |r| (uniform(n, 1, r), uniform(m, 1, r)));
    let ad = lift(&a);
    check_derivatives(&f, &pts, |x, y| outer_terms_twin(x, y, &ad), &mut rng);
    // Every term is at most quadratic in each block, none a multiple of I.
    let s = f.structure();
    assert_eq!(s.x, altmin_core::BlockStructure::Quadratic, "{s}");
    assert_eq!(s.y, altmin_core::BlockStructure::Quadratic, "{s}");
}

#[objective]
fn transposed_factors(x: &DMatrix<f64>, y: &DMatrix<f64>, m: &DMatrix<f64>) -> f64 {
    (x.transpose() * m * y).trace()
        + 0.5 * (y.transpose() * x).norm_squared()
        + (x * y.transpose())
            .transpose()
            .component_mul(&(y * x.transpose()))
            .sum()
        + 0.5 * (x.transpose().transpose() - m * y).norm_squared()
}

fn transposed_factors_twin<D: Dual>(x: &[D], y: &[D], m: &DMatrix<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dmat(m.nrows(), x), dmat(m.nrows(), y));
    (x.transpose() * m * &y).trace()
        + k(0.5) * (y.transpose() * &x).norm_squared()
        + (&x * y.transpose())
            .transpose()
            .component_mul(&(&y * x.transpose()))
            .sum()
        + k(0.5) * (x.transpose().transpose() - m * &y).norm_squared()
}

#[test]
fn transposed_matrix_factors() {
    let mut rng = rng(305);
    let (n, r) = (3, 2);
    let m = data(n, n, &mut rng);
    let f = TransposedFactors::new(&m);
    let pts = points(3, &mut rng, |g| (uniform(n, r, g), uniform(n, r, g)));
    let md = lift(&m);
    check_derivatives(
        &f,
        &pts,
        |x, y| transposed_factors_twin(x, y, &md),
        &mut rng,
    );
}

#[objective]
fn data_only_parts(x: &DVector<f64>, y: &SVector<f64, 2>, a: &DMatrix<f64>, s: f64) -> f64 {
    let g = a.transpose() * a;
    let c = a.norm() + (s * s).sqrt() + 2.0_f64.ln();
    (x.transpose() * &g * x)[(0, 0)] * c / 10.0
        + x[(1, 0)] * y[(1, 0)]
        + 1e-1 * y.sum().exp()
        + 2. * y.norm()
        + x.map(|t: f64| t * s).sum()
}

fn data_only_parts_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>, s: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), smat::<D, 2, 1>(y));
    let g = a.transpose() * a;
    let c = a.norm() + (s * s).sqrt() + k(2.0).ln();
    (x.transpose() * &g * &x)[(0, 0)] * c / k(10.0)
        + x[(1, 0)] * y[(1, 0)]
        + k(1e-1) * y.sum().exp()
        + k(2.) * y.norm()
        + x.map(|t| t * s).sum()
}

#[test]
fn data_only_subexpressions_and_literal_forms() {
    let mut rng = rng(306);
    let (n, p, s) = (4, 3, -0.8);
    let a = data(n, p, &mut rng);
    let f = DataOnlyParts::new(&a, s);
    let pts = points(3, &mut rng, |r| (uniform(p, 1, r), uniform(2, 1, r)));
    let ad = lift(&a);
    check_derivatives(
        &f,
        &pts,
        |x, y| data_only_parts_twin(x, y, &ad, H::from(s)),
        &mut rng,
    );
}

#[objective]
fn one_entry_blocks(x: &SMatrix<f64, 1, 1>, y: &DVector<f64>, b: &DVector<f64>) -> f64 {
    let r = y * x[0] - b;
    0.5 * r.norm_squared() + (x * x).sum() * y.sum() + x.norm_squared().powi(2)
}

fn one_entry_blocks_twin<D: Dual>(x: &[D], y: &[D], b: &DVector<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (smat::<D, 1, 1>(x), dvec(y));
    let r = &y * x[0] - b;
    k(0.5) * r.norm_squared() + (x * x).sum() * y.sum() + x.norm_squared().powi(2)
}

#[test]
fn one_by_one_matrix_block() {
    let mut rng = rng(307);
    let n = 3;
    let b = crate::common::data_vec(n, &mut rng);
    let f = OneEntryBlocks::new(&b);
    let pts = points(3, &mut rng, |r| (uniform(1, 1, r), uniform(n, 1, r)));
    let bd = lift(&b);
    check_derivatives(&f, &pts, |x, y| one_entry_blocks_twin(x, y, &bd), &mut rng);
}

#[objective]
fn small_powers(x: &DVector<f64>, y: f64) -> f64 {
    x.sum().powi(1) * y
        + (x[0] + 3.0).powi(0) * y.powi(3)
        + x.norm_squared().powi(1)
        + (y * y + 1.0).powi(-3)
}

fn small_powers_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), y[0]);
    x.sum().powi(1) * y
        + (x[0] + k(3.0)).powi(0) * y.powi(3)
        + x.norm_squared().powi(1)
        + (y * y + k(1.0)).powi(-3)
}

#[test]
fn powers_zero_one_and_negative() {
    let mut rng = rng(308);
    let mut pts = points(3, &mut rng, |r| (uniform(3, 1, r), uniform(1, 1, r)));
    pts.push((DVector::zeros(3), 0.0));
    check_derivatives(&SmallPowers::new(), &pts, small_powers_twin::<H>, &mut rng);
}

#[objective]
fn maps_of_products(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>) -> f64 {
    (x * y.transpose()).map(|t| t.sin()).sum()
        + x.map(|t| t.exp()).sum()
        + y.map(|t| t.exp()).sum()
        + x.map(|_t| y.sum()).dot(x)
        + (x * y.transpose())
            .component_mul(a)
            .component_mul(&(x * y.transpose()))
            .sum()
        + x.transpose().map(|t| t.powi(3)).sum()
}

fn maps_of_products_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>) -> D {
    let (x, y) = (dvec(x), dvec(y));
    (&x * y.transpose()).map(|t| t.sin()).sum()
        + x.map(|t| t.exp()).sum()
        + y.map(|t| t.exp()).sum()
        + x.map(|_t| y.sum()).dot(&x)
        + (&x * y.transpose())
            .component_mul(a)
            .component_mul(&(&x * y.transpose()))
            .sum()
        + x.transpose().map(|t| t.powi(3)).sum()
}

#[test]
fn maps_of_outer_products_and_block_only_closures() {
    let mut rng = rng(309);
    let (n, m) = (3, 4);
    let a = data(n, m, &mut rng);
    let f = MapsOfProducts::new(&a);
    let pts = points(3, &mut rng, |r| (uniform(n, 1, r), uniform(m, 1, r)));
    let ad = lift(&a);
    check_derivatives(&f, &pts, |x, y| maps_of_products_twin(x, y, &ad), &mut rng);
}

#[objective]
fn matrix_norms(x: &DMatrix<f64>, y: &Matrix2<f64>, a: &DMatrix<f64>) -> f64 {
    (x * y).norm()
        + (a - x * y).norm_squared() / 2.0
        + (x.transpose() * a).map(|t| t.tanh()).trace()
        + y.map(|t| t.cos()).transpose().sum() * x.norm()
}

fn matrix_norms_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dmat(a.nrows(), x), smat::<D, 2, 2>(y));
    (&x * y).norm()
        + (a - &x * y).norm_squared() / k(2.0)
        + (x.transpose() * a).map(|t| t.tanh()).trace()
        + y.map(|t| t.cos()).transpose().sum() * x.norm()
}

#[test]
fn frobenius_norms_and_maps_of_matrices() {
    let mut rng = rng(310);
    let n = 3;
    let a = data(n, 2, &mut rng);
    let f = MatrixNorms::new(&a);
    let pts = points(3, &mut rng, |r| (uniform(n, 2, r), uniform(2, 2, r)));
    let ad = lift(&a);
    check_derivatives(&f, &pts, |x, y| matrix_norms_twin(x, y, &ad), &mut rng);
}

#[objective]
fn scalar_references(x: &f64, y: &f64, a: &f64, b: f64) -> f64 {
    *a * x * x + y * y + b * (*x * *y).sin() + x.exp() / (1.0 + y.powi(2))
}

fn scalar_references_twin<D: Dual>(x: &[D], y: &[D], a: D, b: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (x[0], y[0]);
    a * x * x + y * y + b * (x * y).sin() + x.exp() / (k(1.0) + y.powi(2))
}

#[test]
fn scalar_blocks_and_data_by_reference() {
    let mut rng = rng(311);
    let (a, b) = (1.5, 0.5);
    let f = ScalarReferences::new(&a, b);
    let pts = points(4, &mut rng, |r| (uniform(1, 1, r), uniform(1, 1, r)));
    let twin = |x: &[H], y: &[H]| scalar_references_twin(x, y, H::from(a), H::from(b));
    check_derivatives(&f, &pts, twin, &mut rng);
    // The prox terms make both scalar subproblems convex.
    for (x, y) in &pts {
        crate::common::check_prox_x(&f, x, y, 3.0);
        crate::common::check_prox_y(&f, x, y, 3.0);
    }
}

#[objective]
fn linear_in_y(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>) -> f64 {
    x.dot(&(a * y)) + x.norm_squared() + y.sum()
}

fn linear_in_y_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>) -> D {
    let (x, y) = (dvec(x), dvec(y));
    x.dot(&(a * &y)) + x.norm_squared() + y.sum()
}

#[test]
fn an_objective_linear_in_one_block() {
    let mut rng = rng(312);
    let (n, m) = (3, 4);
    let a = data(n, m, &mut rng);
    let f = LinearInY::new(&a);
    let pts = points(3, &mut rng, |r| (uniform(n, 1, r), uniform(m, 1, r)));
    let ad = lift(&a);
    // Jointly quadratic in (x, y): the second-order model is exact.
    let twin = |x: &[H], y: &[H]| linear_in_y_twin(x, y, &ad);
    check_derivatives_with(&f, &pts, twin, &mut rng, |_| Taylor::Quadratic);

    let (x, y) = &pts[0];
    assert_eq!(f.hess_yy(x, y), DMatrix::zeros(m, m));
    crate::common::check_argmin_x(&f, x, y);
    // No minimizer in y; the proximal step is a gradient step.
    let err = f
        .argmin_y(x, y)
        .expect_err("a linear subproblem has no minimizer");
    assert!(
        matches!(err, altmin_core::Error::NotStronglyConvex { .. }),
        "{err}"
    );
    let yp = crate::common::check_prox_y(&f, x, y, 2.0);
    let step = y - f.grad_y(x, y) / 2.0;
    assert!((yp - step).amax() < 1e-12);
}

#[objective]
fn compound_indexing(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>) -> f64 {
    (a * x)[3] * (x * y.transpose())[(1, 2)]
        + x.transpose()[2] * (x.transpose() * a)[(0, 1)]
        + (x.transpose() * a * y)[0].powi(2)
        + y.map(|t| (t * x[0]).exp()).sum()
        + x.dot(x) * y.component_mul(y).sum()
        + x.norm_squared().sqrt() * y.map(|t| (t * x[1]).sin().exp() * t.cos()).sum()
}

fn compound_indexing_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>) -> D {
    let (x, y) = (dvec(x), dvec(y));
    (a * &x)[3] * (&x * y.transpose())[(1, 2)]
        + x.transpose()[2] * (x.transpose() * a)[(0, 1)]
        + (x.transpose() * a * &y)[0].powi(2)
        + y.map(|t| (t * x[0]).exp()).sum()
        + x.dot(&x) * y.component_mul(&y).sum()
        + x.norm_squared().sqrt() * y.map(|t| (t * x[1]).sin().exp() * t.cos()).sum()
}

#[test]
fn indexing_compound_expressions_and_capturing_entries() {
    let mut rng = rng(313);
    // `a * x` and `x^T a` make `a` square; `(a * x)[3]` needs four rows.
    let n = 4;
    let a = data(n, n, &mut rng);
    let f = CompoundIndexing::new(&a);
    let pts = points(3, &mut rng, |r| (uniform(n, 1, r), uniform(n, 1, r)));
    let ad = lift(&a);
    check_derivatives(&f, &pts, |x, y| compound_indexing_twin(x, y, &ad), &mut rng);

    let three = CompoundIndexing::new(&data(3, 3, &mut rng));
    let (x, y): (DVector<f64>, DVector<f64>) = (uniform(3, 1, &mut rng), uniform(3, 1, &mut rng));
    assert!(matches!(
        three.check_dims(&x, &y),
        Err(altmin_core::Error::IndexOutOfBounds { index: 3, .. })
    ));
}

#[objective]
fn constants_and_closure_bodies(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    let r: DVector<f64> = x * std::f64::consts::E - y * core::f64::consts::TAU;
    let s = std::f64::consts::SQRT_2 * y.sum();
    0.5 * r.norm_squared() * std::f64::consts::FRAC_1_SQRT_2
        + x.map(|t| {
            let u = t * t;
            (u * std::f64::consts::LN_2).sin() + u
        })
        .sum()
        + x.map(move |t| t * s).sum() * std::f64::consts::LN_10
        + x.map(|_t| 1.0).dot(y)
        + (x.sum() * std::f64::consts::FRAC_PI_2).sin() * std::f64::consts::LOG2_E
        + y.norm() * std::f64::consts::FRAC_2_SQRT_PI
}

fn constants_and_closure_bodies_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    use std::f64::consts::{
        E, FRAC_1_SQRT_2, FRAC_2_SQRT_PI, FRAC_PI_2, LN_2, LN_10, LOG2_E, SQRT_2, TAU,
    };
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    let r: DVector<D> = &x * k(E) - &y * k(TAU);
    let s = k(SQRT_2) * y.sum();
    k(0.5) * r.norm_squared() * k(FRAC_1_SQRT_2)
        + x.map(|t| {
            let u = t * t;
            (u * k(LN_2)).sin() + u
        })
        .sum()
        + x.map(move |t| t * s).sum() * k(LN_10)
        + x.map(|_t| k(1.0)).dot(&y)
        + (x.sum() * k(FRAC_PI_2)).sin() * k(LOG2_E)
        + y.norm() * k(FRAC_2_SQRT_PI)
}

#[test]
fn named_constants_typed_lets_and_closure_blocks() {
    let mut rng = rng(314);
    let pts = points(3, &mut rng, |r| (uniform(3, 1, r), uniform(3, 1, r)));
    let f = ConstantsAndClosureBodies::new();
    check_derivatives(&f, &pts, constants_and_closure_bodies_twin::<H>, &mut rng);
}

#[objective]
fn scalar_times_matrix(x: &DVector<f64>, y: f64, a: &Matrix3<f64>) -> f64 {
    (x * y).map(|t| t.sin()).sum()
        + x.map(|t| t * 2.0).scale(y).sum()
        + (2.0 * x).norm_squared()
        + (x / 2.0).sum() * (y / 2.0)
        + (y * a * x).dot(&(a.transpose() * x * y)) / 3.0
        + (a * y).trace()
}

fn scalar_times_matrix_twin<D: Dual>(x: &[D], y: &[D], a: &SMatrix<D, 3, 3>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), y[0]);
    (&x * y).map(|t| t.sin()).sum()
        + x.map(|t| t * k(2.0)).scale(y).sum()
        + (&x * k(2.0)).norm_squared()
        + (&x / k(2.0)).sum() * (y / k(2.0))
        + (a * y * &x).dot(&(a.transpose() * &x * y)) / k(3.0)
        + (a * y).trace()
}

#[test]
fn scalars_on_either_side_of_matrices() {
    let mut rng = rng(315);
    let a: Matrix3<f64> = uniform(3, 3, &mut rng);
    let f = ScalarTimesMatrix::new(&a);
    let pts = points(3, &mut rng, |r| (uniform(3, 1, r), uniform(1, 1, r)));
    let ad = lift(&a);
    check_derivatives(
        &f,
        &pts,
        |x, y| scalar_times_matrix_twin(x, y, &ad),
        &mut rng,
    );
}
