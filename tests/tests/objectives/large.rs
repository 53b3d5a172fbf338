//! Blocks above the dense limit of the subproblem solvers, where conjugate
//! gradients replace Cholesky. Derivatives are checked at a small size,
//! solvers at the large one.

use altmin_core::prelude::*;
use altmin_core::solve::SubproblemSettings;
use altmin_core::{BlockStructure, Structure};

use crate::common::{
    Dual, H, check_argmin_x, check_argmin_y, check_derivatives, check_derivatives_with,
    check_prox_x, check_prox_y, data, data_vec, dvec, lift, points, rng, uniform,
};
use crate::taylor::Taylor;

/// Above the dense limit.
fn large() -> usize {
    SubproblemSettings::DEFAULT.dense_limit + 100
}

#[objective]
fn diagonal_plus_ones(x: &DVector<f64>, y: &DVector<f64>, b: &DVector<f64>) -> f64 {
    0.5 * x.component_mul(y).norm_squared() + 0.5 * x.sum().powi(2) + 0.5 * x.norm_squared()
        - b.dot(x)
        + 0.5 * y.norm_squared()
}

fn diagonal_plus_ones_twin<D: Dual>(x: &[D], y: &[D], b: &DVector<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    k(0.5) * x.component_mul(&y).norm_squared()
        + k(0.5) * x.sum().powi(2)
        + k(0.5) * x.norm_squared()
        - b.dot(&x)
        + k(0.5) * y.norm_squared()
}

#[test]
fn large_quadratic_blocks_by_conjugate_gradients() {
    let mut rng = rng(501);
    let b = data_vec(4, &mut rng);
    let small = DiagonalPlusOnes::new(&b);
    let pts = points(3, &mut rng, |r| (uniform(4, 1, r), uniform(4, 1, r)));
    let bd = lift(&b);
    check_derivatives(
        &small,
        &pts,
        |x, y| diagonal_plus_ones_twin(x, y, &bd),
        &mut rng,
    );
    // Hxx = diag(y^2) + 1 1^T + I, by conjugate gradients at the large
    // size; Hyy = diag(x^2) + I acts entry by entry, one division a row.
    let expected = Structure {
        x: BlockStructure::Quadratic,
        y: BlockStructure::RowBlocks,
    };
    assert_eq!(small.structure(), expected);

    let n = large();
    let f = DiagonalPlusOnes::new(&data_vec(n, &mut rng));
    let (x, y): (DVector<f64>, DVector<f64>) = (uniform(n, 1, &mut rng), uniform(n, 1, &mut rng));
    check_argmin_x(&f, &x, &y);
    check_argmin_y(&f, &x, &y);
    check_prox_x(&f, &x, &y, 0.5);
    check_prox_y(&f, &x, &y, 0.5);
}

#[objective]
fn wide_regression(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a * y - x).norm_squared() + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

fn wide_regression_twin<D: Dual>(x: &[D], y: &[D], a: &DMatrix<D>, lambda: D) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    k(0.5) * (a * &y - &x).norm_squared() + k(0.5) * lambda * (x.norm_squared() + y.norm_squared())
}

#[test]
fn large_vector_block_with_a_left_product_hessian() {
    let mut rng = rng(502);
    let (n, lambda) = (5, 0.5);
    let a = data(n, 4, &mut rng);
    let small = WideRegression::new(&a, lambda);
    let pts = points(3, &mut rng, |r| (uniform(n, 1, r), uniform(4, 1, r)));
    let ad = lift(&a);
    let twin = |x: &[H], y: &[H]| wide_regression_twin(x, y, &ad, H::from(lambda));
    // Jointly quadratic in (x, y): the second-order model is exact.
    check_derivatives_with(&small, &pts, twin, &mut rng, |_| Taylor::Quadratic);
    // Hxx = (1 + lambda) I; Hyy = a^T a + lambda I, reported as dense
    // quadratic for a vector.
    let expected = Structure {
        x: BlockStructure::ScaledIdentity,
        y: BlockStructure::Quadratic,
    };
    assert_eq!(small.structure(), expected);

    let m = large();
    let f = WideRegression::new(&data(n, m, &mut rng), lambda);
    let (x, y): (DVector<f64>, DVector<f64>) = (uniform(n, 1, &mut rng), uniform(m, 1, &mut rng));
    check_argmin_x(&f, &x, &y);
    check_argmin_y(&f, &x, &y);
    check_prox_y(&f, &x, &y, 1.0);
}

#[objective]
fn exponential_family(x: &DVector<f64>, y: &DVector<f64>, b: &DVector<f64>) -> f64 {
    x.map(|t| t.exp()).sum() - b.dot(x)
        + 0.5 * x.component_mul(y).norm_squared()
        + 0.5 * y.norm_squared()
}

fn exponential_family_twin<D: Dual>(x: &[D], y: &[D], b: &DVector<D>) -> D {
    let k = |v: f64| D::from(v);
    let (x, y) = (dvec(x), dvec(y));
    x.map(|t| t.exp()).sum() - b.dot(&x)
        + k(0.5) * x.component_mul(&y).norm_squared()
        + k(0.5) * y.norm_squared()
}

#[test]
fn large_newton_block_by_conjugate_gradients() {
    let mut rng = rng(503);
    let b = data_vec(4, &mut rng);
    let small = ExponentialFamily::new(&b);
    let pts = points(3, &mut rng, |r| (uniform(4, 1, r), uniform(4, 1, r)));
    let bd = lift(&b);
    check_derivatives(
        &small,
        &pts,
        |x, y| exponential_family_twin(x, y, &bd),
        &mut rng,
    );
    assert_eq!(small.structure().x, BlockStructure::NonQuadratic);

    let n = large();
    let f = ExponentialFamily::new(&data_vec(n, &mut rng));
    let (x, y): (DVector<f64>, DVector<f64>) = (uniform(n, 1, &mut rng), uniform(n, 1, &mut rng));
    // Hxx = diag(exp x + y^2) is positive definite.
    check_argmin_x(&f, &x, &y);
    check_prox_x(&f, &x, &y, 1.0);
    check_argmin_y(&f, &x, &y);
}
