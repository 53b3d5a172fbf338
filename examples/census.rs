//! A saddle census: AltMin and ProxAltMin from 1000 seeded random starts on
//! rank-1 PCA (the paper's Example 1) and on a two-variable objective with
//! a strict saddle, every limit diagnosed and tallied. From random starts
//! no run ends at a strict saddle; from starts on a saddle's stable
//! manifold, a set of measure zero, every run does.

use altmin_core::census::{Algorithm, Census};
use altmin_core::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Best rank-1 approximation of `a`, ridge-regularized.
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

const STARTS: usize = 1000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    pca()?;
    two_variables()?;
    Ok(())
}

fn pca() -> Result<(), Box<dyn std::error::Error>> {
    let (n, m, lambda) = (12, 9, 1.0);
    let mut rng = StdRng::seed_from_u64(2024);
    let a = DMatrix::random(Shape::new(n, m), &mut rng).ok_or("no random matrix")?;
    let f = Rank1Pca::new(&a, lambda);

    let singular = a.singular_values();
    let sigma = singular.max();
    println!("rank-1 PCA, {n}x{m}, lambda = {lambda}");
    println!(
        "  singular values above lambda: {} (each gives a pair of stationary points; all but \
         the top one strict saddles, and so is the origin)",
        singular.iter().filter(|&&s| s > lambda).count()
    );
    println!(
        "  global minimum 0.5 |A|^2 - 0.5 (sigma_1 - lambda)^2 = {:.12e}\n",
        0.5 * a.norm_squared() - 0.5 * (sigma - lambda).powi(2)
    );

    let census = |algorithm| {
        Census::new(&f)
            .with_starts(STARTS)?
            .with_seed(7)
            .with_algorithm(algorithm)?
            .with_tolerance(1e-10)?
            .with_max_iters(5000)
    };
    println!("{}", census(Algorithm::AltMin)?.run()?);
    println!("{}", census(Algorithm::ProxAltMin(Beta::default()))?.run()?);

    // x_0 = 0 lies on the stable manifold of the saddle at the origin:
    // y_1 = a^T x_0 / (lambda + |x_0|^2) = 0, then x_1 = 0.
    let on_manifold = census(Algorithm::AltMin)?
        .with_starts(100)?
        .with_start_generator(move |_, rng| {
            let y0 = DVector::random(Shape::new(m, 1), rng);
            (DVector::zeros(n), y0.unwrap_or_else(|| DVector::zeros(m)))
        })
        .run()?;
    println!("starts with x0 = 0, on the stable manifold of the origin:\n{on_manifold}");
    Ok(())
}

fn two_variables() -> Result<(), Box<dyn std::error::Error>> {
    let f = Saddle::new();
    println!("x^2 + y^2 + 3xy + (x^2 + y^2)^2: minima at ±(8^-1/2, -8^-1/2), saddle at 0\n");
    for algorithm in [Algorithm::AltMin, Algorithm::ProxAltMin(Beta::default())] {
        let report = Census::new(&f)
            .with_starts(STARTS)?
            .with_seed(11)
            .with_algorithm(algorithm)?
            .with_tolerance(1e-10)?
            .with_max_iters(5000)?
            .run()?;
        println!("{report}");
    }

    // x_0 = 0: y_1 = argmin_y y^2 + y^4 = 0, then x_1 = 0.
    let on_manifold = Census::new(&f)
        .with_starts(100)?
        .with_start_generator(|i, _| (0.0, i as f64 / 10.0))
        .run()?;
    println!("starts with x0 = 0, on the stable manifold of the origin:\n{on_manifold}");
    Ok(())
}
