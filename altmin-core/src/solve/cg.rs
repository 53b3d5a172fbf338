//! Conjugate gradients on Hessian-vector products.

use crate::block::Block;
use crate::error::{BlockId, Error};
use crate::solve::SubproblemSettings;

/// Solves `A v = rhs` for a symmetric positive definite operator given only
/// by its products `apply(v) = A v`, starting from `start`, to a residual of
/// `settings.rel_tol` relative to `|rhs|`.
///
/// # Errors
///
/// [`Error::NotStronglyConvex`] when a direction of non-positive curvature
/// appears (its Rayleigh quotient, an upper bound of the smallest eigenvalue,
/// is reported); [`Error::SubproblemNotConverged`] when the iteration limit
/// is reached first.
///
/// ```
/// use altmin_core::nalgebra::{DMatrix, DVector};
/// use altmin_core::{solve::{conjugate_gradient, SubproblemSettings}, BlockId};
/// let a = DMatrix::from_row_slice(2, 2, &[4.0, 1.0, 1.0, 3.0]);
/// let b = DVector::from_vec(vec![1.0, 2.0]);
/// let v = conjugate_gradient(
///     BlockId::X, |v: &DVector<f64>| &a * v, &b, DVector::zeros(2), &SubproblemSettings::DEFAULT,
/// ).unwrap();
/// assert!((&a * &v - &b).norm() < 1e-12);
/// ```
pub fn conjugate_gradient<B: Block>(
    block: BlockId,
    mut apply: impl FnMut(&B) -> B,
    rhs: &B,
    start: B,
    settings: &SubproblemSettings,
) -> Result<B, Error> {
    let target = settings.rel_tol * rhs.norm();
    let max_iter = settings.cg_max_iter(rhs.dim());

    let mut v = start;
    let mut r = rhs.clone();
    r.add_scaled(-1.0, &apply(&v));
    let mut p = r.clone();
    let mut rr = r.norm_squared();

    for _ in 0..max_iter {
        if rr.sqrt() <= target {
            return Ok(v);
        }
        let ap = apply(&p);
        let curvature = p.dot(&ap);
        if curvature.is_nan() || curvature <= 0.0 {
            return Err(Error::NotStronglyConvex {
                block,
                min_eigenvalue: curvature / p.norm_squared(),
            });
        }
        let alpha = rr / curvature;
        v.add_scaled(alpha, &p);
        r.add_scaled(-alpha, &ap);
        let rr_next = r.norm_squared();
        p.scale_mut(rr_next / rr);
        p.add_scaled(1.0, &r);
        rr = rr_next;
    }

    if rr.sqrt() <= target {
        return Ok(v);
    }
    Err(Error::SubproblemNotConverged {
        block,
        iterations: max_iter,
        gradient_norm: rr.sqrt(),
    })
}
