//! `diagnose` at the size of the dense factorization benchmark: a
//! 1000 x 1000 matrix factored at rank 10, so 10,000 unknowns in each block
//! and 20,000 in all, far above the dense limit. Every spectrum comes from
//! Lanczos on the generated Hessian-vector products.
//!
//! Two points are diagnosed: the origin, a strict saddle whose numbers are
//! known in closed form (the Hessian's eigenvalues are `lambda - sigma_i`
//! and `lambda + sigma_i`, and `rho(Dg) = sigma_1^2 / lambda^2`), checked
//! before anything is printed; and the limit of AltMin from a random
//! start. The time of each diagnosis is printed next to the time of one
//! AltMin step on the same objective, measured in the same run, and as a
//! count of Hessian-vector products of that cost.
//!
//! Run with `cargo bench -p altmin-bench --bench diagnose`.

use std::hint::black_box;
use std::time::Instant;

use altmin_bench::{Contender, Protocol, measure, time};
use altmin_core::prelude::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Ridge-regularized low-rank factorization `m ~ x y^T`.
#[objective]
fn factorization(x: &DMatrix<f64>, y: &DMatrix<f64>, m: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

const N: usize = 1000;
const RANK: usize = 10;
const LAMBDA: f64 = 1.0;
/// Singular values of the planted low-rank part of the data.
const PLANTED: [f64; RANK] = [60.0, 52.0, 45.0, 39.0, 34.0, 30.0, 27.0, 24.0, 22.0, 20.0];

fn main() {
    let mut rng = StdRng::seed_from_u64(5);
    let m = planted_matrix(&mut rng);
    let sigma_1 = m.singular_values().max();
    let f = Factorization::new(&m, LAMBDA);
    let zero = DMatrix::zeros(N, RANK);
    println!(
        "diagnose, dense factorization {N} x {N}, rank {RANK}: {} unknowns",
        2 * N * RANK
    );

    // The cost of one AltMin step and one Hessian-vector product, for scale.
    let x0 = DMatrix::from_fn(N, RANK, |_, _| rng.random_range(-1.0..1.0));
    let t = measure(
        &Protocol::new(10, 20),
        &mut [
            Contender::new("step", || {
                let y = f.argmin_y(black_box(&x0), &zero).expect("strongly convex");
                black_box(f.argmin_x(&x0, &y).expect("strongly convex"));
            }),
            Contender::new("hvp", || {
                black_box(f.hvp_xy(black_box(&x0), &x0, &x0));
            }),
        ],
    );
    let (step, hvp) = (t.median("step"), t.median("hvp"));
    let scale = |seconds: f64| {
        format!(
            "{}: {:.0} AltMin steps, {:.0} cross Hessian-vector products",
            time(seconds),
            seconds / step,
            seconds / hvp
        )
    };

    let started = Instant::now();
    let d = diagnose(&f, &zero, &zero).expect("the origin is a valid point");
    let elapsed = started.elapsed().as_secs_f64();
    check_origin(&d, sigma_1);
    println!("at the origin (strict saddle), {}", scale(elapsed));
    println!("{d}");

    let solution = AltMin::new(&f)
        .with_tolerance(1e-8)
        .and_then(|a| a.with_max_iters(500))
        .expect("valid settings")
        .run(&x0, &zero)
        .expect("AltMin converges on a planted factorization");
    let started = Instant::now();
    let d = diagnose(&f, &solution.x, &solution.y).expect("the limit is a valid point");
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "at the AltMin limit after {} iterations, {}",
        solution.iterations,
        scale(elapsed)
    );
    println!("{d}");
}

/// `U diag(PLANTED) V^T` with random orthonormal `U`, `V`, plus small noise.
fn planted_matrix(rng: &mut StdRng) -> DMatrix<f64> {
    let mut gaussian = |rows, cols| DMatrix::from_fn(rows, cols, |_, _| normal(rng));
    let u = gaussian(N, RANK).qr().q();
    let v = gaussian(N, RANK).qr().q();
    let s = DMatrix::from_diagonal(&DVector::from_column_slice(&PLANTED));
    &u * s * v.transpose() + gaussian(N, N) * 0.01
}

/// A standard normal number (Box-Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    let v: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// The closed forms at the origin: `Hxx = Hyy = lambda I`, the Hessian's
/// smallest eigenvalue is `lambda - sigma_1` and `rho(Dg)` is
/// `sigma_1^2 / lambda^2`.
fn check_origin(d: &altmin_core::Diagnosis<DMatrix<f64>, DMatrix<f64>>, sigma_1: f64) {
    assert!(!d.is_dense(), "20,000 unknowns are diagnosed matrix-free");
    assert!(d.verdict.is_strict_saddle(), "{d}");
    let relative = |a: f64, b: f64| (a - b).abs() / b.abs().max(1.0);
    assert!(
        relative(d.hessian.min, LAMBDA - sigma_1) < 1e-8,
        "lambda_min(H) = {} against {}",
        d.hessian.min,
        LAMBDA - sigma_1
    );
    assert!(relative(d.hess_xx.min, LAMBDA) < 1e-8);
    let rho = d.altmin.spectral_radius().expect("strongly bi-convex");
    let expected = (sigma_1 / LAMBDA).powi(2);
    assert!(
        relative(rho, expected) < 1e-8,
        "rho = {rho} against {expected}"
    );
}
