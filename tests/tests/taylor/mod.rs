//! `altmin_core::check_derivatives` held to its slopes on both sides: the
//! first-order remainder within [`SLOPE_TOLERANCE`] of 2 and the
//! second-order one within it of 3, at every point it is asked about.
//!
//! A remainder may leave that window only for a reason stated by the
//! caller and checked here from the objective's values:
//!
//! - [`Taylor::Quadratic`]: `f` is a polynomial of degree two in `(x, y)`
//!   jointly, so the second-order model is exact and its remainder stays
//!   at the level of rounding errors (`check_derivatives` reports no slope);
//! - [`Taylor::Even`]: `f(z + h d) = f(z - h d)` about the point, so the
//!   cubic term vanishes and the second-order remainder shrinks like `h^4`;
//! - [`Taylor::LateAsymptote`]: the cubic term is small along the direction
//!   `check_derivatives` reports, so the local slopes come down to 3 only
//!   near the rounding level; its fit averages the whole run, the steps
//!   where they still exceed 3 included.
#![allow(dead_code, reason = "each test binary uses a part of the module")]

use std::collections::BTreeSet;

use altmin_core::{BiObjective, Block, DerivativeVerdict, Remainder, SLOPE_TOLERANCE, Shape};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// What the Taylor remainders of `f` at a point are expected to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taylor {
    /// Slopes 2 and 3.
    Generic,
    /// Slope 2, and a second-order remainder exact to rounding: `f` is
    /// quadratic in `(x, y)` jointly.
    Quadratic,
    /// Slopes 2 and 4: `f` is even about the point.
    Even,
    /// Slope 2, and a fitted second-order slope above 3 whose last local
    /// slopes, at the smallest steps of the run, are within the tolerance
    /// of 3.
    LateAsymptote,
}

/// Runs `altmin_core::check_derivatives(f, x, y)` and asserts what
/// `expect` says about its remainders; `at` names the point in messages.
///
/// Returns the name of `f`'s type, for the callers that tally what they
/// checked.
pub fn assert_taylor<F: BiObjective>(
    f: &F,
    x: &F::X,
    y: &F::Y,
    expect: Taylor,
    at: &str,
) -> &'static str {
    let name = std::any::type_name::<F>();
    let at = format!("{name} at {at}");
    let check = altmin_core::check_derivatives(f, x, y)
        .unwrap_or_else(|e| panic!("{at}: check_derivatives: {e}"));
    assert_eq!(
        check.verdict,
        DerivativeVerdict::Consistent,
        "{at}: {check}"
    );
    assert_slope(&check.gradient, 2.0, &format!("{at}: first-order"));

    let second = format!("{at}: second-order");
    match expect {
        Taylor::Generic => assert_slope(&check.hessian, 3.0, &second),
        Taylor::Quadratic => {
            assert_quadratic(f, x, y, &at);
            assert_eq!(
                check.hessian.slope, None,
                "{second}: f is quadratic in (x, y), so the second-order \
                 model is exact and the remainder must stay at rounding level"
            );
        }
        Taylor::Even => {
            assert_even(f, x, y, &at);
            assert_slope(
                &check.hessian,
                4.0,
                &format!("{second} (f is even about the point: no cubic term)"),
            );
        }
        Taylor::LateAsymptote => assert_late_asymptote(&check.hessian, &second),
    }
    name
}

/// Asserts a fitted slope within the tolerance of `want`, on both sides.
fn assert_slope(r: &Remainder, want: f64, what: &str) {
    let Some(slope) = r.slope else {
        panic!("{what}: no slope (exact to rounding) where {want} is expected: {r}");
    };
    assert!(
        (slope - want).abs() <= SLOPE_TOLERANCE,
        "{what}: slope {slope:.4} is not within {SLOPE_TOLERANCE} of {want}: {:?}",
        r.points
    );
}

/// The local slopes of `log r` against `log h` between consecutive steps.
fn local_slopes(points: &[(f64, f64)]) -> Vec<f64> {
    points
        .windows(2)
        .map(|w| (w[0].1 / w[1].1).ln() / (w[0].0 / w[1].0).ln())
        .collect()
}

/// The pre-asymptotic bias of [`Taylor::LateAsymptote`]: the fit lies above
/// the window, within twice the tolerance, and the local slopes fall
/// towards 3 and end within the tolerance of it.
fn assert_late_asymptote(r: &Remainder, what: &str) {
    let Some(slope) = r.slope else {
        panic!("{what}: no slope where one above 3 is expected: {r}");
    };
    assert!(
        slope > 3.0 + SLOPE_TOLERANCE && slope <= 3.0 + 2.0 * SLOPE_TOLERANCE,
        "{what}: slope {slope:.4} is no longer the known late asymptote; \
         if it is within {SLOPE_TOLERANCE} of 3, expect `Taylor::Generic` here"
    );
    let local = local_slopes(&r.points);
    let last = *local.last().expect("a fitted run has local slopes");
    assert!(
        (last - 3.0).abs() <= SLOPE_TOLERANCE,
        "{what}: the local slopes {local:.3?} do not come down to 3"
    );
    assert!(
        local
            .windows(2)
            .all(|w| w[1] <= w[0] + SLOPE_TOLERANCE / 2.0),
        "{what}: the local slopes {local:.3?} do not fall towards 3"
    );
}

