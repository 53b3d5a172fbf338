//! Algorithm 2: proximal alternating minimization.

use std::fmt;

use crate::bi_objective::BiObjective;
use crate::error::{BlockId, Error};
use crate::outer::{self, Observer, Run, Settings, Step};
use crate::smoothness::{SmoothnessSettings, estimate_lipschitz};
use crate::solution::{Record, RunResult};

/// How ProxAltMin chooses its proximal weight `beta`.
///
/// ```
/// use altmin_core::{Beta, SmoothnessSettings};
/// let fixed = Beta::Fixed(10.0);
/// let estimated = Beta::Estimated(SmoothnessSettings { samples: 32, ..Default::default() });
/// assert!(fixed.validate().is_ok() && estimated.validate().is_ok());
/// assert!(Beta::Fixed(-1.0).validate().is_err());
/// assert_eq!(Beta::default(), Beta::Estimated(SmoothnessSettings::DEFAULT));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Beta {
    /// This weight, which should exceed the bi-smoothness constant `L_f`.
    Fixed(f64),
    /// `safety_factor * L_f`, with `L_f` estimated on the sublevel set of
    /// the start by [`estimate_lipschitz`].
    Estimated(SmoothnessSettings),
}

impl Beta {
    /// Checks the weight or the estimation settings.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] for a fixed weight that is not positive and
    /// finite, or for estimation settings out of their domain.
    ///
    /// ```
    /// use altmin_core::Beta;
    /// assert!(Beta::Fixed(f64::NAN).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            Beta::Fixed(beta) if !(beta.is_finite() && *beta > 0.0) => Err(Error::InvalidSetting {
                name: "beta",
                value: *beta,
                requirement: "must be positive and finite",
            }),
            Beta::Fixed(_) => Ok(()),
            Beta::Estimated(settings) => settings.validate(),
        }
    }
}

impl Default for Beta {
    fn default() -> Self {
        Beta::Estimated(SmoothnessSettings::DEFAULT)
    }
}

