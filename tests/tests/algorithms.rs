//! AltMin and ProxAltMin on generated objectives: the paper's Example 1
//! step by step, sufficient decrease, Newton subproblems around a strict
//! saddle, and every error path returning the last finite iterate.

use altmin_core::prelude::*;
use altmin_core::{BlockId, BlockStructure, NonFiniteSource, Shape};
use rand::SeedableRng;
use rand::rngs::StdRng;
use taylor::{Tally, Taylor};

mod taylor;

#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

/// A strict saddle at the origin; minima at ±(8^-1/2, -8^-1/2).
#[objective]
fn saddle(x: f64, y: f64) -> f64 {
    x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
}

/// Not bi-convex: the x block is concave where |x| is small.
#[objective]
fn double_well(x: &DVector<f64>, y: &DVector<f64>, c: &DVector<f64>) -> f64 {
    x.map(|t| t.powi(4) - t * t).sum() + y.norm_squared() + x.dot(y) + c.dot(y)
}

/// Strictly convex in `x` but without a minimizer in `x`: the slope in `x`
/// tends to -1 and never vanishes.
#[objective]
fn runaway(x: f64, y: f64) -> f64 {
    (1.0 + x * x).sqrt() - 2.0 * x + 0.1 * x * y + y * y
}

fn pca_data(n: usize, m: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    DMatrix::random(Shape::new(n, m), &mut rng).unwrap()
}

#[test]
fn example_1_iterates_are_the_closed_form_at_every_step() {
    let (n, m, lambda) = (30, 20, 0.7);
    let a = pca_data(n, m, 11);
    let f = Rank1Pca::new(&a, lambda);
    assert_eq!(f.structure().x, BlockStructure::ScaledIdentity);
    assert_eq!(f.structure().y, BlockStructure::ScaledIdentity);

    let mut rng = StdRng::seed_from_u64(12);
    let x0 = DVector::random(Shape::new(n, 1), &mut rng).unwrap();
    let mut iterates = Vec::new();
    let solution = AltMin::new(&f)
        .with_tolerance(1e-11)
        .unwrap()
        .with_iterate_observer(|r, x, y| iterates.push((r.iteration, x.clone(), y.clone())))
        .run(&x0, &DVector::zeros(m))
        .unwrap();
    assert!(solution.iterations > 5);

    // The paper's closed form, by hand.
    let mut x = x0.clone();
    for (k, xk, yk) in &iterates[1..] {
        let y = a.tr_mul(&x) / (lambda + x.norm_squared());
        x = &a * &y / (lambda + y.norm_squared());
        let scale = x.norm().max(1.0);
        assert!(
            (xk - &x).norm() <= 1e-12 * scale,
            "x differs at iteration {k}"
        );
        assert!(
            (yk - &y).norm() <= 1e-12 * y.norm().max(1.0),
            "y differs at iteration {k}"
        );
    }

    // The limit is the top singular pair scaled by (sigma_1 - lambda)^(1/2).
    let svd = a.clone().svd(true, true);
    let top = svd.singular_values.imax();
    let sigma = svd.singular_values[top];
    let u = svd.u.unwrap().column(top).into_owned();
    let v = svd.v_t.unwrap().row(top).transpose();
    let s = (sigma - lambda).sqrt();
    let sign = solution.x.dot(&u).signum();
    assert!((&solution.x - &u * (sign * s)).norm() < 1e-8 * s);
    assert!((&solution.y - &v * (sign * s)).norm() < 1e-8 * s);
}

#[test]
fn prox_altmin_decreases_f_by_the_proximal_steps() {
    let a = pca_data(15, 12, 5);
    let pca = Rank1Pca::new(&a, 0.4);
    let c = DVector::from_vec(vec![0.3, -0.2, 0.5]);
    let well = DoubleWell::new(&c);
    let mut rng = StdRng::seed_from_u64(6);

    let x0 = DVector::random(Shape::new(15, 1), &mut rng).unwrap();
    let y0 = DVector::random(Shape::new(12, 1), &mut rng).unwrap();
    check_decrease(&pca, &x0, &y0, Beta::Fixed(2.0));
    let x0 = DVector::random(Shape::new(3, 1), &mut rng).unwrap();
    let y0 = DVector::random(Shape::new(3, 1), &mut rng).unwrap();
    check_decrease(&well, &x0, &y0, Beta::Fixed(20.0));
    check_decrease(&well, &x0, &y0, Beta::default());
}

