//! A Taylor-remainder test of an objective's derivatives.
//!
//! Along a direction `d = (dx, dy)` and for steps `h -> 0`,
//!
//! ```text
//! r1(h) = |f(z + h d) - f(z) - h <grad f, d>|                  = O(h^2)
//! r2(h) = |f(z + h d) - f(z) - h <grad f, d> - h^2/2 d^T H d|  = O(h^3)
//! ```
//!
//! when the gradient and the Hessian are right, and only `O(h)` and
//! `O(h^2)` when they are not. The slopes of `log r` against `log h` in
//! the asymptotic range, just above the level of rounding errors, tell the
//! two apart. `d^T H d` is assembled from the three Hessian blocks,
//! `dx^T Hxx dx + 2 dx^T Hxy dy + dy^T Hyy dy`, so the test covers the
//! dense blocks as well; the Hessian-vector products are compared with
//! them separately.

use std::fmt;

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::bi_objective::BiObjective;
use crate::block::Block;
use crate::error::{BlockId, Error, NonFiniteSource};

/// How far a fitted slope may be from its expected value.
///
/// ```
/// use altmin_core::{Remainder, SLOPE_TOLERANCE};
/// let r = Remainder { expected: 2.0, slope: Some(2.0 - SLOPE_TOLERANCE / 2.0), points: vec![] };
/// assert!(r.is_consistent());
/// let r = Remainder { slope: Some(2.0 - 2.0 * SLOPE_TOLERANCE), ..r };
/// assert!(!r.is_consistent());
/// ```
pub const SLOPE_TOLERANCE: f64 = 0.1;

/// One Taylor remainder along one direction.
///
/// ```
/// # use altmin_core::prelude::*;
/// # #[objective]
/// # fn coupled(x: f64, y: f64) -> f64 {
/// #     x * x * y + (x - y).exp()
/// # }
/// use altmin_core::SLOPE_TOLERANCE;
/// let check = check_derivatives(&Coupled::new(), &0.4, &-0.3)?;
/// let r = &check.gradient;
/// assert_eq!(r.expected, 2.0);
/// assert!((r.slope.unwrap() - 2.0).abs() < SLOPE_TOLERANCE);
/// // Each point is a step and its remainder; the steps shrink.
/// assert!(r.points.len() >= 3 && r.points.windows(2).all(|w| w[1].0 < w[0].0));
/// # Ok::<(), altmin_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Remainder {
    /// The slope the remainder has when the derivative is right.
    pub expected: f64,
    /// The least-squares slope of `log r` against `log h` over the points
    /// used; `None` when the remainder stays at the level of rounding
    /// errors (the Taylor model is exact along the direction).
    pub slope: Option<f64>,
    /// The steps `h` and remainders `r(h)` the slope was fitted on.
    pub points: Vec<(f64, f64)>,
}

impl Remainder {
    /// Whether the remainder shrinks as it should: with a slope of at least
    /// the expected one less [`SLOPE_TOLERANCE`], or exact to rounding. A
    /// larger slope is consistent too: the next term of the expansion
    /// vanishes along the direction (at the center of a symmetric
    /// function, say), so the remainder shrinks faster.
    ///
    /// ```
    /// use altmin_core::Remainder;
    /// // A gradient that is off leaves a first-order remainder of slope 1.
    /// let wrong = Remainder { expected: 2.0, slope: Some(1.0), points: vec![] };
    /// assert!(!wrong.is_consistent());
    /// // Exact to rounding, as for a quadratic along any direction.
    /// let exact = Remainder { expected: 3.0, slope: None, points: vec![] };
    /// assert!(exact.is_consistent());
    /// let faster = Remainder { expected: 2.0, slope: Some(3.0), points: vec![] };
    /// assert!(faster.is_consistent());
    /// ```
    #[must_use]
    pub fn is_consistent(&self) -> bool {
        self.slope
            .is_none_or(|s| s >= self.expected - SLOPE_TOLERANCE)
    }
}

impl fmt::Display for Remainder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.slope {
            Some(s) => write!(
                f,
                "slope {s:.3} (expected {:.0}, steady over {} steps)",
                self.expected,
                self.points.len()
            ),
            None => write!(f, "exact to rounding (expected slope {:.0})", self.expected),
        }
    }
}

