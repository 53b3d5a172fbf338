//! Dense symmetric solves by Cholesky.

use nalgebra::DMatrix;

use crate::block::Block;
use crate::error::{BlockId, Error};

/// Solves `h v = rhs` for a symmetric `h` by Cholesky, returning `v` with the
/// shape of `rhs`.
///
/// # Errors
///
/// [`Error::NotStronglyConvex`] with the smallest eigenvalue of `h` when `h`
/// is not positive definite.
///
/// ```
/// use altmin_core::nalgebra::{DMatrix, DVector};
/// use altmin_core::{solve::spd_solve, BlockId};
/// let h = DMatrix::from_row_slice(2, 2, &[2.0, 1.0, 1.0, 2.0]);
/// let v = spd_solve(BlockId::X, h, &DVector::from_vec(vec![3.0, 3.0])).unwrap();
/// assert!((v[0] - 1.0).abs() < 1e-15 && (v[1] - 1.0).abs() < 1e-15);
/// ```
pub fn spd_solve<B: Block>(block: BlockId, h: DMatrix<f64>, rhs: &B) -> Result<B, Error> {
    let not_convex = |h: &DMatrix<f64>| Error::NotStronglyConvex {
        block,
        min_eigenvalue: min_eigenvalue(h),
    };
    if !h.iter().all(|v| f64::is_finite(*v)) {
        return Err(Error::NonFinite(crate::error::NonFiniteSource::Iterate {
            block,
            iteration: 0,
        }));
    }
    let Some(chol) = h.clone().cholesky() else {
        return Err(not_convex(&h));
    };
    let mut v = nalgebra::DVector::from_column_slice(rhs.as_slice());
    chol.solve_mut(&mut v);
    if !v.iter().all(|e| f64::is_finite(*e)) {
        return Err(not_convex(&h));
    }
    Ok(rhs.with_entries(v.as_slice()))
}

/// The smallest eigenvalue of the symmetric matrix `h` (NaN if `h` is
/// empty or holds a NaN).
///
/// ```
/// use altmin_core::nalgebra::DMatrix;
/// let h = DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 1.0, 0.0]);
/// assert!((altmin_core::solve::min_eigenvalue(&h) + 1.0).abs() < 1e-15);
/// ```
#[must_use]
pub fn min_eigenvalue(h: &DMatrix<f64>) -> f64 {
    if h.is_empty() || !h.iter().all(|v| f64::is_finite(*v)) {
        return f64::NAN;
    }
    h.symmetric_eigenvalues().min()
}
