//! The Jacobians of the AltMin and ProxAltMin maps at a point.
//!
//! - AltMin (Algorithm 1) maps `x_{k-1}` to `x_k` through
//!   `y_k = argmin_y f(x_{k-1}, .)`. At a fixed point its Jacobian is
//!   `Dg = Hxx^-1 Hxy Hyy^-1 Hyx`, similar to `L L^T` with
//!   `L = Hxx^-1/2 Hxy Hyy^-1/2`, so `rho(Dg) = |L|_2^2`; at a strict saddle
//!   of a strongly bi-convex `f`, `|L|_2 > 1` and the fixed point is
//!   unstable.
//! - ProxAltMin (Algorithm 2) maps `(x_{k-1}, y_{k-1})` to `(x_k, y_k)`
//!   with Jacobian
//!   `Dg_beta = [Hxx + bI, Hxy; 0, Hyy + bI]^-1 [bI, 0; -Hyx, bI]`, whose
//!   determinant is `b^(n+m) / (det(Hxx + bI) det(Hyy + bI))`: nonsingular
//!   whenever defined, and with an eigenvalue of modulus above 1 at every
//!   strict saddle once `b` exceeds the block Hessians' norms.

use nalgebra::{DMatrix, DVector, SVD, Schur};

use crate::bi_objective::BiObjective;
use crate::error::{BlockId, Error};

use super::hessian::{DenseHessian, Point};
use super::spectrum::{EigenSolver, Extremes, LanczosSettings, Metric, lanczos_generalized};

/// Spectral radii within this distance of 1 count as neutral rather than
/// unstable or contracting: far above the rounding of a dense computation
/// and the default Lanczos tolerance, far below any instability that
/// matters in practice.
///
/// ```
/// use altmin_core::diagnose::{NEUTRAL_BAND, Stability};
/// assert_eq!(Stability::of(1.0 + NEUTRAL_BAND / 2.0), Stability::Neutral);
/// assert_eq!(Stability::of(1.0 + 2.0 * NEUTRAL_BAND), Stability::Unstable);
/// assert_eq!(Stability::of(1.0 - 2.0 * NEUTRAL_BAND), Stability::Contracting);
/// ```
pub const NEUTRAL_BAND: f64 = 1e-8;

/// How a map behaves near a fixed point, from its Jacobian's spectral
/// radius `rho`.
///
/// ```
/// use altmin_core::diagnose::Stability;
/// assert_eq!(Stability::of(1.5), Stability::Unstable);
/// assert_eq!(Stability::of(1.0 + 1e-12), Stability::Neutral);
/// assert_eq!(Stability::of(0.5), Stability::Contracting);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stability {
    /// `rho > 1 + NEUTRAL_BAND`: the fixed point repels the iteration from
    /// almost every nearby start.
    Unstable,
    /// `|rho - 1| <= NEUTRAL_BAND`: first-order information does not
    /// decide.
    Neutral,
    /// `rho < 1 - NEUTRAL_BAND`: the iteration converges to the fixed point
    /// from nearby starts, linearly at rate `rho`.
    Contracting,
}

impl Stability {
    /// The stability implied by the spectral radius `rho`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// use altmin_core::diagnose::Stability;
    /// // At the origin rho(Dg) = c^2 / 4.
    /// let rho = diagnose(&Coupled::new(1.0), &0.0, &0.0)?.altmin.spectral_radius().unwrap();
    /// assert_eq!(Stability::of(rho), Stability::Contracting);
    /// assert_eq!(Stability::of(2.25), Stability::Unstable);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn of(rho: f64) -> Self {
        if rho > 1.0 + NEUTRAL_BAND {
            Stability::Unstable
        } else if rho < 1.0 - NEUTRAL_BAND {
            Stability::Contracting
        } else {
            Stability::Neutral
        }
    }
}

