//! One AltMin step (`argmin_y`, then `argmin_x` at the new `y`) of
//! generated objectives against the same step written by hand:
//!
//! - Example 1, rank-1 PCA, n = m = 2000, against the paper's closed form,
//!   with the step's bandwidth next to the machine's read bandwidth;
//! - dense factorization, 1000 x 1000 data, rank 20, against ALS on the
//!   normal equations (r x r Cholesky);
//! - the same objective with static 3-vectors and 3 x 3 data, against the
//!   closed form with static nalgebra types: steps chained as AltMin runs
//!   them, and independent steps against the closed form bare and with the
//!   checks the generated solvers make; with a count of heap allocations.
//!
//! Protocol and figures: see the crate documentation (`benches/src/lib.rs`).

use std::hint::black_box;

use altmin_bench::{
    Contender, CountingAlloc, Protocol, Timings, measure, number, report, selected, time,
};
use altmin_core::nalgebra::DMatrixView;
use altmin_core::prelude::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// Best rank-1 approximation of `a`, ridge-regularized.
#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

/// Ridge-regularized low-rank factorization `m ~ x y^T`.
#[objective]
fn factorization(x: &DMatrix<f64>, y: &DMatrix<f64>, m: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

/// The factorization objective with static blocks and data.
#[objective]
fn small(x: &SVector<f64, 3>, y: &SVector<f64, 3>, m: &SMatrix<f64, 3, 3>, lambda: f64) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

const LAMBDA: f64 = 0.1;

fn main() {
    let mut rng = StdRng::seed_from_u64(11);
    let mut all_pass = true;
    println!("one AltMin step (ratio = generated / hand-written)");
    if selected("pca") {
        all_pass &= pca(&mut rng);
    }
    if selected("factorization") {
        all_pass &= factorization_dense(&mut rng);
    }
    if selected("static") {
        all_pass &= factorization_static(&mut rng);
    }
    if !all_pass {
        println!("at least one target missed");
    }
}

fn uniform(rng: &mut StdRng) -> f64 {
    rng.random_range(-1.0..1.0)
}

/// Every step function, generated or hand-written, is compiled as a call
/// of its own, so that no contender gains from being inlined into the
/// timing loop.
#[inline(never)]
fn generated_step<F: BiObjective>(f: &F, x: &F::X, y: &F::Y) -> (F::X, F::Y) {
    let y = f
        .argmin_y(x, y)
        .expect("the y subproblem is strongly convex");
    let x = f
        .argmin_x(x, &y)
        .expect("the x subproblem is strongly convex");
    (x, y)
}

fn detail(t: &Timings) -> String {
    format!(
        "[generated {}, hand-written {}]",
        time(t.median("generated")),
        time(t.median("hand"))
    )
}

// Example 1 ------------------------------------------------------------------

/// The paper's closed form: `y = A^T x / (lambda + |x|^2)`, then
/// `x = A y / (lambda + |y|^2)`.
#[inline(never)]
fn pca_hand(a: &DMatrix<f64>, lambda: f64, x: &DVector<f64>) -> (DVector<f64>, DVector<f64>) {
    let y = a.tr_mul(x) / (lambda + x.norm_squared());
    let x = a * &y / (lambda + y.norm_squared());
    (x, y)
}

/// Sums a slice with eight independent accumulators, so that the loop is
/// limited by memory bandwidth rather than by the latency of additions.
fn read_sum(s: &[f64]) -> f64 {
    let mut acc = [0.0; 8];
    let chunks = s.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().sum();
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += v;
        }
    }
    acc.iter().sum::<f64>() + tail
}

fn pca(rng: &mut StdRng) -> bool {
    const N: usize = 2000;
    let a = DMatrix::from_fn(N, N, |_, _| uniform(rng));
    let x = DVector::from_fn(N, |_, _| uniform(rng));
    let y = DVector::from_fn(N, |_, _| uniform(rng));
    let f = Rank1Pca::new(&a, LAMBDA);
    let (xg, yg) = generated_step(&f, &x, &y);
    let (xh, yh) = pca_hand(&a, LAMBDA, &x);
    assert!((xg - xh).amax() < 1e-12 && (yg - yh).amax() < 1e-12);

    let t = measure(
        &Protocol::new(60, 5),
        &mut [
            Contender::new("generated", || {
                black_box(generated_step(&f, black_box(&x), black_box(&y)));
            }),
            Contender::new("hand", || {
                black_box(pca_hand(black_box(&a), black_box(LAMBDA), black_box(&x)));
            }),
            Contender::new("two reads of A", || {
                let s = black_box(a.as_slice());
                black_box(read_sum(s));
                black_box(read_sum(s));
            }),
        ],
    );
    let case = format!("rank-1 PCA, n = m = {N}");
    let pass = report(&case, t.ratio("generated", "hand"), Some(1.05), &detail(&t));

    // Stretch: the step against two plain reads of A.
    let bytes = 2.0 * 8.0 * (N * N) as f64;
    let step = t.throughput("generated", bytes);
    let read = t.throughput("two reads of A", bytes);
    let extra = format!(
        "[step {:.1} GB/s (IQR {:.1} .. {:.1}), read {:.1} GB/s (IQR {:.1} .. {:.1})]",
        step.median / 1e9,
        step.q1 / 1e9,
        step.q3 / 1e9,
        read.median / 1e9,
        read.q1 / 1e9,
        read.q3 / 1e9,
    );
    report(
        "  stretch: step / two reads of A",
        t.ratio("generated", "two reads of A"),
        Some(1.3),
        &extra,
    );
    pass
}