/// Proximal alternating minimization (Algorithm 2): each block minimized
/// with a proximal term that keeps it near its previous value.
///
/// From `(x_0, y_0)`, iteration `k` computes
///
/// ```text
/// y_k = argmin_y f(x_{k-1}, y) + beta/2 |y - y_{k-1}|^2
/// x_k = argmin_x f(x, y_k)     + beta/2 |x - x_{k-1}|^2
/// ```
///
/// with the objective's [`prox_argmin_y`](BiObjective::prox_argmin_y) and
/// [`prox_argmin_x`](BiObjective::prox_argmin_x). By default `beta` is
/// estimated when the run starts as `1.1 L_f`, with `L_f` the largest block
/// Hessian norm found on the sublevel set `{f <= f(x_0, y_0)}` (see
/// [`estimate_lipschitz`]). When a subproblem turns out not to be strongly
/// convex, because the estimate fell short, `beta` is doubled and the
/// iteration retried, a bounded number of times over the run.
///
/// Every iterate satisfies the sufficient-decrease property
/// `f(z_k) <= f(z_{k-1}) - beta/2 |z_k - z_{k-1}|^2`; each [`Record`] holds
/// the decrease, the steps and `beta`, and
/// [`Record::sufficient_decrease_bound`] the right-hand side.
///
/// The stopping rules and the errors are those of
/// [`AltMin`](crate::AltMin).
///
/// # Reference
///
/// This is Algorithm 2 of the analysis of second-order convergence of
/// alternating minimization. It needs no bi-convexity: with `beta > L_f`,
/// where `L_f` bounds the block Hessians' norms (bi-smoothness), both
/// subproblems are strongly convex, the objective decreases by at least
/// `beta/2 |z_k - z_{k-1}|^2` per iteration, and the map's Jacobian
/// `[Hxx + bI, Hxy; 0, Hyy + bI]^-1 [bI, 0; -Hyx, bI]` is nonsingular with
/// an eigenvalue above 1 at every strict saddle, so random starts avoid
/// strict saddles almost surely.
///
/// # Example
///
/// `f(x, y) = (x^2 - 1)^2/4 + (y^2 - 1)^2/4 + xy`, whose block Hessians
/// `3x^2 - 1` and `3y^2 - 1` are negative near the origin, so AltMin's
/// subproblems are not convex there:
///
/// ```
/// # use altmin_core::prelude::*;
/// # #[derive(Debug)]
/// # struct Wells;
/// # impl BiObjective for Wells {
/// #     type X = f64;
/// #     type Y = f64;
/// #     fn value(&self, x: &f64, y: &f64) -> f64 {
/// #         0.25 * (x * x - 1.0).powi(2) + 0.25 * (y * y - 1.0).powi(2) + x * y
/// #     }
/// #     fn grad_x(&self, x: &f64, y: &f64) -> f64 { (x * x - 1.0) * x + y }
/// #     fn grad_y(&self, x: &f64, y: &f64) -> f64 { (y * y - 1.0) * y + x }
/// #     fn hess_xx(&self, x: &f64, _: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, 3.0 * x * x - 1.0)
/// #     }
/// #     fn hess_yy(&self, _: &f64, y: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, 3.0 * y * y - 1.0)
/// #     }
/// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 1.0) }
/// #     fn hvp_xx(&self, x: &f64, _: &f64, v: &f64) -> f64 { (3.0 * x * x - 1.0) * v }
/// #     fn hvp_yy(&self, _: &f64, y: &f64, v: &f64) -> f64 { (3.0 * y * y - 1.0) * v }
/// #     fn hvp_xy(&self, _: &f64, _: &f64, v: &f64) -> f64 { *v }
/// #     fn hvp_yx(&self, _: &f64, _: &f64, v: &f64) -> f64 { *v }
/// # }
/// use altmin_core::{AltMin, Error, ProxAltMin};
///
/// let f = Wells;
/// let failure = AltMin::new(&f).run(&0.1, &0.2).unwrap_err();
/// assert!(matches!(failure.error, Error::NotStronglyConvex { .. }));
///
/// let solution = ProxAltMin::new(&f).with_tolerance(1e-10)?.run(&0.1, &0.2)?;
/// // the minima are (t, -t) with t^2 = 2
/// assert!((solution.x.abs() - 2.0_f64.sqrt()).abs() < 1e-8);
/// assert!((solution.x + solution.y).abs() < 1e-8);
/// for r in &solution.history[1..] {
///     let bound = r.sufficient_decrease_bound().unwrap();
///     assert!(r.decrease >= bound - 1e-12 * r.value.abs().max(1.0));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ProxAltMin<'a, F: BiObjective + ?Sized> {
    f: &'a F,
    settings: Settings,
    beta: Beta,
    max_beta_doublings: usize,
    observers: Vec<Observer<'a, F::X, F::Y>>,
}

