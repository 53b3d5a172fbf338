//! Solvers for one block's subproblem, `min_v f(v, other) [+ beta/2 |v - v_prev|^2]`.
//!
//! The `#[objective]` macro calls these from the code it generates when the
//! structure it proved has no closed form, and the default block solvers of
//! [`BiObjective`] use them for hand-written objectives:
//!
//! - [`spd_solve`]: Cholesky of a dense block Hessian;
//! - [`conjugate_gradient`]: the same system from Hessian-vector products
//!   alone, for blocks too large for a dense Hessian;
//! - [`damped_newton`]: Newton steps with Armijo backtracking for blocks in
//!   which `f` is not quadratic.

mod cg;
mod dense;
mod newton;

pub use cg::conjugate_gradient;
pub use dense::{min_eigenvalue, spd_solve};
pub use newton::damped_newton;

use crate::bi_objective::BiObjective;
use crate::block::Block;
use crate::error::{BlockId, Error};

/// Tolerances and limits of the block solvers.
///
/// ```
/// use altmin_core::solve::SubproblemSettings;
/// let s = SubproblemSettings::default();
/// assert_eq!(s.rel_tol, 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SubproblemSettings {
    /// Stop when the subproblem's gradient norm falls below `rel_tol` times
    /// the larger of its starting value and 1 (for conjugate gradients: the
    /// residual relative to the right-hand side).
    pub rel_tol: f64,
    /// Newton iterations before [`Error::SubproblemNotConverged`].
    pub max_newton_iter: usize,
    /// Conjugate-gradient iterations allowed per unknown (at least 50 in all).
    pub cg_iter_per_unknown: usize,
    /// Largest block handled with a dense Hessian; above it, Hessian-vector
    /// products and conjugate gradients.
    pub dense_limit: usize,
}

impl SubproblemSettings {
    /// The settings the block solvers use unless told otherwise.
    ///
    /// ```
    /// use altmin_core::solve::SubproblemSettings;
    /// assert_eq!(SubproblemSettings::DEFAULT, SubproblemSettings::default());
    /// assert_eq!(SubproblemSettings::DEFAULT.dense_limit, 1500);
    /// ```
    pub const DEFAULT: SubproblemSettings = SubproblemSettings {
        rel_tol: 1e-12,
        max_newton_iter: 100,
        cg_iter_per_unknown: 2,
        dense_limit: 1500,
    };

    /// The conjugate-gradient iteration limit for a block of `dim` unknowns.
    ///
    /// ```
    /// use altmin_core::solve::SubproblemSettings;
    /// let s = SubproblemSettings::DEFAULT;
    /// assert_eq!(s.cg_max_iter(10_000), 20_000);
    /// assert_eq!(s.cg_max_iter(3), 50);
    /// ```
    #[must_use]
    pub fn cg_max_iter(&self, dim: usize) -> usize {
        (self.cg_iter_per_unknown * dim).max(50)
    }
}

impl Default for SubproblemSettings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Solves a quadratic block subproblem `H v = rhs`: by Cholesky of the dense
/// Hessian `hess()` for small blocks, by conjugate gradients on `hvp` warm
/// started at `start` for large ones. `beta` adds `beta I` to the Hessian.
///
/// # Errors
///
/// [`Error::NotStronglyConvex`] when `H + beta I` is not positive definite,
/// [`Error::SubproblemNotConverged`] when conjugate gradients stall.
///
/// ```
/// use altmin_core::BlockId;
/// use altmin_core::nalgebra::{DMatrix, DVector};
/// use altmin_core::solve::{SubproblemSettings, quadratic};
///
/// let h = DMatrix::from_row_slice(2, 2, &[2.0, 1.0, 1.0, 2.0]);
/// let hvp = |v: &DVector<f64>| &h * v;
/// let (start, rhs) = (DVector::zeros(2), DVector::from_vec(vec![3.0, 3.0]));
/// let dense = SubproblemSettings::DEFAULT;
/// let v = quadratic(BlockId::X, &start, &rhs, 0.0, || h.clone(), hvp, &dense)?;
/// assert!((v - DVector::from_vec(vec![1.0, 1.0])).norm() < 1e-14);
///
/// // (H + I) v = rhs by conjugate gradients, with no dense Hessian formed.
/// let cg = SubproblemSettings { dense_limit: 0, ..dense };
/// let v = quadratic(BlockId::X, &start, &rhs, 1.0, || unreachable!(), hvp, &cg)?;
/// assert!((v - DVector::from_vec(vec![0.75, 0.75])).norm() < 1e-12);
/// # Ok::<(), altmin_core::Error>(())
/// ```
pub fn quadratic<B: Block>(
    block: BlockId,
    start: &B,
    rhs: &B,
    beta: f64,
    hess: impl FnOnce() -> nalgebra::DMatrix<f64>,
    hvp: impl Fn(&B) -> B,
    settings: &SubproblemSettings,
) -> Result<B, Error> {
    let out = if rhs.dim() <= settings.dense_limit {
        let mut h = hess();
        if beta != 0.0 {
            for i in 0..h.nrows() {
                h[(i, i)] += beta;
            }
        }
        spd_solve(block, h, rhs)?
    } else {
        let apply = |v: &B| {
            let mut hv = hvp(v);
            if beta != 0.0 {
                hv.add_scaled(beta, v);
            }
            hv
        };
        conjugate_gradient(block, apply, rhs, start.clone(), settings)?
    };
    finite(block, out)
}