// Dense factorization ---------------------------------------------------------

/// ALS on the normal equations, as a numerical programmer writes it with
/// nalgebra's gemm: `B^T = X^T M` straight from gemm (the transposed
/// right-hand side the solve wants), `G = X^T X + lambda I`, then
/// `Y^T = G^-1 B^T` by an r x r Cholesky; the same for `X` from `M Y`.
#[inline(never)]
fn als_gemm(m: &DMatrix<f64>, lambda: f64, x: &DMatrix<f64>) -> (DMatrix<f64>, DMatrix<f64>) {
    let y = als_half(x, x.transpose() * m, lambda);
    let x = als_half(&y, (m * &y).transpose(), lambda);
    (x, y)
}

/// The same with `B = M^T X` by nalgebra's `tr_mul`.
#[inline(never)]
fn als_tr_mul(m: &DMatrix<f64>, lambda: f64, x: &DMatrix<f64>) -> (DMatrix<f64>, DMatrix<f64>) {
    let y = als_half(x, m.tr_mul(x).transpose(), lambda);
    let x = als_half(&y, (m * &y).transpose(), lambda);
    (x, y)
}

/// The block `Z` solving `Z (F^T F + lambda I) = B`, given `B^T`.
fn als_half(f: &DMatrix<f64>, mut bt: DMatrix<f64>, lambda: f64) -> DMatrix<f64> {
    let mut g = f.tr_mul(f);
    for i in 0..g.nrows() {
        g[(i, i)] += lambda;
    }
    let chol = g.cholesky().expect("the Gram matrix is positive definite");
    chol.solve_mut(&mut bt);
    bt.transpose()
}

/// `A^T B` through gemm, with `A^T` a strided view of `A`: no copy, and
/// matrixmultiply's kernels.
fn tr_mul_gemm(a: &DMatrix<f64>, b: &DMatrix<f64>) -> DMatrix<f64> {
    let (rows, cols) = a.shape();
    let at = DMatrixView::from_slice_with_strides(a.as_slice(), cols, rows, rows, 1);
    at * b
}

fn factorization_dense(rng: &mut StdRng) -> bool {
    const N: usize = 1000;
    const R: usize = 20;
    let m = DMatrix::from_fn(N, N, |_, _| uniform(rng));
    let x = DMatrix::from_fn(N, R, |_, _| uniform(rng));
    let y = DMatrix::from_fn(N, R, |_, _| uniform(rng));
    let f = Factorization::new(&m, LAMBDA);
    let (xg, yg) = generated_step(&f, &x, &y);
    for (xh, yh) in [als_gemm(&m, LAMBDA, &x), als_tr_mul(&m, LAMBDA, &x)] {
        assert!((&xg - xh).amax() < 1e-9 && (&yg - yh).amax() < 1e-9);
    }
    assert!((tr_mul_gemm(&m, &x) - m.tr_mul(&x)).amax() < 1e-10);

    let t = measure(
        &Protocol::new(30, 20),
        &mut [
            Contender::new("generated", || {
                black_box(generated_step(&f, black_box(&x), black_box(&y)));
            }),
            Contender::new("hand", || {
                black_box(als_gemm(black_box(&m), black_box(LAMBDA), black_box(&x)));
            }),
            Contender::new("hand, tr_mul", || {
                black_box(als_tr_mul(black_box(&m), black_box(LAMBDA), black_box(&x)));
            }),
            Contender::new("M^T X by tr_mul", || {
                black_box(black_box(&m).tr_mul(black_box(&x)));
            }),
            Contender::new("M^T X by gemm", || {
                black_box(tr_mul_gemm(black_box(&m), black_box(&x)));
            }),
        ],
    );
    let case = format!("dense factorization, {N} x {N}, r {R}");
    let pass = report(&case, t.ratio("generated", "hand"), Some(1.2), &detail(&t));
    let extra = format!("[ALS with tr_mul {}]", time(t.median("hand, tr_mul")));
    report(
        "  vs ALS with tr_mul for M^T X",
        t.ratio("generated", "hand, tr_mul"),
        None,
        &extra,
    );
    let extra = format!(
        "[tr_mul {}, gemm on a transposed view {}]",
        time(t.median("M^T X by tr_mul")),
        time(t.median("M^T X by gemm"))
    );
    report(
        "  kernel: M^T X, tr_mul / gemm",
        t.ratio("M^T X by tr_mul", "M^T X by gemm"),
        None,
        &extra,
    );
    pass
}

