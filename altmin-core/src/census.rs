//! A saddle census: run an algorithm from many seeded random starts,
//! diagnose every limit, and tally where the runs ended.
//!
//! [`Census`] draws `N` starts, runs [`AltMin`] or [`ProxAltMin`] from each
//! of them in parallel, diagnoses each limit with [`Diagnose`], and groups
//! the limits into distinct stationary points. The [`CensusReport`] it
//! returns counts the runs that ended at each point, with its value, its
//! [`VerdictKind`] and its smallest Hessian eigenvalue, counts the failed
//! runs by error, and keeps one [`CensusRun`] per start. Its `Display` is a
//! table.
//!
//! # Reference
//!
//! Both algorithms avoid strict saddles from almost every start: at a
//! strict saddle the AltMin map's Jacobian `Hxx^-1 Hxy Hyy^-1 Hyx` has
//! spectral radius above 1 (for a strongly bi-convex `f` whose cross
//! Hessian has full row rank there, Assumption 3), and the ProxAltMin
//! map's Jacobian `[Hxx + bI, Hxy; 0, Hyy + bI]^-1 [bI, 0; -Hyx, bI]` is
//! nonsingular with an eigenvalue above 1 (for `beta > L_f`). The set of
//! starts attracted to such a fixed point is therefore of measure zero.
//! A census checks this by experiment: from random starts, the number of
//! runs counted at strict saddles should be zero.
//!
//! # Reproducibility
//!
//! Start `i` draws from its own random stream, a `StdRng` keyed by the
//! seed and `i`, so a report depends on the seed and the settings but not
//! on the number of threads or on which thread ran which start.
//!
//! # Limitations
//!
//! Every limit is diagnosed in full, with dense decompositions up to
//! [`Diagnose::with_dense_limit`] unknowns, so on large blocks the
//! diagnoses can cost more than the runs.
//!
//! [`AltMin`]: crate::AltMin
//! [`ProxAltMin`]: crate::ProxAltMin

mod report;
mod run;
#[cfg(test)]
mod tests;

use std::fmt;
use std::num::NonZeroUsize;

use rand::rngs::StdRng;

use crate::bi_objective::BiObjective;
use crate::diagnose::Diagnose;
use crate::error::Error;
use crate::prox_altmin::Beta;

pub use self::report::{
    CensusReport, CensusRun, FailureStage, FailureTally, Limit, RunOutcome, VerdictKind,
};

/// The algorithm a [`Census`] runs from every start.
///
/// ```
/// use altmin_core::{Beta, census::Algorithm};
/// assert_eq!(Algorithm::AltMin.to_string(), "AltMin");
/// assert_eq!(
///     Algorithm::ProxAltMin(Beta::Fixed(4.0)).to_string(),
///     "ProxAltMin (beta = 4)"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Algorithm {
    /// Alternating minimization, Algorithm 1 ([`AltMin`](crate::AltMin)).
    AltMin,
    /// Proximal alternating minimization, Algorithm 2
    /// ([`ProxAltMin`](crate::ProxAltMin)), with this choice of `beta`.
    ProxAltMin(Beta),
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Algorithm::AltMin => f.write_str("AltMin"),
            Algorithm::ProxAltMin(Beta::Fixed(beta)) => write!(f, "ProxAltMin (beta = {beta})"),
            Algorithm::ProxAltMin(Beta::Estimated(s)) => write!(
                f,
                "ProxAltMin (beta = {} L_f, estimated per start)",
                s.safety_factor
            ),
        }
    }
}

