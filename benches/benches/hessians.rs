//! Block Hessians of Example 1 (rank-1 PCA) at n = m = 50: the generated
//! `hess_xx`, `hess_yy` and `hess_xy` against their closed forms written by
//! hand, and, for scale, num-dual's Hessian of the 100 stacked unknowns.
//!
//! Protocol and figures: see the crate documentation (`benches/src/lib.rs`).

use std::hint::black_box;

use altmin_bench::{Contender, Protocol, Summary, measure, number, report, selected, time};
use altmin_core::prelude::*;
use num_dual::{Dual2DVec64, hessian};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Best rank-1 approximation of `a`, ridge-regularized.
#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

/// A way of computing one Hessian block.
type HessianFn<'a> = dyn Fn() -> DMatrix<f64> + 'a;

const N: usize = 50;
const M: usize = 50;
const LAMBDA: f64 = 0.1;
const TARGET: f64 = 1.2;

/// `Hxx = (lambda + |y|^2) I`.
#[inline(never)]
fn hand_xx(x: &DVector<f64>, y: &DVector<f64>, lambda: f64) -> DMatrix<f64> {
    let n = x.len();
    DMatrix::from_diagonal_element(n, n, lambda + y.norm_squared())
}

/// `Hyy = (lambda + |x|^2) I`.
#[inline(never)]
fn hand_yy(x: &DVector<f64>, y: &DVector<f64>, lambda: f64) -> DMatrix<f64> {
    let m = y.len();
    DMatrix::from_diagonal_element(m, m, lambda + x.norm_squared())
}

/// `Hxy = 2 x y^T - A`: one copy of `A`, then one rank-1 update that also
/// negates it (`ger` with `beta = -1`).
#[inline(never)]
fn hand_xy(a: &DMatrix<f64>, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
    let mut h = a.clone();
    h.ger(2.0, x, y, -1.0);
    h
}

/// The generated blocks, each behind a call of its own as the hand-written
/// ones are, so that neither side gains from inlining into the timing loop.
#[inline(never)]
fn generated_xx(f: &Rank1Pca, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
    f.hess_xx(x, y)
}

#[inline(never)]
fn generated_yy(f: &Rank1Pca, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
    f.hess_yy(x, y)
}

#[inline(never)]
fn generated_xy(f: &Rank1Pca, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
    f.hess_xy(x, y)
}

/// The full Hessian of the objective in the stacked unknowns `(x, y)`, by
/// num-dual's second-order dual numbers.
fn num_dual_hessian(a: &DMatrix<f64>, lambda: f64, xy: &DVector<f64>) -> DMatrix<f64> {
    let (n, m) = a.shape();
    let f = |v: DVector<Dual2DVec64>| {
        let (x, y) = (v.rows(0, n), v.rows(n, m));
        let mut fit = Dual2DVec64::from_re(0.0);
        for j in 0..m {
            for i in 0..n {
                let r = &x[i] * &y[j] - a[(i, j)];
                fit += &r * &r;
            }
        }
        let mut ridge = Dual2DVec64::from_re(0.0);
        for t in v.iter() {
            ridge += t * t;
        }
        fit * 0.5 + ridge * (0.5 * lambda)
    };
    hessian(f, xy).2
}

fn main() {
    let mut rng = StdRng::seed_from_u64(7);
    let a = DMatrix::from_fn(N, M, |_, _| rng.random_range(-1.0..1.0));
    let x = DVector::from_fn(N, |_, _| rng.random_range(-1.0..1.0));
    let y = DVector::from_fn(M, |_, _| rng.random_range(-1.0..1.0));
    let f = Rank1Pca::new(&a, LAMBDA);
    check_agreement(&f, &a, &x, &y);

    println!("block Hessians of rank-1 PCA, n = m = {N} (ratio = generated / hand-written)");
    let protocol = Protocol::new(50, 3);
    let mut all_pass = true;
    let cases: [(&str, &HessianFn, &HessianFn); 3] = [
        (
            "hess_xx",
            &|| generated_xx(&f, black_box(&x), black_box(&y)),
            &|| hand_xx(black_box(&x), black_box(&y), black_box(LAMBDA)),
        ),
        (
            "hess_yy",
            &|| generated_yy(&f, black_box(&x), black_box(&y)),
            &|| hand_yy(black_box(&x), black_box(&y), black_box(LAMBDA)),
        ),
        (
            "hess_xy",
            &|| generated_xy(&f, black_box(&x), black_box(&y)),
            &|| hand_xy(black_box(&a), black_box(&x), black_box(&y)),
        ),
    ];
    for (name, generated, hand) in cases {
        if !selected(name) {
            continue;
        }
        let t = measure(
            &protocol,
            &mut [
                Contender::new("generated", || {
                    black_box(generated());
                }),
                Contender::new("hand", || {
                    black_box(hand());
                }),
            ],
        );
        let detail = format!(
            "[generated {}, hand-written {}]",
            time(t.median("generated")),
            time(t.median("hand"))
        );
        all_pass &= report(name, t.ratio("generated", "hand"), Some(TARGET), &detail);
    }

    if selected("num-dual") {
        num_dual_scale(&a, &x, &y);
    }
    if !all_pass {
        println!("at least one target missed");
    }
}

/// Times num-dual's full Hessian against the three hand-written blocks
/// (which together hold the same numbers), with fewer rounds since one call
/// lasts a large fraction of a second.
fn num_dual_scale(a: &DMatrix<f64>, x: &DVector<f64>, y: &DVector<f64>) {
    let xy = DVector::from_iterator(N + M, x.iter().chain(y.iter()).copied());
    let t = measure(
        &Protocol::new(8, 3),
        &mut [
            Contender::new("num-dual", || {
                black_box(num_dual_hessian(
                    black_box(a),
                    black_box(LAMBDA),
                    black_box(&xy),
                ));
            }),
            Contender::new("hand", || {
                let (x, y) = (black_box(x), black_box(y));
                black_box(hand_xx(x, y, LAMBDA));
                black_box(hand_yy(x, y, LAMBDA));
                black_box(hand_xy(a, x, y));
            }),
        ],
    );
    let ratio: Summary = t.ratio("num-dual", "hand");
    let detail = format!(
        "[num-dual {}, hand-written Hxx + Hyy + Hxy {}; about 10^{:.1}]",
        time(t.median("num-dual")),
        time(t.median("hand")),
        ratio.median.log10()
    );
    report("num-dual full Hessian / hand", ratio, None, &detail);
}

/// The generated blocks, the hand-written ones and num-dual's agree.
fn check_agreement(f: &Rank1Pca, a: &DMatrix<f64>, x: &DVector<f64>, y: &DVector<f64>) {
    let pairs = [
        (f.hess_xx(x, y), hand_xx(x, y, LAMBDA)),
        (f.hess_yy(x, y), hand_yy(x, y, LAMBDA)),
        (f.hess_xy(x, y), hand_xy(a, x, y)),
    ];
    for (generated, hand) in &pairs {
        let gap = (generated - hand).amax();
        assert!(
            gap < 1e-12,
            "generated and hand-written Hessians differ by {gap}"
        );
    }
    let xy = DVector::from_iterator(N + M, x.iter().chain(y.iter()).copied());
    let full = num_dual_hessian(a, LAMBDA, &xy);
    let gap = (full.view((0, N), (N, M)) - &pairs[2].1).amax();
    assert!(
        gap < 1e-10,
        "num-dual's cross Hessian differs by {}",
        number(gap)
    );
}
