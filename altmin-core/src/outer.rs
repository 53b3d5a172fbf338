//! The outer iteration AltMin and ProxAltMin share: checks of the start, the
//! loop with its records, observers and stopping rules, and failures that
//! keep the last finite iterate.

use crate::bi_objective::BiObjective;
use crate::block::Block;
use crate::error::{BlockId, Error, NonFiniteSource};
use crate::solution::{Failure, Record, RunResult, Solution, StopReason};

/// A callback that sees every iterate with its record.
pub(crate) type Observer<'a, X, Y> = Box<dyn FnMut(&Record, &X, &Y) + 'a>;

/// The stopping rules of the outer iteration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Settings {
    /// Stop when the full gradient norm is at most this.
    pub(crate) tolerance: f64,
    /// Stop when `|z_k - z_{k-1}|` is at most this.
    pub(crate) step_tolerance: f64,
    /// Fail with [`Error::IterationLimit`] after this many iterations.
    pub(crate) max_iters: usize,
}

impl Settings {
    pub(crate) const DEFAULT: Settings = Settings {
        tolerance: 1e-8,
        step_tolerance: 0.0,
        max_iters: 1000,
    };

    pub(crate) fn set_tolerance(&mut self, tolerance: f64) -> Result<(), Error> {
        if !(tolerance.is_finite() && tolerance > 0.0) {
            return Err(Error::InvalidSetting {
                name: "tolerance",
                value: tolerance,
                requirement: "must be positive and finite",
            });
        }
        self.tolerance = tolerance;
        Ok(())
    }

    pub(crate) fn set_step_tolerance(&mut self, step_tolerance: f64) -> Result<(), Error> {
        if !(step_tolerance.is_finite() && step_tolerance >= 0.0) {
            return Err(Error::InvalidSetting {
                name: "step_tolerance",
                value: step_tolerance,
                requirement: "must be non-negative and finite",
            });
        }
        self.step_tolerance = step_tolerance;
        Ok(())
    }

    pub(crate) fn set_max_iters(&mut self, max_iters: usize) -> Result<(), Error> {
        if max_iters == 0 {
            return Err(Error::InvalidSetting {
                name: "max_iters",
                value: 0.0,
                requirement: "must be at least 1",
            });
        }
        self.max_iters = max_iters;
        Ok(())
    }
}

/// The blocks one iteration produced and the proximal weight it used.
pub(crate) struct Step<X, Y> {
    pub(crate) x: X,
    pub(crate) y: Y,
    pub(crate) beta: Option<f64>,
}

/// Checks the data, the blocks' dimensions and the start's entries, in that
/// order, as both algorithms do before their first iteration.
pub(crate) fn check_start<F: BiObjective + ?Sized>(
    f: &F,
    x0: &F::X,
    y0: &F::Y,
) -> Result<(), Error> {
    f.check_data()?;
    f.check_dims(x0, y0)?;
    if !x0.all_finite() {
        return Err(Error::NonFinite(NonFiniteSource::Start(BlockId::X)));
    }
    if !y0.all_finite() {
        return Err(Error::NonFinite(NonFiniteSource::Start(BlockId::Y)));
    }
    Ok(())
}

/// A failure before any iterate was evaluated: the start comes back as given.
pub(crate) fn failure_at_start<X: Clone, Y: Clone>(error: Error, x0: &X, y0: &Y) -> Failure<X, Y> {
    Failure {
        error,
        x: x0.clone(),
        y: y0.clone(),
        iterations: 0,
        history: Vec::new(),
    }
}

/// `Ok(v)` when `v` is finite, otherwise the error naming `block` and `k`.
pub(crate) fn finite_iterate<B: Block>(block: BlockId, k: usize, v: B) -> Result<B, Error> {
    if v.all_finite() {
        Ok(v)
    } else {
        Err(Error::NonFinite(NonFiniteSource::Iterate {
            block,
            iteration: k,
        }))
    }
}

/// Gives a block solver's non-finite report the iteration it happened at.
pub(crate) fn at_iteration(error: Error, k: usize) -> Error {
    match error {
        Error::NonFinite(NonFiniteSource::Iterate {
            block,
            iteration: 0,
        }) => Error::NonFinite(NonFiniteSource::Iterate {
            block,
            iteration: k,
        }),
        other => other,
    }
}

/// The Euclidean distance between two blocks of the same shape.
pub(crate) fn distance<B: Block>(a: &B, b: &B) -> f64 {
    a.as_slice()
        .iter()
        .zip(b.as_slice())
        .map(|(u, v)| (u - v) * (u - v))
        .sum::<f64>()
        .sqrt()
}

/// The value and gradient norms at a point, or `None` if any is not finite.
fn evaluate<F: BiObjective + ?Sized>(f: &F, x: &F::X, y: &F::Y) -> Option<(f64, f64, f64)> {
    let value = f.value(x, y);
    let gx = f.grad_x(x, y).norm();
    let gy = f.grad_y(x, y).norm();
    (value.is_finite() && gx.is_finite() && gy.is_finite()).then_some((value, gx, gy))
}

