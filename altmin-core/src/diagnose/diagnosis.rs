//! The result of a diagnosis: the verdict and the numbers behind it.

use super::{AltMinJacobian, CrossRank, Extremes, ProxAltMinJacobian};

/// What the Hessian says about a point.
///
/// ```
/// use altmin_core::diagnose::Verdict;
/// let v: Verdict<f64, f64> = Verdict::StrictSaddle { escape: (0.6, -0.8), eigenvalue: -1.0 };
/// assert!(v.is_strict_saddle() && !v.is_local_minimum());
/// assert_eq!(v.to_string(), "strict saddle");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict<X, Y> {
    /// Stationary with a positive definite Hessian: a strict local
    /// minimum.
    LocalMinimum,
    /// Stationary with a negative Hessian eigenvalue: AltMin and
    /// ProxAltMin avoid it from almost every start.
    StrictSaddle {
        /// A unit eigenvector of the smallest Hessian eigenvalue, split into
        /// its `x` and `y` parts (its sign is arbitrary: the largest entry
        /// is made positive). To second order, `f` decreases along it and
        /// along its opposite.
        escape: (X, Y),
        /// The smallest Hessian eigenvalue.
        eigenvalue: f64,
    },
    /// Stationary, with a smallest Hessian eigenvalue zero within the
    /// curvature tolerance: second-order information does not decide.
    Degenerate,
    /// The gradient exceeds the stationarity threshold.
    NotStationary,
}

impl<X, Y> Verdict<X, Y> {
    /// Whether the verdict is [`Verdict::StrictSaddle`].
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// // x^2 + y^2 - c x y has a saddle at the origin exactly when c > 2.
    /// assert!(diagnose(&Coupled::new(3.0), &0.0, &0.0)?.verdict.is_strict_saddle());
    /// assert!(!diagnose(&Coupled::new(1.0), &0.0, &0.0)?.verdict.is_strict_saddle());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub const fn is_strict_saddle(&self) -> bool {
        matches!(self, Verdict::StrictSaddle { .. })
    }

    /// Whether the verdict is [`Verdict::LocalMinimum`].
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// assert!(diagnose(&Coupled::new(1.0), &0.0, &0.0)?.verdict.is_local_minimum());
    /// // At c = 2 the Hessian is singular: degenerate, not a strict minimum.
    /// assert!(!diagnose(&Coupled::new(2.0), &0.0, &0.0)?.verdict.is_local_minimum());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub const fn is_local_minimum(&self) -> bool {
        matches!(self, Verdict::LocalMinimum)
    }
}

/// The outcome of [`diagnose`](fn@super::diagnose): first- and
/// second-order information at a point, and what AltMin and ProxAltMin do
/// near it.
///
/// Its `Display` is a report that gives the verdict, the numbers behind
/// it, and what to do next.
///
/// ```
/// use altmin_core::diagnose::diagnose;
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
/// let d = diagnose(&Coupled { c: 3.0 }, &0.0, &0.0)?;
/// assert!(d.stationary && d.is_strongly_bi_convex() && d.is_dense());
/// assert_eq!(d.block_smoothness(), 2.0);
/// let (dx, dy) = d.escape_direction().unwrap();
/// assert!((dx - dy).abs() < 1e-12); // along (1, 1) / sqrt(2)
/// assert!(d.to_string().starts_with("strict saddle"));
/// # Ok::<(), altmin_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Diagnosis<X, Y> {
    /// What the Hessian says about the point.
    pub verdict: Verdict<X, Y>,
    /// `f(x, y)`.
    pub value: f64,
    /// `|grad f| = (|grad_x f|^2 + |grad_y f|^2)^(1/2)`.
    pub gradient_norm: f64,
    /// `|grad_x f|`.
    pub gradient_norm_x: f64,
    /// `|grad_y f|`.
    pub gradient_norm_y: f64,
    /// `tol * max(1, |f|)`: the point is stationary when `|grad f|` is at
    /// most this.
    pub stationarity_threshold: f64,
    /// Whether `|grad f| <= stationarity_threshold`.
    pub stationary: bool,
    /// The full Hessian's extreme eigenvalues.
    pub hessian: Extremes,
    /// `tol * |H|_2`: a stationary point is degenerate when
    /// `|lambda_min(H)|` is at most this.
    pub curvature_threshold: f64,
    /// The extreme eigenvalues of `Hxx`.
    pub hess_xx: Extremes,
    /// The extreme eigenvalues of `Hyy`.
    pub hess_yy: Extremes,
    /// The cross Hessian's rank (Assumption 3).
    pub cross: CrossRank,
    /// The AltMin map's Jacobian.
    pub altmin: AltMinJacobian,
    /// The ProxAltMin map's Jacobian.
    pub prox_altmin: ProxAltMinJacobian,
    /// Unknowns in `x`.
    pub dim_x: usize,
    /// Unknowns in `y`.
    pub dim_y: usize,
}

impl<X, Y> Diagnosis<X, Y> {
    /// Whether both block Hessians are positive definite at the point, as
    /// AltMin needs.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    ///
    /// #[objective]
    /// fn tilted(x: f64, y: f64, c: f64) -> f64 {
    ///     x * x - c * y * y + 3.0 * x * y
    /// }
    ///
    /// // Hxx = 2 and Hyy = -2 c at every point.
    /// assert!(diagnose(&Tilted::new(-1.0), &0.0, &0.0)?.is_strongly_bi_convex());
    /// assert!(!diagnose(&Tilted::new(1.0), &0.0, &0.0)?.is_strongly_bi_convex());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn is_strongly_bi_convex(&self) -> bool {
        self.hess_xx.min > 0.0 && self.hess_yy.min > 0.0
    }

    /// The block Hessians' largest norm at the point: the local value of
    /// the bi-smoothness constant `L_f`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn saddle(x: f64, y: f64) -> f64 {
    /// #     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
    /// # }
    /// // At (1, 0): Hxx = 2 + 12 x^2 + 4 y^2 = 14 and Hyy = 2 + 4 x^2 + 12 y^2 = 6.
    /// let d = diagnose(&Saddle::new(), &1.0, &0.0)?;
    /// assert!((d.block_smoothness() - 14.0).abs() < 1e-12);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn block_smoothness(&self) -> f64 {
        self.hess_xx.norm().max(self.hess_yy.norm())
    }

    /// The escape direction of a strict saddle.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// // The Hessian [2, -3; -3, 2] has eigenvalue -1 along (1, 1) / sqrt(2).
    /// let d = diagnose(&Coupled::new(3.0), &0.0, &0.0)?;
    /// let (dx, dy) = d.escape_direction().unwrap();
    /// assert!((dx - 0.5_f64.sqrt()).abs() < 1e-12 && (dy - 0.5_f64.sqrt()).abs() < 1e-12);
    /// assert!(diagnose(&Coupled::new(1.0), &0.0, &0.0)?.escape_direction().is_none());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn escape_direction(&self) -> Option<(&X, &Y)> {
        match &self.verdict {
            Verdict::StrictSaddle { escape, .. } => Some((&escape.0, &escape.1)),
            _ => None,
        }
    }

    /// Whether the Hessians were formed densely.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// let f = Coupled::new(3.0);
    /// assert!(diagnose(&f, &0.0, &0.0)?.is_dense());
    /// let d = Diagnose::new(&f).with_dense_limit(0).run(&0.0, &0.0)?;
    /// assert!(!d.is_dense());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn is_dense(&self) -> bool {
        self.hessian.solver.is_dense()
    }
}
