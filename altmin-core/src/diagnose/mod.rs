//! Second-order diagnosis of a point: where an algorithm ended, and why.
//!
//! [`diagnose`], or [`Diagnose`] with settings, examines a point `(x, y)`
//! of a [`BiObjective`] and returns a [`Diagnosis`]: the gradient norms and
//! whether the point is stationary; the extreme eigenvalues of the full
//! Hessian and the [`Verdict`] they imply (local minimum, strict saddle
//! with an escape direction, degenerate, not stationary); the block
//! Hessians' smallest eigenvalues (strong bi-convexity); the cross
//! Hessian's rank (Assumption 3); and the Jacobians of the AltMin and
//! ProxAltMin maps, whose spectra say whether the algorithms are attracted
//! to the point or repelled by it. Its `Display` is a short report.
//!
//! # Reference
//!
//! With `H = [Hxx Hxy; Hyx Hyy]` the Hessian at a point where the
//! gradient vanishes:
//!
//! - the point is a local minimum when `lambda_min(H) > 0` and a strict
//!   saddle when `lambda_min(H) < 0`; the escape direction is a unit
//!   eigenvector of `lambda_min(H)`;
//! - AltMin (Algorithm 1) has the Jacobian `Dg = Hxx^-1 Hxy Hyy^-1 Hyx`,
//!   similar to `L L^T` with `L = Hxx^-1/2 Hxy Hyy^-1/2`, so
//!   `rho(Dg) = |L|_2^2`; for a strongly bi-convex `f` the point is a strict
//!   saddle exactly when `|L|_2 > 1`, where the fixed point is unstable;
//! - ProxAltMin (Algorithm 2) has the Jacobian
//!   `Dg_beta = [Hxx + bI, Hxy; 0, Hyy + bI]^-1 [bI, 0; -Hyx, bI]`, with
//!   `det Dg_beta = b^(n+m) / (det(Hxx + bI) det(Hyy + bI))`; for
//!   `b > L_f` it is nonsingular and has an eigenvalue of modulus above 1
//!   at every strict saddle;
//! - Assumption 3 asks the cross Hessian to have full row rank at strict
//!   saddles, `Hxy` when `dim x <= dim y` and `Hyx` otherwise.
//!
//! # Dense and matrix-free
//!
//! Up to [`Diagnose::with_dense_limit`] unknowns in all (1500 by default)
//! the three Hessian blocks are formed with `hess_xx`, `hess_yy` and
//! `hess_xy` and decomposed by nalgebra (`SymmetricEigen`, `Cholesky`,
//! `SVD`, `LU`, `Schur`). Above it, nothing dense is formed: extreme
//! eigenvalues come from Lanczos with full reorthogonalization on the
//! Hessian-vector products, and `|L|_2^2` from Lanczos on the pencil
//! `(Hxy Hyy^-1 Hyx, Hxx)` on the smaller block, with conjugate-gradient
//! solves for the inverses.
//!
//! # Limitations
//!
//! - The ProxAltMin Jacobian's eigenvalues are computed only up to
//!   [`Diagnose::with_prox_spectrum_limit`] unknowns (500 by default), and
//!   its determinant only by dense diagnoses: matrix-free ones report
//!   whether both shifted blocks are positive definite, which makes
//!   `Dg_beta` defined with a positive determinant, and nothing else.
//! - Lanczos does not restart: an estimate that has not converged within
//!   [`Diagnose::with_krylov_steps`] steps is reported as such, with its
//!   residual.
//! - Matrix-free diagnoses decide the cross Hessian's full rank from its
//!   Gram matrix and do not count its rank.

mod diagnosis;
mod hessian;
mod jacobian;
mod rank;
mod report;
mod spectrum;
#[cfg(test)]
mod tests;

use std::fmt;

use nalgebra::DVector;

use crate::bi_objective::BiObjective;
use crate::block::Block;
use crate::error::{BlockId, Error, NonFiniteSource};