/// How a [`Census`] decides that two limits are the same stationary point.
///
/// Both rules ask for the same [`VerdictKind`] and values within the
/// cluster tolerance, relative to `max(1, |f|)`.
///
/// ```
/// use altmin_core::census::Clustering;
/// assert_eq!(Clustering::default(), Clustering::ByPoint);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clustering {
    /// The points `(x, y)` also lie within the tolerance of each other,
    /// relative to `max(1, |(x, y)|)`: symmetric copies of one point, such
    /// as `(x, y)` and `(-x, -y)` in rank-1 PCA, are counted apart.
    #[default]
    ByPoint,
    /// The smallest Hessian eigenvalues also agree within the tolerance,
    /// relative to `max(1, |lambda|)`: symmetric copies of one point are
    /// counted together, and continua of minima (a factorization without
    /// ridge term, where `(c x, y / c)` gives the same product) give one
    /// row instead of one per run.
    ByValue,
}

/// A start generator: start index and its random stream to `(x0, y0)`.
type Generator<'f, X, Y> = Box<dyn Fn(usize, &mut StdRng) -> (X, Y) + Sync + 'f>;

/// A saddle census of an objective: an algorithm run from many seeded
/// random starts, every limit diagnosed, the outcomes tallied.
///
/// Build it with [`Census::new`], adjust it with the `with_` setters, and
/// [`run`](Census::run) it. By default it runs [`AltMin`](crate::AltMin)
/// from 100 starts with seed 0, each block drawn with independent standard
/// normal entries in the shape given by
/// [`block_shapes`](BiObjective::block_shapes), with gradient tolerance
/// `1e-8`, at most 1000 iterations, the default [`Diagnose`] settings, and
/// [`Clustering::ByPoint`] with tolerance `1e-4`. The runs share the
/// available cores.
///
/// See the [module documentation](self) for the theorem a census checks.
///
/// # Example
///
/// `x^2 + y^2 + 3xy + (x^2 + y^2)^2` has a strict saddle at the origin and
/// minima at `±(t, -t)`, `t = 8^(-1/2)`:
///
/// ```
/// use altmin_core::prelude::*;
/// use altmin_core::census::{Algorithm, Census, VerdictKind};
///
/// #[objective]
/// fn saddle(x: f64, y: f64) -> f64 {
///     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
/// }
///
/// let f = Saddle::new();
/// let report = Census::new(&f)
///     .with_starts(200)?
///     .with_seed(7)
///     .with_algorithm(Algorithm::ProxAltMin(Beta::default()))?
///     .with_max_iters(5000)?
///     .run()?;
///
/// assert_eq!(report.count(VerdictKind::StrictSaddle), 0);
/// assert_eq!(report.count(VerdictKind::LocalMinimum), 200);
/// assert_eq!(report.limits.len(), 2);
/// assert!((report.limits[0].value + 0.0625).abs() < 1e-12);
/// println!("{report}");
/// # Ok::<(), altmin_core::Error>(())
/// ```
pub struct Census<'f, F: BiObjective + ?Sized> {
    f: &'f F,
    starts: usize,
    seed: u64,
    algorithm: Algorithm,
    tolerance: f64,
    max_iters: usize,
    start_scale: f64,
    generator: Option<Generator<'f, F::X, F::Y>>,
    diagnose: Diagnose<'f, F>,
    clustering: Clustering,
    cluster_tolerance: f64,
    threads: Option<NonZeroUsize>,
}

impl<F: BiObjective + ?Sized> fmt::Debug for Census<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Census")
            .field("starts", &self.starts)
            .field("seed", &self.seed)
            .field("algorithm", &self.algorithm)
            .field("tolerance", &self.tolerance)
            .field("max_iters", &self.max_iters)
            .field("start_scale", &self.start_scale)
            .field("start_generator", &self.generator.is_some())
            .field("diagnose", &self.diagnose)
            .field("clustering", &self.clustering)
            .field("cluster_tolerance", &self.cluster_tolerance)
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

/// `Ok(value)` when `value` is positive and finite.
fn positive(name: &'static str, value: f64) -> Result<f64, Error> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(Error::InvalidSetting {
            name,
            value,
            requirement: "must be positive and finite",
        })
    }
}

/// `Ok(count)` when `count` is at least 1.
fn at_least_one(name: &'static str, count: usize) -> Result<usize, Error> {
    if count == 0 {
        Err(Error::InvalidSetting {
            name,
            value: 0.0,
            requirement: "must be at least 1",
        })
    } else {
        Ok(count)
    }
}

