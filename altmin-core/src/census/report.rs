//! What a census found: the distinct limits with their verdicts, the
//! failures by error, one record per run, and the table that shows them.

use std::fmt;
use std::mem;

use crate::bi_objective::BiObjective;
use crate::block::Block;
use crate::diagnose::{Diagnosis, Verdict};
use crate::error::Error;

use super::run::{Diagnosed, Landing};
use super::{Algorithm, Census, Clustering};

/// Rows of limits the table shows before it summarizes the rest.
const TABLE_ROWS: usize = 24;

/// The kind of a [`Verdict`], without its escape direction.
///
/// ```
/// use altmin_core::census::VerdictKind;
/// use altmin_core::diagnose::Verdict;
/// let v: Verdict<f64, f64> = Verdict::StrictSaddle { escape: (1.0, 0.0), eigenvalue: -1.0 };
/// assert_eq!(VerdictKind::from(&v), VerdictKind::StrictSaddle);
/// assert_eq!(VerdictKind::StrictSaddle.to_string(), "strict saddle");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VerdictKind {
    /// A strict local minimum.
    LocalMinimum,
    /// A strict saddle: the runs that end here are what the theorem
    /// excludes from almost every start.
    StrictSaddle,
    /// A stationary point where second-order information does not decide.
    Degenerate,
    /// A point whose gradient exceeds the stationarity threshold.
    NotStationary,
}

impl VerdictKind {
    /// The four kinds, in the order the report lists them.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn saddle(x: f64, y: f64) -> f64 {
    /// #     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
    /// # }
    /// use altmin_core::census::VerdictKind;
    /// let report = Census::new(&Saddle::new()).with_starts(20)?.run()?;
    /// let total: usize = VerdictKind::ALL.iter().map(|k| report.count(*k)).sum();
    /// assert_eq!(total, report.converged());
    /// assert_eq!(VerdictKind::ALL[0], VerdictKind::LocalMinimum);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub const ALL: [VerdictKind; 4] = [
        VerdictKind::LocalMinimum,
        VerdictKind::StrictSaddle,
        VerdictKind::Degenerate,
        VerdictKind::NotStationary,
    ];
}

impl<X, Y> From<&Verdict<X, Y>> for VerdictKind {
    fn from(verdict: &Verdict<X, Y>) -> Self {
        match verdict {
            Verdict::LocalMinimum => VerdictKind::LocalMinimum,
            Verdict::StrictSaddle { .. } => VerdictKind::StrictSaddle,
            Verdict::Degenerate => VerdictKind::Degenerate,
            Verdict::NotStationary => VerdictKind::NotStationary,
        }
    }
}

impl fmt::Display for VerdictKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VerdictKind::LocalMinimum => "local minimum",
            VerdictKind::StrictSaddle => "strict saddle",
            VerdictKind::Degenerate => "degenerate",
            VerdictKind::NotStationary => "not stationary",
        })
    }
}

/// Where a failed run went wrong.
///
/// ```
/// use altmin_core::census::FailureStage;
/// assert_eq!(FailureStage::Diagnosis.to_string(), "diagnosis");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureStage {
    /// The algorithm's run failed (including its iteration limit).
    Run,
    /// The run converged but its limit could not be diagnosed.
    Diagnosis,
}

impl fmt::Display for FailureStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailureStage::Run => "run",
            FailureStage::Diagnosis => "diagnosis",
        })
    }
}

/// How one run of a census ended.
///
/// ```
/// use altmin_core::census::{RunOutcome, VerdictKind};
/// let o = RunOutcome::Limit { limit: 0, verdict: VerdictKind::LocalMinimum, min_eigenvalue: 1.0 };
/// assert_eq!(o.verdict(), Some(VerdictKind::LocalMinimum));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum RunOutcome {
    /// The run converged and its limit was diagnosed.
    Limit {
        /// The index of its limit in [`CensusReport::limits`].
        limit: usize,
        /// The verdict at the limit.
        verdict: VerdictKind,
        /// The smallest eigenvalue of the full Hessian at the limit.
        min_eigenvalue: f64,
    },
    /// The run or the diagnosis of its limit failed.
    Failed {
        /// Which of the two failed.
        stage: FailureStage,
        /// What went wrong.
        error: Error,
    },
}