/// What the test concluded.
///
/// ```
/// use altmin_core::prelude::*;
/// use altmin_core::{CheckDerivatives, DerivativeVerdict};
///
/// /// `f(x, y) = x^2 y^2 + x`, with `grad_x` missing the `+ 1`.
/// struct Slipped;
///
/// # fn m(v: f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, v) }
/// impl BiObjective for Slipped {
///     type X = f64;
///     type Y = f64;
///     fn value(&self, x: &f64, y: &f64) -> f64 { x * x * y * y + x }
///     fn grad_x(&self, x: &f64, y: &f64) -> f64 { 2.0 * x * y * y }
///     // grad_y, the Hessian blocks and the products, all right
/// #   fn grad_y(&self, x: &f64, y: &f64) -> f64 { 2.0 * x * x * y }
/// #   fn hess_xx(&self, _: &f64, y: &f64) -> DMatrix<f64> { m(2.0 * y * y) }
/// #   fn hess_yy(&self, x: &f64, _: &f64) -> DMatrix<f64> { m(2.0 * x * x) }
/// #   fn hess_xy(&self, x: &f64, y: &f64) -> DMatrix<f64> { m(4.0 * x * y) }
/// #   fn hvp_xx(&self, _: &f64, y: &f64, v: &f64) -> f64 { 2.0 * y * y * v }
/// #   fn hvp_yy(&self, x: &f64, _: &f64, v: &f64) -> f64 { 2.0 * x * x * v }
/// #   fn hvp_xy(&self, x: &f64, y: &f64, v: &f64) -> f64 { 4.0 * x * y * v }
/// #   fn hvp_yx(&self, x: &f64, y: &f64, v: &f64) -> f64 { 4.0 * x * y * v }
/// }
///
/// let check = CheckDerivatives::new(&Slipped).run(&0.5, &1.5)?;
/// assert_eq!(check.verdict, DerivativeVerdict::WrongGradient);
/// assert_eq!(check.verdict.to_string(), "the gradient does not match f");
/// # Ok::<(), altmin_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DerivativeVerdict {
    /// Both remainders shrink as they should.
    Consistent,
    /// The first-order remainder does not shrink like `h^2`: the gradient
    /// is wrong.
    WrongGradient,
    /// The gradient is right but the second-order remainder does not
    /// shrink like `h^3`: a Hessian block is wrong.
    WrongHessian,
    /// The Hessian-vector products disagree with the dense Hessian blocks.
    WrongProducts,
}

impl fmt::Display for DerivativeVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DerivativeVerdict::Consistent => "gradient and Hessian are consistent with f",
            DerivativeVerdict::WrongGradient => "the gradient does not match f",
            DerivativeVerdict::WrongHessian => "the Hessian blocks do not match the gradient",
            DerivativeVerdict::WrongProducts => {
                "the Hessian-vector products do not match the Hessian blocks"
            }
        })
    }
}

/// The outcome of [`check_derivatives`]: the worst direction's remainders
/// and the verdict.
///
/// ```
/// # use altmin_core::prelude::*;
/// # #[objective]
/// # fn coupled(x: f64, y: f64) -> f64 {
/// #     x * x * y + (x - y).exp()
/// # }
/// use altmin_core::DerivativeVerdict;
/// let check = check_derivatives(&Coupled::new(), &0.4, &-0.3)?;
/// assert_eq!(check.verdict, DerivativeVerdict::Consistent);
/// assert_eq!((check.gradient.expected, check.hessian.expected), (2.0, 3.0));
/// assert_eq!(check.directions, 3);
/// assert!(check.product_mismatch < 1e-12);
/// println!("{check}");
/// # Ok::<(), altmin_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct DerivativeCheck {
    /// The first-order remainder of the worst direction (slope 2 expected).
    pub gradient: Remainder,
    /// The second-order remainder of the worst direction (slope 3).
    pub hessian: Remainder,
    /// The largest relative difference between `d^T H d` from the
    /// Hessian-vector products and from the dense blocks.
    pub product_mismatch: f64,
    /// Directions tried.
    pub directions: usize,
    /// The conclusion.
    pub verdict: DerivativeVerdict,
}