/// The Jacobian of the AltMin map `x_{k-1} -> x_k` at a point.
///
/// Defined when both block Hessians are positive definite; then its
/// spectral radius is `|L|_2^2` with `L = Hxx^-1/2 Hxy Hyy^-1/2`, computed
/// without forming `Dg`: dense, as the largest singular value of
/// `Rx^-1 Hxy Ry^-T` for the Cholesky factors `Hxx = Rx Rx^T`,
/// `Hyy = Ry Ry^T` (which differ from the square roots by orthogonal
/// factors); matrix-free, as the largest eigenvalue of the pencil
/// `(Hxy Hyy^-1 Hyx, Hxx)` on the smaller block (or its mirror image), by
/// Lanczos with conjugate-gradient solves.
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
/// // f(x, y) = x^2 + y^2 - 3 x y: Dg = (1/2)(-3)(1/2)(-3) = 9/4 at the origin.
/// let d = diagnose(&Coupled { c: 3.0 }, &0.0, &0.0)?;
/// assert!((d.altmin.spectral_radius().unwrap() - 2.25).abs() < 1e-12);
/// assert_eq!(d.altmin.is_unstable(), Some(true));
/// # Ok::<(), altmin_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum AltMinJacobian {
    /// Both block Hessians are positive definite.
    Defined {
        /// `rho(Dg) = |L|_2^2`.
        spectral_radius: f64,
        /// `Dg = Hxx^-1 Hxy Hyy^-1 Hyx`, `dim x` by `dim x` (dense
        /// diagnoses only).
        matrix: Option<DMatrix<f64>>,
        /// How `|L|_2` was computed.
        solver: EigenSolver,
        /// Whether the estimate met the eigenvalue tolerance.
        converged: bool,
    },
    /// A block Hessian is not positive definite: AltMin's subproblem in
    /// that block has no unique minimizer and the map is not defined.
    Undefined {
        /// The block whose Hessian is not positive definite.
        block: BlockId,
        /// Its smallest eigenvalue (an upper bound of it when iterative).
        min_eigenvalue: f64,
    },
}

impl AltMinJacobian {
    /// `rho(Dg)`, when the map is defined.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// // At the origin Dg = (c / 2)^2.
    /// let d = diagnose(&Coupled::new(1.0), &0.0, &0.0)?;
    /// assert!((d.altmin.spectral_radius().unwrap() - 0.25).abs() < 1e-15);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn spectral_radius(&self) -> Option<f64> {
        match self {
            AltMinJacobian::Defined {
                spectral_radius, ..
            } => Some(*spectral_radius),
            AltMinJacobian::Undefined { .. } => None,
        }
    }

    /// How AltMin behaves near the point, when the map is defined.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// use altmin_core::diagnose::Stability;
    /// let at_origin = |c| diagnose(&Coupled::new(c), &0.0, &0.0).map(|d| d.altmin.stability());
    /// assert_eq!(at_origin(1.0)?, Some(Stability::Contracting));
    /// // c = 2: rho = 1, and the origin is degenerate.
    /// assert_eq!(at_origin(2.0)?, Some(Stability::Neutral));
    /// assert_eq!(at_origin(3.0)?, Some(Stability::Unstable));
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn stability(&self) -> Option<Stability> {
        self.spectral_radius().map(Stability::of)
    }

    /// Whether `rho(Dg) > 1` beyond [`NEUTRAL_BAND`]: the fixed point
    /// repels AltMin.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    ///
    /// #[objective]
    /// fn tilted(x: f64, y: f64, c: f64) -> f64 {
    ///     x * x - c * y * y + 3.0 * x * y
    /// }
    ///
    /// // With c = -1 both blocks are convex and the origin is a saddle.
    /// assert_eq!(diagnose(&Tilted::new(-1.0), &0.0, &0.0)?.altmin.is_unstable(), Some(true));
    /// // With c = 1 the y-subproblem is concave and the AltMin map is undefined.
    /// assert_eq!(diagnose(&Tilted::new(1.0), &0.0, &0.0)?.altmin.is_unstable(), None);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn is_unstable(&self) -> Option<bool> {
        self.stability().map(|s| s == Stability::Unstable)
    }

    /// The dense matrix `Dg`, when it was formed.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// let f = Coupled::new(3.0);
    /// let dense = diagnose(&f, &0.0, &0.0)?;
    /// assert!((dense.altmin.matrix().unwrap()[(0, 0)] - 2.25).abs() < 1e-15);
    /// let matrix_free = Diagnose::new(&f).with_dense_limit(0).run(&0.0, &0.0)?;
    /// assert!(matrix_free.altmin.matrix().is_none());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn matrix(&self) -> Option<&DMatrix<f64>> {
        match self {
            AltMinJacobian::Defined { matrix, .. } => matrix.as_ref(),
            AltMinJacobian::Undefined { .. } => None,
        }
    }
}

