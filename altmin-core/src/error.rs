//! Errors as values: every failure carries the numbers that explain it.

use std::fmt;

/// One of the two blocks of a [`BiObjective`](crate::BiObjective).
///
/// ```
/// use altmin_core::prelude::*;
/// use altmin_core::BlockId;
///
/// #[objective]
/// fn tilted(x: f64, y: f64) -> f64 {
///     x * x - y * y + x * y
/// }
///
/// // f is concave in y, so the first AltMin step, a minimization in y, fails.
/// let failure = AltMin::new(&Tilted::new()).run(&1.0, &0.0).unwrap_err();
/// assert_eq!(
///     failure.error,
///     Error::NotStronglyConvex { block: BlockId::Y, min_eigenvalue: -2.0 }
/// );
/// assert_eq!(BlockId::Y.to_string(), "y");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockId {
    /// The first block, written `x` in the documentation.
    X,
    /// The second block, written `y` in the documentation.
    Y,
}

impl BlockId {
    /// The other block.
    ///
    /// ```
    /// use altmin_core::BlockId;
    /// assert_eq!(BlockId::X.other(), BlockId::Y);
    /// assert_eq!(BlockId::Y.other().other(), BlockId::Y);
    /// ```
    #[must_use]
    pub const fn other(self) -> Self {
        match self {
            BlockId::X => BlockId::Y,
            BlockId::Y => BlockId::X,
        }
    }
}

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BlockId::X => "x",
            BlockId::Y => "y",
        })
    }
}

/// Where a NaN or an infinity was found.
///
/// ```
/// use altmin_core::prelude::*;
/// use altmin_core::{BlockId, NonFiniteSource};
///
/// #[objective]
/// fn shifted(x: f64, y: f64, a: f64) -> f64 {
///     (x - a).powi(2) + (y - a).powi(2) + x * y
/// }
///
/// let f = Shifted::new(f64::NAN);
/// assert_eq!(f.check_data(), Err(Error::NonFinite(NonFiniteSource::Data("a"))));
/// let failure = AltMin::new(&Shifted::new(1.0)).run(&f64::INFINITY, &0.0).unwrap_err();
/// assert_eq!(failure.error, Error::NonFinite(NonFiniteSource::Start(BlockId::X)));
/// assert_eq!(failure.error.to_string(), "NaN or infinity in the starting x");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonFiniteSource {
    /// In a data field of the objective, named as in the objective's source.
    Data(&'static str),
    /// In a starting point given by the caller.
    Start(BlockId),
    /// In a block computed by an iteration (counted from 1).
    Iterate {
        /// The block that stopped being finite.
        block: BlockId,
        /// The iteration that produced it.
        iteration: usize,
    },
    /// In the objective's value or gradient at an iterate.
    Value {
        /// The iteration at which it was evaluated (0 is the start).
        iteration: usize,
    },
    /// In a block Hessian, or a product with it, at the point examined.
    Hessian {
        /// The block whose Hessian is not finite.
        block: BlockId,
    },
}

impl fmt::Display for NonFiniteSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NonFiniteSource::Data(name) => write!(f, "data field `{name}`"),
            NonFiniteSource::Start(block) => write!(f, "the starting {block}"),
            NonFiniteSource::Iterate { block, iteration } => {
                write!(f, "block {block} at iteration {iteration}")
            }
            NonFiniteSource::Value { iteration } => {
                write!(f, "the objective or its gradient at iteration {iteration}")
            }
            NonFiniteSource::Hessian { block } => write!(f, "the Hessian of block {block}"),
        }
    }
}

/// What went wrong, with the numbers that explain it.
///
/// Algorithms return an `Error` inside a [`Failure`](crate::Failure), which
/// also carries the last finite iterate.
///
/// ```
/// use altmin_core::{BlockId, Error};
/// let e = Error::NotStronglyConvex { block: BlockId::Y, min_eigenvalue: -0.5 };
/// assert!(e.to_string().contains("ProxAltMin"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// Two sizes that the objective ties together differ.
    DimensionMismatch {
        /// The first size, described (for example ``"rows of `a`"``).
        left: &'static str,
        /// Its value.
        left_dim: usize,
        /// The second size, described.
        right: &'static str,
        /// Its value.
        right_dim: usize,
    },
    /// A NaN or an infinity where finite numbers are required.
    NonFinite(NonFiniteSource),
    /// A block subproblem has a Hessian that is not positive definite, so
    /// its minimizer is not unique or does not exist.
    NotStronglyConvex {
        /// The block whose subproblem failed.
        block: BlockId,
        /// The smallest eigenvalue of that block's Hessian (an upper bound of
        /// it when computed by an iterative method).
        min_eigenvalue: f64,
    },
    /// An iterative block solver stopped before reaching its tolerance.
    SubproblemNotConverged {
        /// The block whose subproblem failed.
        block: BlockId,
        /// Iterations spent by the inner solver.
        iterations: usize,
        /// Norm of the subproblem's gradient when it stopped.
        gradient_norm: f64,
    },
    /// The outer iteration limit was reached before the tolerance.
    IterationLimit {
        /// Iterations performed.
        iterations: usize,
        /// Norm of the full gradient at the last iterate.
        gradient_norm: f64,
    },
    /// A constant index of the objective does not fit the size it indexes.
    IndexOutOfBounds {
        /// The indexed size, described.
        what: &'static str,
        /// Its value.
        len: usize,
        /// The index.
        index: usize,
    },
    /// A setting of an algorithm is outside its domain.
    InvalidSetting {
        /// The setting's name.
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// What the setting must satisfy.
        requirement: &'static str,
    },
    /// A block's shape could not be determined, so no starting point could
    /// be drawn for it.
    UnknownShape {
        /// The block concerned.
        block: BlockId,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::DimensionMismatch {
                left,
                left_dim,
                right,
                right_dim,
            } => write!(
                f,
                "dimension mismatch: {left} is {left_dim} but {right} is {right_dim}"
            ),
            Error::NonFinite(source) => write!(f, "NaN or infinity in {source}"),
            Error::NotStronglyConvex {
                block,
                min_eigenvalue,
            } => write!(
                f,
                "the subproblem in {block} is not strongly convex: the smallest eigenvalue of \
                 its Hessian is {min_eigenvalue:e}; AltMin needs a strongly bi-convex \
                 objective, ProxAltMin with beta above the block Hessians' norm does not"
            ),
            Error::SubproblemNotConverged {
                block,
                iterations,
                gradient_norm,
            } => write!(
                f,
                "the subproblem in {block} did not converge in {iterations} iterations \
                 (gradient norm {gradient_norm:e})"
            ),
            Error::IterationLimit {
                iterations,
                gradient_norm,
            } => write!(
                f,
                "iteration limit of {iterations} reached with gradient norm {gradient_norm:e}"
            ),
            Error::IndexOutOfBounds { what, len, index } => {
                write!(f, "index {index} is out of bounds: {what} is {len}")
            }
            Error::InvalidSetting {
                name,
                value,
                requirement,
            } => write!(f, "invalid setting `{name}` = {value}: {requirement}"),
            Error::UnknownShape { block } => write!(
                f,
                "the shape of block {block} is not fixed by its type or the data; give a start"
            ),
        }
    }
}

impl std::error::Error for Error {}
