//! Matrix completion with a mask: recover a rank-5 matrix from 30% of its
//! entries by minimizing `0.5 |W o (X Y^T - M)|^2 + lambda/2 (|X|^2 +
//! |Y|^2)`. The macro reads that each block's Hessian acts row by row, so
//! every block step is one small system a row: AltMin is ALS.
//!
//! The product `X Y^T` settles within a few hundred steps; the balance
//! between `X` and `Y`, which only the small ridge pins down, converges far
//! more slowly, so the runs stop at an iteration limit and the recovery is
//! read from the last iterate that the error hands back.

use std::time::Instant;

use altmin_core::prelude::*;
use altmin_core::{Failure, RunResult, SmoothnessSettings};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Masked low-rank fit, ridge-regularized.
#[objective]
fn completion(
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
    mask: &DMatrix<f64>,
    m: &DMatrix<f64>,
    lambda: f64,
) -> f64 {
    0.5 * mask.component_mul(&(m - x * y.transpose())).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (n, m, r, observed, lambda) = (400, 300, 5, 0.3, 1e-2);
    let mut rng = StdRng::seed_from_u64(2026);
    let u = DMatrix::random(Shape::new(n, r), &mut rng).ok_or("no random factor")?;
    let v = DMatrix::random(Shape::new(m, r), &mut rng).ok_or("no random factor")?;
    let truth = &u * v.transpose();
    let mask = DMatrix::from_fn(n, m, |_, _| {
        if rng.random::<f64>() < observed {
            1.0
        } else {
            0.0
        }
    });
    let f = Completion::new(&mask, &truth.component_mul(&mask), lambda);
    println!(
        "rank {r}, {n} x {m}, {:.1}% of the entries observed",
        100.0 * mask.sum() / (n * m) as f64
    );
    println!("{}", f.structure());

    let x0 = DMatrix::random(Shape::new(n, r), &mut rng).ok_or("no random start")?;
    let y0 = DMatrix::random(Shape::new(m, r), &mut rng).ok_or("no random start")?;
    let unseen = mask.map(|w| 1.0 - w);
    let report = |name: &str, run: RunResult<DMatrix<f64>, DMatrix<f64>>, seconds: f64| {
        let (x, y, how) = match run {
            Ok(s) => (
                s.x,
                s.y,
                format!("converged in {} iterations", s.iterations),
            ),
            Err(Failure { error, x, y, .. }) => (x, y, format!("{error}")),
        };
        let fit = &x * y.transpose();
        let all = (&fit - &truth).norm() / truth.norm();
        let hidden =
            (&fit - &truth).component_mul(&unseen).norm() / truth.component_mul(&unseen).norm();
        println!("{name} ({seconds:.2} s): {how}");
        println!("  relative error {all:.2e} over all entries, {hidden:.2e} over the unobserved");
    };

    let start = Instant::now();
    let run = AltMin::new(&f).with_max_iters(300)?.run(&x0, &y0);
    report("AltMin", run, start.elapsed().as_secs_f64());

    // beta = 1.1 L_f, with the block Hessians' norms on the sublevel set
    // taken by Lanczos on Hessian-vector products at every size.
    let estimate = SmoothnessSettings {
        dense_limit: 0,
        ..SmoothnessSettings::DEFAULT
    };
    let start = Instant::now();
    let run = ProxAltMin::new(&f)
        .with_max_iters(300)?
        .with_beta(Beta::Estimated(estimate))?
        .run(&x0, &y0);
    report(
        "ProxAltMin, beta = 1.1 L_f",
        run,
        start.elapsed().as_secs_f64(),
    );
    Ok(())
}