impl RunOutcome {
    /// The verdict at the limit, or `None` for a failure.
    ///
    /// ```
    /// use altmin_core::Error;
    /// use altmin_core::census::{FailureStage, RunOutcome};
    /// let error = Error::IterationLimit { iterations: 5, gradient_norm: 1.0 };
    /// let o = RunOutcome::Failed { stage: FailureStage::Run, error };
    /// assert_eq!(o.verdict(), None);
    /// ```
    #[must_use]
    pub fn verdict(&self) -> Option<VerdictKind> {
        match self {
            RunOutcome::Limit { verdict, .. } => Some(*verdict),
            RunOutcome::Failed { .. } => None,
        }
    }
}

/// One run of a census: its start, how long it ran and how it ended.
///
/// ```
/// use altmin_core::census::{CensusRun, RunOutcome, VerdictKind};
/// let run = CensusRun {
///     start: 3, iterations: 12, value: Some(-0.0625), gradient_norm: Some(1e-9),
///     outcome: RunOutcome::Limit {
///         limit: 0, verdict: VerdictKind::LocalMinimum, min_eigenvalue: 0.5,
///     },
/// };
/// assert_eq!(run.outcome.verdict(), Some(VerdictKind::LocalMinimum));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CensusRun {
    /// The index of the start, from 0.
    pub start: usize,
    /// Iterations performed.
    pub iterations: usize,
    /// The value at the limit, or at the last finite iterate of a failed
    /// run (`None` when the start itself was rejected).
    pub value: Option<f64>,
    /// The full gradient norm there.
    pub gradient_norm: Option<f64>,
    /// How the run ended.
    pub outcome: RunOutcome,
}

/// A distinct limit of a census: a stationary point (or a point taken for
/// one) and the runs that ended there.
///
/// Its point and diagnosis are those of the first run, in start order,
/// that ended there.
///
/// ```
/// # use altmin_core::prelude::*;
/// # #[objective]
/// # fn saddle(x: f64, y: f64) -> f64 {
/// #     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
/// # }
/// use altmin_core::census::VerdictKind;
/// let report = Census::new(&Saddle::new()).run()?;
/// let lowest = &report.limits[0];
/// assert_eq!(lowest.verdict, VerdictKind::LocalMinimum);
/// assert!((lowest.x.abs() - 8.0_f64.sqrt().recip()).abs() < 1e-8);
/// assert_eq!(lowest.count, lowest.starts.len());
/// # Ok::<(), altmin_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Limit<X, Y> {
    /// The verdict.
    pub verdict: VerdictKind,
    /// The value `f(x, y)`.
    pub value: f64,
    /// The largest distance of a member's value from `value`.
    pub value_spread: f64,
    /// The smallest eigenvalue of the full Hessian at `(x, y)`.
    pub min_eigenvalue: f64,
    /// The largest gradient norm among the members.
    pub gradient_norm: f64,
    /// Runs that ended here.
    pub count: usize,
    /// Their start indices, increasing.
    pub starts: Vec<usize>,
    /// The mean number of iterations of those runs.
    pub mean_iterations: f64,
    /// The first member's limit `x`.
    pub x: X,
    /// The first member's limit `y`.
    pub y: Y,
    /// The diagnosis at `(x, y)`.
    pub diagnosis: Diagnosis<X, Y>,
}

/// The failed runs of a census that share a stage and a kind of error.
///
/// ```
/// use altmin_core::Error;
/// use altmin_core::census::{FailureStage, FailureTally};
/// let tally = FailureTally {
///     stage: FailureStage::Run,
///     label: "iteration limit",
///     count: 2,
///     starts: vec![4, 9],
///     first: Error::IterationLimit { iterations: 50, gradient_norm: 1e-3 },
/// };
/// assert!(tally.is_iteration_limit());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FailureTally {
    /// Where the runs failed.
    pub stage: FailureStage,
    /// The kind of error, in a few words.
    pub label: &'static str,
    /// Runs that failed so.
    pub count: usize,
    /// Their start indices, increasing.
    pub starts: Vec<usize>,
    /// The error of the first of them.
    pub first: Error,
}

impl FailureTally {
    /// Whether these runs reached the iteration limit.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// use altmin_core::census::FailureStage;
    /// let report = Census::new(&Bowl::new()).with_starts(4)?.with_max_iters(1)?.run()?;
    /// let tally = &report.failures[0];
    /// assert!(tally.is_iteration_limit());
    /// assert_eq!((tally.stage, tally.count), (FailureStage::Run, 4));
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn is_iteration_limit(&self) -> bool {
        matches!(self.first, Error::IterationLimit { .. })
    }
}