impl fmt::Display for DerivativeCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} ({} random directions)",
            self.verdict, self.directions
        )?;
        writeln!(f, "  first-order remainder   {}", self.gradient)?;
        writeln!(f, "  second-order remainder  {}", self.hessian)?;
        write!(
            f,
            "  products against blocks relative difference {:.1e}",
            self.product_mismatch
        )
    }
}

/// The Taylor test with its settings.
///
/// ```
/// use altmin_core::prelude::*;
/// use altmin_core::{CheckDerivatives, DerivativeVerdict};
///
/// #[objective]
/// fn f(x: &DVector<f64>, y: f64, a: &DVector<f64>) -> f64 {
///     (x.dot(a) * y).sin() + x.norm_squared() * y * y
/// }
///
/// let a = DVector::from_vec(vec![0.3, -0.5]);
/// let check = CheckDerivatives::new(&F::new(&a))
///     .with_directions(4)?
///     .run(&DVector::from_vec(vec![0.2, 0.7]), &1.3)?;
/// assert_eq!(check.verdict, DerivativeVerdict::Consistent);
/// # Ok::<(), altmin_core::Error>(())
/// ```
#[derive(Debug)]
pub struct CheckDerivatives<'a, F: BiObjective + ?Sized> {
    f: &'a F,
    directions: usize,
    seed: u64,
}

/// The default number of random directions.
const DIRECTIONS: usize = 3;
/// Steps are `h0 / 2^k` for `k` below this.
const STEPS: usize = 48;
/// Remainders below this multiple of the rounding level of `f` are not used.
const ROUNDING: f64 = 16.0;
/// Local slopes within this of their running mean belong to one run.
const RUN_SPREAD: f64 = 0.15;
/// The fewest consecutive local slopes a fitted slope rests on.
const MIN_RUN: usize = 3;