/// Values of `f` along the line through `(x, y)` in a random direction `d`
/// of unit norm: `t -> f(z + t d)`.
fn along<'a, F: BiObjective>(
    f: &'a F,
    x: &'a F::X,
    y: &'a F::Y,
    rng: &mut StdRng,
) -> impl Fn(f64) -> f64 + 'a {
    let mut dx = F::X::random(x.shape_of(), rng).expect("shape fits the block");
    let mut dy = F::Y::random(y.shape_of(), rng).expect("shape fits the block");
    let norm = (dx.norm_squared() + dy.norm_squared()).sqrt();
    dx.scale_mut(1.0 / norm);
    dy.scale_mut(1.0 / norm);
    move |t| {
        let (mut xs, mut ys) = (x.clone(), y.clone());
        xs.add_scaled(t, &dx);
        ys.add_scaled(t, &dy);
        f.value(&xs, &ys)
    }
}

/// The largest absolute value of `q` at the given steps.
fn scale_of(q: &impl Fn(f64) -> f64, steps: &[f64]) -> f64 {
    steps.iter().fold(1.0_f64, |m, &t| m.max(q(t).abs()))
}

/// Checks from values alone that `f` is quadratic along random lines
/// through the point: the third differences `q(2) - 3 q(1) + 3 q(0) -
/// q(-1)` vanish to rounding, at two step sizes.
fn assert_quadratic<F: BiObjective>(f: &F, x: &F::X, y: &F::Y, at: &str) {
    let mut rng = StdRng::seed_from_u64(0x0add);
    for _ in 0..3 {
        let q = along(f, x, y, &mut rng);
        for h in [1.0, 0.25] {
            let third = q(2.0 * h) - 3.0 * q(h) + 3.0 * q(0.0) - q(-h);
            let bound = 1e-12 * scale_of(&q, &[2.0 * h, h, 0.0, -h]);
            assert!(
                third.abs() <= bound,
                "{at}: declared quadratic, but a third difference is {third:e}"
            );
        }
    }
}

/// Checks from values alone that `f` is even about the point along random
/// lines: `q(h) = q(-h)` to rounding.
fn assert_even<F: BiObjective>(f: &F, x: &F::X, y: &F::Y, at: &str) {
    let mut rng = StdRng::seed_from_u64(0xe7e7);
    for _ in 0..3 {
        let q = along(f, x, y, &mut rng);
        for h in [1.0, 0.3, 0.01] {
            let odd = q(h) - q(-h);
            let bound = 1e-13 * scale_of(&q, &[h, -h]);
            assert!(
                odd.abs() <= bound,
                "{at}: declared even, but f(z + h d) - f(z - h d) = {odd:e}"
            );
        }
    }
}

/// The type names `#[objective]` generates for the functions it marks in
/// `source`: `fn rank1_pca` becomes `Rank1Pca`.
pub fn objectives_in(source: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut marked = false;
    for line in source.lines().map(str::trim) {
        if line == "#[objective]" {
            marked = true;
        } else if marked && let Some(rest) = line.strip_prefix("fn ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.insert(camel_case(&name));
            marked = false;
        }
    }
    names
}

fn camel_case(snake: &str) -> String {
    snake
        .split('_')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// The last path segment of a type name: `smoke::Rank1Pca` is `Rank1Pca`.
pub fn short_name(type_name: &str) -> String {
    type_name
        .rsplit("::")
        .next()
        .unwrap_or(type_name)
        .to_string()
}

/// The objectives a test binary put through [`assert_taylor`], and at how
/// many points.
#[derive(Debug, Default)]
pub struct Tally {
    names: BTreeSet<String>,
    points: usize,
}

impl Tally {
    /// [`assert_taylor`], counted.
    pub fn check<F: BiObjective>(&mut self, f: &F, x: &F::X, y: &F::Y, expect: Taylor, at: &str) {
        let name = assert_taylor(f, x, y, expect, at);
        self.names.insert(short_name(name));
        self.points += 1;
    }

    /// [`Tally::check`] at `count` random points with standard normal
    /// entries, all generic.
    pub fn check_random<F: BiObjective>(
        &mut self,
        f: &F,
        shapes: (Shape, Shape),
        count: usize,
        rng: &mut StdRng,
    ) {
        for k in 0..count {
            let (x, y) = random_point::<F::X, F::Y>(shapes.0, shapes.1, rng);
            self.check(f, &x, &y, Taylor::Generic, &format!("random point {k}"));
        }
    }

    /// Asserts that every objective marked in `source` was checked, and
    /// nothing else; prints the counts.
    pub fn assert_covers(&self, source: &str, file: &str) {
        let marked = objectives_in(source);
        assert!(!marked.is_empty(), "{file}: no `#[objective]` found");
        assert_eq!(
            self.names, marked,
            "{file}: the objectives checked differ from those it defines"
        );
        println!(
            "{file}: Taylor slopes checked on {} objectives at {} points",
            self.names.len(),
            self.points
        );
    }
}

/// A point with standard normal entries in blocks of the given shapes.
pub fn random_point<X: Block, Y: Block>(x: Shape, y: Shape, rng: &mut StdRng) -> (X, Y) {
    let x = X::random(x, rng).expect("shape fits the block");
    let y = Y::random(y, rng).expect("shape fits the block");
    (x, y)
}
