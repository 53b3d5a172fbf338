//! Algorithm 1: alternating minimization.

use std::fmt;

use crate::bi_objective::BiObjective;
use crate::error::{BlockId, Error};
use crate::outer::{self, Observer, Run, Settings, Step};
use crate::solution::{Record, RunResult};

/// Alternating minimization (Algorithm 1): exact minimization in `y`, then in
/// `x`, repeated.
///
/// From `(x_0, y_0)`, iteration `k` computes
///
/// ```text
/// y_k = argmin_y f(x_{k-1}, y)      warm started at y_{k-1}
/// x_k = argmin_x f(x, y_k)          warm started at x_{k-1}
/// ```
///
/// with the objective's [`argmin_y`](BiObjective::argmin_y) and
/// [`argmin_x`](BiObjective::argmin_x). The starting `y_0` only warm starts
/// the first `y` subproblem: it does not change the iterates when that
/// subproblem has a unique minimizer.
///
/// The run stops when the full gradient norm `|grad f(z_k)|` reaches the
/// tolerance, or when the step `|z_k - z_{k-1}|` reaches the step tolerance
/// (zero by default, so only an exact fixed point stops it that way).
///
/// # Reference
///
/// This is Algorithm 1 of the analysis of second-order convergence of
/// alternating minimization. It needs `f` strongly bi-convex: both block
/// Hessians positive definite everywhere, so each subproblem has a unique
/// minimizer. The objective then decreases monotonically, and from a random
/// start the iteration avoids strict saddles almost surely: at a fixed point
/// the map's Jacobian `Hxx^-1 Hxy Hyy^-1 Hyx` has spectral radius above 1
/// exactly at strict saddles (given a cross Hessian of full row rank there,
/// Assumption 3). Without bi-convexity use [`ProxAltMin`](crate::ProxAltMin).
///
/// # Errors
///
/// [`run`](AltMin::run) returns a [`Failure`](crate::Failure) carrying the last finite
/// iterate when the data or the start are rejected, when a subproblem is not
/// strongly convex ([`Error::NotStronglyConvex`], whose message points to
/// ProxAltMin) or its solver stalls, when an iterate stops being finite, or
/// at the iteration limit ([`Error::IterationLimit`]).
///
/// # Example
///
/// `f(x, y) = (xy - 1)^2 + 0.1 (x^2 + y^2)`, a scalar rank-1 factorization
/// whose minima are `x = y = ±0.9^(1/2)`:
///
/// ```
/// # use altmin_core::prelude::*;
/// # #[derive(Debug)]
/// # struct Scalar;
/// # impl BiObjective for Scalar {
/// #     type X = f64;
/// #     type Y = f64;
/// #     fn value(&self, x: &f64, y: &f64) -> f64 {
/// #         (x * y - 1.0).powi(2) + 0.1 * (x * x + y * y)
/// #     }
/// #     fn grad_x(&self, x: &f64, y: &f64) -> f64 { 2.0 * (x * y - 1.0) * y + 0.2 * x }
/// #     fn grad_y(&self, x: &f64, y: &f64) -> f64 { 2.0 * (x * y - 1.0) * x + 0.2 * y }
/// #     fn hess_xx(&self, _: &f64, y: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, 2.0 * y * y + 0.2)
/// #     }
/// #     fn hess_yy(&self, x: &f64, _: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, 2.0 * x * x + 0.2)
/// #     }
/// #     fn hess_xy(&self, x: &f64, y: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, 4.0 * x * y - 2.0)
/// #     }
/// #     fn hvp_xx(&self, _: &f64, y: &f64, v: &f64) -> f64 { (2.0 * y * y + 0.2) * v }
/// #     fn hvp_yy(&self, x: &f64, _: &f64, v: &f64) -> f64 { (2.0 * x * x + 0.2) * v }
/// #     fn hvp_xy(&self, x: &f64, y: &f64, v: &f64) -> f64 { (4.0 * x * y - 2.0) * v }
/// #     fn hvp_yx(&self, x: &f64, y: &f64, v: &f64) -> f64 { (4.0 * x * y - 2.0) * v }
/// # }
/// use altmin_core::AltMin;
///
/// let f = Scalar;
/// let mut values = Vec::new();
/// let solution = AltMin::new(&f)
///     .with_tolerance(1e-10)?
///     .with_observer(|record| values.push(record.value))
///     .run(&2.0, &0.0)?;
///
/// assert!((solution.x - 0.9_f64.sqrt()).abs() < 1e-9);
/// assert!((solution.y - 0.9_f64.sqrt()).abs() < 1e-9);
/// assert!(values.windows(2).all(|w| w[1] <= w[0] + 1e-12));
/// println!("{solution}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AltMin<'a, F: BiObjective + ?Sized> {
    f: &'a F,
    settings: Settings,
    observers: Vec<Observer<'a, F::X, F::Y>>,
}

