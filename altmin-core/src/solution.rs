//! What an algorithm hands back: the solution, why it stopped, the history of
//! every iterate, or a failure carrying the last finite iterate.

use std::fmt;

use crate::error::Error;

/// The numbers recorded at one iterate `z_k = (x_k, y_k)`.
///
/// Iteration 0 is the start; its steps and decrease are zero.
///
/// ```
/// use altmin_core::Record;
/// let r = Record {
///     iteration: 4, value: 1.5, grad_x_norm: 0.0, grad_y_norm: 4.0,
///     step_x: 3.0, step_y: 4.0, beta: Some(2.0), decrease: 25.0,
/// };
/// assert_eq!(r.gradient_norm(), 4.0);
/// assert_eq!(r.step(), 5.0);
/// assert_eq!(r.sufficient_decrease_bound(), Some(25.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Record {
    /// The iteration `k` (0 for the start).
    pub iteration: usize,
    /// The objective's value `f(x_k, y_k)`.
    pub value: f64,
    /// The norm of the gradient in `x` at `(x_k, y_k)`.
    pub grad_x_norm: f64,
    /// The norm of the gradient in `y` at `(x_k, y_k)`.
    pub grad_y_norm: f64,
    /// The step in `x`, `|x_k - x_{k-1}|`.
    pub step_x: f64,
    /// The step in `y`, `|y_k - y_{k-1}|`.
    pub step_y: f64,
    /// The proximal weight `beta` used to compute this iterate (ProxAltMin
    /// only).
    pub beta: Option<f64>,
    /// The decrease of the objective, `f(z_{k-1}) - f(z_k)`.
    pub decrease: f64,
}

impl Record {
    /// The norm of the full gradient, `(|grad_x|^2 + |grad_y|^2)^(1/2)`.
    ///
    /// ```
    /// use altmin_core::Record;
    /// let r = Record {
    ///     iteration: 1, value: 0.0, grad_x_norm: 3.0, grad_y_norm: 4.0,
    ///     step_x: 0.0, step_y: 0.0, beta: None, decrease: 0.0,
    /// };
    /// assert_eq!(r.gradient_norm(), 5.0);
    /// ```
    #[must_use]
    pub fn gradient_norm(&self) -> f64 {
        self.grad_x_norm.hypot(self.grad_y_norm)
    }

    /// The step `|z_k - z_{k-1}| = (|x_k - x_{k-1}|^2 + |y_k - y_{k-1}|^2)^(1/2)`.
    ///
    /// ```
    /// use altmin_core::Record;
    /// let r = Record {
    ///     iteration: 1, value: 0.0, grad_x_norm: 0.0, grad_y_norm: 0.0,
    ///     step_x: 0.6, step_y: 0.8, beta: None, decrease: 1.0,
    /// };
    /// assert!((r.step() - 1.0).abs() < 1e-15);
    /// ```
    #[must_use]
    pub fn step(&self) -> f64 {
        self.step_x.hypot(self.step_y)
    }

    /// The decrease ProxAltMin guarantees, `beta/2 |z_k - z_{k-1}|^2`, or
    /// `None` without a proximal weight.
    ///
    /// ```
    /// use altmin_core::Record;
    /// let r = Record {
    ///     iteration: 1, value: 0.0, grad_x_norm: 0.0, grad_y_norm: 0.0,
    ///     step_x: 0.6, step_y: 0.8, beta: Some(4.0), decrease: 1.0,
    /// };
    /// assert!((r.sufficient_decrease_bound().unwrap() - 2.0).abs() < 1e-15);
    /// ```
    #[must_use]
    pub fn sufficient_decrease_bound(&self) -> Option<f64> {
        let step = self.step();
        self.beta.map(|beta| 0.5 * beta * step * step)
    }
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "k={} f={:.12e} |gx|={:.3e} |gy|={:.3e} |dx|={:.3e} |dy|={:.3e} decrease={:.3e}",
            self.iteration,
            self.value,
            self.grad_x_norm,
            self.grad_y_norm,
            self.step_x,
            self.step_y,
            self.decrease,
        )?;
        if let Some(beta) = self.beta {
            write!(f, " beta={beta:.3e}")?;
        }
        Ok(())
    }
}