/// What a [`Census`] found: the distinct limits, the failures, and every
/// run.
///
/// Its `Display` is a table: one row per limit, lowest value first, then
/// one row per kind of failure.
///
/// ```
/// # use altmin_core::prelude::*;
/// # #[objective]
/// # fn saddle(x: f64, y: f64) -> f64 {
/// #     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
/// # }
/// use altmin_core::census::VerdictKind;
/// let report = Census::new(&Saddle::new()).with_starts(50)?.run()?;
/// assert_eq!(report.converged() + report.failed(), 50);
/// assert_eq!(report.strict_saddles(), 0);
/// assert_eq!(report.lowest().map(|l| l.verdict), Some(VerdictKind::LocalMinimum));
/// assert!(report.to_string().contains("local minimum"));
/// # Ok::<(), altmin_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct CensusReport<X, Y> {
    /// The algorithm run from every start.
    pub algorithm: Algorithm,
    /// The number of starts.
    pub starts: usize,
    /// The seed of the starts.
    pub seed: u64,
    /// Whether the starts came from a user's generator rather than normal
    /// draws.
    pub generated_starts: bool,
    /// The distinct limits, by increasing value.
    pub limits: Vec<Limit<X, Y>>,
    /// The failed runs, grouped by stage and kind of error.
    pub failures: Vec<FailureTally>,
    /// One record per start, in start order.
    pub runs: Vec<CensusRun>,
}

impl<X, Y> CensusReport<X, Y> {
    /// Runs that converged to a limit of kind `verdict`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn saddle(x: f64, y: f64) -> f64 {
    /// #     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
    /// # }
    /// use altmin_core::census::VerdictKind;
    /// let report = Census::new(&Saddle::new()).with_starts(30)?.run()?;
    /// assert_eq!(report.count(VerdictKind::LocalMinimum), 30);
    /// assert_eq!(report.count(VerdictKind::Degenerate), 0);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn count(&self, verdict: VerdictKind) -> usize {
        self.limits
            .iter()
            .filter(|l| l.verdict == verdict)
            .map(|l| l.count)
            .sum()
    }

    /// Runs that converged to a strict saddle: zero from almost every
    /// start, by the theorem.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn saddle(x: f64, y: f64) -> f64 {
    /// #     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
    /// # }
    /// let f = Saddle::new();
    /// assert_eq!(Census::new(&f).with_starts(30)?.run()?.strict_saddles(), 0);
    /// // Started on the saddle itself, every run stays there.
    /// let on_it = Census::new(&f).with_starts(3)?.with_start_generator(|_, _| (0.0, 0.0));
    /// assert_eq!(on_it.run()?.strict_saddles(), 3);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn strict_saddles(&self) -> usize {
        self.count(VerdictKind::StrictSaddle)
    }

    /// Runs that converged and whose limit was diagnosed.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// assert_eq!(Census::new(&f).with_starts(6)?.run()?.converged(), 6);
    /// assert_eq!(Census::new(&f).with_starts(6)?.with_max_iters(1)?.run()?.converged(), 0);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn converged(&self) -> usize {
        self.limits.iter().map(|l| l.count).sum()
    }

    /// Runs that failed, or whose limit could not be diagnosed.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// let report = Census::new(&f).with_starts(6)?.with_max_iters(1)?.run()?;
    /// assert_eq!(report.failed(), 6);
    /// assert_eq!(Census::new(&f).with_starts(6)?.run()?.failed(), 0);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn failed(&self) -> usize {
        self.failures.iter().map(|t| t.count).sum()
    }

    /// Runs that stopped at the iteration limit.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn bowl(x: f64, y: f64) -> f64 { x * x + y * y + x * y }
    /// let f = Bowl::new();
    /// let report = Census::new(&f).with_starts(6)?.with_max_iters(2)?.run()?;
    /// assert_eq!(report.iteration_limits(), 6);
    /// assert_eq!(report.iteration_limits(), report.failed());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn iteration_limits(&self) -> usize {
        self.failures
            .iter()
            .filter(|t| t.is_iteration_limit())
            .map(|t| t.count)
            .sum()
    }

    /// The local minimum of lowest value, if any run reached one.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn saddle(x: f64, y: f64) -> f64 {
    /// #     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
    /// # }
    /// let f = Saddle::new();
    /// let report = Census::new(&f).with_starts(20)?.run()?;
    /// // The minima at (t, -t) and (-t, t), t = 8^(-1/2), have value -1/16.
    /// assert!((report.lowest().unwrap().value + 0.0625).abs() < 1e-12);
    /// let on_saddle = Census::new(&f).with_starts(2)?.with_start_generator(|_, _| (0.0, 0.0));
    /// assert!(on_saddle.run()?.lowest().is_none());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn lowest(&self) -> Option<&Limit<X, Y>> {
        self.limits
            .iter()
            .find(|l| l.verdict == VerdictKind::LocalMinimum)
    }
}

