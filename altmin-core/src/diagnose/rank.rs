//! The cross Hessian's rank: Assumption 3 of the AltMin theory.
//!
//! Assumption 3 asks `Hxy` to have full row rank at strict saddles when
//! `dim x <= dim y` (with the blocks' roles swapped otherwise), that is,
//! rank `min(dim x, dim y)`.

use nalgebra::{DMatrix, DVector, SVD};

use crate::bi_objective::BiObjective;
use crate::error::{BlockId, Error};

use super::hessian::Point;
use super::spectrum::{EigenSolver, LanczosSettings, lanczos};

/// The numerical rank of the cross Hessian `Hxy` (`dim x` by `dim y`).
///
/// A singular value counts when it exceeds `tolerance` times the largest.
/// Dense diagnoses count them from nalgebra's SVD. Matrix-free diagnoses
/// find the extreme eigenvalues of the Gram matrix of the smaller side
/// (`Hxy Hyx` when `dim x <= dim y`) by Lanczos, so they decide full rank
/// without counting: squaring limits them to singular values above about
/// the square root of the eigenvalue tolerance times the largest, and a
/// smallest singular value that Lanczos has not resolved leaves the
/// answer open.
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
/// // f(x, y) = x^2 + y^2 - c x y has Hxy = -c: rank 1 unless c = 0.
/// let d = diagnose(&Coupled { c: 3.0 }, &0.0, &0.0)?;
/// assert_eq!(d.cross.rank, Some(1));
/// assert_eq!(d.cross.full_rank, Some(true));
/// let d = diagnose(&Coupled { c: 0.0 }, &0.0, &0.0)?;
/// assert_eq!(d.cross.full_rank, Some(false));
/// # Ok::<(), altmin_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CrossRank {
    /// Rows of `Hxy`, `dim x`.
    pub rows: usize,
    /// Columns of `Hxy`, `dim y`.
    pub cols: usize,
    /// The largest singular value.
    pub max_singular_value: f64,
    /// The `min(rows, cols)`-th singular value, the smallest one that full
    /// rank needs (an upper bound of it when found by Lanczos).
    pub min_singular_value: f64,
    /// The relative tolerance below which singular values count as zero.
    pub tolerance: f64,
    /// The numerical rank (dense diagnoses only).
    pub rank: Option<usize>,
    /// Whether the rank is `min(rows, cols)`: full row rank of `Hxy` when
    /// `dim x <= dim y`, of `Hyx` otherwise (`None` when undecided).
    pub full_rank: Option<bool>,
    /// How the singular values were computed.
    pub solver: EigenSolver,
}

impl CrossRank {
    /// The block of smaller dimension, whose side Assumption 3 constrains
    /// (`X` on a tie).
    ///
    /// ```
    /// use altmin_core::BlockId;
    /// use altmin_core::diagnose::{CrossRank, EigenSolver};
    /// let r = CrossRank {
    ///     rows: 3, cols: 5, max_singular_value: 2.0, min_singular_value: 1.0,
    ///     tolerance: 1e-10, rank: Some(3), full_rank: Some(true), solver: EigenSolver::Dense,
    /// };
    /// assert_eq!(r.smaller_block(), BlockId::X);
    /// ```
    #[must_use]
    pub const fn smaller_block(&self) -> BlockId {
        if self.rows <= self.cols {
            BlockId::X
        } else {
            BlockId::Y
        }
    }
}

/// Sweeps allowed per dimension in the SVD.
const SWEEPS_PER_DIM: usize = 60;

/// The rank from nalgebra's SVD of the dense cross Hessian; `None` when the
/// SVD does not converge.
pub(crate) fn dense(xy: &DMatrix<f64>, tolerance: f64) -> Option<CrossRank> {
    let (rows, cols) = xy.shape();
    let max_niter = SWEEPS_PER_DIM * rows.max(cols);
    let svd = SVD::try_new(xy.clone(), false, false, f64::EPSILON, max_niter)?;
    let sigma = svd.singular_values;
    let max = sigma.max();
    let min = sigma.min();
    let rank = sigma.iter().filter(|s| **s > tolerance * max).count();
    Some(CrossRank {
        rows,
        cols,
        max_singular_value: max,
        min_singular_value: min,
        tolerance,
        rank: Some(rank),
        full_rank: Some(rank == rows.min(cols)),
        solver: EigenSolver::Dense,
    })
}

/// Full rank or not from Lanczos on the Gram matrix of the smaller side.
///
/// The smallest Ritz value bounds the smallest eigenvalue from above, so a
/// Ritz value below `(tolerance sigma_max)^2` proves rank deficiency; full
/// rank needs the Ritz value to have converged clear of that threshold.
pub(crate) fn matrix_free<F: BiObjective + ?Sized>(
    point: &Point<'_, F>,
    tolerance: f64,
    settings: &LanczosSettings,
) -> Result<CrossRank, Error> {
    let (rows, cols) = (point.dim(BlockId::X), point.dim(BlockId::Y));
    let side = if rows <= cols { BlockId::X } else { BlockId::Y };
    let mut gram = |v: &DVector<f64>| {
        let w = point.cross(side.other(), v)?;
        point.cross(side, &w)
    };
    let e = lanczos(point.dim(side), &mut gram, settings)?.extremes;

    let max = e.max.max(0.0).sqrt();
    let threshold = (tolerance * max).powi(2);
    let full_rank = if e.min <= threshold {
        Some(false)
    } else if e.converged && e.min - e.residual > threshold {
        Some(true)
    } else {
        None
    };
    Ok(CrossRank {
        rows,
        cols,
        max_singular_value: max,
        min_singular_value: e.min.max(0.0).sqrt(),
        tolerance,
        rank: None,
        full_rank,
        solver: e.solver,
    })
}