/// One run of the outer iteration: the current iterate and what was
/// recorded on the way to it.
pub(crate) struct Run<'r, 'a, F: BiObjective + ?Sized> {
    f: &'r F,
    name: &'static str,
    settings: Settings,
    observers: &'r mut [Observer<'a, F::X, F::Y>],
    x: F::X,
    y: F::Y,
    last: Record,
    history: Vec<Record>,
}

impl<'r, 'a, F: BiObjective + ?Sized> Run<'r, 'a, F> {
    /// Evaluates the (already checked) start and records it as iteration 0.
    pub(crate) fn begin(
        f: &'r F,
        name: &'static str,
        settings: Settings,
        observers: &'r mut [Observer<'a, F::X, F::Y>],
        (x0, y0): (&F::X, &F::Y),
        beta: Option<f64>,
    ) -> Result<Self, Failure<F::X, F::Y>> {
        let Some((value, grad_x_norm, grad_y_norm)) = evaluate(f, x0, y0) else {
            let error = Error::NonFinite(NonFiniteSource::Value { iteration: 0 });
            return Err(failure_at_start(error, x0, y0));
        };
        let last = Record {
            iteration: 0,
            value,
            grad_x_norm,
            grad_y_norm,
            step_x: 0.0,
            step_y: 0.0,
            beta,
            decrease: 0.0,
        };
        let mut run = Run {
            f,
            name,
            settings,
            observers,
            x: x0.clone(),
            y: y0.clone(),
            last,
            history: Vec::new(),
        };
        run.record(last);
        Ok(run)
    }

    /// Iterates `step` from the current iterate until a stopping rule holds,
    /// the step fails or the iteration limit is reached.
    ///
    /// `step(k, x_{k-1}, y_{k-1})` returns `z_k`; its blocks must be finite.
    pub(crate) fn iterate(
        mut self,
        mut step: impl FnMut(usize, &F::X, &F::Y) -> Result<Step<F::X, F::Y>, Error>,
    ) -> RunResult<F::X, F::Y> {
        if let Some(stop) = self.gradient_stop() {
            return Ok(self.finish(stop));
        }

        for k in 1..=self.settings.max_iters {
            let next = match step(k, &self.x, &self.y) {
                Ok(next) => next,
                Err(error) => return Err(self.fail(at_iteration(error, k))),
            };
            if let Err(error) = self.accept(k, next) {
                return Err(self.fail(error));
            }
            if let Some(stop) = self.gradient_stop().or_else(|| self.step_stop()) {
                return Ok(self.finish(stop));
            }
        }

        let error = Error::IterationLimit {
            iterations: self.settings.max_iters,
            gradient_norm: self.last.gradient_norm(),
        };
        Err(self.fail(error))
    }

    /// Evaluates `z_k` and makes it the current iterate.
    fn accept(&mut self, k: usize, next: Step<F::X, F::Y>) -> Result<(), Error> {
        let y = finite_iterate(BlockId::Y, k, next.y)?;
        let x = finite_iterate(BlockId::X, k, next.x)?;
        let (value, grad_x_norm, grad_y_norm) = evaluate(self.f, &x, &y)
            .ok_or(Error::NonFinite(NonFiniteSource::Value { iteration: k }))?;

        let record = Record {
            iteration: k,
            value,
            grad_x_norm,
            grad_y_norm,
            step_x: distance(&x, &self.x),
            step_y: distance(&y, &self.y),
            beta: next.beta,
            decrease: self.last.value - value,
        };
        self.x = x;
        self.y = y;
        self.record(record);
        Ok(())
    }

    /// Stores a record and shows it, with the iterate, to the observers.
    fn record(&mut self, record: Record) {
        log::debug!("{}: {record}", self.name);
        for observer in self.observers.iter_mut() {
            observer(&record, &self.x, &self.y);
        }
        self.last = record;
        self.history.push(record);
    }

    fn gradient_stop(&self) -> Option<StopReason> {
        let gradient_norm = self.last.gradient_norm();
        (gradient_norm <= self.settings.tolerance).then_some(StopReason::GradientTolerance {
            gradient_norm,
            tolerance: self.settings.tolerance,
        })
    }

    fn step_stop(&self) -> Option<StopReason> {
        let step = self.last.step();
        (step <= self.settings.step_tolerance).then_some(StopReason::StepTolerance {
            step,
            tolerance: self.settings.step_tolerance,
        })
    }

    fn finish(self, stop: StopReason) -> Solution<F::X, F::Y> {
        log::info!(
            "{}: {stop} after {} iterations, f = {:.12e}",
            self.name,
            self.last.iteration,
            self.last.value
        );
        Solution {
            x: self.x,
            y: self.y,
            value: self.last.value,
            gradient_norm: self.last.gradient_norm(),
            iterations: self.last.iteration,
            stop,
            history: self.history,
        }
    }

    fn fail(self, error: Error) -> Failure<F::X, F::Y> {
        log::info!(
            "{}: {error}; returning iterate {} (f = {:.12e})",
            self.name,
            self.last.iteration,
            self.last.value
        );
        Failure {
            error,
            x: self.x,
            y: self.y,
            iterations: self.last.iteration,
            history: self.history,
        }
    }
}