fn check_decrease<F: BiObjective>(f: &F, x0: &F::X, y0: &F::Y, beta: Beta) {
    let mut previous: Option<(f64, F::X, F::Y)> = None;
    let mut checked = 0;
    let solution = ProxAltMin::new(f)
        .with_beta(beta)
        .unwrap()
        .with_tolerance(1e-9)
        .unwrap()
        .with_max_iters(20_000)
        .unwrap()
        .with_iterate_observer(|r, x, y| {
            if let Some((value, xp, yp)) = &previous {
                let beta = r.beta.expect("ProxAltMin records its beta");
                let mut dx = x.clone();
                dx.add_scaled(-1.0, xp);
                let mut dy = y.clone();
                dy.add_scaled(-1.0, yp);
                let bound = 0.5 * beta * (dx.norm_squared() + dy.norm_squared());
                let slack = 1e-12 * value.abs().max(1.0);
                assert!(
                    value - r.value >= bound - slack,
                    "iteration {}",
                    r.iteration
                );
                checked += 1;
            }
            previous = Some((r.value, x.clone(), y.clone()));
        })
        .run(x0, y0)
        .unwrap();
    assert!(checked >= solution.iterations.min(3));
}

#[test]
fn newton_subproblems_avoid_the_strict_saddle() {
    let f = Saddle::new();
    assert_eq!(f.structure().x, BlockStructure::NonQuadratic);
    let minimum = 8f64.powf(-0.5);
    let mut rng = StdRng::seed_from_u64(9);
    for _ in 0..20 {
        let x0 = <f64 as Block>::random(Shape::new(1, 1), &mut rng).unwrap();
        let y0 = <f64 as Block>::random(Shape::new(1, 1), &mut rng).unwrap();
        for solution in [
            AltMin::new(&f).run(&x0, &y0).unwrap(),
            ProxAltMin::new(&f)
                .with_max_iters(100_000)
                .unwrap()
                .run(&x0, &y0)
                .unwrap(),
        ] {
            assert!(
                (solution.x.abs() - minimum).abs() < 1e-7,
                "x = {}",
                solution.x
            );
            assert!((solution.x + solution.y).abs() < 1e-7);
            let h = f.hess_xx(&solution.x, &solution.y)[(0, 0)];
            assert!(h > 0.0);
        }
    }
}

#[test]
fn errors_come_back_with_the_last_finite_iterate() {
    let a = pca_data(6, 4, 1);
    let f = Rank1Pca::new(&a, 0.2);
    let (x0, y0) = (DVector::from_element(6, 0.5), DVector::zeros(4));

    // Dimensions, checked before the first iteration.
    let short = DVector::from_element(5, 0.5);
    let failure = AltMin::new(&f).run(&short, &y0).unwrap_err();
    assert!(matches!(
        failure.error,
        Error::DimensionMismatch {
            left_dim: 5,
            right_dim: 6,
            ..
        }
    ));
    assert_eq!(failure.x, short);

    // Non-finite data and starts.
    let mut bad = a.clone();
    bad[(2, 1)] = f64::INFINITY;
    let failure = AltMin::new(&Rank1Pca::new(&bad, 0.2))
        .run(&x0, &y0)
        .unwrap_err();
    assert_eq!(failure.error, Error::NonFinite(NonFiniteSource::Data("a")));
    let failure = AltMin::new(&Rank1Pca::new(&a, f64::NAN))
        .run(&x0, &y0)
        .unwrap_err();
    assert_eq!(
        failure.error,
        Error::NonFinite(NonFiniteSource::Data("lambda"))
    );
    let mut nan = x0.clone();
    nan[3] = f64::NAN;
    let failure = ProxAltMin::new(&f).run(&nan, &y0).unwrap_err();
    assert_eq!(
        failure.error,
        Error::NonFinite(NonFiniteSource::Start(BlockId::X))
    );

    // The iteration limit keeps the last iterate, which is AltMin's third.
    let failure = AltMin::new(&f)
        .with_max_iters(3)
        .unwrap()
        .run(&x0, &y0)
        .unwrap_err();
    assert!(matches!(
        failure.error,
        Error::IterationLimit { iterations: 3, .. }
    ));
    let (mut x, mut y) = (x0.clone(), y0.clone());
    for _ in 0..3 {
        y = f.argmin_y(&x, &y).unwrap();
        x = f.argmin_x(&x, &y).unwrap();
    }
    assert_eq!(failure.x, x);
    assert_eq!(failure.y, y);
    assert_eq!(failure.history.len(), 4);

    // A block that is not strongly convex: AltMin refuses, ProxAltMin works.
    let c = DVector::from_vec(vec![0.1, 0.2]);
    let well = DoubleWell::new(&c);
    let start = DVector::from_vec(vec![0.05, -0.02]);
    let failure = AltMin::new(&well)
        .run(&start, &DVector::zeros(2))
        .unwrap_err();
    match failure.error {
        Error::NotStronglyConvex {
            block: BlockId::X,
            min_eigenvalue,
        } => assert!(min_eigenvalue < 0.0),
        ref other => panic!("unexpected {other:?}"),
    }
    assert!(failure.error.to_string().contains("ProxAltMin"));
    assert!(failure.x.all_finite() && failure.y.all_finite());
    assert!(
        ProxAltMin::new(&well)
            .run(&start, &DVector::zeros(2))
            .is_ok()
    );

    // A subproblem with no minimizer: Newton runs off until its steps fail
    // or its Hessian vanishes numerically.
    let failure = AltMin::new(&Runaway::new()).run(&0.5, &0.0).unwrap_err();
    assert!(
        matches!(
            failure.error,
            Error::SubproblemNotConverged {
                block: BlockId::X,
                ..
            } | Error::NotStronglyConvex {
                block: BlockId::X,
                ..
            }
        ),
        "{:?}",
        failure.error
    );
    assert!(failure.x.is_finite() && failure.y.is_finite());

    // Invalid settings are refused by the builders.
    assert!(AltMin::new(&f).with_tolerance(-1.0).is_err());
    assert!(
        ProxAltMin::new(&f)
            .with_beta(Beta::Fixed(f64::NAN))
            .is_err()
    );
    assert!(matches!(
        f.prox_argmin_x(&x0, &y0, -1.0),
        Err(Error::InvalidSetting { name: "beta", .. })
    ));
}

