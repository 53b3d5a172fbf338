//! What generated objectives report besides derivatives: dimension and data
//! checks, block shapes fixed by the data, and the errors of the block
//! solvers.

use altmin_core::prelude::*;
use altmin_core::{BlockId, NonFiniteSource, Shape};

use crate::common::{points, rng, uniform};
use crate::taylor::{Taylor, assert_taylor};

#[objective]
fn ridge_factors(x: &DMatrix<f64>, y: &DMatrix<f64>, m: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

#[objective]
fn rank_one(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

#[test]
fn dimensions_are_checked_against_each_other_and_the_data() {
    let m = DMatrix::from_fn(4, 3, |i, j| (i + 2 * j) as f64 * 0.1);
    let f = RidgeFactors::new(&m, 0.1);
    let (x, y) = (
        DMatrix::from_element(4, 2, 0.3),
        DMatrix::from_element(3, 2, -0.2),
    );
    assert_eq!(f.check_dims(&x, &y), Ok(()));
    assert_taylor(&f, &x, &y, Taylor::Generic, "the test's point");

    // The factors' ranks differ.
    let y3 = DMatrix::from_element(3, 3, 0.1);
    assert!(matches!(
        f.check_dims(&x, &y3),
        Err(Error::DimensionMismatch { .. })
    ));
    // `x` has the wrong number of rows for `m`.
    let x5 = DMatrix::from_element(5, 2, 0.1);
    let Err(Error::DimensionMismatch {
        left_dim,
        right_dim,
        ..
    }) = f.check_dims(&x5, &y)
    else {
        panic!("rows of `x` not checked against `m`");
    };
    assert_eq!([left_dim.min(right_dim), left_dim.max(right_dim)], [4, 5]);

    // The data fix the vectors' lengths of the rank-one objective.
    let g = RankOne::new(&m, 0.1);
    let shapes = g.block_shapes();
    assert_eq!(shapes, (Some(Shape::new(4, 1)), Some(Shape::new(3, 1))));
    let mut rng = rng(601);
    for (k, (x, y)) in points(3, &mut rng, |r| (uniform(4, 1, r), uniform(3, 1, r)))
        .iter()
        .enumerate()
    {
        assert_taylor(&g, x, y, Taylor::Generic, &format!("random point {k}"));
    }
}

#[test]
fn non_finite_data_is_named() {
    let mut a = DMatrix::from_element(3, 2, 1.0);
    let f = RankOne::new(&a, 0.5);
    assert_eq!(f.check_data(), Ok(()));
    a[(1, 1)] = f64::NAN;
    assert_eq!(
        RankOne::new(&a, 0.5).check_data(),
        Err(Error::NonFinite(NonFiniteSource::Data("a")))
    );
    let f = RankOne::new(&DMatrix::from_element(3, 2, 1.0), f64::INFINITY);
    assert_eq!(
        f.check_data(),
        Err(Error::NonFinite(NonFiniteSource::Data("lambda")))
    );
}

#[test]
fn solvers_report_errors_as_values() {
    let a = DMatrix::from_fn(3, 2, |i, j| (i as f64) - (j as f64));
    let f = RankOne::new(&a, 0.0);
    let x = DVector::from_element(3, 0.5);
    let zero = DVector::zeros(2);
    assert_taylor(&f, &x, &zero, Taylor::Generic, "(x, 0)");

    // Without ridge and with y = 0 the x-subproblem is flat.
    let Err(Error::NotStronglyConvex {
        block,
        min_eigenvalue,
    }) = f.argmin_x(&x, &zero)
    else {
        panic!("a flat subproblem was solved");
    };
    assert_eq!(block, BlockId::X);
    assert!(min_eigenvalue <= 0.0);
    // A proximal term makes it strongly convex again: x = x_prev + a y / beta.
    assert_eq!(f.prox_argmin_x(&x, &zero, 2.0), Ok(x.clone()));

    // `beta` must be finite and non-negative.
    for beta in [-1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            f.prox_argmin_y(&x, &zero, beta),
            Err(Error::InvalidSetting { name: "beta", .. })
        ));
    }
}

#[objective]
fn indefinite(x: &DVector<f64>, y: &DVector<f64>, mu: f64) -> f64 {
    0.5 * x.dot(y).powi(2) - 0.5 * mu * x.norm_squared() + 0.5 * y.norm_squared() * x[0]
}

#[test]
fn indefinite_subproblems_report_their_smallest_eigenvalue() {
    let f = Indefinite::new(0.1);
    let x = DVector::from_vec(vec![0.5, -0.25, 1.0]);
    let y = DVector::from_vec(vec![0.6, 0.8, 0.0]);
    assert_taylor(&f, &x, &y, Taylor::Generic, "the test's point");
    // Hxx = y y^T - mu I, eigenvalues 1 - mu and -mu (twice).
    assert_eq!(f.structure().x, altmin_core::BlockStructure::Quadratic);
    let Err(Error::NotStronglyConvex {
        block,
        min_eigenvalue,
    }) = f.argmin_x(&x, &y)
    else {
        panic!("an indefinite subproblem was solved");
    };
    assert_eq!(block, BlockId::X);
    assert!((min_eigenvalue + 0.1).abs() < 1e-9, "{min_eigenvalue}");
    // A proximal weight above mu restores strong convexity.
    let xp = f.prox_argmin_x(&x, &y, 0.5).unwrap();
    let r = f.grad_x(&xp, &y) + (&xp - &x) * 0.5;
    assert!(r.norm() < 1e-12);

    // Hyy = x x^T + x0 I: the scaled-identity part turns negative with x0.
    let x_neg = DVector::from_vec(vec![-2.0, 0.0, 0.0]);
    assert_taylor(&f, &x_neg, &y, Taylor::Generic, "(x_neg, y)");
    assert!(matches!(
        f.argmin_y(&x_neg, &y),
        Err(Error::NotStronglyConvex {
            block: BlockId::Y,
            ..
        })
    ));
}
