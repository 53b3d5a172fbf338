//! Fuzzing of run-time inputs: random and mismatched dimensions, NaN and
//! infinity in data and starts, indefinite blocks and zero data, through
//! AltMin, ProxAltMin, `diagnose` and `check_derivatives`. Every call must
//! return a value or an error value, never panic, and a failed run that
//! started from finite blocks must hand back finite blocks.

use std::panic::{AssertUnwindSafe, catch_unwind};

use altmin_core::prelude::*;
use altmin_core::{Diagnose, Failure, check_derivatives};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

#[objective]
fn factors(x: &DMatrix<f64>, y: &DMatrix<f64>, m: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

#[objective]
fn fixed(x: &SVector<f64, 3>, y: &Vector2<f64>, a: &DMatrix<f64>, c: f64) -> f64 {
    let r = a * y - x;
    r.norm_squared() + c * x.map(|t| t.powi(4) - t * t).sum() + y.norm_squared()
}

#[objective]
fn curved(x: f64, y: &DVector<f64>, b: &DVector<f64>) -> f64 {
    (x * y - b).map(|t| (1.0 + t * t).ln()).sum() + x * x * x * x - x * x + y.norm_squared()
}

/// A random entry: mostly normal, sometimes NaN, infinite, huge or zero.
fn entry(rng: &mut StdRng, poison: f64) -> f64 {
    if rng.random::<f64>() >= poison {
        return rng.random_range(-2.0..2.0);
    }
    match rng.random_range(0..5) {
        0 => f64::NAN,
        1 => f64::INFINITY,
        2 => f64::NEG_INFINITY,
        3 => 1e300,
        _ => 0.0,
    }
}

fn matrix(rng: &mut StdRng, rows: usize, cols: usize, poison: f64, zero: bool) -> DMatrix<f64> {
    DMatrix::from_fn(
        rows,
        cols,
        |_, _| if zero { 0.0 } else { entry(rng, poison) },
    )
}

/// Sizes near `n`, off by one now and then.
fn size(rng: &mut StdRng, n: usize) -> usize {
    if rng.random::<f64>() < 0.15 {
        (n + rng.random_range(0..3)).saturating_sub(1).max(1)
    } else {
        n
    }
}

/// The outcome counts of one entry point.
#[derive(Default, Debug)]
struct Counts {
    calls: usize,
    values: usize,
    errors: usize,
}

/// A run of one algorithm, reduced to its failure.
type Run<'a, F> =
    dyn Fn() -> Result<(), Failure<<F as BiObjective>::X, <F as BiObjective>::Y>> + 'a;

/// Calls every entry point on `f` at `(x0, y0)`; panics become test
/// failures through `failures`.
fn exercise<F>(f: &F, x0: &F::X, y0: &F::Y, counts: &mut [Counts; 4], failures: &mut Vec<String>)
where
    F: BiObjective,
{
    let finite_start = x0.all_finite() && y0.all_finite();
    let runs: [&Run<F>; 2] = [
        &|| {
            AltMin::new(f)
                .with_max_iters(40)
                .map_err(|e| start_failure(e, x0, y0))?
                .run(x0, y0)
                .map(|_| ())
        },
        &|| {
            ProxAltMin::new(f)
                .with_max_iters(40)
                .map_err(|e| start_failure(e, x0, y0))?
                .run(x0, y0)
                .map(|_| ())
        },
    ];
    for (i, run) in runs.iter().enumerate() {
        counts[i].calls += 1;
        match catch_unwind(AssertUnwindSafe(run)) {
            Err(_) => failures.push(format!("entry point {i} panicked")),
            Ok(Ok(())) => counts[i].values += 1,
            Ok(Err(failure)) => {
                counts[i].errors += 1;
                let returned_finite = failure.x.all_finite() && failure.y.all_finite();
                if finite_start && !returned_finite {
                    failures.push(format!(
                        "entry point {i} lost the last finite iterate: {}",
                        failure.error
                    ));
                }
            }
        }
    }
    counts[2].calls += 1;
    let diagnosis = catch_unwind(AssertUnwindSafe(|| {
        Diagnose::new(f)
            .with_krylov_steps(40)
            .map(|d| d.run(x0, y0).map(|_| ()))
    }));
    match diagnosis {
        Err(_) => failures.push("diagnose panicked".to_string()),
        Ok(Ok(Ok(()))) => counts[2].values += 1,
        Ok(_) => counts[2].errors += 1,
    }
    counts[3].calls += 1;
    match catch_unwind(AssertUnwindSafe(|| {
        check_derivatives(f, x0, y0).map(|_| ())
    })) {
        Err(_) => failures.push("check_derivatives panicked".to_string()),
        Ok(Ok(())) => counts[3].values += 1,
        Ok(Err(_)) => counts[3].errors += 1,
    }
}

fn start_failure<X: Clone, Y: Clone>(error: Error, x: &X, y: &Y) -> Failure<X, Y> {
    Failure {
        error,
        x: x.clone(),
        y: y.clone(),
        iterations: 0,
        history: Vec::new(),
    }
}

#[test]
fn bad_inputs_give_errors_never_panics() {
    const TRIALS: usize = 1_200;
    let mut rng = StdRng::seed_from_u64(2718);
    let mut counts: [Counts; 4] = Default::default();
    let mut failures = Vec::new();

    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for trial in 0..TRIALS {
        let poison = [0.0, 0.02, 0.2][trial % 3];
        let zero = rng.random::<f64>() < 0.05;
        let lambda = match rng.random_range(0..6) {
            0 => -1.0,
            1 => 0.0,
            2 => entry(&mut rng, 0.5),
            _ => rng.random_range(0.01..1.0),
        };
        let (n, m) = (rng.random_range(1..5), rng.random_range(1..5));
        match trial % 4 {
            0 => {
                let f = Rank1Pca::new(&matrix(&mut rng, n, m, poison, zero), lambda);
                let x0 = DVector::from_fn(size(&mut rng, n), |_, _| entry(&mut rng, poison));
                let y0 = DVector::from_fn(size(&mut rng, m), |_, _| entry(&mut rng, poison));
                exercise(&f, &x0, &y0, &mut counts, &mut failures);
            }
            1 => {
                let r = rng.random_range(1..3);
                let f = Factors::new(&matrix(&mut rng, n, m, poison, zero), lambda);
                let (xr, xc, yr) = (size(&mut rng, n), size(&mut rng, r), size(&mut rng, m));
                let x0 = matrix(&mut rng, xr, xc, poison, false);
                let y0 = matrix(&mut rng, yr, r, poison, false);
                exercise(&f, &x0, &y0, &mut counts, &mut failures);
            }
            2 => {
                let rows = size(&mut rng, 3);
                let f = Fixed::new(&matrix(&mut rng, rows, 2, poison, zero), lambda);
                let x0 = SVector::<f64, 3>::from_fn(|_, _| entry(&mut rng, poison));
                let y0 = Vector2::from_fn(|_, _| entry(&mut rng, poison));
                exercise(&f, &x0, &y0, &mut counts, &mut failures);
            }
            _ => {
                let b =
                    DVector::from_fn(m, |_, _| if zero { 0.0 } else { entry(&mut rng, poison) });
                let f = Curved::new(&b);
                let x0 = entry(&mut rng, poison);
                let y0 = DVector::from_fn(size(&mut rng, m), |_, _| entry(&mut rng, poison));
                exercise(&f, &x0, &y0, &mut counts, &mut failures);
            }
        }
    }
    std::panic::set_hook(hook);

    let names = ["AltMin", "ProxAltMin", "diagnose", "check_derivatives"];
    for (name, c) in names.iter().zip(&counts) {
        println!(
            "{name}: {} calls, {} values, {} errors",
            c.calls, c.values, c.errors
        );
        assert!(c.calls >= 1_000);
        assert!(
            c.errors > 0 && c.values > 0,
            "{name} saw only one kind of outcome"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