impl<'a, F: BiObjective + ?Sized> ProxAltMin<'a, F> {
    /// ProxAltMin on `f` with the default settings: `beta` estimated from
    /// `L_f` ([`Beta::default`]), at most 30 doublings of it, gradient
    /// tolerance `1e-8`, step tolerance 0, at most 1000 iterations.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[derive(Debug)]
    /// # struct Scalar;
    /// # impl BiObjective for Scalar {
    /// #     type X = f64;
    /// #     type Y = f64;
    /// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y - x * y + x }
    /// #     fn grad_x(&self, x: &f64, y: &f64) -> f64 { 2.0 * x - y + 1.0 }
    /// #     fn grad_y(&self, x: &f64, y: &f64) -> f64 { 2.0 * y - x }
    /// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, -1.0) }
    /// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_xy(&self, _: &f64, _: &f64, v: &f64) -> f64 { -v }
    /// #     fn hvp_yx(&self, _: &f64, _: &f64, v: &f64) -> f64 { -v }
    /// # }
    /// // f(x, y) = x^2 + y^2 - xy + x: L_f = 2, so beta = 2.2
    /// let solution = altmin_core::ProxAltMin::new(&Scalar).run(&0.0, &0.0)?;
    /// assert!((solution.x + 2.0 / 3.0).abs() < 1e-7);
    /// assert_eq!(solution.history[0].beta, Some(2.2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn new(f: &'a F) -> Self {
        ProxAltMin {
            f,
            settings: Settings::DEFAULT,
            beta: Beta::default(),
            max_beta_doublings: 30,
            observers: Vec::new(),
        }
    }

    /// Sets how `beta` is chosen.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] when [`Beta::validate`] rejects `beta`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[derive(Debug)]
    /// # struct Scalar;
    /// # impl BiObjective for Scalar {
    /// #     type X = f64;
    /// #     type Y = f64;
    /// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y - x * y + x }
    /// #     fn grad_x(&self, x: &f64, y: &f64) -> f64 { 2.0 * x - y + 1.0 }
    /// #     fn grad_y(&self, x: &f64, y: &f64) -> f64 { 2.0 * y - x }
    /// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, -1.0) }
    /// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_xy(&self, _: &f64, _: &f64, v: &f64) -> f64 { -v }
    /// #     fn hvp_yx(&self, _: &f64, _: &f64, v: &f64) -> f64 { -v }
    /// # }
    /// use altmin_core::{Beta, ProxAltMin};
    /// let solution = ProxAltMin::new(&Scalar).with_beta(Beta::Fixed(3.0))?.run(&0.0, &0.0)?;
    /// assert!(solution.history.iter().all(|r| r.beta == Some(3.0)));
    /// assert!(ProxAltMin::new(&Scalar).with_beta(Beta::Fixed(0.0)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_beta(mut self, beta: Beta) -> Result<Self, Error> {
        beta.validate()?;
        self.beta = beta;
        Ok(self)
    }

    /// Allows `beta` to be doubled at most `max_beta_doublings` times over a
    /// run when a subproblem is not strongly convex.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[derive(Debug)]
    /// # struct Wells;
    /// # impl BiObjective for Wells {
    /// #     type X = f64;
    /// #     type Y = f64;
    /// #     fn value(&self, x: &f64, y: &f64) -> f64 {
    /// #         0.25 * (x * x - 1.0).powi(2) + 0.25 * (y * y - 1.0).powi(2) + x * y
    /// #     }
    /// #     fn grad_x(&self, x: &f64, y: &f64) -> f64 { (x * x - 1.0) * x + y }
    /// #     fn grad_y(&self, x: &f64, y: &f64) -> f64 { (y * y - 1.0) * y + x }
    /// #     fn hess_xx(&self, x: &f64, _: &f64) -> DMatrix<f64> {
    /// #         DMatrix::from_element(1, 1, 3.0 * x * x - 1.0)
    /// #     }
    /// #     fn hess_yy(&self, _: &f64, y: &f64) -> DMatrix<f64> {
    /// #         DMatrix::from_element(1, 1, 3.0 * y * y - 1.0)
    /// #     }
    /// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 1.0) }
    /// #     fn hvp_xx(&self, x: &f64, _: &f64, v: &f64) -> f64 { (3.0 * x * x - 1.0) * v }
    /// #     fn hvp_yy(&self, _: &f64, y: &f64, v: &f64) -> f64 { (3.0 * y * y - 1.0) * v }
    /// #     fn hvp_xy(&self, _: &f64, _: &f64, v: &f64) -> f64 { *v }
    /// #     fn hvp_yx(&self, _: &f64, _: &f64, v: &f64) -> f64 { *v }
    /// # }
    /// use altmin_core::{Beta, Error, ProxAltMin};
    /// // beta = 0.01 is far below the 1 needed near the origin
    /// let mut tight = ProxAltMin::new(&Wells)
    ///     .with_beta(Beta::Fixed(0.01))?
    ///     .with_max_beta_doublings(2);
    /// let failure = tight.run(&0.1, &0.0).unwrap_err();
    /// assert!(matches!(failure.error, Error::NotStronglyConvex { .. }));
    ///
    /// let solution = ProxAltMin::new(&Wells).with_beta(Beta::Fixed(0.01))?.run(&0.0, &0.1)?;
    /// assert!(solution.history[1].beta.unwrap() > 1.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_max_beta_doublings(mut self, max_beta_doublings: usize) -> Self {
        self.max_beta_doublings = max_beta_doublings;
        self
    }

    /// Stops once the full gradient norm is at most `tolerance`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `tolerance` is positive and finite.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[derive(Debug)]
    /// # struct Scalar;
    /// # impl BiObjective for Scalar {
    /// #     type X = f64;
    /// #     type Y = f64;
    /// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y }
    /// #     fn grad_x(&self, x: &f64, _: &f64) -> f64 { 2.0 * x }
    /// #     fn grad_y(&self, _: &f64, y: &f64) -> f64 { 2.0 * y }
    /// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::zeros(1, 1) }
    /// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_xy(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// #     fn hvp_yx(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// # }
    /// let solution = altmin_core::ProxAltMin::new(&Scalar).with_tolerance(1e-10)?.run(&1.0, &1.0)?;
    /// assert!(solution.gradient_norm <= 1e-10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_tolerance(mut self, tolerance: f64) -> Result<Self, Error> {
        self.settings.set_tolerance(tolerance)?;
        Ok(self)
    }

    /// Stops once the step `|z_k - z_{k-1}|` is at most `step_tolerance`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `step_tolerance` is non-negative and
    /// finite.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[derive(Debug)]
    /// # struct Scalar;
    /// # impl BiObjective for Scalar {
    /// #     type X = f64;
    /// #     type Y = f64;
    /// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y }
    /// #     fn grad_x(&self, x: &f64, _: &f64) -> f64 { 2.0 * x }
    /// #     fn grad_y(&self, _: &f64, y: &f64) -> f64 { 2.0 * y }
    /// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::zeros(1, 1) }
    /// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_xy(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// #     fn hvp_yx(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// # }
    /// use altmin_core::{ProxAltMin, StopReason};
    /// let solution = ProxAltMin::new(&Scalar).with_step_tolerance(1e-2)?.run(&1.0, &1.0)?;
    /// assert!(matches!(solution.stop, StopReason::StepTolerance { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_step_tolerance(mut self, step_tolerance: f64) -> Result<Self, Error> {
        self.settings.set_step_tolerance(step_tolerance)?;
        Ok(self)
    }

    /// Fails with [`Error::IterationLimit`] after `max_iters` iterations.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] when `max_iters` is zero.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[derive(Debug)]
    /// # struct Scalar;
    /// # impl BiObjective for Scalar {
    /// #     type X = f64;
    /// #     type Y = f64;
    /// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y }
    /// #     fn grad_x(&self, x: &f64, _: &f64) -> f64 { 2.0 * x }
    /// #     fn grad_y(&self, _: &f64, y: &f64) -> f64 { 2.0 * y }
    /// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::zeros(1, 1) }
    /// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_xy(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// #     fn hvp_yx(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// # }
    /// let failure = altmin_core::ProxAltMin::new(&Scalar)
    ///     .with_max_iters(3)?
    ///     .run(&1.0, &1.0)
    ///     .unwrap_err();
    /// assert_eq!(failure.iterations, 3);
    /// assert!(failure.x.abs() < 1.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_max_iters(mut self, max_iters: usize) -> Result<Self, Error> {
        self.settings.set_max_iters(max_iters)?;
        Ok(self)
    }

    /// Calls `observer` with the record of every iterate, the start first.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[derive(Debug)]
    /// # struct Scalar;
    /// # impl BiObjective for Scalar {
    /// #     type X = f64;
    /// #     type Y = f64;
    /// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y }
    /// #     fn grad_x(&self, x: &f64, _: &f64) -> f64 { 2.0 * x }
    /// #     fn grad_y(&self, _: &f64, y: &f64) -> f64 { 2.0 * y }
    /// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::zeros(1, 1) }
    /// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_xy(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// #     fn hvp_yx(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// # }
    /// let mut decreases = Vec::new();
    /// altmin_core::ProxAltMin::new(&Scalar)
    ///     .with_observer(|r| decreases.push(r.decrease))
    ///     .run(&1.0, &1.0)?;
    /// assert!(decreases.iter().all(|d| *d >= 0.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_observer(mut self, mut observer: impl FnMut(&Record) + 'a) -> Self {
        self.observers
            .push(Box::new(move |record, _, _| observer(record)));
        self
    }

    /// Calls `observer` with the record and the blocks of every iterate, the
    /// start first: the trajectory `(x_k, y_k)`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[derive(Debug)]
    /// # struct Scalar;
    /// # impl BiObjective for Scalar {
    /// #     type X = f64;
    /// #     type Y = f64;
    /// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y }
    /// #     fn grad_x(&self, x: &f64, _: &f64) -> f64 { 2.0 * x }
    /// #     fn grad_y(&self, _: &f64, y: &f64) -> f64 { 2.0 * y }
    /// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::zeros(1, 1) }
    /// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_xy(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// #     fn hvp_yx(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// # }
    /// use altmin_core::{Beta, ProxAltMin};
    /// let mut path = Vec::new();
    /// ProxAltMin::new(&Scalar)
    ///     .with_beta(Beta::Fixed(2.0))?
    ///     .with_iterate_observer(|_, x, y| path.push((*x, *y)))
    ///     .run(&1.0, &1.0)?;
    /// // y_1 = argmin_y y^2 + (y - 1)^2 = 1/2, then x_1 = 1/2 likewise
    /// assert_eq!(path[1], (0.5, 0.5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_iterate_observer(
        mut self,
        observer: impl FnMut(&Record, &F::X, &F::Y) + 'a,
    ) -> Self {
        self.observers.push(Box::new(observer));
        self
    }

    /// Runs Algorithm 2 from `(x0, y0)`.
    ///
    /// Before the first iteration the data, the blocks' dimensions and the
    /// start's entries are checked, as in [`AltMin::run`](crate::AltMin::run),
    /// and an estimated `beta` is computed.
    ///
    /// # Errors
    ///
    /// A [`Failure`](crate::Failure) with the error and the last finite iterate; see
    /// [`AltMin`](crate::AltMin) for the errors. [`Error::NotStronglyConvex`]
    /// comes back only once the allowed doublings of `beta` are spent.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[derive(Debug)]
    /// # struct Scalar;
    /// # impl BiObjective for Scalar {
    /// #     type X = f64;
    /// #     type Y = f64;
    /// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y }
    /// #     fn grad_x(&self, x: &f64, _: &f64) -> f64 { 2.0 * x }
    /// #     fn grad_y(&self, _: &f64, y: &f64) -> f64 { 2.0 * y }
    /// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
    /// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::zeros(1, 1) }
    /// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_xy(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// #     fn hvp_yx(&self, _: &f64, _: &f64, _: &f64) -> f64 { 0.0 }
    /// # }
    /// let solution = altmin_core::ProxAltMin::new(&Scalar).run(&1.0, &-2.0)?;
    /// assert!(solution.x.abs() < 1e-8 && solution.y.abs() < 1e-8);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run(&mut self, x0: &F::X, y0: &F::Y) -> RunResult<F::X, F::Y> {
        let f = self.f;
        let start = outer::check_start(f, x0, y0).and_then(|()| self.initial_beta(x0, y0));
        let mut beta = match start {
            Ok(beta) => beta,
            Err(error) => {
                log::info!("ProxAltMin: {error}");
                return Err(outer::failure_at_start(error, x0, y0));
            }
        };
        let run = Run::begin(
            f,
            "ProxAltMin",
            self.settings,
            &mut self.observers,
            (x0, y0),
            Some(beta),
        )?;

        let mut doublings_left = self.max_beta_doublings;
        run.iterate(|k, x, y| {
            loop {
                match step(f, k, x, y, beta) {
                    Err(Error::NotStronglyConvex {
                        block,
                        min_eigenvalue,
                    }) if doublings_left > 0 && (2.0 * beta).is_finite() => {
                        log::info!(
                            "ProxAltMin: the {block} subproblem at iteration {k} has Hessian \
                             eigenvalue {min_eigenvalue:e} with beta = {beta:e}; doubling beta"
                        );
                        beta *= 2.0;
                        doublings_left -= 1;
                    }
                    other => return other,
                }
            }
        })
    }

    /// The fixed `beta`, or the one estimated from `L_f` at the start.
    fn initial_beta(&self, x0: &F::X, y0: &F::Y) -> Result<f64, Error> {
        match self.beta {
            Beta::Fixed(beta) => Ok(beta),
            Beta::Estimated(settings) => {
                let estimate = estimate_lipschitz(self.f, x0, y0, &settings)?;
                log::info!("ProxAltMin: {estimate}");
                Ok(estimate.beta)
            }
        }
    }
}

