//! The exact block solvers, one per structure the macro proves.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::codegen::emit::{Access, Emitter, Operand, local};
use crate::ir::{Blk, Graph, NodeId};
use crate::rows::RowTerm;
use crate::shape::{Shape, TyShape};
use crate::signature::Signature;
use crate::structure::{BlockDerivatives, Solver};

/// The name of the inherent helper that solves block `b`'s subproblem.
pub fn helper_name(b: Blk) -> proc_macro2::Ident {
    format_ident!("__altmin_solve_{}", b.name())
}

/// The inherent helper `fn __altmin_solve_b(&self, x, y, beta)`: the
/// minimizer of `f + beta/2 |b - b_0|^2` in block `b`, where `b_0` is the
/// value of `b` passed in (the warm start, and the proximal center when
/// `beta > 0`).
pub fn helper(g: &Graph, sig: &Signature, d: &BlockDerivatives) -> TokenStream {
    let b = d.block;
    let name = helper_name(b);
    let (x, y) = (&sig.params[0].ident, &sig.params[1].ident);
    let (xt, yt) = (&sig.params[0].ty, &sig.params[1].ty);
    let this = &sig.params[b.index()];
    let this_ty = &this.ty;
    let beta = local("beta");
    let block_id = block_id(b);
    let body = match (d.solver, d.rhs) {
        (Solver::Newton, _) | (_, None) => newton(sig, b),
        (Solver::ScaledIdentity { coef }, Some(rhs)) => scaled_identity(g, sig, b, coef, rhs),
        (Solver::RightProduct { k }, Some(rhs)) => product(g, sig, b, k, rhs, Side::Right),
        (Solver::LeftProduct { k }, Some(rhs)) => product(g, sig, b, k, rhs, Side::Left),
        (Solver::Quadratic, Some(rhs)) => quadratic(g, sig, b, rhs),
        (Solver::RowBlocks, Some(rhs)) => match &d.row_terms {
            Some(terms) => row_blocks(g, sig, b, terms, rhs),
            None => quadratic(g, sig, b, rhs),
        },
    };
    let out = local("out");
    let lints = crate::codegen::allowed_lints();
    quote! {
        #[doc(hidden)]
        #[allow(unused_variables, unused_mut, #lints)]
        fn #name(
            &self,
            #x: &#xt,
            #y: &#yt,
            #beta: f64,
        ) -> ::core::result::Result<#this_ty, ::altmin_core::Error> {
            let #out: #this_ty = { #body };
            if !::altmin_core::Block::all_finite(&#out) {
                return ::core::result::Result::Err(::altmin_core::__private::non_finite(#block_id));
            }
            ::core::result::Result::Ok(#out)
        }
    }
}

pub fn block_id(b: Blk) -> TokenStream {
    match b {
        Blk::X => quote!(::altmin_core::BlockId::X),
        Blk::Y => quote!(::altmin_core::BlockId::Y),
    }
}

/// `rhs`, converted to the block's type and owned.
fn rhs_value(em: &Emitter, op: &Operand, n: NodeId, b: Blk) -> TokenStream {
    crate::codegen::into_block(em, op, n, b)
}

/// `c I`: one division.
fn scaled_identity(g: &Graph, sig: &Signature, b: Blk, coef: NodeId, rhs: NodeId) -> TokenStream {
    let mut em = Emitter::new(g, sig, Access::Blocks);
    let (stmts, ops) = em.emit(&[coef, rhs]);
    let c = ops[0].tokens();
    let rhs = rhs_value(&em, &ops[1], rhs, b);
    let (cv, rv, beta) = (local("c"), local("rhs"), local("beta"));
    let this = &sig.params[b.index()].ident;
    let block_id = block_id(b);
    quote! {
        #stmts
        let mut #cv: f64 = #c;
        let mut #rv = #rhs;
        if #beta != 0.0 {
            #cv += #beta;
            ::altmin_core::Block::add_scaled(&mut #rv, #beta, #this);
        }
        if !(#cv > 0.0) {
            return ::core::result::Result::Err(::altmin_core::Error::NotStronglyConvex {
                block: #block_id,
                min_eigenvalue: #cv,
            });
        }
        #rv / #cv
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// `H V = V K`.
    Right,
    /// `H V = K V`.
    Left,
}

/// `V K = rhs` or `K V = rhs` by Cholesky of the small matrix `K`.
fn product(g: &Graph, sig: &Signature, b: Blk, k: NodeId, rhs: NodeId, side: Side) -> TokenStream {
    let mut em = Emitter::new(g, sig, Access::Blocks);
    let (stmts, ops) = em.emit(&[k, rhs]);
    let (kv, rv, chol, beta) = (local("k"), local("rhs"), local("chol"), local("beta"));
    let k_value = square(&em, &ops[0], k);
    let rhs_tokens = rhs_value(&em, &ops[1], rhs, b);
    let this = &sig.params[b.index()].ident;
    let block_id = block_id(b);
    let solve = match side {
        Side::Right => quote!(#chol.solve(&#rv.transpose()).transpose()),
        Side::Left => quote!(#chol.solve(&#rv)),
    };
    let direct = quote! {
        #stmts
        let mut #kv = #k_value;
        let mut #rv = #rhs_tokens;
        if #beta != 0.0 {
            for i in 0..#kv.nrows() {
                #kv[(i, i)] += #beta;
            }
            ::altmin_core::Block::add_scaled(&mut #rv, #beta, #this);
        }
        let ::core::option::Option::Some(#chol) = ::core::clone::Clone::clone(&#kv).cholesky()
        else {
            return ::core::result::Result::Err(::altmin_core::__private::not_strongly_convex(
                #block_id,
                ::altmin_core::__private::AsDense::dense(&#kv),
            ));
        };
        #solve
    };
    let p = &sig.params[b.index()];
    if side == Side::Left && p.is_vector {
        // A large vector block is solved from products instead of forming
        // and factoring `K`.
        let iterative = quadratic(g, sig, b, rhs);
        return quote! {
            if ::altmin_core::Block::dim(#this)
                <= ::altmin_core::solve::SubproblemSettings::DEFAULT.dense_limit
            {
                #direct
            } else {
                #iterative
            }
        };
    }
    direct
}

/// `K` as a square nalgebra type, as Cholesky needs.
fn square(em: &Emitter, op: &Operand, k: NodeId) -> TokenStream {
    match em.g.ty(k) {
        TyShape::Matrix(r, c) if r == c => op.owned(),
        _ => {
            let Shape::Matrix(r, _) = em.g.shape(k) else {
                return op.owned();
            };
            let n = em.dim_value(r);
            let src = op.by_ref();
            quote!(::altmin_core::nalgebra::DMatrix::<f64>::from_column_slice(
                #n, #n, #src.as_slice()
            ))
        }
    }
}

/// Another quadratic: Cholesky of the dense Hessian, or conjugate
/// gradients on Hessian-vector products for large blocks.
fn quadratic(g: &Graph, sig: &Signature, b: Blk, rhs: NodeId) -> TokenStream {
    let mut em = Emitter::new(g, sig, Access::Blocks);
    let (stmts, ops) = em.emit(&[rhs]);
    let rhs_tokens = rhs_value(&em, &ops[0], rhs, b);
    let (rv, beta) = (local("rhs"), local("beta"));
    let (x, y) = (&sig.params[0].ident, &sig.params[1].ident);
    let this = &sig.params[b.index()].ident;
    let block_id = block_id(b);
    let hess = format_ident!("hess_{}{}", b.name(), b.name());
    let hvp = format_ident!("hvp_{}{}", b.name(), b.name());
    let v = local("v");
    quote! {
        #stmts
        let mut #rv = #rhs_tokens;
        if #beta != 0.0 {
            ::altmin_core::Block::add_scaled(&mut #rv, #beta, #this);
        }
        ::altmin_core::solve::quadratic(
            #block_id,
            #this,
            &#rv,
            #beta,
            || ::altmin_core::BiObjective::#hess(self, #x, #y),
            |#v| ::altmin_core::BiObjective::#hvp(self, #x, #y, #v),
            &::altmin_core::solve::SubproblemSettings::DEFAULT,
        )?
    }
}

/// One `r` by `r` Cholesky a row, for a Hessian of [`RowTerm`]s.
fn row_blocks(g: &Graph, sig: &Signature, b: Blk, terms: &[RowTerm], rhs: NodeId) -> TokenStream {
    let (stmts, ops, row_terms) = emit_row_terms(g, sig, &[rhs], terms);
    let em = Emitter::new(g, sig, Access::Blocks);
    let rhs_tokens = rhs_value(&em, &ops[0], rhs, b);
    let (rv, beta) = (local("rhs"), local("beta"));
    let this = &sig.params[b.index()].ident;
    let block_id = block_id(b);
    quote! {
        #stmts
        let mut #rv = #rhs_tokens;
        if #beta != 0.0 {
            ::altmin_core::Block::add_scaled(&mut #rv, #beta, #this);
        }
        ::altmin_core::__private::solve_rows(#block_id, &#rv, #beta, &[#(#row_terms),*])?
    }
}

/// Emits `leading` and the parts of `terms` in one pass, so that they share
/// subexpressions. Returns the statements, the operands of `leading`, and
/// one `altmin_core::__private::RowTerm` expression per term.
pub fn emit_row_terms(
    g: &Graph,
    sig: &Signature,
    leading: &[NodeId],
    terms: &[RowTerm],
) -> (TokenStream, Vec<Operand>, Vec<TokenStream>) {
    let mut em = Emitter::new(g, sig, Access::Blocks);
    // Every part present in a term is one emitted operand; `slots` keeps
    // where each went.
    let mut nodes = leading.to_vec();
    let slots: Vec<[Option<usize>; 4]> = terms
        .iter()
        .map(|t| {
            [t.scale, t.weights, t.inner, t.outer].map(|part| {
                part.map(|n| {
                    nodes.push(n);
                    nodes.len() - 1
                })
            })
        })
        .collect();
    let (stmts, ops) = em.emit(&nodes);

    let items = slots
        .iter()
        .zip(terms)
        .map(|(&[scale, weights, inner, outer], t)| {
            let scale = scale.map_or(quote!(1.0), |i| ops[i].tokens());
            let dense = |slot: Option<usize>| match slot {
                Some(i) => {
                    let r = ops[i].by_ref();
                    quote!(::core::option::Option::Some(
                        ::altmin_core::__private::AsDense::dense(#r)
                    ))
                }
                None => quote!(::core::option::Option::None),
            };
            let (weights, inner, outer) = (dense(weights), dense(inner), dense(outer));
            let transposed = t.weights_transposed;
            quote! {
                ::altmin_core::__private::RowTerm {
                    scale: #scale,
                    weights: #weights,
                    weights_transposed: #transposed,
                    inner: #inner,
                    outer: #outer,
                }
            }
        })
        .collect();
    let leading_ops = ops.into_iter().take(leading.len()).collect();
    (stmts, leading_ops, items)
}

/// Damped Newton for a block in which `f` is not quadratic.
fn newton(sig: &Signature, b: Blk) -> TokenStream {
    let (x, y) = (&sig.params[0].ident, &sig.params[1].ident);
    let this = &sig.params[b.index()].ident;
    let beta = local("beta");
    let block_id = block_id(b);
    let grad = format_ident!("grad_{}", b.name());
    let hess = format_ident!("hess_{}{}", b.name(), b.name());
    let hvp = format_ident!("hvp_{}{}", b.name(), b.name());
    let (w, v, prox) = (local("w"), local("v"), local("prox"));
    // The closures take the block being solved for; the other is fixed.
    let (cx, cy) = match b {
        Blk::X => (quote!(#w), quote!(#y)),
        Blk::Y => (quote!(#x), quote!(#w)),
    };
    quote! {
        let #prox = if #beta != 0.0 {
            ::core::option::Option::Some((#beta, #this))
        } else {
            ::core::option::Option::None
        };
        ::altmin_core::solve::damped_newton(
            #block_id,
            #this,
            #prox,
            |#w| ::altmin_core::BiObjective::value(self, #cx, #cy),
            |#w| ::altmin_core::BiObjective::#grad(self, #cx, #cy),
            |#w| ::altmin_core::BiObjective::#hess(self, #cx, #cy),
            |#w, #v| ::altmin_core::BiObjective::#hvp(self, #cx, #cy, #v),
            &::altmin_core::solve::SubproblemSettings::DEFAULT,
        )?
    }
}
