//! Running a census: the starts, the runs on worker threads, the diagnoses.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::altmin::AltMin;
use crate::bi_objective::BiObjective;
use crate::block::{Block, Shape};
use crate::diagnose::Diagnosis;
use crate::error::{BlockId, Error};
use crate::prox_altmin::ProxAltMin;
use crate::solution::{Failure, RunResult, Solution};

use super::report::{self, CensusReport, FailureStage};
use super::{Algorithm, Census};

/// Where one run ended, before the limits are grouped.
pub(super) struct Landing<X, Y> {
    /// The start's index.
    pub(super) start: usize,
    /// Iterations performed.
    pub(super) iterations: usize,
    /// The value at the last finite iterate, when one was evaluated.
    pub(super) value: Option<f64>,
    /// The gradient norm there.
    pub(super) gradient_norm: Option<f64>,
    /// The limit and its diagnosis, or what went wrong.
    pub(super) end: Result<Diagnosed<X, Y>, (FailureStage, Error)>,
}

/// A limit with its diagnosis.
pub(super) struct Diagnosed<X, Y> {
    pub(super) x: X,
    pub(super) y: Y,
    pub(super) diagnosis: Diagnosis<X, Y>,
}

/// The shapes random starts are drawn in, or `None` with a generator.
type StartShapes = Option<(Shape, Shape)>;

