//! The two-block objective: values, derivatives and block solvers.

use nalgebra::DMatrix;

use crate::block::{Block, Shape};
use crate::error::Error;
use crate::solve;
use crate::structure::Structure;

/// A smooth objective `f(x, y)` of two blocks, with its derivatives and the
/// exact minimizers of each block subproblem.
///
/// The `#[objective]` attribute implements this trait from a plain Rust
/// function, deriving every method symbolically and choosing each block's
/// solver from the structure it proves. It can also be implemented by hand:
/// only the value, the gradients, the Hessian blocks and the Hessian-vector
/// products are required; the block solvers then default to damped Newton
/// on them.
///
/// Matrix blocks are flattened column-major wherever a Hessian needs one
/// index per unknown: `hess_xy[(i, j)]` is `d2f / dx_i dy_j` for the `i`-th
/// entry of `x` and the `j`-th entry of `y` in storage order.
///
/// ```
/// use altmin_core::prelude::*;
///
/// #[objective]
/// fn coupled(x: f64, y: f64, a: f64) -> f64 {
///     x * x + y * y - a * x * y
/// }
///
/// let f = Coupled::new(1.0);
/// assert_eq!(f.value(&1.0, &2.0), 3.0);
/// assert_eq!(f.grad_x(&1.0, &2.0), 0.0);
/// assert_eq!(f.hess_xy(&1.0, &2.0)[(0, 0)], -1.0);
/// ```
pub trait BiObjective {
    /// The first block.
    type X: Block;
    /// The second block.
    type Y: Block;

    /// The objective's value `f(x, y)`.
    fn value(&self, x: &Self::X, y: &Self::Y) -> f64;

    /// The gradient in `x`.
    fn grad_x(&self, x: &Self::X, y: &Self::Y) -> Self::X;

    /// The gradient in `y`.
    fn grad_y(&self, x: &Self::X, y: &Self::Y) -> Self::Y;

    /// The block Hessian `d2f / dx dx`, `dim x` by `dim x`.
    fn hess_xx(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64>;

    /// The block Hessian `d2f / dy dy`, `dim y` by `dim y`.
    fn hess_yy(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64>;

    /// The cross Hessian `d2f / dx dy`, `dim x` by `dim y`.
    fn hess_xy(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64>;

    /// The product `Hxx v`.
    fn hvp_xx(&self, x: &Self::X, y: &Self::Y, v: &Self::X) -> Self::X;

    /// The product `Hyy v`.
    fn hvp_yy(&self, x: &Self::X, y: &Self::Y, v: &Self::Y) -> Self::Y;

    /// The product `Hxy v` (a change in `y` mapped to a change in `grad_x`).
    fn hvp_xy(&self, x: &Self::X, y: &Self::Y, v: &Self::Y) -> Self::X;

    /// The product `Hyx v = Hxy^T v`.
    fn hvp_yx(&self, x: &Self::X, y: &Self::Y, v: &Self::X) -> Self::Y;

    /// The minimizer of `f(., y)`, warm started at `x_start`.
    ///
    /// # Errors
    ///
    /// [`Error::NotStronglyConvex`] when the subproblem's Hessian is not
    /// positive definite, [`Error::SubproblemNotConverged`] when an iterative
    /// solver stops early, [`Error::NonFinite`] when the result is not finite.
    fn argmin_x(&self, x_start: &Self::X, y: &Self::Y) -> Result<Self::X, Error> {
        solve::newton_x(self, x_start, y, None)
    }

    /// The minimizer of `f(x, .)`, warm started at `y_start`.
    ///
    /// # Errors
    ///
    /// As [`BiObjective::argmin_x`].
    fn argmin_y(&self, x: &Self::X, y_start: &Self::Y) -> Result<Self::Y, Error> {
        solve::newton_y(self, x, y_start, None)
    }

    /// The minimizer of `f(., y) + beta/2 |. - x_prev|^2`.
    ///
    /// # Errors
    ///
    /// As [`BiObjective::argmin_x`]; the subproblem is strongly convex once
    /// `beta` exceeds minus the smallest eigenvalue of `Hxx`.
    fn prox_argmin_x(&self, x_prev: &Self::X, y: &Self::Y, beta: f64) -> Result<Self::X, Error> {
        solve::newton_x(self, x_prev, y, Some(beta))
    }

    /// The minimizer of `f(x, .) + beta/2 |. - y_prev|^2`.
    ///
    /// # Errors
    ///
    /// As [`BiObjective::prox_argmin_x`].
    fn prox_argmin_y(&self, x: &Self::X, y_prev: &Self::Y, beta: f64) -> Result<Self::Y, Error> {
        solve::newton_y(self, x, y_prev, Some(beta))
    }

    /// Checks the blocks' shapes against each other and against the data.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] naming the two sizes that disagree.
    fn check_dims(&self, x: &Self::X, y: &Self::Y) -> Result<(), Error> {
        let _ = (x, y);
        Ok(())
    }

    /// Checks that every data field is finite.
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] naming the first field holding a NaN or an
    /// infinity.
    fn check_data(&self) -> Result<(), Error> {
        Ok(())
    }

    /// The shapes of `x` and `y` when the block types or the data fix them.
    fn block_shapes(&self) -> (Option<Shape>, Option<Shape>) {
        (Self::X::fixed_shape(), Self::Y::fixed_shape())
    }

    /// What is known of the objective's structure in each block.
    fn structure(&self) -> Structure {
        Structure::UNKNOWN
    }

    /// The derived formulas in readable notation (empty when not derived).
    fn formulas(&self) -> &'static str {
        ""
    }
}