/// Groups the landings of `census` into limits and failures.
pub(super) fn tally<F: BiObjective + ?Sized>(
    census: &Census<'_, F>,
    landings: Vec<Landing<F::X, F::Y>>,
) -> CensusReport<F::X, F::Y> {
    let rule = Rule {
        clustering: census.clustering,
        tol: census.cluster_tolerance,
    };
    let mut limits: Vec<Limit<F::X, F::Y>> = Vec::new();
    let mut failures: Vec<FailureTally> = Vec::new();
    let mut runs = Vec::with_capacity(landings.len());

    // Each landing joins the first limit it matches, in start order.
    for landing in landings {
        let outcome = match landing.end {
            Ok(d) => {
                let verdict = VerdictKind::from(&d.diagnosis.verdict);
                let min_eigenvalue = d.diagnosis.hessian.min;
                let member = Member {
                    start: landing.start,
                    iterations: landing.iterations,
                    gradient_norm: landing.gradient_norm.unwrap_or(f64::NAN),
                };
                let limit = match limits.iter().position(|l| rule.matches(l, &d)) {
                    Some(i) => {
                        join(&mut limits[i], &d.diagnosis, &member);
                        i
                    }
                    None => {
                        limits.push(found(d.x, d.y, d.diagnosis, &member));
                        limits.len() - 1
                    }
                };
                RunOutcome::Limit {
                    limit,
                    verdict,
                    min_eigenvalue,
                }
            }
            Err((stage, error)) => {
                count_failure(&mut failures, stage, &error, landing.start);
                RunOutcome::Failed { stage, error }
            }
        };
        runs.push(CensusRun {
            start: landing.start,
            iterations: landing.iterations,
            value: landing.value,
            gradient_norm: landing.gradient_norm,
            outcome,
        });
    }

    // Order the limits by value and renumber the runs' references.
    for l in &mut limits {
        l.mean_iterations /= l.count as f64;
    }
    let mut order: Vec<usize> = (0..limits.len()).collect();
    order.sort_by(|&a, &b| limits[a].value.total_cmp(&limits[b].value).then(a.cmp(&b)));
    let mut rank = vec![0; limits.len()];
    for (new, &old) in order.iter().enumerate() {
        rank[old] = new;
    }
    for run in &mut runs {
        if let RunOutcome::Limit { limit, .. } = &mut run.outcome {
            *limit = rank[*limit];
        }
    }
    let mut slots: Vec<Option<Limit<F::X, F::Y>>> = limits.into_iter().map(Some).collect();
    let limits = order.iter().filter_map(|&i| slots[i].take()).collect();

    CensusReport {
        algorithm: census.algorithm,
        starts: census.starts,
        seed: census.seed,
        generated_starts: census.generator.is_some(),
        limits,
        failures,
        runs,
    }
}

/// The clustering rule and its tolerance.
struct Rule {
    clustering: Clustering,
    tol: f64,
}

impl Rule {
    /// Whether a diagnosed limit belongs to the limit `l`.
    fn matches<X: Block, Y: Block>(&self, l: &Limit<X, Y>, point: &Diagnosed<X, Y>) -> bool {
        let d = &point.diagnosis;
        let close = |a: f64, b: f64| (a - b).abs() <= self.tol * a.abs().max(1.0);
        if l.verdict != VerdictKind::from(&d.verdict) || !close(l.value, d.value) {
            return false;
        }
        match self.clustering {
            Clustering::ByPoint => {
                let scale = (l.x.norm_squared() + l.y.norm_squared()).sqrt().max(1.0);
                let gap = distance_squared(&l.x, &point.x) + distance_squared(&l.y, &point.y);
                gap.sqrt() <= self.tol * scale
            }
            Clustering::ByValue => close(l.min_eigenvalue, d.hessian.min),
        }
    }
}

/// What a limit keeps of each member.
struct Member {
    start: usize,
    iterations: usize,
    gradient_norm: f64,
}

