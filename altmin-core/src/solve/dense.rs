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

#[cfg(test)]
mod tests {
    use nalgebra::DVector;

    use super::*;
    use crate::error::NonFiniteSource;
    use crate::testing::{random_matrix, random_vector};

    #[test]
    fn cholesky_solve_matches_lu() {
        let b = random_matrix(40, 40, 1);
        let h = b.tr_mul(&b) + DMatrix::identity(40, 40);
        let rhs = random_vector(40, 2);
        let v = spd_solve(BlockId::X, h.clone(), &rhs).unwrap();
        let reference = h.clone().lu().solve(&rhs).unwrap();
        assert!((&v - &reference).norm() < 1e-10 * reference.norm());
        assert!((&h * &v - &rhs).norm() < 1e-10 * rhs.norm());
    }

    #[test]
    fn matrix_blocks_keep_their_shape() {
        let h = DMatrix::from_diagonal(&DVector::from_vec(vec![1.0, 2.0, 4.0, 8.0]));
        let rhs = DMatrix::from_column_slice(2, 2, &[1.0, 2.0, 4.0, 8.0]);
        let v = spd_solve(BlockId::Y, h, &rhs).unwrap();
        assert_eq!(v.shape(), (2, 2));
        assert!((v - DMatrix::from_element(2, 2, 1.0)).amax() < 1e-15);
    }

    #[test]
    fn indefinite_and_non_finite_matrices_are_errors() {
        let h = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 1.0]);
        let err = spd_solve(BlockId::Y, h, &DVector::from_vec(vec![1.0, 1.0])).unwrap_err();
        let Error::NotStronglyConvex {
            block,
            min_eigenvalue,
        } = err
        else {
            panic!("unexpected {err}");
        };
        assert_eq!(block, BlockId::Y);
        assert!((min_eigenvalue + 1.0).abs() < 1e-14);

        let h = DMatrix::from_element(1, 1, f64::NAN);
        assert_eq!(
            spd_solve(BlockId::X, h, &1.0),
            Err(Error::NonFinite(NonFiniteSource::Iterate {
                block: BlockId::X,
                iteration: 0
            }))
        );
        assert!(min_eigenvalue_of_nothing().is_nan());
    }

    fn min_eigenvalue_of_nothing() -> f64 {
        min_eigenvalue(&DMatrix::zeros(0, 0))
    }
}