impl<F: BiObjective + Sync + ?Sized> Census<'_, F> {
    /// Runs the algorithm from every start, diagnoses every limit and
    /// tallies the outcomes.
    ///
    /// The data are checked once before any run. A run that fails, or
    /// whose limit cannot be diagnosed, is not an error of the census: it
    /// is tallied in [`CensusReport::failures`].
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] when the objective's data hold a NaN or an
    /// infinity; [`Error::UnknownShape`] when no start generator is given
    /// and [`block_shapes`](BiObjective::block_shapes) leaves a block's
    /// shape open, or names one its type cannot take.
    ///
    /// # Panics
    ///
    /// Only when the objective or the start generator panics: the panic
    /// is carried over from the worker thread.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// use altmin_core::BlockId;
    ///
    /// #[objective]
    /// fn free(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    ///     x.norm_squared() * (1.0 + y.norm_squared())
    /// }
    ///
    /// // nothing fixes the length of x or y: give starts
    /// let f = Free::new();
    /// assert_eq!(
    ///     Census::new(&f).run().unwrap_err(),
    ///     Error::UnknownShape { block: BlockId::X }
    /// );
    /// let report = Census::new(&f)
    ///     .with_start_generator(|_, rng| {
    ///         let x = DVector::random(altmin_core::Shape::new(3, 1), rng);
    ///         (x.unwrap_or_else(|| DVector::zeros(3)), DVector::zeros(2))
    ///     })
    ///     .run()?;
    /// assert_eq!(report.converged(), 100);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn run(&self) -> Result<CensusReport<F::X, F::Y>, Error> {
        self.f.check_data()?;
        let shapes = match self.generator {
            Some(_) => None,
            None => Some(self.start_shapes()?),
        };

        let landings = self.land_all(shapes);

        let report = report::tally(self, landings);
        log::info!(
            "census of {}: {} starts, {} converged, {} at strict saddles, {} failed",
            self.algorithm,
            self.starts,
            report.converged(),
            report.strict_saddles(),
            report.failed()
        );
        Ok(report)
    }

    /// The shapes of random starts, checked against the block types.
    fn start_shapes(&self) -> Result<(Shape, Shape), Error> {
        let (x, y) = self.f.block_shapes();
        let x = x
            .filter(|&s| F::X::try_zeros(s).is_some())
            .ok_or(Error::UnknownShape { block: BlockId::X })?;
        let y = y
            .filter(|&s| F::Y::try_zeros(s).is_some())
            .ok_or(Error::UnknownShape { block: BlockId::Y })?;
        Ok((x, y))
    }

    /// Every start's landing, in start order, computed by the worker
    /// threads taking the next start from a shared counter.
    fn land_all(&self, shapes: StartShapes) -> Vec<Landing<F::X, F::Y>> {
        let workers = self
            .threads
            .or_else(|| thread::available_parallelism().ok())
            .map_or(1, usize::from)
            .min(self.starts);
        let next = AtomicUsize::new(0);

        let work = || {
            let mut out = Vec::new();
            loop {
                let start = next.fetch_add(1, Ordering::Relaxed);
                if start >= self.starts {
                    return out;
                }
                out.push(self.land(start, shapes));
            }
        };
        let mut landings: Vec<_> = thread::scope(|scope| {
            let handles: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
            handles
                .into_iter()
                .flat_map(|handle| match handle.join() {
                    Ok(landings) => landings,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });

        landings.sort_unstable_by_key(|landing| landing.start);
        landings
    }

    /// Runs from start `start` and diagnoses where the run ended.
    fn land(&self, start: usize, shapes: StartShapes) -> Landing<F::X, F::Y> {
        let mut rng = start_rng(self.seed, start);
        let z0 = match (&self.generator, shapes) {
            (Some(generator), _) => Some(generator(start, &mut rng)),
            (None, Some((sx, sy))) => self.random_start(sx, sy, &mut rng),
            (None, None) => None,
        };
        let Some((x0, y0)) = z0 else {
            return Landing::failed_at_start(start, Error::UnknownShape { block: BlockId::X });
        };

        match self.solve(&x0, &y0) {
            Ok(solution) => self.diagnosed(start, solution),
            Err(failure) => Landing::failed(start, &failure),
        }
    }

    /// Independent normal entries of standard deviation `start_scale`.
    fn random_start(&self, sx: Shape, sy: Shape, rng: &mut StdRng) -> Option<(F::X, F::Y)> {
        let mut x = F::X::random(sx, rng)?;
        let mut y = F::Y::random(sy, rng)?;
        x.scale_mut(self.start_scale);
        y.scale_mut(self.start_scale);
        Some((x, y))
    }

    /// One run of the census's algorithm.
    fn solve(&self, x0: &F::X, y0: &F::Y) -> RunResult<F::X, F::Y> {
        let rejected = |error| Failure {
            error,
            x: x0.clone(),
            y: y0.clone(),
            iterations: 0,
            history: Vec::new(),
        };
        match self.algorithm {
            Algorithm::AltMin => AltMin::new(self.f)
                .with_tolerance(self.tolerance)
                .and_then(|a| a.with_max_iters(self.max_iters))
                .map_err(rejected)?
                .run(x0, y0),
            Algorithm::ProxAltMin(beta) => ProxAltMin::new(self.f)
                .with_beta(beta)
                .and_then(|p| p.with_tolerance(self.tolerance))
                .and_then(|p| p.with_max_iters(self.max_iters))
                .map_err(rejected)?
                .run(x0, y0),
        }
    }

    /// Diagnoses a solution's limit; a ProxAltMin limit is diagnosed with
    /// the `beta` its run ended with.
    fn diagnosed(&self, start: usize, solution: Solution<F::X, F::Y>) -> Landing<F::X, F::Y> {
        let beta = solution.history.last().and_then(|r| r.beta);
        let diagnose = match beta {
            Some(beta) => self.diagnose.clone().with_beta(beta),
            None => Ok(self.diagnose.clone()),
        };
        let end = diagnose
            .and_then(|d| d.run(&solution.x, &solution.y))
            .map(|diagnosis| Diagnosed {
                x: solution.x,
                y: solution.y,
                diagnosis,
            })
            .map_err(|error| (FailureStage::Diagnosis, error));
        Landing {
            start,
            iterations: solution.iterations,
            value: Some(solution.value),
            gradient_norm: Some(solution.gradient_norm),
            end,
        }
    }
}

impl<X, Y> Landing<X, Y> {
    fn failed_at_start(start: usize, error: Error) -> Self {
        Landing {
            start,
            iterations: 0,
            value: None,
            gradient_norm: None,
            end: Err((FailureStage::Run, error)),
        }
    }

    fn failed(start: usize, failure: &Failure<X, Y>) -> Self {
        let last = failure.history.last();
        Landing {
            start,
            iterations: failure.iterations,
            value: last.map(|r| r.value),
            gradient_norm: last.map(|r| r.gradient_norm()),
            end: Err((FailureStage::Run, failure.error.clone())),
        }
    }
}

/// The random stream of start `start`: a `StdRng` keyed by the seed and
/// the index, so distinct `(seed, start)` pairs never share a stream.
pub(super) fn start_rng(seed: u64, start: usize) -> StdRng {
    let mut key = [0_u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&(start as u64).to_le_bytes());
    StdRng::from_seed(key)
}