/// The Jacobian of the ProxAltMin map `(x_{k-1}, y_{k-1}) -> (x_k, y_k)`
/// for one `beta`.
///
/// `Dg_beta = [Hxx + bI, Hxy; 0, Hyy + bI]^-1 [bI, 0; -Hyx, bI]`. Dense
/// diagnoses form it and take its determinant from log-determinants
/// (Cholesky, or LU when a shifted block is indefinite), so that nothing
/// overflows; up to the ProxAltMin spectrum limit they also take its
/// eigenvalues from nalgebra's real Schur form. Matrix-free diagnoses do
/// not compute its spectrum; they only certify that both shifted blocks
/// are positive definite, which makes the map defined with a positive
/// determinant.
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
/// let j = Diagnose::new(&f).prox_altmin_jacobian(&0.0, &0.0, 10.0)?;
/// assert_eq!(j.det_sign, Some(1.0));
/// assert_eq!(j.is_unstable(), Some(true));
/// # Ok::<(), altmin_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ProxAltMinJacobian {
    /// The proximal weight `b`.
    pub beta: f64,
    /// Whether `Hxx + bI` and `Hyy + bI` are invertible, so that the map's
    /// Jacobian exists (and then it is nonsingular); `None` when a
    /// matrix-free diagnosis cannot tell.
    pub defined: Option<bool>,
    /// The sign of `det Dg_beta`, `1.0` or `-1.0`.
    pub det_sign: Option<f64>,
    /// `ln |det Dg_beta| = (n+m) ln b - ln|det(Hxx + bI)| - ln|det(Hyy + bI)|`
    /// (dense diagnoses only).
    pub log_abs_det: Option<f64>,
    /// The largest eigenvalue modulus (up to the ProxAltMin spectrum limit
    /// only).
    pub spectral_radius: Option<f64>,
    /// `Dg_beta`, `dim x + dim y` square, unknowns ordered `(x, y)` (dense
    /// diagnoses only).
    pub matrix: Option<DMatrix<f64>>,
}

impl ProxAltMinJacobian {
    /// How ProxAltMin behaves near the point, when the spectrum is known.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// use altmin_core::diagnose::Stability;
    /// let f = Coupled::new(3.0);
    /// let j = Diagnose::new(&f).prox_altmin_jacobian(&0.0, &0.0, 10.0)?;
    /// assert_eq!(j.stability(), Some(Stability::Unstable));
    /// // Without its spectrum, nothing is said.
    /// let j = Diagnose::new(&f)
    ///     .with_prox_spectrum_limit(0)
    ///     .prox_altmin_jacobian(&0.0, &0.0, 10.0)?;
    /// assert_eq!(j.stability(), None);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn stability(&self) -> Option<Stability> {
        self.spectral_radius.map(Stability::of)
    }

    /// Whether an eigenvalue has modulus above 1 beyond [`NEUTRAL_BAND`]:
    /// the fixed point repels ProxAltMin.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// // A strict saddle repels ProxAltMin, a local minimum does not.
    /// let saddle = diagnose(&Coupled::new(3.0), &0.0, &0.0)?;
    /// assert_eq!(saddle.prox_altmin.is_unstable(), Some(true));
    /// let minimum = diagnose(&Coupled::new(1.0), &0.0, &0.0)?;
    /// assert_eq!(minimum.prox_altmin.is_unstable(), Some(false));
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn is_unstable(&self) -> Option<bool> {
        self.stability().map(|s| s == Stability::Unstable)
    }
}