impl<'a, F: BiObjective + ?Sized> AltMin<'a, F> {
    /// AltMin on `f` with the default settings: gradient tolerance `1e-8`,
    /// step tolerance 0, at most 1000 iterations, no observer.
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
    /// // f(x, y) = x^2 + y^2 - xy + x, minimized at (-2/3, -1/3)
    /// let solution = altmin_core::AltMin::new(&Scalar).run(&0.0, &0.0)?;
    /// assert!((solution.x + 2.0 / 3.0).abs() < 1e-7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn new(f: &'a F) -> Self {
        AltMin {
            f,
            settings: Settings::DEFAULT,
            observers: Vec::new(),
        }
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
    /// use altmin_core::{AltMin, Error};
    /// assert!(AltMin::new(&Scalar).with_tolerance(1e-12).is_ok());
    /// assert!(matches!(
    ///     AltMin::new(&Scalar).with_tolerance(-1.0),
    ///     Err(Error::InvalidSetting { name: "tolerance", .. })
    /// ));
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
    /// use altmin_core::{AltMin, StopReason};
    /// let solution = AltMin::new(&Scalar).with_step_tolerance(1e-3)?.run(&0.0, &0.0)?;
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
    /// use altmin_core::{AltMin, Error};
    /// let failure = AltMin::new(&Scalar).with_max_iters(2)?.run(&0.0, &0.0).unwrap_err();
    /// assert!(matches!(failure.error, Error::IterationLimit { iterations: 2, .. }));
    /// assert_eq!(failure.iterations, 2);
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
    /// let mut seen = 0;
    /// let solution = altmin_core::AltMin::new(&Scalar)
    ///     .with_observer(|_| seen += 1)
    ///     .run(&0.0, &0.0)?;
    /// assert_eq!(seen, solution.history.len());
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
    /// let mut path = Vec::new();
    /// altmin_core::AltMin::new(&Scalar)
    ///     .with_iterate_observer(|_, x, y| path.push((*x, *y)))
    ///     .run(&0.0, &0.0)?;
    /// // y_1 = argmin_y f(0, y) = 0, x_1 = argmin_x f(x, 0) = -1/2
    /// assert_eq!(path[0], (0.0, 0.0));
    /// assert!((path[1].0 + 0.5).abs() < 1e-15 && path[1].1 == 0.0);
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

    /// Runs Algorithm 1 from `x0`, warm starting the first `y` subproblem at
    /// `y0`.
    ///
    /// Before the first iteration the data are checked
    /// ([`check_data`](BiObjective::check_data)), then the blocks' dimensions
    /// ([`check_dims`](BiObjective::check_dims)), then the start's entries.
    ///
    /// # Errors
    ///
    /// A [`Failure`](crate::Failure) with the error and the last finite iterate (the start
    /// as given when it is rejected); see [`AltMin`] for the errors.
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
    /// use altmin_core::{AltMin, BlockId, Error, NonFiniteSource};
    /// let mut altmin = AltMin::new(&Scalar);
    /// let failure = altmin.run(&f64::NAN, &0.0).unwrap_err();
    /// assert_eq!(failure.error, Error::NonFinite(NonFiniteSource::Start(BlockId::X)));
    /// assert!(altmin.run(&1.0, &0.0).is_ok());
    /// ```
    pub fn run(&mut self, x0: &F::X, y0: &F::Y) -> RunResult<F::X, F::Y> {
        let f = self.f;
        if let Err(error) = outer::check_start(f, x0, y0) {
            log::info!("AltMin: {error}");
            return Err(outer::failure_at_start(error, x0, y0));
        }
        let run = Run::begin(
            f,
            "AltMin",
            self.settings,
            &mut self.observers,
            (x0, y0),
            None,
        )?;
        run.iterate(|k, x, y| step(f, k, x, y))
    }
}