use self::hessian::{DenseHessian, Point};
use self::spectrum::{LanczosSettings, Ritz};

pub use self::diagnosis::{Diagnosis, Verdict};
pub use self::jacobian::{AltMinJacobian, NEUTRAL_BAND, ProxAltMinJacobian, Stability};
pub use self::rank::CrossRank;
pub use self::spectrum::{EigenSolver, Extremes};

/// Diagnoses `(x, y)` with the default settings of [`Diagnose`].
///
/// # Errors
///
/// As [`Diagnose::run`].
///
/// ```
/// use altmin_core::diagnose::{diagnose, Verdict};
/// # use altmin_core::prelude::*;
/// # use altmin_core::nalgebra::DMatrix;
/// # struct Coupled { c: f64 }
/// # impl BiObjective for Coupled {
/// #     type X = f64;
/// #     type Y = f64;
/// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y - self.c * x * y }
/// #     fn grad_x(&self, x: &f64, y: &f64) -> f64 { 2.0 * x - self.c * y }
/// #     fn grad_y(&self, x: &f64, y: &f64) -> f64 { 2.0 * y - self.c * x }
/// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
/// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
/// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, -self.c)
/// #     }
/// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
/// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
/// #     fn hvp_xy(&self, _: &f64, _: &f64, v: &f64) -> f64 { -self.c * v }
/// #     fn hvp_yx(&self, _: &f64, _: &f64, v: &f64) -> f64 { -self.c * v }
/// # }
/// // f(x, y) = x^2 + y^2 - c x y: the origin is a saddle when c > 2.
/// let d = diagnose(&Coupled { c: 3.0 }, &0.0, &0.0)?;
/// assert!(matches!(d.verdict, Verdict::StrictSaddle { .. }));
/// assert!((d.hessian.min + 1.0).abs() < 1e-12);
/// let d = diagnose(&Coupled { c: 1.0 }, &0.0, &0.0)?;
/// assert_eq!(d.verdict, Verdict::LocalMinimum);
/// println!("{d}");
/// # Ok::<(), altmin_core::Error>(())
/// ```
pub fn diagnose<F: BiObjective + ?Sized>(
    f: &F,
    x: &F::X,
    y: &F::Y,
) -> Result<Diagnosis<F::X, F::Y>, Error> {
    Diagnose::new(f).run(x, y)
}

/// Settings of a diagnosis; see the setters of [`Diagnose`].
#[derive(Clone, Copy, Debug, PartialEq)]
struct Settings {
    stationarity_tol: f64,
    curvature_tol: f64,
    rank_tol: f64,
    beta: Option<f64>,
    dense_limit: usize,
    prox_spectrum_limit: usize,
    krylov_steps: usize,
    eigen_tol: f64,
    solve_tol: f64,
}

impl Settings {
    const DEFAULT: Settings = Settings {
        stationarity_tol: 1e-6,
        curvature_tol: 1e-6,
        rank_tol: 1e-10,
        beta: None,
        dense_limit: 1500,
        prox_spectrum_limit: 500,
        krylov_steps: 300,
        eigen_tol: 1e-10,
        solve_tol: 1e-12,
    };

    fn lanczos(&self) -> LanczosSettings {
        LanczosSettings {
            max_steps: self.krylov_steps,
            tol: self.eigen_tol,
        }
    }
}