/// `Dg` and `rho(Dg)` from the dense blocks; `extremes` are the block
/// Hessians' eigenvalues, reported when a block is not positive definite.
pub(crate) fn altmin_dense(h: &DenseHessian, xx: &Extremes, yy: &Extremes) -> AltMinJacobian {
    let (Some(cx), Some(cy)) = (h.xx.clone().cholesky(), h.yy.clone().cholesky()) else {
        return undefined(xx, yy);
    };
    let hyx = h.xy.transpose();
    let dg = cx.solve(&(&h.xy * cy.solve(&hyx)));

    // |L|_2 = sigma_max(Rx^-1 Hxy Ry^-T); the transpose Ry^-1 (Rx^-1 Hxy)^T
    // has the same singular values.
    let l_norm = cx
        .l()
        .solve_lower_triangular(&h.xy)
        .and_then(|w| cy.l().solve_lower_triangular(&w.transpose()))
        .and_then(|lt| {
            let max_niter = 60 * lt.nrows().max(lt.ncols());
            SVD::try_new(lt, false, false, f64::EPSILON, max_niter)
        })
        .map(|svd| svd.singular_values.max());
    match l_norm {
        Some(norm) if norm.is_finite() => AltMinJacobian::Defined {
            spectral_radius: norm * norm,
            matrix: Some(dg),
            solver: EigenSolver::Dense,
            converged: true,
        },
        _ => undefined(xx, yy),
    }
}

/// `rho(Dg)` by Lanczos on the pencil `(H_so H_oo^-1 H_os, H_ss)` for the
/// smaller block `s`, with conjugate-gradient solves to `solve_tol`.
pub(crate) fn altmin_matrix_free<F: BiObjective + ?Sized>(
    point: &Point<'_, F>,
    xx: &Extremes,
    yy: &Extremes,
    settings: &LanczosSettings,
    solve_tol: f64,
) -> Result<AltMinJacobian, Error> {
    if xx.min <= 0.0 || yy.min <= 0.0 {
        return Ok(undefined(xx, yy));
    }
    let side = if point.dim(BlockId::X) <= point.dim(BlockId::Y) {
        BlockId::X
    } else {
        BlockId::Y
    };
    let other = side.other();
    let mut apply = |q: &DVector<f64>| {
        let t = point.cross(other, q)?;
        let u = point.solve_diag(other, &t, solve_tol)?;
        point.cross(side, &u)
    };
    let metric = Metric {
        block: side,
        solve: &mut |w| point.solve_diag(side, w, solve_tol),
        product: &mut |v| point.diag(side, v),
    };
    match lanczos_generalized(point.dim(side), &mut apply, metric, settings) {
        Ok(ritz) => Ok(AltMinJacobian::Defined {
            spectral_radius: ritz.extremes.max.max(0.0),
            matrix: None,
            solver: ritz.extremes.solver,
            converged: ritz.extremes.converged,
        }),
        Err(Error::NotStronglyConvex {
            block,
            min_eigenvalue,
        }) => Ok(AltMinJacobian::Undefined {
            block,
            min_eigenvalue,
        }),
        Err(e) => Err(e),
    }
}

fn undefined(xx: &Extremes, yy: &Extremes) -> AltMinJacobian {
    let (block, e) = if xx.min <= yy.min {
        (BlockId::X, xx)
    } else {
        (BlockId::Y, yy)
    };
    AltMinJacobian::Undefined {
        block,
        min_eigenvalue: e.min,
    }
}