/// One iteration of Algorithm 1 from `(x, y) = z_{k-1}`.
fn step<F: BiObjective + ?Sized>(
    f: &F,
    k: usize,
    x: &F::X,
    y: &F::Y,
) -> Result<Step<F::X, F::Y>, Error> {
    let y_next = f.argmin_y(x, y).map_err(hint_prox)?;
    let y_next = outer::finite_iterate(BlockId::Y, k, y_next)?;
    let x_next = f.argmin_x(x, &y_next).map_err(hint_prox)?;
    Ok(Step {
        x: x_next,
        y: y_next,
        beta: None,
    })
}

/// Points a non-convex subproblem to ProxAltMin in the log; the error's own
/// message says the same to the caller.
fn hint_prox(error: Error) -> Error {
    if let Error::NotStronglyConvex {
        block,
        min_eigenvalue,
    } = error
    {
        log::warn!(
            "AltMin: the {block} subproblem has Hessian eigenvalue {min_eigenvalue:e}; \
             ProxAltMin handles objectives that are not strongly bi-convex"
        );
    }
    error
}

impl<F: BiObjective + ?Sized> fmt::Debug for AltMin<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AltMin")
            .field("tolerance", &self.settings.tolerance)
            .field("step_tolerance", &self.settings.step_tolerance)
            .field("max_iters", &self.settings.max_iters)
            .field("observers", &self.observers.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::{DMatrix, DVector};
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};

    use super::*;
    use crate::block::Block;
    use crate::error::NonFiniteSource;
    use crate::solution::StopReason;
    use crate::testing::{
        DoubleWell, Fault, Faulty, QuarticSaddle, Rank1Pca, random_matrix, random_vector,
    };

    const LAMBDA: f64 = 0.5;

    fn pca() -> Rank1Pca {
        Rank1Pca {
            a: random_matrix(30, 20, 1),
            lambda: LAMBDA,
        }
    }

    /// The paper's closed-form iteration for Example 1, written out.
    fn closed_form_path(
        a: &DMatrix<f64>,
        x0: &DVector<f64>,
        steps: usize,
    ) -> Vec<(DVector<f64>, DVector<f64>)> {
        let mut x = x0.clone();
        let mut path = Vec::new();
        for _ in 0..steps {
            let y = a.transpose() * &x * (1.0 / (LAMBDA + x.dot(&x)));
            x = a * &y * (1.0 / (LAMBDA + y.dot(&y)));
            path.push((x.clone(), y));
        }
        path
    }

    fn close(a: &DVector<f64>, b: &DVector<f64>, tol: f64) -> bool {
        (a - b).norm() <= tol * b.norm().max(1.0)
    }

    #[test]
    fn rank1_pca_iterates_match_the_closed_form_at_every_step() {
        let f = pca();
        let x0 = random_vector(30, 2);
        let y0 = DVector::zeros(20);
        let mut path = Vec::new();
        let solution = AltMin::new(&f)
            .with_tolerance(1e-10)
            .unwrap()
            .with_iterate_observer(|_, x, y| path.push((x.clone(), y.clone())))
            .run(&x0, &y0)
            .unwrap();

        assert_eq!(path.len(), solution.iterations + 1);
        assert_eq!(path[0], (x0.clone(), y0));
        let expected = closed_form_path(&f.a, &x0, solution.iterations);
        for (k, ((x, y), (ex, ey))) in path[1..].iter().zip(&expected).enumerate() {
            assert!(close(x, ex, 1e-12), "x differs at iteration {}", k + 1);
            assert!(close(y, ey, 1e-12), "y differs at iteration {}", k + 1);
        }
        assert_eq!(&solution.x, &path[solution.iterations].0);
        assert!(matches!(
            solution.stop,
            StopReason::GradientTolerance { .. }
        ));
        assert!(solution.gradient_norm <= 1e-10);
    }

    #[test]
    fn rank1_pca_converges_to_the_top_singular_pair() {
        let f = pca();
        let solution = AltMin::new(&f)
            .with_tolerance(1e-11)
            .unwrap()
            .run(&random_vector(30, 3), &DVector::zeros(20))
            .unwrap();

        let svd = f.a.clone().svd(true, true);
        let top = svd.singular_values.imax();
        let sigma = svd.singular_values[top];
        let u = svd.u.as_ref().unwrap().column(top).into_owned();
        let v = svd.v_t.as_ref().unwrap().row(top).transpose();
        let scale = (sigma - LAMBDA).sqrt();
        let sign = solution.x.dot(&u).signum();
        assert!(close(&solution.x, &(&u * (sign * scale)), 1e-9));
        assert!(close(&solution.y, &(&v * (sign * scale)), 1e-9));
    }

    #[test]
    fn history_and_observer_agree_and_values_decrease() {
        let f = pca();
        let mut seen = Vec::new();
        let solution = AltMin::new(&f)
            .with_observer(|r| seen.push(*r))
            .run(&random_vector(30, 4), &DVector::zeros(20))
            .unwrap();
        assert_eq!(seen, solution.history);
        assert_eq!(solution.history[0].iteration, 0);
        assert_eq!(solution.history[0].beta, None);
        for r in &solution.history[1..] {
            assert!(r.decrease >= -1e-12 * r.value.abs(), "{r}");
            assert!(r.grad_x_norm <= 1e-10, "x is an exact block minimizer: {r}");
        }
        let last = solution.history.last().unwrap();
        assert_eq!(last.value, solution.value);
        assert_eq!(last.gradient_norm(), solution.gradient_norm);
        assert!(solution.to_string().contains("stopped after"));
    }

    #[test]
    fn quartic_saddle_is_avoided_from_random_starts() {
        let f = QuarticSaddle;
        let t = 8.0_f64.sqrt().recip();
        let mut rng = StdRng::seed_from_u64(11);
        for _ in 0..20 {
            let x0 = 4.0 * rng.random::<f64>() - 2.0;
            let y0 = 4.0 * rng.random::<f64>() - 2.0;
            let s = AltMin::new(&f)
                .with_tolerance(1e-10)
                .unwrap()
                .run(&x0, &y0)
                .unwrap();
            assert!(s.gradient_norm <= 1e-10);
            let eigen = QuarticSaddle::hessian(s.x, s.y).symmetric_eigenvalues();
            assert!(eigen.min() > 1.0, "not a local minimum: {eigen}");
            assert!((s.x.abs() - t).abs() < 1e-9 && (s.x + s.y).abs() < 1e-9);
        }
    }

    #[test]
    fn rejected_starts_come_back_as_given() {
        let f = pca();
        let x0 = random_vector(30, 5);
        let y0 = DVector::zeros(20);

        let short = random_vector(29, 5);
        let failure = AltMin::new(&f).run(&short, &y0).unwrap_err();
        assert_eq!(
            failure.error,
            Error::DimensionMismatch {
                left: "length of `x`",
                left_dim: 29,
                right: "rows of `a`",
                right_dim: 30,
            }
        );
        assert_eq!((&failure.x, failure.iterations), (&short, 0));
        assert!(failure.history.is_empty());

        let mut nan_x = x0.clone();
        nan_x[3] = f64::NAN;
        let failure = AltMin::new(&f).run(&nan_x, &y0).unwrap_err();
        assert_eq!(
            failure.error,
            Error::NonFinite(NonFiniteSource::Start(BlockId::X))
        );
        assert!(failure.x[3].is_nan() && failure.y == y0);

        let nan_y = DVector::from_element(20, f64::INFINITY);
        let failure = AltMin::new(&f).run(&x0, &nan_y).unwrap_err();
        assert_eq!(
            failure.error,
            Error::NonFinite(NonFiniteSource::Start(BlockId::Y))
        );

        let mut bad = pca();
        bad.a[(2, 3)] = f64::NAN;
        let failure = AltMin::new(&bad).run(&short, &y0).unwrap_err();
        assert_eq!(
            failure.error,
            Error::NonFinite(NonFiniteSource::Data("a")),
            "the data are checked before the dimensions"
        );
        assert_eq!(failure.x, short);
    }

    #[test]
    fn iteration_limit_returns_the_last_iterate() {
        let f = pca();
        let x0 = random_vector(30, 6);
        let failure = AltMin::new(&f)
            .with_max_iters(3)
            .unwrap()
            .run(&x0, &DVector::zeros(20))
            .unwrap_err();
        let Error::IterationLimit {
            iterations,
            gradient_norm,
        } = failure.error
        else {
            panic!("unexpected {failure}");
        };
        assert_eq!((iterations, failure.iterations), (3, 3));
        assert_eq!(gradient_norm, failure.history[3].gradient_norm());
        let expected = closed_form_path(&f.a, &x0, 3);
        assert!(close(&failure.x, &expected[2].0, 1e-12));
        assert!(close(&failure.y, &expected[2].1, 1e-12));
        assert_eq!(failure.history.len(), 4);
    }

    #[test]
    fn non_finite_iterates_and_values_return_the_previous_iterate() {
        let inner = pca();
        let x0 = random_vector(30, 7);
        let y0 = DVector::zeros(20);
        let expected = closed_form_path(&inner.a, &x0, 2);

        let f = Faulty::new(&inner, 3, Fault::NanBlock);
        let failure = AltMin::new(&f).run(&x0, &y0).unwrap_err();
        assert_eq!(
            failure.error,
            Error::NonFinite(NonFiniteSource::Iterate {
                block: BlockId::X,
                iteration: 3
            })
        );
        assert_eq!(failure.iterations, 2);
        assert!(close(&failure.x, &expected[1].0, 1e-12));
        assert!(failure.x.all_finite() && failure.y.all_finite());

        let f = Faulty::new(&inner, 2, Fault::NanValue);
        let failure = AltMin::new(&f).run(&x0, &y0).unwrap_err();
        assert_eq!(
            failure.error,
            Error::NonFinite(NonFiniteSource::Value { iteration: 2 })
        );
        assert_eq!(failure.iterations, 1);
        assert!(close(&failure.x, &expected[0].0, 1e-12));
        assert!(failure.to_string().contains("after 1 iterations"));
    }

    #[test]
    fn stalled_subproblems_are_reported() {
        let inner = pca();
        let stalled = Error::SubproblemNotConverged {
            block: BlockId::X,
            iterations: 7,
            gradient_norm: 0.25,
        };
        let f = Faulty::new(&inner, 2, Fault::Fail(stalled.clone()));
        let x0 = random_vector(30, 8);
        let y0 = DVector::zeros(20);
        let failure = AltMin::new(&f).run(&x0, &y0).unwrap_err();
        assert_eq!(failure.error, stalled);
        assert_eq!(failure.iterations, 1);
        assert_eq!(failure.history.len(), 2);

        // The first iterate, the last one completed, comes back.
        let y1 = inner.argmin_y(&x0, &y0).unwrap();
        let x1 = inner.argmin_x(&x0, &y1).unwrap();
        assert_eq!((failure.x, failure.y), (x1, y1));
    }

    #[test]
    fn indefinite_block_hessians_point_to_prox_altmin() {
        let f = DoubleWell {
            c: random_matrix(4, 3, 9) * 0.1,
        };
        let x0 = random_vector(4, 10) * 0.1;
        let y0 = DVector::zeros(3);
        let failure = AltMin::new(&f).run(&x0, &y0).unwrap_err();
        let Error::NotStronglyConvex {
            block,
            min_eigenvalue,
        } = failure.error
        else {
            panic!("unexpected {failure}");
        };
        // Hyy = (|y|^2 - 1) I + 2 y y^T = -I at y = 0
        assert_eq!(block, BlockId::Y);
        assert!((min_eigenvalue + 1.0).abs() < 1e-12);
        assert!(failure.to_string().contains("ProxAltMin"));
        assert_eq!((failure.x, failure.y, failure.iterations), (x0, y0, 0));
    }

    #[test]
    fn invalid_settings_are_rejected() {
        let f = pca();
        let setting = |r: Result<AltMin<'_, Rank1Pca>, Error>| match r {
            Err(Error::InvalidSetting { name, .. }) => name,
            other => panic!("accepted: {other:?}"),
        };
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(setting(AltMin::new(&f).with_tolerance(bad)), "tolerance");
        }
        for bad in [-1e-3, f64::NAN, f64::INFINITY] {
            assert_eq!(
                setting(AltMin::new(&f).with_step_tolerance(bad)),
                "step_tolerance"
            );
        }
        assert_eq!(setting(AltMin::new(&f).with_max_iters(0)), "max_iters");
        assert!(AltMin::new(&f).with_step_tolerance(0.0).is_ok());
        let debug = format!("{:?}", AltMin::new(&f).with_observer(|_| ()));
        assert!(debug.contains("observers: 1"));
    }
}
