//! The `#[objective]` attribute of altmin: from a Rust function of two
//! blocks to symbolic derivatives, exact block solvers and an
//! implementation of `altmin_core::BiObjective`.
//!
//! The expansion is a pipeline, one module a stage:
//!
//! 1. `signature`: the blocks, the data and their types;
//! 2. `parse`: the body, read into the hash-consed graph of `ir` while
//!    `shape` checks dimensions;
//! 3. `diff`: reverse-mode gradients and forward-over-reverse
//!    Hessian-vector products, symbolically;
//! 4. `simplify`: constant folding, collection of like terms and
//!    reassociation of products;
//! 5. `linear`, `rows` and `structure`: the form of each Hessian (scaled
//!    identity, products, outer products, Kronecker forms, row-by-row
//!    blocks) and what it makes of each block's subproblem;
//! 6. `codegen`: nalgebra code, and `formulas`, the same in readable
//!    notation.
//!
//! Errors are collected in `ctxt` and reported together, each on the
//! user's token.
#![deny(missing_docs)]

mod codegen;
mod ctxt;
mod diff;
#[cfg(test)]
mod eval;
mod expand;
mod formulas;
mod ir;
mod linear;
mod parse;
mod rows;
mod shape;
mod signature;
mod simplify;
mod structure;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Derives `altmin_core::BiObjective` from a function of two blocks and
/// data.
///
/// ```ignore
/// #[objective]
/// fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
///     0.5 * (a - x * y.transpose()).norm_squared()
///         + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
/// }
/// ```
///
/// keeps the function and adds a struct `Rank1Pca` with public data fields,
/// `Rank1Pca::new(a, lambda)`, and its `BiObjective` implementation: value,
/// gradients, block Hessians, Hessian-vector products, exact block solvers,
/// dimension and data checks, and the derived formulas. See the
/// documentation of `altmin_core` for the language it accepts.
#[proc_macro_attribute]
pub fn objective(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::objective(args.into(), input.into()).into()
}