/// One iteration of Algorithm 2 from `(x, y) = z_{k-1}` with weight `beta`.
fn step<F: BiObjective + ?Sized>(
    f: &F,
    k: usize,
    x: &F::X,
    y: &F::Y,
    beta: f64,
) -> Result<Step<F::X, F::Y>, Error> {
    let y_next = f.prox_argmin_y(x, y, beta)?;
    let y_next = outer::finite_iterate(BlockId::Y, k, y_next)?;
    let x_next = f.prox_argmin_x(x, &y_next, beta)?;
    Ok(Step {
        x: x_next,
        y: y_next,
        beta: Some(beta),
    })
}

impl<F: BiObjective + ?Sized> fmt::Debug for ProxAltMin<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxAltMin")
            .field("beta", &self.beta)
            .field("max_beta_doublings", &self.max_beta_doublings)
            .field("tolerance", &self.settings.tolerance)
            .field("step_tolerance", &self.settings.step_tolerance)
            .field("max_iters", &self.settings.max_iters)
            .field("observers", &self.observers.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::DVector;
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};

    use super::*;
    use crate::solution::StopReason;
    use crate::testing::{
        DoubleWell, Fault, Faulty, QuarticSaddle, Rank1Pca, random_matrix, random_vector,
    };

    /// Checks `f(z_{k-1}) - f(z_k) >= beta/2 |z_k - z_{k-1}|^2` up to a
    /// relative slack of `1e-12`, at every recorded iteration.
    fn assert_sufficient_decrease(history: &[Record]) {
        for (prev, r) in history.iter().zip(&history[1..]) {
            let bound = r.sufficient_decrease_bound().unwrap();
            let slack = 1e-12 * prev.value.abs().max(1.0);
            assert!(r.decrease >= bound - slack, "{r}: bound {bound:e}");
            assert_eq!(r.decrease, prev.value - r.value);
        }
    }

    fn double_well() -> DoubleWell {
        DoubleWell {
            c: random_matrix(5, 4, 21) * 0.5,
        }
    }

    #[test]
    fn rank1_pca_decreases_sufficiently_and_reaches_the_top_pair() {
        let f = Rank1Pca {
            a: random_matrix(30, 20, 1),
            lambda: 0.5,
        };
        let x0 = random_vector(30, 2);
        let y0 = random_vector(20, 3);
        for beta in [Beta::Fixed(1.0), Beta::default()] {
            let s = ProxAltMin::new(&f)
                .with_beta(beta)
                .unwrap()
                .with_tolerance(1e-10)
                .unwrap()
                .with_max_iters(20_000)
                .unwrap()
                .run(&x0, &y0)
                .unwrap();
            assert_sufficient_decrease(&s.history);

            let sigma = f.a.singular_values().max();
            let product = &s.x * s.y.transpose();
            let svd = f.a.clone().svd(true, true);
            let top = svd.singular_values.imax();
            let uv = svd.u.unwrap().column(top) * svd.v_t.unwrap().row(top);
            assert!((product - uv * (sigma - 0.5)).norm() < 1e-8);
        }
    }

    #[test]
    fn estimated_beta_exceeds_the_block_hessian_norms_at_the_start() {
        let f = Rank1Pca {
            a: random_matrix(30, 20, 1),
            lambda: 0.5,
        };
        let x0 = random_vector(30, 2);
        let y0 = random_vector(20, 3);
        let failure = ProxAltMin::new(&f)
            .with_max_iters(5)
            .unwrap()
            .run(&x0, &y0)
            .unwrap_err();
        // |Hxx| = |y|^2 + lambda and |Hyy| = |x|^2 + lambda
        let at_start = (x0.norm_squared().max(y0.norm_squared()) + 0.5) * 1.1;
        let beta = failure.history[0].beta.unwrap();
        assert!(beta >= at_start * (1.0 - 1e-12), "{beta} < {at_start}");
        assert!(failure.history.iter().all(|r| r.beta == Some(beta)));
        assert_sufficient_decrease(&failure.history);
    }

    #[test]
    fn non_bi_convex_objective_decreases_sufficiently_to_a_local_minimum() {
        let f = double_well();
        let mut rng = StdRng::seed_from_u64(22);
        for seed in 0..5 {
            let x0 = random_vector(5, 100 + seed);
            let y0 = random_vector(4, 200 + seed) * rng.random::<f64>();
            let s = ProxAltMin::new(&f)
                .with_tolerance(1e-9)
                .unwrap()
                .with_max_iters(20_000)
                .unwrap()
                .run(&x0, &y0)
                .unwrap();
            assert_sufficient_decrease(&s.history);
            assert!(s.gradient_norm <= 1e-9);

            let mut h = nalgebra::DMatrix::zeros(9, 9);
            h.view_mut((0, 0), (5, 5)).copy_from(&f.hess_xx(&s.x, &s.y));
            h.view_mut((5, 5), (4, 4)).copy_from(&f.hess_yy(&s.x, &s.y));
            h.view_mut((0, 5), (5, 4)).copy_from(&f.c);
            h.view_mut((5, 0), (4, 5)).copy_from(&f.c.transpose());
            let lowest = h.symmetric_eigenvalues().min();
            assert!(lowest > 0.0, "not a local minimum: {lowest}");
        }
    }

    #[test]
    fn quartic_saddle_is_avoided_from_random_starts() {
        let f = QuarticSaddle;
        let t = 8.0_f64.sqrt().recip();
        let mut rng = StdRng::seed_from_u64(12);
        for _ in 0..20 {
            let x0 = 4.0 * rng.random::<f64>() - 2.0;
            let y0 = 4.0 * rng.random::<f64>() - 2.0;
            let s = ProxAltMin::new(&f)
                .with_tolerance(1e-10)
                .unwrap()
                .with_max_iters(20_000)
                .unwrap()
                .run(&x0, &y0)
                .unwrap();
            assert_sufficient_decrease(&s.history);
            let eigen = QuarticSaddle::hessian(s.x, s.y).symmetric_eigenvalues();
            assert!(eigen.min() > 1.0, "not a local minimum: {eigen}");
            assert!((s.x.abs() - t).abs() < 1e-9 && (s.x + s.y).abs() < 1e-9);
        }
    }

    #[test]
    fn a_small_beta_is_doubled_until_the_subproblems_are_convex() {
        let f = double_well();
        let x0 = random_vector(5, 23) * 0.1;
        let y0 = DVector::zeros(4);
        let mut betas = Vec::new();
        let s = ProxAltMin::new(&f)
            .with_beta(Beta::Fixed(1e-3))
            .unwrap()
            .with_observer(|r| betas.push(r.beta.unwrap()))
            .run(&x0, &y0)
            .unwrap();
        // Hyy + beta I = (beta - 1) I at y = 0: the first beta above 1 is
        // 1e-3 * 2^10
        assert_eq!(betas[0], 1e-3);
        assert_eq!(betas[1], 1e-3 * 1024.0);
        assert!(betas.windows(2).skip(1).all(|w| w[1] >= w[0]));
        assert_sufficient_decrease(&s.history);
        assert!(matches!(s.stop, StopReason::GradientTolerance { .. }));

        let failure = ProxAltMin::new(&f)
            .with_beta(Beta::Fixed(1e-3))
            .unwrap()
            .with_max_beta_doublings(9)
            .run(&x0, &y0)
            .unwrap_err();
        let Error::NotStronglyConvex { block, .. } = failure.error else {
            panic!("unexpected {failure}");
        };
        assert_eq!(block, BlockId::Y);
        assert_eq!((failure.x, failure.y, failure.iterations), (x0, y0, 0));
    }

    #[test]
    fn failures_keep_the_last_finite_iterate() {
        let inner = Rank1Pca {
            a: random_matrix(30, 20, 1),
            lambda: 0.5,
        };
        let x0 = random_vector(30, 2);
        let y0 = random_vector(20, 3);
        let mut path = Vec::new();
        let f = Faulty::new(&inner, 4, Fault::NanBlock);
        let failure = ProxAltMin::new(&f)
            .with_iterate_observer(|_, x, y| path.push((x.clone(), y.clone())))
            .run(&x0, &y0)
            .unwrap_err();
        assert_eq!(
            failure.error,
            Error::NonFinite(crate::NonFiniteSource::Iterate {
                block: BlockId::X,
                iteration: 4
            })
        );
        assert_eq!(failure.iterations, 3);
        assert_eq!((&failure.x, &failure.y), (&path[3].0, &path[3].1));

        let mut bad = Rank1Pca {
            a: random_matrix(30, 20, 1),
            lambda: 0.5,
        };
        bad.a[(0, 0)] = f64::INFINITY;
        let failure = ProxAltMin::new(&bad).run(&x0, &y0).unwrap_err();
        assert_eq!(
            failure.error,
            Error::NonFinite(crate::NonFiniteSource::Data("a"))
        );
        let failure = ProxAltMin::new(&inner)
            .run(&x0, &random_vector(21, 3))
            .unwrap_err();
        assert!(matches!(failure.error, Error::DimensionMismatch { .. }));
        let failure = ProxAltMin::new(&inner)
            .with_max_iters(2)
            .unwrap()
            .run(&x0, &y0)
            .unwrap_err();
        assert!(matches!(
            failure.error,
            Error::IterationLimit { iterations: 2, .. }
        ));
        assert_eq!(failure.history.len(), 3);
    }

    #[test]
    fn invalid_settings_are_rejected() {
        let f = QuarticSaddle;
        let name = |r: Result<ProxAltMin<'_, QuarticSaddle>, Error>| match r {
            Err(Error::InvalidSetting { name, .. }) => name,
            other => panic!("accepted: {other:?}"),
        };
        for bad in [0.0, -2.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                name(ProxAltMin::new(&f).with_beta(Beta::Fixed(bad))),
                "beta"
            );
        }
        let settings = SmoothnessSettings::DEFAULT;
        let estimated = |s| ProxAltMin::new(&f).with_beta(Beta::Estimated(s));
        assert_eq!(
            name(estimated(SmoothnessSettings {
                safety_factor: 1.0,
                ..settings
            })),
            "safety_factor"
        );
        assert_eq!(
            name(estimated(SmoothnessSettings {
                radius: f64::NAN,
                ..settings
            })),
            "radius"
        );
        assert_eq!(name(ProxAltMin::new(&f).with_tolerance(-1.0)), "tolerance");
        assert_eq!(name(ProxAltMin::new(&f).with_max_iters(0)), "max_iters");
        assert_eq!(
            name(ProxAltMin::new(&f).with_step_tolerance(f64::NAN)),
            "step_tolerance"
        );
    }
}