/// The Taylor test reports slopes 2 and 3 for every objective above, at
/// the starts and limits the tests above use and at seeded random points.
#[test]
fn taylor_slopes_at_the_starts_and_the_limits() {
    let mut t = Tally::default();
    let g = Taylor::Generic;
    let mut rng = StdRng::seed_from_u64(13);

    let (n, m) = (30, 20);
    let a = pca_data(n, m, 11);
    let f = Rank1Pca::new(&a, 0.7);
    let x0 = DVector::random(Shape::new(n, 1), &mut StdRng::seed_from_u64(12)).unwrap();
    let y0 = DVector::zeros(m);
    t.check(&f, &x0, &y0, g, "Example 1's start");
    let limit = AltMin::new(&f)
        .with_tolerance(1e-11)
        .unwrap()
        .run(&x0, &y0)
        .unwrap();
    t.check(&f, &limit.x, &limit.y, g, "Example 1's limit");
    t.check_random(&f, (Shape::new(n, 1), Shape::new(m, 1)), 2, &mut rng);

    let f = Saddle::new();
    // f(-x, -y) = f(x, y): no cubic term at the strict saddle.
    t.check(&f, &0.0, &0.0, Taylor::Even, "the strict saddle");
    let mut starts = StdRng::seed_from_u64(9);
    for k in 0..5 {
        let x0 = <f64 as Block>::random(Shape::new(1, 1), &mut starts).unwrap();
        let y0 = <f64 as Block>::random(Shape::new(1, 1), &mut starts).unwrap();
        t.check(&f, &x0, &y0, g, &format!("start {k}"));
        let limit = AltMin::new(&f).run(&x0, &y0).unwrap();
        t.check(&f, &limit.x, &limit.y, g, &format!("limit {k}"));
    }

    let c = DVector::from_vec(vec![0.1, 0.2]);
    let f = DoubleWell::new(&c);
    let start = DVector::from_vec(vec![0.05, -0.02]);
    t.check(&f, &start, &DVector::zeros(2), g, "the refused run's start");
    t.check_random(&f, (Shape::new(2, 1), Shape::new(2, 1)), 3, &mut rng);

    let f = Runaway::new();
    t.check(&f, &0.5, &0.0, g, "the failing run's start");
    t.check_random(&f, (Shape::new(1, 1), Shape::new(1, 1)), 3, &mut rng);

    t.assert_covers(include_str!("algorithms.rs"), "algorithms.rs");
}