/// `Ok(v)` when every entry of `v` is finite.
pub(crate) fn finite<B: Block>(block: BlockId, v: B) -> Result<B, Error> {
    if v.all_finite() {
        Ok(v)
    } else {
        Err(Error::NonFinite(crate::error::NonFiniteSource::Iterate {
            block,
            iteration: 0,
        }))
    }
}

/// Damped Newton on `f(., y) [+ beta/2 |. - x_start|^2]` through the
/// objective's own derivatives.
pub(crate) fn newton_x<F: BiObjective + ?Sized>(
    f: &F,
    x_start: &F::X,
    y: &F::Y,
    beta: Option<f64>,
) -> Result<F::X, Error> {
    damped_newton(
        BlockId::X,
        x_start,
        beta.map(|b| (b, x_start)),
        |x| f.value(x, y),
        |x| f.grad_x(x, y),
        |x| f.hess_xx(x, y),
        |x, v| f.hvp_xx(x, y, v),
        &SubproblemSettings::DEFAULT,
    )
}

/// Damped Newton on `f(x, .) [+ beta/2 |. - y_start|^2]`.
pub(crate) fn newton_y<F: BiObjective + ?Sized>(
    f: &F,
    x: &F::X,
    y_start: &F::Y,
    beta: Option<f64>,
) -> Result<F::Y, Error> {
    damped_newton(
        BlockId::Y,
        y_start,
        beta.map(|b| (b, y_start)),
        |y| f.value(x, y),
        |y| f.grad_y(x, y),
        |y| f.hess_yy(x, y),
        |y, v| f.hvp_yy(x, y, v),
        &SubproblemSettings::DEFAULT,
    )
}

#[cfg(test)]
mod tests {
    use nalgebra::{DMatrix, DVector};

    use super::*;
    use crate::testing::{random_matrix, random_vector};

    /// The product with the tridiagonal matrix `[-1, 4, -1]`.
    fn tridiagonal(v: &DVector<f64>) -> DVector<f64> {
        let n = v.len();
        DVector::from_fn(n, |i, _| {
            let left = if i > 0 { v[i - 1] } else { 0.0 };
            let right = if i + 1 < n { v[i + 1] } else { 0.0 };
            4.0 * v[i] - left - right
        })
    }

    #[test]
    fn quadratic_uses_cholesky_for_small_blocks() {
        let b = random_matrix(30, 30, 1);
        let h = b.tr_mul(&b);
        let rhs = random_vector(30, 2);
        let v = quadratic(
            BlockId::X,
            &DVector::zeros(30),
            &rhs,
            0.5,
            || h.clone(),
            |_| panic!("the dense path needs no products"),
            &SubproblemSettings::DEFAULT,
        )
        .unwrap();
        let shifted = &h + DMatrix::identity(30, 30) * 0.5;
        assert!((&shifted * &v - &rhs).norm() < 1e-10 * rhs.norm());
    }

    #[test]
    fn quadratic_uses_conjugate_gradients_for_large_blocks() {
        let n = 3000;
        let truth = random_vector(n, 3);
        let beta = 1.0;
        let rhs = tridiagonal(&truth) + &truth * beta;
        let v = quadratic(
            BlockId::Y,
            &DVector::zeros(n),
            &rhs,
            beta,
            || panic!("a 3000-unknown block is not formed densely"),
            tridiagonal,
            &SubproblemSettings::DEFAULT,
        )
        .unwrap();
        assert!((&v - &truth).norm() < 1e-10 * truth.norm());
    }

    #[test]
    fn settings_scale_the_conjugate_gradient_budget() {
        let s = SubproblemSettings::DEFAULT;
        assert_eq!(s.cg_max_iter(10), 50);
        assert_eq!(s.cg_max_iter(3000), 6000);
        assert_eq!(SubproblemSettings::default(), s);
    }
}
