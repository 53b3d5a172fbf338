//! The expression language: `let` bindings, `map` closures, indexing, every
//! supported method and operator, and constants.

use std::f64::consts::PI;

use altmin_core::prelude::*;
use altmin_core::{BlockStructure, Structure};

use crate::common::{
    Dual, H, check_derivatives, check_derivatives_with, check_solvers, data, data_vec, dmat, dvec,
    lift, points, rng, smat, uniform,
};
use crate::taylor::Taylor;

#[objective]
fn map_capture(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    let s = x.norm();
    y.map(|t| (t * s).sin()).sum() + 0.5 * (x.norm_squared() + y.norm_squared())
}

fn map_capture_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    let s = x.norm();
    y.map(|t| (t * s).sin()).sum() + k(0.5) * (x.norm_squared() + y.norm_squared())
}

#[test]
fn map_closure_capturing_a_block_value() {
    let mut rng = rng(201);
    let pts = points(3, &mut rng, |r| (uniform(3, 1, r), uniform(4, 1, r)));
    check_derivatives(&MapCapture::new(), &pts, map_capture_twin::<H>, &mut rng);
}

#[objective]
fn scalar_functions(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    let u = x.dot(y);
    let p = 1.0 + x.norm_squared();
    u.sin() * p.ln()
        + (4.0 + y.sum()).sqrt()
        + x.sum().cos()
        + (0.5 * u).tanh()
        + y.norm_squared().ln_1p()
        + (-0.3 * u).exp()
        + p.powi(-2)
}

fn scalar_functions_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    let u = x.dot(&y);
    let p = k(1.0) + x.norm_squared();
    u.sin() * p.ln()
        + (k(4.0) + y.sum()).sqrt()
        + x.sum().cos()
        + (k(0.5) * u).tanh()
        + y.norm_squared().ln_1p()
        + (k(-0.3) * u).exp()
        + p.powi(-2)
}

#[test]
fn every_scalar_function() {
    let mut rng = rng(202);
    let pts = points(3, &mut rng, |r| (uniform(3, 1, r), uniform(3, 1, r)));
    check_derivatives(
        &ScalarFunctions::new(),
        &pts,
        scalar_functions_twin::<H>,
        &mut rng,
    );
}

#[objective]
fn elementwise(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    x.map(|t| t.exp()).dot(y)
        + y.map(|t| (t * t).ln_1p()).sum()
        + x.map(|t| 2.0 * t.cos() - t.tanh()).norm_squared()
        + x.map(|t| (t + 2.0).sqrt() / (1.0 + t * t))
            .component_mul(y)
            .sum()
}

fn elementwise_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    x.map(|t| t.exp()).dot(&y)
        + y.map(|t| (t * t).ln_1p()).sum()
        + x.map(|t| k(2.0) * t.cos() - t.tanh()).norm_squared()
        + x.map(|t| (t + k(2.0)).sqrt() / (k(1.0) + t * t))
            .component_mul(&y)
            .sum()
}

#[test]
fn element_wise_maps() {
    let mut rng = rng(203);
    let pts = points(3, &mut rng, |r| (uniform(4, 1, r), uniform(4, 1, r)));
    check_derivatives(&Elementwise::new(), &pts, elementwise_twin::<H>, &mut rng);
}

#[objective]
fn indexing(x: &DVector<f64>, y: &DMatrix<f64>) -> f64 {
    x[0] * y[(0, 1)]
        + (x[2] - y[(1, 1)]).powi(2)
        + x[1] * x[1] * y[(1, 0)]
        + 0.5 * (x.norm_squared() + y.norm_squared())
}

fn indexing_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dmat(3, y));
    x[0] * y[(0, 1)]
        + (x[2] - y[(1, 1)]).powi(2)
        + x[1] * x[1] * y[(1, 0)]
        + k(0.5) * (x.norm_squared() + y.norm_squared())
}

#[test]
fn constant_indexing() {
    let mut rng = rng(204);
    let f = Indexing::new();
    let pts = points(3, &mut rng, |r| (uniform(4, 1, r), uniform(3, 2, r)));
    check_derivatives(&f, &pts, indexing_twin::<H>, &mut rng);

    // The indices bound the dynamic sizes from below.
    let (x, y) = &pts[0];
    let short = DVector::from_element(2, 0.5);
    assert!(f.check_dims(&short, y).is_err());
    let narrow = DMatrix::from_element(3, 1, 0.5);
    assert!(f.check_dims(x, &narrow).is_err());
    assert!(f.check_dims(x, y).is_ok());
}

#[objective]
fn division_and_negation(x: &DVector<f64>, y: &DVector<f64>, lambda: f64) -> f64 {
    let q = x.dot(y) / (1.0 + y.norm_squared());
    -(-q) * std::f64::consts::PI + x.norm_squared() / lambda - (-x).sum() / 2.0
        + (std::f64::consts::PI * x[1]).cos() / (2.0 + x.sum().sin())
        - (-y / 3.0).norm_squared()
}

