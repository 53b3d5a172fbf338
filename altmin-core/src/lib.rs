//! Alternating minimization for two-block objectives, with the second-order
//! theory made visible.
#![deny(missing_docs)]

#[doc(hidden)]
#[path = "generated.rs"]
pub mod __private;
mod altmin;
mod block;
mod check;
pub mod diagnose;
mod error;
mod objective;
mod outer;
mod prox_altmin;
mod smoothness;
mod solution;
pub mod solve;
mod structure;
#[cfg(test)]
mod testing;

pub use altmin_macros::objective;
pub use nalgebra;

pub use crate::altmin::AltMin;
pub use crate::block::{Block, Shape};
pub use crate::check::{
    CheckDerivatives, DerivativeCheck, DerivativeVerdict, Remainder, SLOPE_TOLERANCE,
    check_derivatives,
};
pub use crate::diagnose::{Diagnose, Diagnosis, Verdict, diagnose};
pub use crate::error::{BlockId, Error, NonFiniteSource};
pub use crate::objective::BiObjective;
pub use crate::prox_altmin::{Beta, ProxAltMin};
pub use crate::smoothness::{
    LipschitzEstimate, SmoothnessSettings, block_hessian_norms, estimate_lipschitz,
};
pub use crate::solution::{Failure, Record, RunResult, Solution, StopReason};
pub use crate::structure::{BlockStructure, Structure};

/// Everything an objective file needs: the attribute, the trait, the
/// algorithms and nalgebra's matrix types.
pub mod prelude {
    pub use crate::{AltMin, Beta, ProxAltMin};
    pub use crate::{BiObjective, Block, Error, objective};
    pub use crate::{Diagnose, diagnose};
    pub use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix3, Matrix4, SMatrix, SVector, Vector2, Vector3, Vector4,
    };
}
