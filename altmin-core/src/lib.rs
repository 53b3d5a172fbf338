//! Alternating minimization for two-block objectives, with the
//! second-order theory made visible.
//!
//! Write an objective `f(x, y)` once, as ordinary Rust over nalgebra
//! values. The [`objective`] attribute reads it at compile time, derives
//! its gradient, block Hessians, cross Hessian and Hessian-vector products
//! symbolically, proves what it can about each block's subproblem, and
//! emits a [`BiObjective`] with exact block solvers. [`AltMin`] and
//! [`ProxAltMin`] run on it; [`diagnose()`] says where they ended.
//!
//! # Writing an objective
//!
//! ```
//! use altmin_core::prelude::*;
//!
//! /// Best rank-1 approximation of `a`, ridge-regularized.
//! #[objective]
//! fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
//!     0.5 * (a - x * y.transpose()).norm_squared()
//!         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
//! }
//!
//! let a = DMatrix::from_fn(4, 3, |i, j| (i as f64 - j as f64).sin());
//! let f = Rank1Pca::new(&a, 0.1);
//! assert!(f.formulas().contains("grad_x = (lambda + |y|^2) x - a y"));
//! assert_eq!(f.structure().x, BlockStructure::ScaledIdentity);
//! ```
//!
//! The first two parameters are the blocks, the others data; the function
//! stays as written and is what [`BiObjective::value`] calls. The attribute
//! adds a struct named after the function in UpperCamelCase, with the data
//! as public fields and a constructor taking them in order. Blocks and data
//! may be `f64`, `DVector<f64>`, `DMatrix<f64>`, `SVector<f64, N>`,
//! `SMatrix<f64, R, C>` or nalgebra's fixed-size aliases, by value or by
//! reference. Matrix blocks are flattened column-major wherever a Hessian
//! needs one index per unknown.
//!
//! The body may use literals, `+ - * /` (division by scalars), unary minus,
//! parentheses, `&`, `let` bindings, constant indexing `v[i]` and
//! `m[(i, j)]`, constants of `std::f64::consts`, and the methods
//! `transpose`, `norm_squared`, `norm`, `dot`, `sum`, `component_mul`,
//! `trace`, `tr_mul`, `scale`, `powi` (integer literal), `exp`, `ln`, `sqrt`,
//! `sin`, `cos`, `tanh`, `ln_1p` (on scalars) and `map(|t| ...)` with a
//! scalar body. Everything else is a compile error pointing at the
//! offending token: control flow, function calls, unknown methods,
//! functions that are not differentiable everywhere (`abs`, `max`, ...),
//! shape mismatches visible in the types, an objective that does not depend
//! on one block, a return type other than `f64`, generics.
//!
//! What the macro proves decides each block's solver: quadratic with
//! Hessian `c I` gives one division, `V -> V K` or `V -> K V` a small
//! Cholesky solve, a Hessian that acts on each row on its own (a masked
//! factorization's) one small Cholesky a row, another quadratic a dense
//! Cholesky or conjugate gradients, and a block in which `f` is not
//! quadratic damped Newton.
//!
//! # Running AltMin
//!
//! [`AltMin`] is Algorithm 1: `y_k = argmin_y f(x_{k-1}, y)`, then
//! `x_k = argmin_x f(x, y_k)`. It needs `f` strongly bi-convex (both block
//! Hessians positive definite) and reports
//! [`Error::NotStronglyConvex`] otherwise.
//!
//! ```
//! use altmin_core::prelude::*;
//!
//! #[objective]
//! fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
//!     0.5 * (a - x * y.transpose()).norm_squared()
//!         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
//! }
//!
//! let a = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
//! let f = Rank1Pca::new(&a, 0.5);
//! let solution = AltMin::new(&f)
//!     .with_tolerance(1e-12)?
//!     .run(&DVector::from_vec(vec![1.0, 1.0]), &DVector::zeros(2))?;
//! // The limit is the top singular pair scaled by (sigma_1 - lambda)^(1/2).
//! assert!((solution.x[0].abs() - 2.5_f64.sqrt()).abs() < 1e-10);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Every error is a value: a run returns a [`Failure`] with the error and
//! the last finite iterate. Dimensions and data are checked before the
//! first iteration.
//!
//! # Reading the diagnosis
//!
//! [`diagnose()`] classifies a point from the full Hessian: local minimum,
//! strict saddle (with an escape direction), degenerate, or not
//! stationary. It reports the block Hessians' smallest eigenvalues (strong
//! bi-convexity), the cross Hessian's rank (Assumption 3), the spectral
//! radius of the AltMin map's Jacobian
//! `Dg = Hxx^-1 Hxy Hyy^-1 Hyx`, computed as `|L|_2^2` with
//! `L = Hxx^-1/2 Hxy Hyy^-1/2`, and the ProxAltMin map's Jacobian
//! `[Hxx + bI, Hxy; 0, Hyy + bI]^-1 [bI, 0; -Hyx, bI]`. At a strict saddle
//! `|L|_2 > 1`: the fixed point is unstable, which is why both algorithms
//! avoid strict saddles from almost every start.
//!
//! ```
//! use altmin_core::prelude::*;
//!
//! #[objective]
//! fn saddle(x: f64, y: f64) -> f64 {
//!     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
//! }
//!
//! let d = diagnose(&Saddle::new(), &0.0, &0.0)?;
//! assert!(d.verdict.is_strict_saddle());
//! assert_eq!(d.altmin.is_unstable(), Some(true));
//! println!("{d}");
//! # Ok::<(), altmin_core::Error>(())
//! ```
//!
//! # The census: the theorem, checked by experiment
//!
//! A [`Census`] runs an algorithm from many seeded random starts, diagnoses
//! every limit and tallies them: from random starts, none should end at a
//! strict saddle.
//!
//! ```
//! use altmin_core::prelude::*;
//! use altmin_core::census::VerdictKind;
//!
//! #[objective]
//! fn saddle(x: f64, y: f64) -> f64 {
//!     x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
//! }
//!
//! let f = Saddle::new();
//! let report = Census::new(&f).with_starts(50)?.with_seed(1).run()?;
//! assert_eq!(report.count(VerdictKind::StrictSaddle), 0);
//! assert_eq!(report.count(VerdictKind::LocalMinimum), 50);
//! # Ok::<(), altmin_core::Error>(())
//! ```
//!
//! # When to use ProxAltMin, and how beta is chosen
//!
//! [`ProxAltMin`] is Algorithm 2: the same steps with
//! `+ beta/2 |y - y_{k-1}|^2` and `+ beta/2 |x - x_{k-1}|^2`. With
//! `beta > L_f`, where `L_f` bounds the block Hessians' norms
//! (bi-smoothness), every subproblem is strongly convex, so it needs no
//! bi-convexity, and each iteration decreases `f` by at least
//! `beta/2 (|x_k - x_{k-1}|^2 + |y_k - y_{k-1}|^2)`. Give `beta` with
//! [`Beta::Fixed`], or let [`Beta::Estimated`] take `L_f` from the block
//! Hessians' norms at the start and on its sublevel set
//! ([`estimate_lipschitz`]), times a safety factor; a subproblem that still
//! turns out not strongly convex doubles `beta` and retries.
//!
//! # Checking derivatives
//!
//! [`check_derivatives`] runs a Taylor-remainder test along random
//! directions: the first-order remainder must shrink with slope 2 and the
//! second-order one with slope 3. It works on any [`BiObjective`], derived
//! or written by hand.
//!
//! # References
//!
//! Algorithm 1 (AltMin) and Algorithm 2 (ProxAltMin), the Jacobians of
//! their maps at a fixed point, and the result that both avoid strict
//! saddles almost surely when started at random, under strong bi-convexity
//! (AltMin, with Assumption 3: the cross Hessian has full row rank at
//! strict saddles) or bi-smoothness with `beta > L_f` (ProxAltMin), are
//! from the analysis of second-order convergence of alternating
//! minimization this crate implements.
#![deny(missing_docs)]

