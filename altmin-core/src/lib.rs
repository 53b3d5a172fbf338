//! Alternating minimization for two-block objectives, with the second-order
//! theory made visible.
#![deny(missing_docs)]

mod block;
mod error;
mod objective;
pub mod solve;
mod structure;

pub use altmin_macros::objective;
pub use nalgebra;

pub use crate::block::{Block, Shape};
pub use crate::error::{BlockId, Error, NonFiniteSource};
pub use crate::objective::BiObjective;
pub use crate::structure::{BlockStructure, Structure};

/// Everything an objective file needs: the attribute, the trait, the
/// algorithms and nalgebra's matrix types.
pub mod prelude {
    pub use crate::{BiObjective, Block, Error, objective};
    pub use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix3, Matrix4, SMatrix, SVector, Vector2, Vector3, Vector4,
    };
}