fn division_and_negation_twin<D: Dual>(x: &[D], y: &[D], lambda: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    let q = x.dot(&y) / (k(1.0) + y.norm_squared());
    -(-q) * k(PI) + x.norm_squared() / lambda - (-&x).sum() / k(2.0)
        + (k(PI) * x[1]).cos() / (k(2.0) + x.sum().sin())
        - (-&y / k(3.0)).norm_squared()
}

#[test]
fn division_unary_minus_and_pi() {
    let mut rng = rng(205);
    let lambda = 0.7;
    let f = DivisionAndNegation::new(lambda);
    let pts = points(3, &mut rng, |r| (uniform(3, 1, r), uniform(3, 1, r)));
    let twin = |x: &[H], y: &[H]| division_and_negation_twin(x, y, H::from(lambda));
    check_derivatives(&f, &pts, twin, &mut rng);
}

#[objective]
fn tr_mul_trace(x: &DMatrix<f64>, y: &DMatrix<f64>, a: &DMatrix<f64>) -> f64 {
    x.tr_mul(&(a * y)).trace() + 0.25 * x.tr_mul(x).norm_squared() + 0.5 * y.norm_squared()
}

fn tr_mul_trace_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dmat(a.nrows(), x), dmat(a.nrows(), y));
    x.tr_mul(&(a * &y)).trace() + k(0.25) * x.tr_mul(&x).norm_squared() + k(0.5) * y.norm_squared()
}

#[test]
fn tr_mul_and_trace() {
    let mut rng = rng(206);
    let (n, r) = (4, 2);
    let a = data(n, n, &mut rng);
    let f = TrMulTrace::new(&a);
    let pts = points(3, &mut rng, |g| (uniform(n, r, g), uniform(n, r, g)));
    let ad = lift(&a);
    check_derivatives(&f, &pts, |x, y| tr_mul_trace_twin(x, y, &ad), &mut rng);
    assert_eq!(f.structure().y, BlockStructure::ScaledIdentity);
    assert_eq!(f.structure().x, BlockStructure::NonQuadratic);
}

#[objective]
fn one_by_one(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    (x.transpose() * a * y)[(0, 0)]
        + (x.transpose() * b * x)[(0, 0)].powi(2) / 8.0
        + (y.transpose() * y)[(0, 0)] * 0.5
}

fn one_by_one_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>, b: &DMatrix<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    (x.transpose() * a * &y)[(0, 0)]
        + (x.transpose() * b * &x)[(0, 0)].powi(2) / k(8.0)
        + (y.transpose() * &y)[(0, 0)] * k(0.5)
}

#[test]
fn one_by_one_products() {
    let mut rng = rng(207);
    let (n, m) = (4, 3);
    let (a, b) = (data(n, m, &mut rng), data(n, n, &mut rng));
    let f = OneByOne::new(&a, &b);
    let pts = points(3, &mut rng, |r| (uniform(n, 1, r), uniform(m, 1, r)));
    let (ad, bd) = (lift(&a), lift(&b));
    check_derivatives(&f, &pts, |x, y| one_by_one_twin(x, y, &ad, &bd), &mut rng);
    assert_eq!(f.structure().y, BlockStructure::ScaledIdentity);
}

#[objective]
fn powers(x: Vector2<f64>, y: Vector2<f64>) -> f64 {
    (x.dot(&y) - 1.0).powi(4)
        + x.norm().powi(3)
        + y.norm_squared().powi(2) / 4.0
        + x.norm() * y.norm()
        + (x[0] + 2.0).powi(-1)
}

fn powers_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (smat::<D, 2, 1>(x), smat::<D, 2, 1>(y));
    (x.dot(&y) - k(1.0)).powi(4)
        + x.norm().powi(3)
        + y.norm_squared().powi(2) / k(4.0)
        + x.norm() * y.norm()
        + (x[0] + k(2.0)).powi(-1)
}

#[test]
fn integer_powers_and_norms() {
    let mut rng = rng(208);
    let pts = points(3, &mut rng, |r| (uniform(2, 1, r), uniform(2, 1, r)));
    check_derivatives(&Powers::new(), &pts, powers_twin::<H>, &mut rng);
}

#[objective]
fn quartic(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    x.norm_squared()
        + y.norm_squared()
        + 3.0 * x.dot(y)
        + (x.norm_squared() + y.norm_squared()).powi(2)
}

fn quartic_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    x.norm_squared()
        + y.norm_squared()
        + k(3.0) * x.dot(&y)
        + (x.norm_squared() + y.norm_squared()).powi(2)
}

#[test]
fn vector_strict_saddle() {
    let mut rng = rng(209);
    let f = Quartic::new();
    let pts = points(3, &mut rng, |r| (uniform(3, 1, r), uniform(3, 1, r)));
    check_derivatives(&f, &pts, quartic_twin::<H>, &mut rng);
    // Hxx = (2 + 4 (|x|^2 + |y|^2)) I + 8 x x^T: strongly convex blocks.
    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
}

#[objective]
fn scale_and_clone(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>) -> f64 {
    let z = x.clone().scale(2.0);
    z.dot(&(a * y)) + 0.5 * (z.norm_squared() + y.clone().norm_squared())
}