/// A second-order diagnosis with its settings: build it with
/// [`Diagnose::new`], adjust it with the `with_` setters, and [`run`] it
/// at a point.
///
/// [`run`]: Diagnose::run
///
/// ```
/// use altmin_core::diagnose::Diagnose;
/// # use altmin_core::prelude::*;
/// # use altmin_core::nalgebra::DMatrix;
/// # struct Coupled { c: f64 }
/// # impl BiObjective for Coupled {
/// #     type X = f64;
/// #     type Y = f64;
/// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y - self.c * x * y }
/// #     fn grad_x(&self, x: &f64, y: &f64) -> f64 { 2.0 * x - self.c * y }
/// #     fn grad_y(&self, x: &f64, y: &f64) -> f64 { 2.0 * y - self.c * x }
/// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
/// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> { DMatrix::from_element(1, 1, 2.0) }
/// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, -self.c)
/// #     }
/// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
/// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
/// #     fn hvp_xy(&self, _: &f64, _: &f64, v: &f64) -> f64 { -self.c * v }
/// #     fn hvp_yx(&self, _: &f64, _: &f64, v: &f64) -> f64 { -self.c * v }
/// # }
/// let f = Coupled { c: 3.0 };
/// let d = Diagnose::new(&f)
///     .with_beta(4.0)?
///     .with_tolerance(1e-8)?
///     .with_curvature_tolerance(1e-9)?
///     .with_rank_tolerance(1e-12)?
///     .with_dense_limit(0) // products only, even for two unknowns
///     .with_prox_spectrum_limit(0)
///     .with_krylov_steps(50)?
///     .with_eigen_tolerance(1e-12)?
///     .with_solve_tolerance(1e-13)?
///     .run(&0.0, &0.0)?;
/// assert_eq!(d.prox_altmin.beta, 4.0);
/// assert!(!d.is_dense());
/// assert!((d.altmin.spectral_radius().unwrap() - 2.25).abs() < 1e-10);
/// assert!(Diagnose::new(&f).with_beta(-1.0).is_err());
/// # Ok::<(), altmin_core::Error>(())
/// ```
pub struct Diagnose<'f, F: BiObjective + ?Sized> {
    f: &'f F,
    settings: Settings,
}

impl<F: BiObjective + ?Sized> fmt::Debug for Diagnose<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diagnose")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<F: BiObjective + ?Sized> Clone for Diagnose<'_, F> {
    fn clone(&self) -> Self {
        Diagnose {
            f: self.f,
            settings: self.settings,
        }
    }
}

/// `Ok(value)` when `value` is finite and inside `(low, high)`.
fn check_open(name: &'static str, value: f64, low: f64, high: f64) -> Result<f64, Error> {
    if value.is_finite() && value > low && value < high {
        Ok(value)
    } else {
        Err(Error::InvalidSetting {
            name,
            value,
            requirement: if high.is_finite() {
                "must lie strictly between 0 and 1"
            } else {
                "must be positive and finite"
            },
        })
    }
}

