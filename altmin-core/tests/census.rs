//! The saddle census on the paper's rank-1 PCA and on a two-variable
//! objective with a strict saddle: from random starts no run ends at a
//! strict saddle, and from a start on the saddle's stable manifold the run
//! does.

use std::time::Instant;

use altmin_core::census::{Algorithm, Census, Clustering, VerdictKind};
use altmin_core::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Best rank-1 approximation of `a`, ridge-regularized (Example 1).
#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

/// A strict saddle at the origin, minima at `±(t, -t)` with `t = 8^(-1/2)`.
#[objective]
fn saddle(x: f64, y: f64) -> f64 {
    x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
}

const LAMBDA: f64 = 1.0;

fn pca_data() -> DMatrix<f64> {
    let mut rng = StdRng::seed_from_u64(2024);
    DMatrix::random(Shape::new(12, 9), &mut rng).expect("a dynamic shape always fits")
}

/// The top singular pair `(sigma_1, u_1, v_1)` of `a`.
fn top_pair(a: &DMatrix<f64>) -> (f64, DVector<f64>, DVector<f64>) {
    let svd = a.clone().svd(true, true);
    let top = svd.singular_values.imax();
    let u = svd.u.expect("requested").column(top).into_owned();
    let v = svd.v_t.expect("requested").row(top).transpose();
    (svd.singular_values[top], u, v)
}

#[test]
fn altmin_on_rank1_pca_ends_at_the_global_minimum_from_random_starts() {
    let a = pca_data();
    let f = Rank1Pca::new(&a, LAMBDA);
    let (sigma, _, _) = top_pair(&a);
    assert!(LAMBDA < sigma);
    let optimum = 0.5 * a.norm_squared() - 0.5 * (sigma - LAMBDA).powi(2);

    let clock = Instant::now();
    let report = Census::new(&f)
        .with_starts(1000)
        .unwrap()
        .with_seed(7)
        .with_tolerance(1e-10)
        .unwrap()
        .with_max_iters(2000)
        .unwrap()
        .run()
        .unwrap();
    let elapsed = clock.elapsed();
    println!("{report}\nin {elapsed:?}");

    assert_eq!(report.strict_saddles(), 0, "{report}");
    assert_eq!(report.iteration_limits(), 0, "{report}");
    assert_eq!(report.failed(), 0, "{report}");
    assert_eq!(report.converged(), 1000);
    for limit in &report.limits {
        assert_eq!(limit.verdict, VerdictKind::LocalMinimum, "{report}");
        let gap = (limit.value - optimum).abs() / optimum.abs();
        assert!(
            gap < 1e-9,
            "value {} against {optimum}: {gap:e}",
            limit.value
        );
    }
    // the two minima ±(x*, y*)
    assert_eq!(report.limits.len(), 2, "{report}");
    assert!(elapsed.as_secs_f64() < 10.0, "{elapsed:?}");
}

#[test]
fn both_algorithms_avoid_the_strict_saddle_of_the_two_variable_objective() {
    let f = Saddle::new();
    for algorithm in [Algorithm::AltMin, Algorithm::ProxAltMin(Beta::default())] {
        let report = Census::new(&f)
            .with_starts(1000)
            .unwrap()
            .with_seed(11)
            .with_algorithm(algorithm)
            .unwrap()
            .with_tolerance(1e-10)
            .unwrap()
            .with_max_iters(5000)
            .unwrap()
            .run()
            .unwrap();
        println!("{report}");

        assert_eq!(report.strict_saddles(), 0, "{report}");
        assert_eq!(report.failed(), 0, "{report}");
        assert_eq!(report.count(VerdictKind::LocalMinimum), 1000, "{report}");
        assert_eq!(report.limits.len(), 2, "{report}");
        let t = 8.0_f64.sqrt().recip();
        for limit in &report.limits {
            assert!((limit.value + 0.0625).abs() < 1e-12, "{report}");
            assert!((limit.x.abs() - t).abs() < 1e-8 && (limit.x + limit.y).abs() < 1e-8);
        }
        // both minima are reached, from about half of the starts each
        assert!(report.limits.iter().all(|l| l.count > 350), "{report}");

        let values = Census::new(&f)
            .with_starts(1000)
            .unwrap()
            .with_seed(11)
            .with_algorithm(algorithm)
            .unwrap()
            .with_clustering(Clustering::ByValue)
            .run()
            .unwrap();
        assert_eq!(values.limits.len(), 1, "{values}");
    }
}

/// The cosine of the angle between `v` and `w`, up to sign.
fn abs_cos(v: &DVector<f64>, w: &DVector<f64>) -> f64 {
    v.dot(w).abs() / (v.norm() * w.norm())
}

#[test]
fn from_the_stable_manifold_altmin_ends_at_the_strict_saddle_of_rank1_pca() {
    let a = pca_data();
    let f = Rank1Pca::new(&a, LAMBDA);
    let (sigma, u, v) = top_pair(&a);
    let mut rng = StdRng::seed_from_u64(3);
    let y0 = DVector::random(Shape::new(9, 1), &mut rng).expect("a dynamic shape");

    // y_1 = a^T x_0 / (lambda + |x_0|^2) = 0, then x_1 = 0: the origin
    let solution = AltMin::new(&f).run(&DVector::zeros(12), &y0).unwrap();
    assert_eq!(solution.x, DVector::zeros(12));
    assert_eq!(solution.y, DVector::zeros(9));

    let d = diagnose(&f, &solution.x, &solution.y).unwrap();
    assert!(d.verdict.is_strict_saddle(), "{d}");
    assert!((d.hessian.min - (LAMBDA - sigma)).abs() < 1e-10 * sigma);
    let (dx, dy) = d.escape_direction().unwrap();
    let escape = DVector::from_iterator(21, dx.iter().chain(dy.iter()).copied());
    let top = DVector::from_iterator(21, u.iter().chain(v.iter()).copied());
    let cos = abs_cos(&escape, &top);
    assert!(cos > 1.0 - 1e-8, "|cos| = {cos}");

    // the whole set {x_0 = 0} is attracted: a census of such starts
    let report = Census::new(&f)
        .with_starts(20)
        .unwrap()
        .with_start_generator(|_, rng| {
            let y0 = DVector::random(Shape::new(9, 1), rng);
            (DVector::zeros(12), y0.unwrap_or_else(|| DVector::zeros(9)))
        })
        .run()
        .unwrap();
    assert_eq!(report.strict_saddles(), 20, "{report}");
    assert_eq!(report.limits.len(), 1);
}

#[test]
fn from_the_stable_manifold_altmin_stays_at_the_saddle_of_the_two_variable_objective() {
    let f = Saddle::new();
    let solution = AltMin::new(&f).run(&0.0, &0.7).unwrap();
    assert!(
        solution.x.abs() < 1e-12 && solution.y.abs() < 1e-12,
        "{solution}"
    );

    let d = diagnose(&f, &solution.x, &solution.y).unwrap();
    assert!(d.verdict.is_strict_saddle(), "{d}");
    assert!((d.hessian.min + 1.0).abs() < 1e-9);
    let (dx, dy) = d.escape_direction().unwrap();
    // the eigenvector of -1 is (1, -1) / 2^(1/2)
    assert!((dx + dy).abs() < 1e-9 && (dx.abs() - 0.5_f64.sqrt()).abs() < 1e-9);
}