fn scale_and_clone_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    let z = x.clone().scale(k(2.0));
    z.dot(&(a * &y)) + k(0.5) * (z.norm_squared() + y.clone().norm_squared())
}

#[test]
fn scale_and_clone_methods() {
    let mut rng = rng(210);
    let (n, m) = (3, 4);
    let a = data(n, m, &mut rng);
    let f = ScaleAndClone::new(&a);
    let pts = points(3, &mut rng, |r| (uniform(n, 1, r), uniform(m, 1, r)));
    let ad = lift(&a);
    // Jointly quadratic in (x, y): the second-order model is exact.
    let twin = |x: &[H], y: &[H]| scale_and_clone_twin(x, y, &ad);
    check_derivatives_with(&f, &pts, twin, &mut rng, |_| Taylor::Quadratic);
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
fn shadowing(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>) -> f64 {
    let r = a * x;
    let r = r - y;
    let e = r.norm_squared();
    let e = 0.5 * e + 1.0;
    e.sqrt() + e.ln() + {
        let s = x.sum();
        s * s
    }
}

fn shadowing_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    let r = a * &x;
    let r = r - &y;
    let e = r.norm_squared();
    let e = k(0.5) * e + k(1.0);
    e.sqrt() + e.ln() + {
        let s = x.sum();
        s * s
    }
}

#[test]
fn let_bindings_shadowing_and_blocks() {
    let mut rng = rng(211);
    let (n, p) = (4, 3);
    let a = data(n, p, &mut rng);
    let f = Shadowing::new(&a);
    let pts = points(3, &mut rng, |r| (uniform(p, 1, r), uniform(n, 1, r)));
    let ad = lift(&a);
    check_derivatives(&f, &pts, |x, y| shadowing_twin(x, y, &ad), &mut rng);
}

#[objective]
fn poisson(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, b: &DVector<f64>, mu: f64) -> f64 {
    let z = a * x + y;
    z.map(|t| t.exp()).sum() - b.dot(&z) + 0.5 * mu * (x.norm_squared() + y.norm_squared())
}

fn poisson_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>, b: &DVector<D>, mu: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    let z = a * &x + &y;
    z.map(|t| t.exp()).sum() - b.dot(&z) + k(0.5) * mu * (x.norm_squared() + y.norm_squared())
}

#[test]
fn poisson_regression_with_newton_blocks() {
    let mut rng = rng(212);
    let (n, p, mu) = (5, 3, 0.1);
    let (a, b) = (data(n, p, &mut rng), data_vec(n, &mut rng));
    let f = Poisson::new(&a, &b, mu);
    let pts = points(3, &mut rng, |r| (uniform(p, 1, r), uniform(n, 1, r)));
    let (ad, bd) = (lift(&a), lift(&b));
    let twin = |x: &[H], y: &[H]| poisson_twin(x, y, &ad, &bd, H::from(mu));
    check_derivatives(&f, &pts, twin, &mut rng);
    // Hxx = a^T diag(exp z) a + mu I and Hyy = diag(exp z) + mu I.
    for (x, y) in &pts {
        check_solvers(&f, x, y, 1.0);
    }
    let expected = Structure {
        x: BlockStructure::NonQuadratic,
        y: BlockStructure::NonQuadratic,
    };
    assert_eq!(f.structure(), expected);
}

#[objective]
fn matrix_map(x: &DMatrix<f64>, y: &SMatrix<f64, 2, 3>) -> f64 {
    x.map(|t| (t * t).sin()).component_mul(y).sum() + 0.5 * (x.norm_squared() + y.norm_squared())
}

fn matrix_map_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dmat(2, x), smat::<D, 2, 3>(y));
    x.map(|t| (t * t).sin()).component_mul(&y).sum()
        + k(0.5) * (x.norm_squared() + y.norm_squared())
}

#[test]
fn map_over_a_dynamic_matrix_against_a_static_one() {
    let mut rng = rng(213);
    let f = MatrixMap::new();
    let pts = points(3, &mut rng, |r| (uniform(2, 3, r), uniform(2, 3, r)));
    check_derivatives(&f, &pts, matrix_map_twin::<H>, &mut rng);
    assert_eq!(f.structure().y, BlockStructure::ScaledIdentity);
}

#[objective]
fn nested_maps(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    let s = y.map(|u| u.cos()).sum();
    x.map(|t| (t + s).tanh()).sum()
        + x.map(|t| t.sin()).map(|t| (t * s).exp()).dot(y)
        + 0.5 * (x.norm_squared() + y.norm_squared())
}

fn nested_maps_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    let s = y.map(|u| u.cos()).sum();
    x.map(|t| (t + s).tanh()).sum()
        + x.map(|t| t.sin()).map(|t| (t * s).exp()).dot(&y)
        + k(0.5) * (x.norm_squared() + y.norm_squared())
}

#[test]
fn maps_of_maps() {
    let mut rng = rng(214);
    let pts = points(3, &mut rng, |r| (uniform(3, 1, r), uniform(3, 1, r)));
    check_derivatives(&NestedMaps::new(), &pts, nested_maps_twin::<H>, &mut rng);
}