/// `Dg_beta` and its determinant from the dense blocks, and its spectral
/// radius when `with_spectrum`.
pub(crate) fn prox_dense(h: &DenseHessian, beta: f64, with_spectrum: bool) -> ProxAltMinJacobian {
    let (n, m) = (h.xx.nrows(), h.yy.nrows());
    let px = shifted(&h.xx, beta);
    let py = shifted(&h.yy, beta);
    let undefined = ProxAltMinJacobian {
        beta,
        defined: Some(false),
        det_sign: None,
        log_abs_det: None,
        spectral_radius: None,
        matrix: None,
    };
    let (Some((sx, lx)), Some((sy, ly))) = (log_abs_det(&px), log_abs_det(&py)) else {
        return undefined;
    };

    // Block back substitution of [Px, Hxy; 0, Py] J = [bI, 0; -Hyx, bI].
    let (lux, luy) = (px.lu(), py.lu());
    let jyx = luy.solve(&(-h.xy.transpose()));
    let jyy = luy.solve(&DMatrix::from_diagonal_element(m, m, beta));
    let (Some(jyx), Some(jyy)) = (jyx, jyy) else {
        return undefined;
    };
    let jxx = lux.solve(&(DMatrix::from_diagonal_element(n, n, beta) - &h.xy * &jyx));
    let jxy = lux.solve(&(-(&h.xy * &jyy)));
    let (Some(jxx), Some(jxy)) = (jxx, jxy) else {
        return undefined;
    };
    let mut j = DMatrix::zeros(n + m, n + m);
    j.view_mut((0, 0), (n, n)).copy_from(&jxx);
    j.view_mut((0, n), (n, m)).copy_from(&jxy);
    j.view_mut((n, 0), (m, n)).copy_from(&jyx);
    j.view_mut((n, n), (m, m)).copy_from(&jyy);

    #[allow(clippy::cast_precision_loss)]
    let dims = (n + m) as f64;
    ProxAltMinJacobian {
        beta,
        defined: Some(true),
        det_sign: Some(sx * sy),
        log_abs_det: Some(dims * beta.ln() - lx - ly),
        spectral_radius: if with_spectrum {
            spectral_radius(&j)
        } else {
            None
        },
        matrix: Some(j),
    }
}

/// What a matrix-free diagnosis knows of `Dg_beta`: defined with a positive
/// determinant when `b` exceeds minus both blocks' smallest eigenvalues.
pub(crate) fn prox_matrix_free(beta: f64, xx: &Extremes, yy: &Extremes) -> ProxAltMinJacobian {
    let definite = beta + xx.min > 0.0 && beta + yy.min > 0.0;
    ProxAltMinJacobian {
        beta,
        defined: definite.then_some(true),
        det_sign: definite.then_some(1.0),
        log_abs_det: None,
        spectral_radius: None,
        matrix: None,
    }
}

fn shifted(h: &DMatrix<f64>, beta: f64) -> DMatrix<f64> {
    h + DMatrix::from_diagonal_element(h.nrows(), h.ncols(), beta)
}

/// `(sign, ln |det a|)` by Cholesky when `a` is positive definite, by LU
/// otherwise; `None` when `a` is singular.
fn log_abs_det(a: &DMatrix<f64>) -> Option<(f64, f64)> {
    if let Some(chol) = a.clone().cholesky() {
        let log = chol.ln_determinant();
        return log.is_finite().then_some((1.0, log));
    }
    let lu = a.clone().lu();
    let u = lu.u();
    let mut sign: f64 = lu.p().determinant();
    let mut log = 0.0;
    for d in u.diagonal().iter() {
        if *d == 0.0 || !d.is_finite() {
            return None;
        }
        sign *= d.signum();
        log += d.abs().ln();
    }
    Some((sign, log))
}

/// The largest eigenvalue modulus of a real square matrix: from its real
/// Schur form, or, when that iteration does not converge, by repeated
/// squaring.
fn spectral_radius(a: &DMatrix<f64>) -> Option<f64> {
    schur_radius(a).or_else(|| squaring_radius(a))
}

/// The largest eigenvalue modulus, read off the 1-by-1 and 2-by-2 diagonal
/// blocks of nalgebra's real Schur form; `None` when the Schur iteration
/// does not converge (it can stall on matrices with repeated eigenvalues).
fn schur_radius(a: &DMatrix<f64>) -> Option<f64> {
    let n = a.nrows();
    let schur = Schur::try_new(a.clone(), f64::EPSILON, 60 * n.max(1))?;
    let (_, t) = schur.unpack();
    let mut rho = 0.0_f64;
    let mut i = 0;
    while i < n {
        if i + 1 < n && t[(i + 1, i)] != 0.0 {
            let (p, q, r, s) = (t[(i, i)], t[(i, i + 1)], t[(i + 1, i)], t[(i + 1, i + 1)]);
            let half_gap = 0.5 * (p - s);
            let discriminant = half_gap * half_gap + q * r;
            let modulus = if discriminant >= 0.0 {
                0.5 * (p + s).abs() + discriminant.sqrt()
            } else {
                (p * s - q * r).abs().sqrt()
            };
            rho = rho.max(modulus);
            i += 2;
        } else {
            rho = rho.max(t[(i, i)].abs());
            i += 1;
        }
    }
    rho.is_finite().then_some(rho)
}