impl<'f, F: BiObjective + ?Sized> Diagnose<'f, F> {
    /// A diagnosis of `f` with the default settings listed at each setter.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// let f = Coupled::new(3.0);
    /// let d = Diagnose::new(&f).run(&0.0, &0.0)?;
    /// assert!(d.verdict.is_strict_saddle());
    /// assert!((d.hessian.min + 1.0).abs() < 1e-12);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn new(f: &'f F) -> Self {
        Diagnose {
            f,
            settings: Settings::DEFAULT,
        }
    }

    /// The point is stationary when `|grad f| <= tol * max(1, |f|)`
    /// (default `1e-6`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `tol` is positive and finite.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// // At (1e-4, 0) the gradient (2e-4, -3e-4) has norm 3.6e-4.
    /// let f = Coupled::new(3.0);
    /// assert!(!Diagnose::new(&f).run(&1e-4, &0.0)?.stationary);
    /// assert!(Diagnose::new(&f).with_tolerance(1e-3)?.run(&1e-4, &0.0)?.stationary);
    /// assert!(Diagnose::new(&f).with_tolerance(-1.0).is_err());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_tolerance(mut self, tol: f64) -> Result<Self, Error> {
        self.settings.stationarity_tol = check_open("tolerance", tol, 0.0, f64::INFINITY)?;
        Ok(self)
    }

    /// A stationary point is degenerate when `|lambda_min(H)|` is at most
    /// `tol * |H|_2` (default `1e-6`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `0 < tol < 1`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// use altmin_core::diagnose::Verdict;
    /// // lambda_min(H) = 2 - c = -1e-7, tiny next to |H|_2 = 4.
    /// let f = Coupled::new(2.0 + 1e-7);
    /// assert_eq!(Diagnose::new(&f).run(&0.0, &0.0)?.verdict, Verdict::Degenerate);
    /// let strict = Diagnose::new(&f).with_curvature_tolerance(1e-9)?;
    /// assert!(strict.run(&0.0, &0.0)?.verdict.is_strict_saddle());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_curvature_tolerance(mut self, tol: f64) -> Result<Self, Error> {
        self.settings.curvature_tol = check_open("curvature_tolerance", tol, 0.0, 1.0)?;
        Ok(self)
    }

    /// Singular values of `Hxy` at most `tol` times the largest count as
    /// zero (default `1e-10`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `0 < tol < 1`.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    ///
    /// #[objective]
    /// fn nearly_decoupled(x: Vector2<f64>, y: Vector2<f64>, e: f64) -> f64 {
    ///     x.norm_squared() + y.norm_squared() + x[0] * y[0] + e * x[1] * y[1]
    /// }
    ///
    /// // Hxy = diag(1, e): its second singular value is e.
    /// let f = NearlyDecoupled::new(1e-11);
    /// let (x, y) = (Vector2::zeros(), Vector2::zeros());
    /// assert_eq!(Diagnose::new(&f).run(&x, &y)?.cross.rank, Some(1));
    /// let fine = Diagnose::new(&f).with_rank_tolerance(1e-12)?;
    /// assert_eq!(fine.run(&x, &y)?.cross.rank, Some(2));
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_rank_tolerance(mut self, tol: f64) -> Result<Self, Error> {
        self.settings.rank_tol = check_open("rank_tolerance", tol, 0.0, 1.0)?;
        Ok(self)
    }

    /// The proximal weight of the ProxAltMin Jacobian. By default it is
    /// twice the block Hessians' largest norm at the point (1 when both
    /// vanish), which exceeds the local bi-smoothness constant; pass the
    /// `beta` of a ProxAltMin run to examine that run.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `beta` is positive and finite.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// let f = Coupled::new(3.0);
    /// // By default, twice the block Hessians' norm, here 2.
    /// assert_eq!(Diagnose::new(&f).run(&0.0, &0.0)?.prox_altmin.beta, 4.0);
    /// let d = Diagnose::new(&f).with_beta(10.0)?.run(&0.0, &0.0)?;
    /// assert_eq!(d.prox_altmin.beta, 10.0);
    /// assert_eq!(d.prox_altmin.is_unstable(), Some(true));
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_beta(mut self, beta: f64) -> Result<Self, Error> {
        self.settings.beta = Some(check_open("beta", beta, 0.0, f64::INFINITY)?);
        Ok(self)
    }

    /// Largest number of unknowns, `dim x + dim y`, for which Hessians are
    /// formed densely (default 1500); above it, only Hessian-vector
    /// products are used.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// let f = Coupled::new(3.0);
    /// let d = Diagnose::new(&f).with_dense_limit(1).run(&0.0, &0.0)?;
    /// // Two unknowns exceed the limit: Lanczos finds the same eigenvalue.
    /// assert!(!d.is_dense());
    /// assert!((d.hessian.min + 1.0).abs() < 1e-10);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn with_dense_limit(mut self, unknowns: usize) -> Self {
        self.settings.dense_limit = unknowns;
        self
    }

    /// Largest number of unknowns for which the ProxAltMin Jacobian's
    /// eigenvalues are computed (default 500): its real Schur form costs
    /// several times a symmetric eigen-decomposition of the same size.
    /// Between this and the dense limit, the Jacobian and its determinant
    /// are still formed.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// let f = Coupled::new(3.0);
    /// let d = Diagnose::new(&f).with_prox_spectrum_limit(1).run(&0.0, &0.0)?;
    /// assert!(d.prox_altmin.spectral_radius.is_none());
    /// // The Jacobian and its determinant are still there.
    /// assert!(d.prox_altmin.matrix.is_some() && d.prox_altmin.det_sign == Some(1.0));
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn with_prox_spectrum_limit(mut self, unknowns: usize) -> Self {
        self.settings.prox_spectrum_limit = unknowns;
        self
    }

    /// Largest Krylov space of a Lanczos run (default 300), kept in memory
    /// whole for full reorthogonalization.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] when `steps` is zero.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// use altmin_core::diagnose::EigenSolver;
    /// let f = Coupled::new(3.0);
    /// let d = Diagnose::new(&f)
    ///     .with_dense_limit(0)
    ///     .with_krylov_steps(1)?
    ///     .run(&0.0, &0.0)?;
    /// assert_eq!(d.hessian.solver, EigenSolver::Lanczos { steps: 1 });
    /// assert!(Diagnose::new(&f).with_krylov_steps(0).is_err());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_krylov_steps(mut self, steps: usize) -> Result<Self, Error> {
        if steps == 0 {
            return Err(Error::InvalidSetting {
                name: "krylov_steps",
                value: 0.0,
                requirement: "must be at least 1",
            });
        }
        self.settings.krylov_steps = steps;
        Ok(self)
    }

    /// Lanczos stops once the residuals of both extreme Ritz pairs fall
    /// below `tol` times the larger Ritz value in modulus (default `1e-10`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `0 < tol < 1`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// let f = Coupled::new(3.0);
    /// let d = Diagnose::new(&f)
    ///     .with_dense_limit(0)
    ///     .with_eigen_tolerance(1e-13)?
    ///     .run(&0.0, &0.0)?;
    /// assert!(d.hessian.converged && d.hessian.residual <= 5e-13);
    /// assert!(Diagnose::new(&f).with_eigen_tolerance(1.0).is_err());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_eigen_tolerance(mut self, tol: f64) -> Result<Self, Error> {
        self.settings.eigen_tol = check_open("eigen_tolerance", tol, 0.0, 1.0)?;
        Ok(self)
    }

    /// Relative residual of the conjugate-gradient solves with `Hxx` and
    /// `Hyy` inside matrix-free diagnoses (default `1e-12`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `0 < tol < 1`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// let f = Coupled::new(3.0);
    /// let d = Diagnose::new(&f)
    ///     .with_dense_limit(0)
    ///     .with_solve_tolerance(1e-14)?
    ///     .run(&0.0, &0.0)?;
    /// // rho(Dg) = (3/2)^2, from conjugate-gradient solves with Hxx and Hyy.
    /// assert!((d.altmin.spectral_radius().unwrap() - 2.25).abs() < 1e-10);
    /// assert!(Diagnose::new(&f).with_solve_tolerance(0.0).is_err());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn with_solve_tolerance(mut self, tol: f64) -> Result<Self, Error> {
        self.settings.solve_tol = check_open("solve_tolerance", tol, 0.0, 1.0)?;
        Ok(self)
    }

    /// Diagnoses the point `(x, y)`.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] from [`BiObjective::check_dims`], for an
    /// empty block, or for a Hessian or Hessian-vector product of the wrong
    /// size; [`Error::NonFinite`] when the point, the value, a gradient or a
    /// Hessian holds a NaN or an infinity; [`Error::SubproblemNotConverged`]
    /// when a conjugate-gradient solve of a matrix-free diagnosis stalls.
    /// An indefinite block is not an error: it is reported in the
    /// [`Diagnosis`].
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// use altmin_core::{BlockId, NonFiniteSource};
    /// let f = Coupled::new(3.0);
    /// let diagnosis = Diagnose::new(&f);
    /// let d = diagnosis.run(&0.0, &0.0)?;
    /// assert!(d.stationary && d.verdict.is_strict_saddle());
    /// assert!(!diagnosis.run(&1.0, &0.0)?.stationary);
    /// assert_eq!(
    ///     diagnosis.run(&0.0, &f64::NAN),
    ///     Err(Error::NonFinite(NonFiniteSource::Start(BlockId::Y)))
    /// );
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn run(&self, x: &F::X, y: &F::Y) -> Result<Diagnosis<F::X, F::Y>, Error> {
        let point = Point::new(self.f, x, y)?;
        let s = &self.settings;
        let first = FirstOrder::at(&point, s.stationarity_tol)?;
        let dense = self.dense_blocks(&point)?;
        let curvature = self.curvature(&point, dense.as_ref())?;

        let cross = match dense.as_ref().and_then(|h| rank::dense(&h.xy, s.rank_tol)) {
            Some(cross) => cross,
            None => rank::matrix_free(&point, s.rank_tol, &s.lanczos())?,
        };
        let altmin = self.altmin(&point, dense.as_ref(), &curvature)?;
        let beta = s
            .beta
            .unwrap_or_else(|| default_beta(&curvature.xx, &curvature.yy));
        let prox_altmin = match &dense {
            Some(h) => jacobian::prox_dense(h, beta, self.prox_spectrum(&point)),
            None => jacobian::prox_matrix_free(beta, &curvature.xx, &curvature.yy),
        };

        let hessian = curvature.full.extremes;
        let curvature_threshold = s.curvature_tol * hessian.norm();
        Ok(Diagnosis {
            verdict: verdict(first.stationary, &curvature.full, curvature_threshold, x, y),
            value: first.value,
            gradient_norm: first.norm,
            gradient_norm_x: first.norm_x,
            gradient_norm_y: first.norm_y,
            stationarity_threshold: first.threshold,
            stationary: first.stationary,
            hessian,
            curvature_threshold,
            hess_xx: curvature.xx,
            hess_yy: curvature.yy,
            cross,
            altmin,
            prox_altmin,
            dim_x: x.dim(),
            dim_y: y.dim(),
        })
    }

    /// The AltMin map's Jacobian at `(x, y)` alone, as in [`Diagnose::run`].
    ///
    /// # Errors
    ///
    /// As [`Diagnose::run`].
    ///
    /// ```
    /// use altmin_core::diagnose::Diagnose;
    /// # use altmin_core::prelude::*;
    /// # use altmin_core::nalgebra::DMatrix;
    /// # struct Coupled { c: f64 }
    /// # impl BiObjective for Coupled {
    /// #     type X = f64;
    /// #     type Y = f64;
    /// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y - self.c * x * y }
    /// #     fn grad_x(&self, x: &f64, y: &f64) -> f64 { 2.0 * x - self.c * y }
    /// #     fn grad_y(&self, x: &f64, y: &f64) -> f64 { 2.0 * y - self.c * x }
    /// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> {
    /// #         DMatrix::from_element(1, 1, 2.0)
    /// #     }
    /// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> {
    /// #         DMatrix::from_element(1, 1, 2.0)
    /// #     }
    /// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> {
    /// #         DMatrix::from_element(1, 1, -self.c)
    /// #     }
    /// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_xy(&self, _: &f64, _: &f64, v: &f64) -> f64 { -self.c * v }
    /// #     fn hvp_yx(&self, _: &f64, _: &f64, v: &f64) -> f64 { -self.c * v }
    /// # }
    /// let f = Coupled { c: 1.0 };
    /// let j = Diagnose::new(&f).altmin_jacobian(&0.0, &0.0)?;
    /// assert!((j.spectral_radius().unwrap() - 0.25).abs() < 1e-15);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn altmin_jacobian(&self, x: &F::X, y: &F::Y) -> Result<AltMinJacobian, Error> {
        let point = Point::new(self.f, x, y)?;
        let dense = self.dense_blocks(&point)?;
        let (xx, yy) = self.block_extremes(&point, dense.as_ref())?;
        match &dense {
            Some(h) => Ok(jacobian::altmin_dense(h, &xx, &yy)),
            None => {
                let s = &self.settings;
                jacobian::altmin_matrix_free(&point, &xx, &yy, &s.lanczos(), s.solve_tol)
            }
        }
    }

    /// The ProxAltMin map's Jacobian at `(x, y)` for the proximal weight
    /// `beta`, as in [`Diagnose::run`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `beta` is positive and finite;
    /// otherwise as [`Diagnose::run`].
    ///
    /// ```
    /// use altmin_core::diagnose::Diagnose;
    /// # use altmin_core::prelude::*;
    /// # use altmin_core::nalgebra::DMatrix;
    /// # struct Coupled { c: f64 }
    /// # impl BiObjective for Coupled {
    /// #     type X = f64;
    /// #     type Y = f64;
    /// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x + y * y - self.c * x * y }
    /// #     fn grad_x(&self, x: &f64, y: &f64) -> f64 { 2.0 * x - self.c * y }
    /// #     fn grad_y(&self, x: &f64, y: &f64) -> f64 { 2.0 * y - self.c * x }
    /// #     fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> {
    /// #         DMatrix::from_element(1, 1, 2.0)
    /// #     }
    /// #     fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> {
    /// #         DMatrix::from_element(1, 1, 2.0)
    /// #     }
    /// #     fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> {
    /// #         DMatrix::from_element(1, 1, -self.c)
    /// #     }
    /// #     fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 { 2.0 * v }
    /// #     fn hvp_xy(&self, _: &f64, _: &f64, v: &f64) -> f64 { -self.c * v }
    /// #     fn hvp_yx(&self, _: &f64, _: &f64, v: &f64) -> f64 { -self.c * v }
    /// # }
    /// // A local minimum: every eigenvalue of Dg_beta lies inside the unit disc.
    /// let f = Coupled { c: 1.0 };
    /// let j = Diagnose::new(&f).prox_altmin_jacobian(&0.0, &0.0, 5.0)?;
    /// assert_eq!(j.is_unstable(), Some(false));
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    pub fn prox_altmin_jacobian(
        &self,
        x: &F::X,
        y: &F::Y,
        beta: f64,
    ) -> Result<ProxAltMinJacobian, Error> {
        let beta = check_open("beta", beta, 0.0, f64::INFINITY)?;
        let point = Point::new(self.f, x, y)?;
        let dense = self.dense_blocks(&point)?;
        match &dense {
            Some(h) => Ok(jacobian::prox_dense(h, beta, self.prox_spectrum(&point))),
            None => {
                let (xx, yy) = self.block_extremes(&point, None)?;
                Ok(jacobian::prox_matrix_free(beta, &xx, &yy))
            }
        }
    }

    /// The dense Hessian blocks when the point is within the dense limit.
    fn dense_blocks(&self, point: &Point<'_, F>) -> Result<Option<DenseHessian>, Error> {
        let unknowns = point.dim(BlockId::X) + point.dim(BlockId::Y);
        if unknowns <= self.settings.dense_limit {
            point.dense().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Whether the ProxAltMin Jacobian's eigenvalues are computed.
    fn prox_spectrum(&self, point: &Point<'_, F>) -> bool {
        point.dim(BlockId::X) + point.dim(BlockId::Y) <= self.settings.prox_spectrum_limit
    }

    /// Extremes of `Hxx` and `Hyy`.
    fn block_extremes(
        &self,
        point: &Point<'_, F>,
        dense: Option<&DenseHessian>,
    ) -> Result<(Extremes, Extremes), Error> {
        let lanczos = self.settings.lanczos();
        let one = |block: BlockId| match dense {
            Some(h) => spectrum::dense_or_lanczos(h.diag(block), &lanczos),
            None => spectrum::lanczos(point.dim(block), &mut |v| point.diag(block, v), &lanczos),
        };
        Ok((one(BlockId::X)?.extremes, one(BlockId::Y)?.extremes))
    }

    /// Extremes of the full Hessian and of both blocks.
    fn curvature(
        &self,
        point: &Point<'_, F>,
        dense: Option<&DenseHessian>,
    ) -> Result<Curvature, Error> {
        let lanczos = self.settings.lanczos();
        let full = match dense {
            Some(h) => spectrum::dense_or_lanczos(&h.full(), &lanczos)?,
            None => {
                let unknowns = point.dim(BlockId::X) + point.dim(BlockId::Y);
                spectrum::lanczos(unknowns, &mut |v| point.full(v), &lanczos)?
            }
        };
        let (xx, yy) = self.block_extremes(point, dense)?;
        Ok(Curvature { full, xx, yy })
    }

    fn altmin(
        &self,
        point: &Point<'_, F>,
        dense: Option<&DenseHessian>,
        curvature: &Curvature,
    ) -> Result<AltMinJacobian, Error> {
        let (xx, yy) = (&curvature.xx, &curvature.yy);
        match dense {
            Some(h) => Ok(jacobian::altmin_dense(h, xx, yy)),
            None => {
                let s = &self.settings;
                jacobian::altmin_matrix_free(point, xx, yy, &s.lanczos(), s.solve_tol)
            }
        }
    }
}

/// Twice the block Hessians' largest norm, or 1 when both vanish.
fn default_beta(xx: &Extremes, yy: &Extremes) -> f64 {
    let smoothness = xx.norm().max(yy.norm());
    if smoothness > 0.0 {
        2.0 * smoothness
    } else {
        1.0
    }
}

/// The full Hessian's extremes and the blocks'.
struct Curvature {
    full: Ritz,
    xx: Extremes,
    yy: Extremes,
}

/// Value, gradient norms and stationarity.
struct FirstOrder {
    value: f64,
    norm_x: f64,
    norm_y: f64,
    norm: f64,
    threshold: f64,
    stationary: bool,
}

impl FirstOrder {
    fn at<F: BiObjective + ?Sized>(point: &Point<'_, F>, tol: f64) -> Result<Self, Error> {
        let (f, x, y) = (point.f, point.x, point.y);
        let non_finite = Error::NonFinite(NonFiniteSource::Value { iteration: 0 });
        let value = f.value(x, y);
        let (gx, gy) = (f.grad_x(x, y), f.grad_y(x, y));
        for (got, expected, name) in [
            (gx.dim(), x.dim(), "entries of grad_x"),
            (gy.dim(), y.dim(), "entries of grad_y"),
        ] {
            if got != expected {
                return Err(Error::DimensionMismatch {
                    left: name,
                    left_dim: got,
                    right: "entries of its block",
                    right_dim: expected,
                });
            }
        }
        if !f64::is_finite(value) || !gx.all_finite() || !gy.all_finite() {
            return Err(non_finite);
        }
        let (norm_x, norm_y) = (gx.norm(), gy.norm());
        let norm = norm_x.hypot(norm_y);
        let threshold = tol * value.abs().max(1.0);
        Ok(FirstOrder {
            value,
            norm_x,
            norm_y,
            norm,
            threshold,
            stationary: norm <= threshold,
        })
    }
}

/// The verdict at a point: stationary or not, then the sign of the
/// smallest Hessian eigenvalue beyond `threshold`.
fn verdict<X: Block, Y: Block>(
    stationary: bool,
    hessian: &Ritz,
    threshold: f64,
    x: &X,
    y: &Y,
) -> Verdict<X, Y> {
    let min = hessian.extremes.min;
    if !stationary {
        Verdict::NotStationary
    } else if min < -threshold {
        Verdict::StrictSaddle {
            escape: split(&hessian.min_vector, x, y),
            eigenvalue: min,
        }
    } else if min > threshold {
        Verdict::LocalMinimum
    } else {
        Verdict::Degenerate
    }
}

/// Splits a vector over both blocks into blocks shaped as `x` and `y`,
/// scaled to unit norm with its largest entry positive.
fn split<X: Block, Y: Block>(v: &DVector<f64>, x: &X, y: &Y) -> (X, Y) {
    let mut v = v.normalize();
    if v[v.iamax()] < 0.0 {
        v.neg_mut();
    }
    let n = x.dim();
    (
        x.with_entries(&v.as_slice()[..n]),
        y.with_entries(&v.as_slice()[n..]),
    )
}