// Static blocks -----------------------------------------------------------------

/// The closed form with static types: `y = M^T x / (lambda + |x|^2)`, then
/// `x = M y / (lambda + |y|^2)`.
#[inline(never)]
fn small_hand(
    m: &SMatrix<f64, 3, 3>,
    lambda: f64,
    x: &SVector<f64, 3>,
) -> (SVector<f64, 3>, SVector<f64, 3>) {
    let y = m.tr_mul(x) / (lambda + x.norm_squared());
    let x = m * y / (lambda + y.norm_squared());
    (x, y)
}

/// [`small_hand`] with the checks every generated block solver makes: a
/// positive Hessian before dividing by it, and a finite result.
#[inline(never)]
fn small_hand_checked(
    m: &SMatrix<f64, 3, 3>,
    lambda: f64,
    x: &SVector<f64, 3>,
) -> Option<(SVector<f64, 3>, SVector<f64, 3>)> {
    let finite = |v: &SVector<f64, 3>| v.iter().all(|t| t.is_finite());
    let c = lambda + x.norm_squared();
    let y = (c > 0.0).then(|| m.tr_mul(x) / c).filter(finite)?;
    let c = lambda + y.norm_squared();
    let x = (c > 0.0).then(|| m * y / c).filter(finite)?;
    Some((x, y))
}

/// Steps timed one after the other, each from the last.
const CHAIN: usize = 16;

fn factorization_static(rng: &mut StdRng) -> bool {
    let m = SMatrix::<f64, 3, 3>::from_fn(|_, _| uniform(rng));
    let x = SVector::<f64, 3>::from_fn(|_, _| uniform(rng));
    let y = SVector::<f64, 3>::from_fn(|_, _| uniform(rng));
    let f = Small::new(&m, LAMBDA);
    let (xg, yg) = generated_step(&f, &x, &y);
    let (xh, yh) = small_hand(&m, LAMBDA, &x);
    assert!((xg - xh).amax() < 1e-12 && (yg - yh).amax() < 1e-12);
    assert_eq!(small_hand_checked(&m, LAMBDA, &x), Some((xh, yh)));

    let allocations = [
        CountingAlloc::during(|| {
            black_box(generated_step(&f, black_box(&x), black_box(&y)));
        }),
        CountingAlloc::during(|| {
            black_box(small_hand(black_box(&m), black_box(LAMBDA), black_box(&x)));
        }),
    ];

    // In AltMin each step starts from the last one, so the primary figure
    // times chains of steps; independent steps from one fixed point, which
    // the processor overlaps, measure throughput instead.
    let t = measure(
        &Protocol::new(50, 3),
        &mut [
            Contender::new("generated", || {
                let (mut xc, mut yc) = (*black_box(&x), *black_box(&y));
                let f = black_box(&f);
                for _ in 0..CHAIN {
                    (xc, yc) = generated_step(f, &xc, &yc);
                }
                black_box((xc, yc));
            }),
            Contender::new("hand", || {
                let (mut xc, mut yc) = (*black_box(&x), *black_box(&y));
                let (m, lambda) = (black_box(&m), black_box(LAMBDA));
                for _ in 0..CHAIN {
                    (xc, yc) = small_hand(m, lambda, &xc);
                }
                black_box((xc, yc));
            }),
            Contender::new("generated, independent", || {
                black_box(generated_step(&f, black_box(&x), black_box(&y)));
            }),
            Contender::new("hand, independent", || {
                black_box(small_hand(black_box(&m), black_box(LAMBDA), black_box(&x)));
            }),
            Contender::new("hand with checks, independent", || {
                black_box(small_hand_checked(
                    black_box(&m),
                    black_box(LAMBDA),
                    black_box(&x),
                ));
            }),
        ],
    );
    let per_step = |name: &str| time(t.median(name) / CHAIN as f64);
    let extra = format!(
        "[generated {}, hand-written {} a step], heap allocations per step: \
         generated {}, hand-written {}",
        per_step("generated"),
        per_step("hand"),
        allocations[0],
        allocations[1]
    );
    let pass = report(
        "static blocks, SVector<f64, 3>",
        t.ratio("generated", "hand"),
        Some(1.1),
        &extra,
    );
    let extra = format!(
        "[generated {}, hand-written {}]",
        time(t.median("generated, independent")),
        time(t.median("hand, independent"))
    );
    report(
        "  independent steps (throughput)",
        t.ratio("generated, independent", "hand, independent"),
        None,
        &extra,
    );
    let extra = format!(
        "[hand-written with checks {}]",
        time(t.median("hand with checks, independent"))
    );
    report(
        "  the same, vs hand-written checks",
        t.ratio("generated, independent", "hand with checks, independent"),
        None,
        &extra,
    );
    if allocations[0] != 0 {
        println!(
            "  the generated step allocates: {}",
            number(allocations[0] as f64)
        );
    }
    pass && allocations[0] == 0
}