/// Squarings in [`squaring_radius`]: `|A^k|^(1/k)` with `k = 2^60`, whose
/// distance to `rho(A)` (a factor `c^(1/k)` for the eigenvector basis'
/// condition number `c`, times a polynomial in `k` for Jordan blocks) is
/// far below rounding.
const SQUARINGS: usize = 60;

/// `rho(A) = lim |A^k|^(1/k)` (Gelfand's formula), by squaring `A` and
/// normalizing it: `ln rho = sum_p ln |M_p^2| / 2^(p+1)` with
/// `M_{p+1} = M_p^2 / |M_p^2|`. The weights halve as fast as rounding
/// errors in `M_p` can double, so the result is accurate to a few
/// multiples of the machine epsilon. `None` when a norm is not finite.
fn squaring_radius(a: &DMatrix<f64>) -> Option<f64> {
    let norm = a.norm();
    if norm == 0.0 {
        return Some(0.0);
    }
    let mut m = a / norm;
    let mut log_rho = norm.ln();
    let mut weight = 1.0;
    for _ in 0..SQUARINGS {
        let square = &m * &m;
        let n = square.norm();
        if n == 0.0 {
            return Some(0.0);
        }
        weight *= 0.5;
        log_rho += weight * n.ln();
        m = square / n;
    }
    let rho = log_rho.exp();
    rho.is_finite().then_some(rho)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schur_moduli_cover_rotations_and_real_pairs() {
        let c = 0.6_f64;
        let s = 0.8_f64;
        let a = DMatrix::from_row_slice(
            4,
            4,
            &[
                1.5 * c,
                -1.5 * s,
                0.3,
                0.0, //
                1.5 * s,
                1.5 * c,
                0.0,
                0.2, //
                0.0,
                0.0,
                -0.5,
                0.1, //
                0.0,
                0.0,
                0.0,
                0.25,
            ],
        );
        let q = DMatrix::from_fn(4, 4, |i, j| ((i * 4 + j) as f64).sin())
            .qr()
            .q();
        let b = &q * a * q.transpose();
        assert!((spectral_radius(&b).unwrap() - 1.5).abs() < 1e-12);
        let d = DMatrix::from_diagonal(&DVector::from_vec(vec![0.5, -2.0, 1.0]));
        assert!((spectral_radius(&d).unwrap() - 2.0).abs() < 1e-15);

        // Squaring agrees, with a Jordan block and a rotation on the circle.
        assert!((squaring_radius(&b).unwrap() - 1.5).abs() < 1e-12);
        let jordan = DMatrix::from_row_slice(3, 3, &[1.1, 5.0, 0.0, 0.0, 1.1, 5.0, 0.0, 0.0, 0.2]);
        assert!((squaring_radius(&jordan).unwrap() - 1.1).abs() < 1e-12);
        assert_eq!(squaring_radius(&DMatrix::zeros(3, 3)), Some(0.0));
        let nilpotent = DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 0.0, 0.0]);
        assert_eq!(squaring_radius(&nilpotent), Some(0.0));
    }

    #[test]
    fn log_determinants_of_indefinite_matrices() {
        let a = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 1.0]);
        let (sign, log) = log_abs_det(&a).unwrap();
        assert_eq!(sign, -1.0);
        assert!((log - 3.0_f64.ln()).abs() < 1e-15);
        let big = DMatrix::from_diagonal_element(400, 400, 1e3);
        let (sign, log) = log_abs_det(&big).unwrap();
        assert_eq!(sign, 1.0);
        assert!((log - 400.0 * 1e3_f64.ln()).abs() < 1e-9);
        assert!(log_abs_det(&DMatrix::zeros(2, 2)).is_none());
    }
}