impl<'f, F: BiObjective + ?Sized> Census<'f, F> {
    /// A census of `f` with the default settings listed at [`Census`].
    ///
    /// ```
    /// use altmin_core::prelude::*;
    ///
    /// #[objective]
    /// fn bowl(x: f64, y: f64) -> f64 {
    ///     x * x + y * y + x * y
    /// }
    ///
    /// let report = Census::new(&Bowl::new()).run()?;
    /// assert_eq!(report.starts, 100);
    /// assert_eq!(report.limits.len(), 1);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn new(f: &'f F) -> Self {
        Census {
            f,
            starts: 100,
            seed: 0,
            algorithm: Algorithm::AltMin,
            tolerance: 1e-8,
            max_iters: 1000,
            start_scale: 1.0,
            generator: None,
            diagnose: Diagnose::new(f),
            clustering: Clustering::ByPoint,
            cluster_tolerance: 1e-4,
            threads: None,
        }
    }

    /// Runs the algorithm from `starts` starts (default 100).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] when `starts` is zero.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// assert_eq!(Census::new(&f).with_starts(3)?.run()?.runs.len(), 3);
    /// assert!(Census::new(&f).with_starts(0).is_err());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_starts(mut self, starts: usize) -> Result<Self, Error> {
        self.starts = at_least_one("starts", starts)?;
        Ok(self)
    }

    /// Seeds the starts (default 0): start `i` draws from a `StdRng` keyed
    /// by `seed` and `i`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// let a = Census::new(&f).with_seed(3).run()?;
    /// let b = Census::new(&f).with_seed(3).run()?;
    /// assert_eq!(a.runs, b.runs);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Runs `algorithm` from every start (default [`Algorithm::AltMin`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] when the [`Beta`] of
    /// [`Algorithm::ProxAltMin`] is out of its domain.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// let prox = Algorithm::ProxAltMin(Beta::Fixed(3.0));
    /// assert_eq!(Census::new(&f).with_algorithm(prox)?.run()?.algorithm, prox);
    /// assert!(Census::new(&f).with_algorithm(Algorithm::ProxAltMin(Beta::Fixed(0.0))).is_err());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Result<Self, Error> {
        if let Algorithm::ProxAltMin(beta) = &algorithm {
            beta.validate()?;
        }
        self.algorithm = algorithm;
        Ok(self)
    }

    /// Each run stops once the full gradient norm is at most `tolerance`
    /// (default `1e-8`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `tolerance` is positive and finite.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// let report = Census::new(&f).with_tolerance(1e-12)?.run()?;
    /// assert!(report.limits[0].gradient_norm <= 1e-12);
    /// assert!(Census::new(&f).with_tolerance(0.0).is_err());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_tolerance(mut self, tolerance: f64) -> Result<Self, Error> {
        self.tolerance = positive("tolerance", tolerance)?;
        Ok(self)
    }

    /// Each run fails with [`Error::IterationLimit`] after `max_iters`
    /// iterations (default 1000); such runs are tallied as failures.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] when `max_iters` is zero.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// let report = Census::new(&f).with_starts(5)?.with_max_iters(1)?.run()?;
    /// assert_eq!(report.iteration_limits(), 5);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_max_iters(mut self, max_iters: usize) -> Result<Self, Error> {
        self.max_iters = at_least_one("max_iters", max_iters)?;
        Ok(self)
    }

    /// Draws the entries of random starts with standard deviation `scale`
    /// (default 1).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `scale` is positive and finite.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// assert!(Census::new(&f).with_start_scale(0.1).is_ok());
    /// assert!(Census::new(&f).with_start_scale(f64::NAN).is_err());
    /// ```
    pub fn with_start_scale(mut self, scale: f64) -> Result<Self, Error> {
        self.start_scale = positive("start_scale", scale)?;
        Ok(self)
    }

    /// Takes the starts from `generator` instead of drawing normal blocks:
    /// it is called with the start's index and the start's own random
    /// stream, and returns `(x0, y0)`.
    ///
    /// This is how blocks whose shape neither their type nor the data fix
    /// get their starts; a start of the wrong shape makes its run fail with
    /// [`Error::DimensionMismatch`].
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// use altmin_core::census::RunOutcome;
    /// let f = Bowl::new();
    /// // the starts (0, 0), (1, 0), (2, 0)
    /// let report = Census::new(&f)
    ///     .with_starts(3)?
    ///     .with_start_generator(|i, _| (i as f64, 0.0))
    ///     .run()?;
    /// assert_eq!(report.runs[0].iterations, 0);
    /// assert!(matches!(report.runs[2].outcome, RunOutcome::Limit { .. }));
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn with_start_generator(
        mut self,
        generator: impl Fn(usize, &mut StdRng) -> (F::X, F::Y) + Sync + 'f,
    ) -> Self {
        self.generator = Some(Box::new(generator));
        self
    }

    /// A limit counts as stationary when `|grad f| <= tol * max(1, |f|)`
    /// (default `1e-6`, as in [`Diagnose::with_tolerance`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `tol` is positive and finite.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// assert!(Census::new(&f).with_stationarity_tolerance(1e-7).is_ok());
    /// assert!(Census::new(&f).with_stationarity_tolerance(-1.0).is_err());
    /// ```
    pub fn with_stationarity_tolerance(mut self, tol: f64) -> Result<Self, Error> {
        self.diagnose = self.diagnose.with_tolerance(tol)?;
        Ok(self)
    }

    /// A stationary limit is degenerate when `|lambda_min(H)|` is at most
    /// `tol * |H|_2` (default `1e-6`, as in
    /// [`Diagnose::with_curvature_tolerance`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `0 < tol < 1`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// assert!(Census::new(&f).with_curvature_tolerance(1e-9).is_ok());
    /// assert!(Census::new(&f).with_curvature_tolerance(2.0).is_err());
    /// ```
    pub fn with_curvature_tolerance(mut self, tol: f64) -> Result<Self, Error> {
        self.diagnose = self.diagnose.with_curvature_tolerance(tol)?;
        Ok(self)
    }

    /// Groups limits by `clustering` (default [`Clustering::ByPoint`]).
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn saddle(x: f64, y: f64) -> f64 {
    /// #     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
    /// # }
    /// use altmin_core::census::Clustering;
    /// // the two minima ±(t, -t) have the same value and curvature
    /// let f = Saddle::new();
    /// let report = Census::new(&f).with_clustering(Clustering::ByValue).run()?;
    /// assert_eq!((report.limits.len(), report.limits[0].count), (1, 100));
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn with_clustering(mut self, clustering: Clustering) -> Self {
        self.clustering = clustering;
        self
    }

    /// Two limits belong together when they differ by at most `tol` in the
    /// measures of the [`Clustering`] (default `1e-4`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `tol` is positive and finite.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// assert!(Census::new(&f).with_cluster_tolerance(1e-6).is_ok());
    /// assert!(Census::new(&f).with_cluster_tolerance(0.0).is_err());
    /// ```
    pub fn with_cluster_tolerance(mut self, tol: f64) -> Result<Self, Error> {
        self.cluster_tolerance = positive("cluster_tolerance", tol)?;
        Ok(self)
    }

    /// Runs on `threads` threads (default: the available parallelism).
    /// The report does not depend on it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] when `threads` is zero.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn saddle(x: f64, y: f64) -> f64 {
    /// #     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
    /// # }
    /// let f = Saddle::new();
    /// let one = Census::new(&f).with_threads(1)?.run()?;
    /// let three = Census::new(&f).with_threads(3)?.run()?;
    /// assert_eq!(one.runs, three.runs);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_threads(mut self, threads: usize) -> Result<Self, Error> {
        self.threads = NonZeroUsize::new(at_least_one("threads", threads)?);
        Ok(self)
    }
}
