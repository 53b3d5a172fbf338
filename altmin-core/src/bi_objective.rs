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
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let e1 = DVector::from_vec(vec![1.0, 0.0]);
    /// // 0.5 |a - e1 e1^T|^2 + 0.25 (1 + 1) = 0.5 (4 + 1) + 0.5
    /// assert_eq!(f.value(&e1, &e1), 3.0);
    /// ```
    fn value(&self, x: &Self::X, y: &Self::Y) -> f64;

    /// The gradient in `x`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x, y) = (DVector::from_vec(vec![1.0, 1.0]), DVector::from_vec(vec![1.0, 0.0]));
    /// // (lambda + |y|^2) x - a y
    /// assert_eq!(f.grad_x(&x, &y), DVector::from_vec(vec![-1.5, 1.5]));
    /// ```
    fn grad_x(&self, x: &Self::X, y: &Self::Y) -> Self::X;

    /// The gradient in `y`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x, y) = (DVector::from_vec(vec![1.0, 1.0]), DVector::from_vec(vec![1.0, 0.0]));
    /// // (lambda + |x|^2) y - a^T x
    /// assert_eq!(f.grad_y(&x, &y), DVector::from_vec(vec![-0.5, -1.0]));
    /// ```
    fn grad_y(&self, x: &Self::X, y: &Self::Y) -> Self::Y;

    /// The block Hessian `d2f / dx dx`, `dim x` by `dim x`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x, y) = (DVector::from_vec(vec![1.0, 1.0]), DVector::from_vec(vec![1.0, 2.0]));
    /// // (lambda + |y|^2) I
    /// assert_eq!(f.hess_xx(&x, &y), DMatrix::identity(2, 2) * 5.5);
    /// ```
    fn hess_xx(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64>;

    /// The block Hessian `d2f / dy dy`, `dim y` by `dim y`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x, y) = (DVector::from_vec(vec![1.0, 1.0]), DVector::from_vec(vec![1.0, 2.0]));
    /// // (lambda + |x|^2) I
    /// assert_eq!(f.hess_yy(&x, &y), DMatrix::identity(2, 2) * 2.5);
    /// ```
    fn hess_yy(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64>;

    /// The cross Hessian `d2f / dx dy`, `dim x` by `dim y`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x, y) = (DVector::from_vec(vec![1.0, 1.0]), DVector::from_vec(vec![1.0, 0.0]));
    /// // d2f / dx_i dy_j = 2 x_i y_j - a_ij
    /// let hxy = f.hess_xy(&x, &y);
    /// assert_eq!(hxy, DMatrix::from_row_slice(2, 2, &[-1.0, 0.0, 2.0, -1.0]));
    /// ```
    fn hess_xy(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64>;

    /// The product `Hxx v`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x, y) = (DVector::from_vec(vec![1.0, 1.0]), DVector::from_vec(vec![1.0, 2.0]));
    /// let v = DVector::from_vec(vec![2.0, -1.0]);
    /// assert_eq!(f.hvp_xx(&x, &y, &v), f.hess_xx(&x, &y) * &v);
    /// assert_eq!(f.hvp_xx(&x, &y, &v), DVector::from_vec(vec![11.0, -5.5]));
    /// ```
    fn hvp_xx(&self, x: &Self::X, y: &Self::Y, v: &Self::X) -> Self::X;

    /// The product `Hyy v`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x, y) = (DVector::from_vec(vec![1.0, 1.0]), DVector::from_vec(vec![1.0, 2.0]));
    /// let v = DVector::from_vec(vec![2.0, -1.0]);
    /// assert_eq!(f.hvp_yy(&x, &y, &v), DVector::from_vec(vec![5.0, -2.5]));
    /// ```
    fn hvp_yy(&self, x: &Self::X, y: &Self::Y, v: &Self::Y) -> Self::Y;

    /// The product `Hxy v` (a change in `y` mapped to a change in `grad_x`).
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x, y) = (DVector::from_vec(vec![1.0, 1.0]), DVector::from_vec(vec![1.0, 0.0]));
    /// let v = DVector::from_vec(vec![0.0, 1.0]);
    /// // the second column of hess_xy
    /// assert_eq!(f.hvp_xy(&x, &y, &v), DVector::from_vec(vec![0.0, -1.0]));
    /// ```
    fn hvp_xy(&self, x: &Self::X, y: &Self::Y, v: &Self::Y) -> Self::X;

    /// The product `Hyx v = Hxy^T v`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x, y) = (DVector::from_vec(vec![1.0, 1.0]), DVector::from_vec(vec![1.0, 0.0]));
    /// let v = DVector::from_vec(vec![0.0, 1.0]);
    /// // the second row of hess_xy, as a column
    /// assert_eq!(f.hvp_yx(&x, &y, &v), DVector::from_vec(vec![2.0, -1.0]));
    /// assert_eq!(f.hvp_yx(&x, &y, &v), f.hess_xy(&x, &y).transpose() * &v);
    /// ```
    fn hvp_yx(&self, x: &Self::X, y: &Self::Y, v: &Self::X) -> Self::Y;

    /// The minimizer of `f(., y)`, warm started at `x_start`.
    ///
    /// # Errors
    ///
    /// [`Error::NotStronglyConvex`] when the subproblem's Hessian is not
    /// positive definite, [`Error::SubproblemNotConverged`] when an iterative
    /// solver stops early, [`Error::NonFinite`] when the result is not finite.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let y = DVector::from_vec(vec![1.0, 1.0]);
    /// // (lambda + |y|^2) x = a y
    /// let x = f.argmin_x(&DVector::zeros(2), &y)?;
    /// assert!((x - DVector::from_vec(vec![1.2, 0.4])).norm() < 1e-14);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    fn argmin_x(&self, x_start: &Self::X, y: &Self::Y) -> Result<Self::X, Error> {
        solve::newton_x(self, x_start, y, None)
    }

    /// The minimizer of `f(x, .)`, warm started at `y_start`.
    ///
    /// # Errors
    ///
    /// As [`BiObjective::argmin_x`].
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let x = DVector::from_vec(vec![1.0, 1.0]);
    /// // (lambda + |x|^2) y = a^T x
    /// let y = f.argmin_y(&x, &DVector::zeros(2))?;
    /// assert!((y - DVector::from_vec(vec![1.2, 0.4])).norm() < 1e-14);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    fn argmin_y(&self, x: &Self::X, y_start: &Self::Y) -> Result<Self::Y, Error> {
        solve::newton_y(self, x, y_start, None)
    }

    /// The minimizer of `f(., y) + beta/2 |. - x_prev|^2`.
    ///
    /// # Errors
    ///
    /// As [`BiObjective::argmin_x`]; the subproblem is strongly convex once
    /// `beta` exceeds minus the smallest eigenvalue of `Hxx`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x_prev, y) = (DVector::from_vec(vec![1.0, 1.0]), DVector::from_vec(vec![1.0, 1.0]));
    /// // (lambda + |y|^2 + beta) x = a y + beta x_prev
    /// let x = f.prox_argmin_x(&x_prev, &y, 2.5)?;
    /// assert!((x - DVector::from_vec(vec![1.1, 0.7])).norm() < 1e-14);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    fn prox_argmin_x(&self, x_prev: &Self::X, y: &Self::Y, beta: f64) -> Result<Self::X, Error> {
        solve::newton_x(self, x_prev, y, Some(beta))
    }

    /// The minimizer of `f(x, .) + beta/2 |. - y_prev|^2`.
    ///
    /// # Errors
    ///
    /// As [`BiObjective::prox_argmin_x`].
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x, y_prev) = (DVector::from_vec(vec![1.0, 1.0]), DVector::zeros(2));
    /// // With y_prev = 0 the proximal term is a larger ridge.
    /// let y = f.prox_argmin_y(&x, &y_prev, 2.5)?;
    /// assert!((y - DVector::from_vec(vec![0.6, 0.2])).norm() < 1e-14);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    fn prox_argmin_y(&self, x: &Self::X, y_prev: &Self::Y, beta: f64) -> Result<Self::Y, Error> {
        solve::newton_y(self, x, y_prev, Some(beta))
    }

    /// Checks the blocks' shapes against each other and against the data.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] naming the two sizes that disagree.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// let (x2, x3) = (DVector::zeros(2), DVector::zeros(3));
    /// assert_eq!(f.check_dims(&x2, &x2), Ok(()));
    /// assert!(matches!(f.check_dims(&x3, &x2), Err(Error::DimensionMismatch { .. })));
    /// ```
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
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// use altmin_core::NonFiniteSource;
    /// let mut a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// assert_eq!(Rank1Pca::new(&a, 0.5).check_data(), Ok(()));
    /// a[(1, 0)] = f64::NAN;
    /// let err = Rank1Pca::new(&a, 0.5).check_data().unwrap_err();
    /// assert_eq!(err, Error::NonFinite(NonFiniteSource::Data("a")));
    /// ```
    fn check_data(&self) -> Result<(), Error> {
        Ok(())
    }

    /// The shapes of `x` and `y` when the block types or the data fix them.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// // The rows of `a` fix the length of x, its columns that of y.
    /// let a = DMatrix::<f64>::zeros(4, 3);
    /// let shapes = Rank1Pca::new(&a, 0.5).block_shapes();
    /// assert_eq!(shapes, (Some(Shape::new(4, 1)), Some(Shape::new(3, 1))));
    /// ```
    fn block_shapes(&self) -> (Option<Shape>, Option<Shape>) {
        (Self::X::fixed_shape(), Self::Y::fixed_shape())
    }

    /// What is known of the objective's structure in each block.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// // Hxx = (lambda + |y|^2) I: each block step is one division.
    /// assert_eq!(f.structure().x, BlockStructure::ScaledIdentity);
    /// assert_eq!(f.structure().y, BlockStructure::ScaledIdentity);
    /// ```
    fn structure(&self) -> Structure {
        Structure::UNKNOWN
    }

    /// The derived formulas in readable notation (empty when not derived).
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    /// #     0.5 * (a - x * y.transpose()).norm_squared()
    /// #         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
    /// # }
    /// let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
    /// let f = Rank1Pca::new(&a, 0.5);
    /// assert!(f.formulas().contains("grad_x = (lambda + |y|^2) x - a y"));
    /// ```
    fn formulas(&self) -> &'static str {
        ""
    }
}