/// Why an algorithm stopped successfully.
///
/// ```
/// use altmin_core::StopReason;
/// let s = StopReason::GradientTolerance { gradient_norm: 1e-9, tolerance: 1e-8 };
/// assert!(s.to_string().contains("gradient norm"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StopReason {
    /// The full gradient norm fell to the tolerance.
    GradientTolerance {
        /// The gradient norm at the final iterate.
        gradient_norm: f64,
        /// The tolerance it met.
        tolerance: f64,
    },
    /// The step `|z_k - z_{k-1}|` fell to the step tolerance.
    StepTolerance {
        /// The last step.
        step: f64,
        /// The tolerance it met.
        tolerance: f64,
    },
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::GradientTolerance {
                gradient_norm,
                tolerance,
            } => write!(
                f,
                "gradient norm {gradient_norm:.3e} within the tolerance {tolerance:.3e}"
            ),
            StopReason::StepTolerance { step, tolerance } => {
                write!(
                    f,
                    "step {step:.3e} within the step tolerance {tolerance:.3e}"
                )
            }
        }
    }
}

/// What [`AltMin::run`](crate::AltMin::run) and
/// [`ProxAltMin::run`](crate::ProxAltMin::run) return: a [`Solution`], or a
/// [`Failure`] carrying the last finite iterate.
///
/// ```
/// use altmin_core::{Error, Failure, RunResult};
/// let r: RunResult<f64, f64> = Err(Failure {
///     error: Error::IterationLimit { iterations: 1, gradient_norm: 1.0 },
///     x: 0.0, y: 0.0, iterations: 1, history: Vec::new(),
/// });
/// assert!(r.is_err());
/// ```
pub type RunResult<X, Y> = Result<Solution<X, Y>, Failure<X, Y>>;

/// The result of a successful run: the final blocks, how good they are, and
/// how the algorithm got there.
///
/// ```
/// use altmin_core::{Record, Solution, StopReason};
/// let start = Record {
///     iteration: 0, value: 2.0, grad_x_norm: 0.0, grad_y_norm: 0.0,
///     step_x: 0.0, step_y: 0.0, beta: None, decrease: 0.0,
/// };
/// let s = Solution {
///     x: 1.0, y: 1.0, value: 2.0, gradient_norm: 0.0, iterations: 0,
///     stop: StopReason::GradientTolerance { gradient_norm: 0.0, tolerance: 1e-8 },
///     history: vec![start],
/// };
/// assert!(s.to_string().starts_with("stopped after 0 iterations"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct Solution<X, Y> {
    /// The final `x`.
    pub x: X,
    /// The final `y`.
    pub y: Y,
    /// The objective's value at `(x, y)`.
    pub value: f64,
    /// The norm of the full gradient at `(x, y)`.
    pub gradient_norm: f64,
    /// Iterations performed.
    pub iterations: usize,
    /// Why the algorithm stopped.
    pub stop: StopReason,
    /// One record per iterate, the start first: `history[k]` describes
    /// iteration `k`.
    pub history: Vec<Record>,
}

impl<X, Y> fmt::Display for Solution<X, Y> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "stopped after {} iterations: {}",
            self.iterations, self.stop
        )?;
        writeln!(f, "  value          {:.12e}", self.value)?;
        write!(f, "  gradient norm  {:.3e}", self.gradient_norm)?;
        if let Some(beta) = self.history.last().and_then(|r| r.beta) {
            write!(f, "\n  beta           {beta:.3e}")?;
        }
        Ok(())
    }
}

/// A run that went wrong: the error, and the last iterate at which the blocks,
/// the value and the gradient were all finite.
///
/// When the start itself is rejected (mismatched dimensions, non-finite data
/// or entries), `x` and `y` are the start as given and `history` is empty.
///
/// ```
/// use altmin_core::{Error, Failure};
/// let failure = Failure {
///     error: Error::IterationLimit { iterations: 10, gradient_norm: 0.5 },
///     x: 1.0, y: 2.0, iterations: 10, history: Vec::new(),
/// };
/// assert!(failure.to_string().contains("iteration limit of 10"));
/// ```
#[derive(Clone, PartialEq)]
pub struct Failure<X, Y> {
    /// What went wrong.
    pub error: Error,
    /// The last finite `x`.
    pub x: X,
    /// The last finite `y`.
    pub y: Y,
    /// Iterations completed; `x` and `y` are the iterate of this number.
    pub iterations: usize,
    /// One record per completed iterate, the start first.
    pub history: Vec<Record>,
}

impl<X: fmt::Debug, Y: fmt::Debug> fmt::Debug for Failure<X, Y> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Failure")
            .field("error", &self.error)
            .field("x", &self.x)
            .field("y", &self.y)
            .field("iterations", &self.iterations)
            .field("history_len", &self.history.len())
            .finish()
    }
}

impl<X, Y> fmt::Display for Failure<X, Y> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (after {} iterations; the last finite iterate is kept)",
            self.error, self.iterations
        )
    }
}

impl<X: fmt::Debug, Y: fmt::Debug> std::error::Error for Failure<X, Y> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
