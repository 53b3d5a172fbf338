//! What the `#[objective]` macro proved about an objective's structure.

use std::fmt;

/// The structure of `f` as a function of one block, the other held fixed.
///
/// The macro proves it from the symbolic Hessian-vector product: a block is
/// quadratic when that product does not depend on the block itself, and the
/// form of the product decides the solver.
///
/// ```
/// use altmin_core::BlockStructure;
/// assert!(BlockStructure::ScaledIdentity.is_quadratic());
/// assert!(!BlockStructure::NonQuadratic.is_quadratic());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockStructure {
    /// Quadratic with Hessian `c I` for a scalar `c` depending on the other
    /// block: the minimizer is one division.
    ScaledIdentity,
    /// Quadratic in a matrix block `V` with Hessian `V -> V K`: the
    /// minimizer solves a small system in `K` (the normal equations of ALS).
    RightProduct,
    /// Quadratic in a matrix block `V` with Hessian `V -> K V`.
    LeftProduct,
    /// Quadratic in a matrix block `V` with a Hessian that acts on each
    /// row on its own, `v_i -> v_i G_i`, as for a masked factorization
    /// `|W o (V Y^T - M)|^2`: the minimizer solves one small system per row
    /// (ALS for matrix completion).
    RowBlocks,
    /// Quadratic with another Hessian: Cholesky, or conjugate gradients on
    /// Hessian-vector products when the block is large.
    Quadratic,
    /// Not quadratic: damped Newton with backtracking.
    NonQuadratic,
    /// Not analysed, as for a hand-written objective.
    Unknown,
}

impl BlockStructure {
    /// Whether `f` is known to be quadratic in the block.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    ///
    /// #[objective]
    /// fn quartic_in_x(x: f64, y: f64) -> f64 {
    ///     x.powi(4) + x * y + y * y
    /// }
    ///
    /// let s = QuarticInX::new().structure();
    /// assert!(!s.x.is_quadratic());
    /// assert!(s.y.is_quadratic());
    /// assert!(!BlockStructure::Unknown.is_quadratic());
    /// ```
    #[must_use]
    pub const fn is_quadratic(self) -> bool {
        matches!(
            self,
            BlockStructure::ScaledIdentity
                | BlockStructure::RightProduct
                | BlockStructure::LeftProduct
                | BlockStructure::RowBlocks
                | BlockStructure::Quadratic
        )
    }
}

impl fmt::Display for BlockStructure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BlockStructure::ScaledIdentity => "quadratic, Hessian c I (closed form)",
            BlockStructure::RightProduct => "quadratic, Hessian V -> V K (small Cholesky)",
            BlockStructure::LeftProduct => "quadratic, Hessian V -> K V (small Cholesky)",
            BlockStructure::RowBlocks => "quadratic, Hessian row by row (a small Cholesky a row)",
            BlockStructure::Quadratic => "quadratic (Cholesky or conjugate gradients)",
            BlockStructure::NonQuadratic => "not quadratic (damped Newton)",
            BlockStructure::Unknown => "not analysed",
        })
    }
}

/// The structure of an objective in each of its blocks.
///
/// ```
/// use altmin_core::{BlockStructure, Structure};
/// let s = Structure::UNKNOWN;
/// assert_eq!(s.x, BlockStructure::Unknown);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Structure {
    /// `f` as a function of `x`.
    pub x: BlockStructure,
    /// `f` as a function of `y`.
    pub y: BlockStructure,
}

impl Structure {
    /// Nothing known about either block.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// use altmin_core::Structure;
    ///
    /// #[objective]
    /// fn product(x: f64, y: f64) -> f64 {
    ///     (x * y - 1.0).powi(2) + x * x
    /// }
    ///
    /// assert!(!Structure::UNKNOWN.x.is_quadratic() && !Structure::UNKNOWN.y.is_quadratic());
    /// // The macro proves more than nothing: f is quadratic in each block alone.
    /// assert_ne!(Product::new().structure(), Structure::UNKNOWN);
    /// assert!(Product::new().structure().y.is_quadratic());
    /// ```
    pub const UNKNOWN: Structure = Structure {
        x: BlockStructure::Unknown,
        y: BlockStructure::Unknown,
    };
}

impl fmt::Display for Structure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "in x: {}", self.x)?;
        write!(f, "in y: {}", self.y)
    }
}
