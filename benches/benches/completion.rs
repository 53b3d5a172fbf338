//! One AltMin step of matrix completion with a dense 0/1 mask against
//! alternating least squares written by hand: per row, the Gram matrix of
//! the other factor's observed rows plus the ridge, and an `r` by `r`
//! Cholesky; the observed columns of each row (and rows of each column)
//! are listed once, outside the timed step, as a careful programmer would.
//!
//! Protocol and figures: see the crate documentation (`benches/src/lib.rs`).

use std::hint::black_box;

use altmin_bench::{Contender, Protocol, measure, report, selected, time};
use altmin_core::prelude::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Ridge-regularized matrix completion: `m` observed where `mask` is 1.
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

const LAMBDA: f64 = 0.1;

/// The observed entries of each row of an `n` by `m` problem, as (column,
/// value) pairs.
type Observed = Vec<Vec<(usize, f64)>>;

/// Each row's observed entries, and each column's.
fn observed(mask: &DMatrix<f64>, m: &DMatrix<f64>) -> (Observed, Observed) {
    let (n, k) = m.shape();
    let mut rows = vec![Vec::new(); n];
    let mut cols = vec![Vec::new(); k];
    for j in 0..k {
        for i in 0..n {
            if mask[(i, j)] != 0.0 {
                rows[i].push((j, m[(i, j)]));
                cols[j].push((i, m[(i, j)]));
            }
        }
    }
    (rows, cols)
}

/// The factor whose row `i` solves `(F_i^T F_i + lambda I) z_i = F_i^T m_i`,
/// `F_i` the rows of `other` observed in row `i`.
fn als_half(observed: &Observed, other: &DMatrix<f64>, lambda: f64) -> DMatrix<f64> {
    let r = other.ncols();
    let mut out = DMatrix::zeros(observed.len(), r);
    let mut gram = DMatrix::zeros(r, r);
    let mut rhs = DVector::zeros(r);
    for (i, entries) in observed.iter().enumerate() {
        gram.fill(0.0);
        gram.fill_diagonal(lambda);
        rhs.fill(0.0);
        for &(j, v) in entries {
            let f = other.row(j).transpose();
            gram.ger(1.0, &f, &f, 1.0);
            rhs.axpy(v, &f, 1.0);
        }
        let chol = gram
            .clone()
            .cholesky()
            .expect("the ridge keeps it definite");
        chol.solve_mut(&mut rhs);
        out.set_row(i, &rhs.transpose());
    }
    out
}

#[inline(never)]
fn hand_step(rows: &Observed, cols: &Observed, x: &DMatrix<f64>) -> (DMatrix<f64>, DMatrix<f64>) {
    let y = als_half(cols, x, LAMBDA);
    let x = als_half(rows, &y, LAMBDA);
    (x, y)
}

#[inline(never)]
fn generated_step(
    f: &Completion,
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
) -> (DMatrix<f64>, DMatrix<f64>) {
    let y = f.argmin_y(x, y).expect("the ridge keeps it definite");
    let x = f
        .argmin_x(&x.clone(), &y)
        .expect("the ridge keeps it definite");
    (x, y)
}

fn main() {
    let mut rng = StdRng::seed_from_u64(17);
    println!("one AltMin step of matrix completion, dense mask (ratio = generated / hand-written)");
    for (n, r, density) in [(1000, 10, 0.1), (1000, 10, 0.5)] {
        let case = format!("{n} x {n}, rank {r}, {:.0}% observed", density * 100.0);
        if !selected(&case) {
            continue;
        }
        let mask = DMatrix::from_fn(n, n, |_, _| {
            if rng.random::<f64>() < density {
                1.0
            } else {
                0.0
            }
        });
        let m = DMatrix::from_fn(n, n, |_, _| rng.random_range(-1.0..1.0));
        let x = DMatrix::from_fn(n, r, |_, _| rng.random_range(-1.0..1.0));
        let y = DMatrix::from_fn(n, r, |_, _| rng.random_range(-1.0..1.0));
        let f = Completion::new(&mask, &m, LAMBDA);
        let (rows, cols) = observed(&mask, &m);

        let (xg, yg) = generated_step(&f, &x, &y);
        let (xh, yh) = hand_step(&rows, &cols, &x);
        assert!((&xg - &xh).amax() < 1e-9 && (&yg - &yh).amax() < 1e-9);

        let t = measure(
            &Protocol::new(20, 50),
            &mut [
                Contender::new("generated", || {
                    black_box(generated_step(&f, black_box(&x), black_box(&y)));
                }),
                Contender::new("hand", || {
                    black_box(hand_step(&rows, &cols, black_box(&x)));
                }),
            ],
        );
        let detail = format!(
            "[generated {}, hand-written {}]",
            time(t.median("generated")),
            time(t.median("hand"))
        );
        report(&case, t.ratio("generated", "hand"), None, &detail);
    }
}