impl<'a, F: BiObjective + ?Sized> CheckDerivatives<'a, F> {
    /// The test of `f` with three random directions and a fixed seed.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64) -> f64 {
    /// #     x * x * y + (x - y).exp()
    /// # }
    /// use altmin_core::CheckDerivatives;
    /// let check = CheckDerivatives::new(&Coupled::new()).run(&0.4, &-0.3)?;
    /// assert_eq!(check.directions, 3);
    /// assert!(check.gradient.is_consistent());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn new(f: &'a F) -> Self {
        CheckDerivatives {
            f,
            directions: DIRECTIONS,
            seed: 0x5eed,
        }
    }

    /// Tries `directions` random directions and reports the worst.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] when `directions` is zero.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64) -> f64 {
    /// #     x * x * y + (x - y).exp()
    /// # }
    /// use altmin_core::CheckDerivatives;
    /// let f = Coupled::new();
    /// let check = CheckDerivatives::new(&f).with_directions(10)?.run(&0.4, &-0.3)?;
    /// assert_eq!(check.directions, 10);
    /// assert!(CheckDerivatives::new(&f).with_directions(0).is_err());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_directions(mut self, directions: usize) -> Result<Self, Error> {
        if directions == 0 {
            return Err(Error::InvalidSetting {
                name: "directions",
                value: 0.0,
                requirement: "at least one direction",
            });
        }
        self.directions = directions;
        Ok(self)
    }

    /// The seed of the random directions.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64) -> f64 {
    /// #     x * x * y + (x - y).exp()
    /// # }
    /// use altmin_core::CheckDerivatives;
    /// let f = Coupled::new();
    /// let a = CheckDerivatives::new(&f).with_seed(11).run(&0.4, &-0.3)?;
    /// let b = CheckDerivatives::new(&f).with_seed(11).run(&0.4, &-0.3)?;
    /// assert_eq!(a, b);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Runs the test at `(x, y)`.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] from the objective's dimension check,
    /// [`Error::NonFinite`] when the point, the value or a derivative at
    /// the point is not finite.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64) -> f64 {
    /// #     x * x * y + (x - y).exp()
    /// # }
    /// use altmin_core::{CheckDerivatives, DerivativeVerdict, NonFiniteSource};
    /// let f = Coupled::new();
    /// let test = CheckDerivatives::new(&f);
    /// assert_eq!(test.run(&0.4, &-0.3)?.verdict, DerivativeVerdict::Consistent);
    /// assert_eq!(test.run(&2.0, &1.0)?.verdict, DerivativeVerdict::Consistent);
    /// assert_eq!(
    ///     test.run(&f64::NAN, &1.0),
    ///     Err(Error::NonFinite(NonFiniteSource::Start(altmin_core::BlockId::X)))
    /// );
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn run(&self, x: &F::X, y: &F::Y) -> Result<DerivativeCheck, Error> {
        let f = self.f;
        f.check_dims(x, y)?;
        for (block, finite) in [(BlockId::X, x.all_finite()), (BlockId::Y, y.all_finite())] {
            if !finite {
                return Err(Error::NonFinite(NonFiniteSource::Start(block)));
            }
        }
        let value = f.value(x, y);
        let (gx, gy) = (f.grad_x(x, y), f.grad_y(x, y));
        if !value.is_finite() || !gx.all_finite() || !gy.all_finite() {
            return Err(Error::NonFinite(NonFiniteSource::Value { iteration: 0 }));
        }
        let (hxx, hyy, hxy) = (f.hess_xx(x, y), f.hess_yy(x, y), f.hess_xy(x, y));
        for (block, h) in [(BlockId::X, &hxx), (BlockId::Y, &hyy), (BlockId::X, &hxy)] {
            if !h.iter().all(|v| f64::is_finite(*v)) {
                return Err(Error::NonFinite(NonFiniteSource::Hessian { block }));
            }
        }

        let mut rng = StdRng::seed_from_u64(self.seed);
        let scale = (x.norm_squared() + y.norm_squared()).sqrt().max(1.0);
        let mut worst: Option<(f64, Remainder, Remainder)> = None;
        let mut mismatch = 0.0_f64;
        for _ in 0..self.directions {
            let (dx, dy) = direction(x, y, &mut rng);
            let slope_g = gx.dot(&dx) + gy.dot(&dy);
            let (vx, vy) = (dx.to_dvector(), dy.to_dvector());
            let dense = vx.dot(&(&hxx * &vx)) + 2.0 * vx.dot(&(&hxy * &vy)) + vy.dot(&(&hyy * &vy));
            let products = dx.dot(&f.hvp_xx(x, y, &dx))
                + dx.dot(&f.hvp_xy(x, y, &dy))
                + dy.dot(&f.hvp_yx(x, y, &dx))
                + dy.dot(&f.hvp_yy(x, y, &dy));
            if !products.is_finite() {
                return Err(Error::NonFinite(NonFiniteSource::Hessian {
                    block: BlockId::X,
                }));
            }
            mismatch = mismatch.max(
                (products - dense).abs()
                    / dense
                        .abs()
                        .max(1e-300)
                        .max(f64::EPSILON * (hxx.amax() + hyy.amax() + hxy.amax())),
            );

            let (first, second) = remainders(value, slope_g, dense, scale, |h| {
                let mut xs = x.clone();
                xs.add_scaled(h, &dx);
                let mut ys = y.clone();
                ys.add_scaled(h, &dy);
                f.value(&xs, &ys)
            });
            let badness = deviation(&first).max(deviation(&second));
            if worst.as_ref().is_none_or(|(b, ..)| badness > *b) {
                worst = Some((badness, first, second));
            }
        }
        let Some((_, gradient, hessian)) = worst else {
            return Err(Error::InvalidSetting {
                name: "directions",
                value: 0.0,
                requirement: "at least one direction",
            });
        };
        let verdict = if !gradient.is_consistent() {
            DerivativeVerdict::WrongGradient
        } else if !hessian.is_consistent() {
            DerivativeVerdict::WrongHessian
        } else if mismatch > 1e-6 {
            DerivativeVerdict::WrongProducts
        } else {
            DerivativeVerdict::Consistent
        };
        Ok(DerivativeCheck {
            gradient,
            hessian,
            product_mismatch: mismatch,
            directions: self.directions,
            verdict,
        })
    }
}