#[doc(hidden)]
#[path = "generated.rs"]
pub mod __private;
mod altmin;
mod bi_objective;
mod block;
pub mod census;
mod check;
pub mod diagnose;
mod error;
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
pub use crate::bi_objective::BiObjective;
pub use crate::block::{Block, Shape};
pub use crate::census::{Census, CensusReport};
pub use crate::check::{
    CheckDerivatives, DerivativeCheck, DerivativeVerdict, Remainder, SLOPE_TOLERANCE,
    check_derivatives,
};
pub use crate::diagnose::{Diagnose, Diagnosis, Verdict, diagnose};
pub use crate::error::{BlockId, Error, NonFiniteSource};
pub use crate::prox_altmin::{Beta, ProxAltMin};
pub use crate::smoothness::{
    LipschitzEstimate, SmoothnessSettings, block_hessian_norms, estimate_lipschitz,
};
pub use crate::solution::{Failure, Record, RunResult, Solution, StopReason};
pub use crate::structure::{BlockStructure, Structure};

/// Everything an objective file needs: the attribute, the trait, the
/// algorithms and nalgebra's matrix types.
pub mod prelude {
    pub use crate::census::{Algorithm, Census};
    pub use crate::{AltMin, Beta, ProxAltMin};
    pub use crate::{BiObjective, Block, Error, objective};
    pub use crate::{BlockStructure, Shape, check_derivatives};
    pub use crate::{Diagnose, diagnose};
    pub use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix3, Matrix4, SMatrix, SVector, Vector2, Vector3, Vector4,
    };
}