/// A new limit, with its first member.
fn found<X, Y>(x: X, y: Y, diagnosis: Diagnosis<X, Y>, member: &Member) -> Limit<X, Y> {
    Limit {
        verdict: VerdictKind::from(&diagnosis.verdict),
        value: diagnosis.value,
        value_spread: 0.0,
        min_eigenvalue: diagnosis.hessian.min,
        gradient_norm: member.gradient_norm,
        count: 1,
        starts: vec![member.start],
        // a sum until every member is in
        mean_iterations: member.iterations as f64,
        x,
        y,
        diagnosis,
    }
}

/// Adds a member to a limit.
fn join<X, Y>(l: &mut Limit<X, Y>, d: &Diagnosis<X, Y>, member: &Member) {
    l.value_spread = l.value_spread.max((d.value - l.value).abs());
    l.gradient_norm = l.gradient_norm.max(member.gradient_norm);
    l.count += 1;
    l.starts.push(member.start);
    l.mean_iterations += member.iterations as f64;
}

/// Counts a failure under its stage and kind of error.
fn count_failure(
    failures: &mut Vec<FailureTally>,
    stage: FailureStage,
    error: &Error,
    start: usize,
) {
    let same = |t: &&mut FailureTally| {
        t.stage == stage && mem::discriminant(&t.first) == mem::discriminant(error)
    };
    if let Some(tally) = failures.iter_mut().find(same) {
        tally.count += 1;
        tally.starts.push(start);
        return;
    }
    failures.push(FailureTally {
        stage,
        label: label(error),
        count: 1,
        starts: vec![start],
        first: error.clone(),
    });
}

/// The kind of an error, in a few words.
fn label(error: &Error) -> &'static str {
    match error {
        Error::DimensionMismatch { .. } => "dimension mismatch",
        Error::NonFinite(_) => "NaN or infinity",
        Error::NotStronglyConvex { .. } => "subproblem not strongly convex",
        Error::SubproblemNotConverged { .. } => "subproblem not converged",
        Error::IterationLimit { .. } => "iteration limit",
        Error::IndexOutOfBounds { .. } => "index out of bounds",
        Error::InvalidSetting { .. } => "invalid setting",
        Error::UnknownShape { .. } => "unknown block shape",
    }
}

fn distance_squared<B: Block>(a: &B, b: &B) -> f64 {
    a.as_slice()
        .iter()
        .zip(b.as_slice())
        .map(|(u, v)| (u - v) * (u - v))
        .sum()
}

impl<X, Y> fmt::Display for CensusReport<X, Y> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = if self.generated_starts {
            "generated"
        } else {
            "random"
        };
        writeln!(
            f,
            "{} from {} {origin} starts (seed {})",
            self.algorithm, self.starts, self.seed
        )?;
        let kinds: Vec<String> = VerdictKind::ALL
            .iter()
            .map(|&k| format!("{} {k}", self.count(k)))
            .collect();
        writeln!(
            f,
            "  {} converged: {}; {} failed",
            self.converged(),
            kinds.join(", "),
            self.failed()
        )?;

        writeln!(
            f,
            "  {:>5}  {:>5}  {:>20}  {:<14}  {:>10}  {:>10}  {:>10}",
            "limit", "runs", "value", "verdict", "min eig H", "|grad f|", "mean iters"
        )?;
        for (i, l) in self.limits.iter().take(TABLE_ROWS).enumerate() {
            writeln!(
                f,
                "  {:>5}  {:>5}  {:>20.12e}  {:<14}  {:>10.3e}  {:>10.3e}  {:>10.1}",
                i,
                l.count,
                l.value,
                l.verdict.to_string(),
                l.min_eigenvalue,
                l.gradient_norm,
                l.mean_iterations
            )?;
        }
        if self.limits.len() > TABLE_ROWS {
            let rest = &self.limits[TABLE_ROWS..];
            writeln!(
                f,
                "  ... {} more limits with {} runs",
                rest.len(),
                rest.iter().map(|l| l.count).sum::<usize>()
            )?;
        }

        if !self.failures.is_empty() {
            writeln!(
                f,
                "  {:>5}  {:>5}  {:<9}  {:<30}  first error",
                "fail", "runs", "stage", "kind"
            )?;
        }
        for t in &self.failures {
            writeln!(
                f,
                "  {:>5}  {:>5}  {:<9}  {:<30}  start {}: {}",
                "",
                t.count,
                t.stage.to_string(),
                t.label,
                t.starts.first().map_or(0, |s| *s),
                t.first
            )?;
        }
        Ok(())
    }
}