/// Runs the Taylor test at `(x, y)` with the default settings.
///
/// # Errors
///
/// As [`CheckDerivatives::run`].
///
/// ```
/// use altmin_core::prelude::*;
/// use altmin_core::check_derivatives;
///
/// #[objective]
/// fn coupled(x: f64, y: f64) -> f64 {
///     x * x * y + (x - y).exp()
/// }
///
/// let check = check_derivatives(&Coupled::new(), &0.4, &-0.3)?;
/// assert!(check.gradient.is_consistent() && check.hessian.is_consistent());
/// # Ok::<(), altmin_core::Error>(())
/// ```
pub fn check_derivatives<F: BiObjective + ?Sized>(
    f: &F,
    x: &F::X,
    y: &F::Y,
) -> Result<DerivativeCheck, Error> {
    CheckDerivatives::new(f).run(x, y)
}

/// A random normal direction, scaled to unit norm.
fn direction<X: Block, Y: Block>(x: &X, y: &Y, rng: &mut StdRng) -> (X, Y) {
    let mut dx = X::random(x.shape_of(), rng).unwrap_or_else(|| x.zeros_like());
    let mut dy = Y::random(y.shape_of(), rng).unwrap_or_else(|| y.zeros_like());
    let norm = (dx.norm_squared() + dy.norm_squared()).sqrt();
    if norm > 0.0 {
        dx.scale_mut(1.0 / norm);
        dy.scale_mut(1.0 / norm);
    }
    (dx, dy)
}

/// The first- and second-order remainders over a geometric sequence of
/// steps, each with its asymptotic slope.
fn remainders(
    value: f64,
    slope: f64,
    curvature: f64,
    scale: f64,
    mut f_at: impl FnMut(f64) -> f64,
) -> (Remainder, Remainder) {
    let mut first = Vec::new();
    let mut second = Vec::new();
    let mut h = scale;
    for _ in 0..STEPS {
        let v = f_at(h);
        if v.is_finite() {
            let linear = value + h * slope;
            let quadratic = linear + 0.5 * h * h * curvature;
            let rounding = ROUNDING * f64::EPSILON * (value.abs() + v.abs());
            let (r1, r2) = ((v - linear).abs(), (v - quadratic).abs());
            first.push((h, r1, r1 > rounding));
            second.push((h, r2, r2 > rounding));
        }
        h *= 0.5;
    }
    (fit(&first, 2.0), fit(&second, 3.0))
}

/// The slope of the longest run of steps over which the remainder shrinks
/// at a steady rate: the asymptotic range, between the large steps where
/// higher-order terms still matter and the small ones drowned in rounding.
fn fit(points: &[(f64, f64, bool)], expected: f64) -> Remainder {
    let usable = points.iter().filter(|p| p.2).count();
    if usable < 3 {
        return Remainder {
            expected,
            slope: None,
            points: Vec::new(),
        };
    }
    // Local slopes between consecutive halvings of the step.
    let local: Vec<Option<f64>> = points
        .windows(2)
        .map(|w| (w[0].2 && w[1].2).then(|| (w[0].1 / w[1].1).ln() / (w[0].0 / w[1].0).ln()))
        .collect();

    // The longest run of local slopes that stay close to their mean; among
    // equally long runs, the one at the smallest steps.
    let mut best: Option<(usize, usize, f64)> = None;
    let mut start = 0;
    while start < local.len() {
        let Some(first) = local[start] else {
            start += 1;
            continue;
        };
        let (mut end, mut sum) = (start + 1, first);
        while let Some(Some(s)) = local.get(end) {
            let mean = sum / (end - start) as f64;
            if (s - mean).abs() > RUN_SPREAD {
                break;
            }
            sum += s;
            end += 1;
        }
        let len = end - start;
        if best.is_none_or(|(b0, b1, _)| len >= b1 - b0) {
            best = Some((start, end, sum / len as f64));
        }
        start += 1;
    }
    match best {
        Some((b0, b1, slope)) if b1 - b0 >= MIN_RUN => Remainder {
            expected,
            slope: Some(slope),
            points: points[b0..=b1].iter().map(|&(h, r, _)| (h, r)).collect(),
        },
        _ => Remainder {
            expected,
            slope: None,
            points: Vec::new(),
        },
    }
}

/// How far a remainder's slope falls short of the expected one (0 when
/// exact or faster).
fn deviation(r: &Remainder) -> f64 {
    r.slope.map_or(0.0, |s| (r.expected - s).max(0.0))
}
