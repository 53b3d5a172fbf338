//! Dense Hessian blocks from the structured terms of their linear maps.

use proc_macro2::TokenStream;
use quote::quote;

use crate::codegen::emit::{Access, Emitter, Operand, local};
use crate::ir::{Blk, Graph, NodeId, Op};
use crate::linear::Term;
use crate::rows::RowTerm;
use crate::signature::Signature;

/// The body of `hess_xx` or `hess_yy` for a Hessian that acts row by row:
/// its block diagonal, assembled from the row terms.
pub fn rows(g: &Graph, sig: &Signature, terms: &[RowTerm], b: Blk) -> TokenStream {
    let (stmts, _, items) = crate::codegen::solver::emit_row_terms(g, sig, &[], terms);
    let this = &sig.params[b.index()].ident;
    quote! {
        #stmts
        ::altmin_core::__private::assemble_rows(::altmin_core::Block::shape_of(#this), &[#(#items),*])
    }
}

/// The body of `hess_xx`, `hess_yy` or `hess_xy`: the matrix of the map
/// from directions in `input` to changes of the gradient in `output`.
///
/// With `terms`, the matrix is assembled from each term in closed form
/// (scaled identity, Kronecker sandwich, outer product); without, the matrix is built column
/// by column from the Hessian-vector product method `hvp`.
pub fn dense(
    g: &Graph,
    sig: &Signature,
    terms: Option<&[Term]>,
    output: Blk,
    input: Blk,
    hvp: TokenStream,
) -> TokenStream {
    let out_ident = &sig.params[output.index()].ident;
    let in_ident = &sig.params[input.index()].ident;
    let (x, y) = (&sig.params[0].ident, &sig.params[1].ident);
    let Some(terms) = terms else {
        let v = crate::codegen::emit::dir_ident();
        return quote! {
            ::altmin_core::__private::dense_columns(
                #in_ident,
                ::altmin_core::Block::dim(#out_ident),
                |#v| self.#hvp(#x, #y, #v),
            )
        };
    };

    let mut parts: Vec<NodeId> = Vec::new();
    for t in terms {
        match *t {
            Term::Sandwich {
                scale,
                left,
                right,
                hadamard,
                ..
            } => parts.extend([scale, left, right, hadamard].into_iter().flatten()),
            Term::Outer { u, g: grad } => {
                let (su, u) = split_scale(g, u);
                let (sg, grad) = split_scale(g, grad);
                parts.extend([su, Some(u), sg, Some(grad)].into_iter().flatten());
            }
        }
    }
    let mut em = Emitter::new(g, sig, Access::Blocks);
    let (stmts, ops) = em.emit(&parts);
    let mut ops = ops.into_iter();
    let (shape_in, shape_out) = (local("shape_in"), local("shape_out"));
    let dense = |o: &Operand| {
        let t = o.by_ref();
        quote!(::altmin_core::__private::AsDense::dense(#t))
    };

    let mut items = Vec::with_capacity(terms.len());
    for t in terms {
        match *t {
            Term::Sandwich {
                scale,
                left,
                right,
                transposed,
                hadamard,
            } => {
                let scale = next_if(&mut ops, scale).map_or(quote!(1.0), |s| s.tokens());
                let l = next_if(&mut ops, left);
                let r = next_if(&mut ops, right);
                let d = next_if(&mut ops, hadamard);
                if l.is_none() && r.is_none() && d.is_none() && !transposed {
                    items.push(quote!(::altmin_core::__private::HessianTerm::Identity(#scale)));
                    continue;
                }
                let opt = |o: Option<Operand>| match o {
                    Some(o) => {
                        let d = dense(&o);
                        quote!(::core::option::Option::Some(#d))
                    }
                    None => quote!(::core::option::Option::None),
                };
                let (l, r, d) = (opt(l), opt(r), opt(d));
                items.push(quote! {
                    ::altmin_core::__private::HessianTerm::Sandwich(
                        ::altmin_core::__private::Sandwich {
                            scale: #scale,
                            left: #l,
                            right: #r,
                            transposed: #transposed,
                            hadamard: #d,
                            input: (#shape_in.rows, #shape_in.cols),
                            output: (#shape_out.rows, #shape_out.cols),
                        },
                    )
                });
            }
            Term::Outer { u, g: grad } => {
                let su = next_if(&mut ops, split_scale(g, u).0);
                let u = ops.next();
                let sg = next_if(&mut ops, split_scale(g, grad).0);
                let grad = ops.next();
                let scale = match (su, sg) {
                    (Some(a), Some(b)) => {
                        let (a, b) = (a.tokens(), b.tokens());
                        quote!((#a * #b))
                    }
                    (Some(s), None) | (None, Some(s)) => s.tokens(),
                    (None, None) => quote!(1.0),
                };
                if let (Some(u), Some(grad)) = (u, grad) {
                    let (u, grad) = (dense(&u), dense(&grad));
                    items.push(quote! {
                        ::altmin_core::__private::HessianTerm::Outer(#scale, #u, #grad)
                    });
                }
            }
        }
    }
    quote! {
        let #shape_in = ::altmin_core::Block::shape_of(#in_ident);
        let #shape_out = ::altmin_core::Block::shape_of(#out_ident);
        #stmts
        ::altmin_core::__private::assemble(
            #shape_out.rows * #shape_out.cols,
            #shape_in.rows * #shape_in.cols,
            &[#(#items),*],
        )
    }
}

/// A scalar multiple `s m` as its factor and its matrix, so that an outer
/// product scales its entries rather than a vector it would allocate.
fn split_scale(g: &Graph, id: NodeId) -> (Option<NodeId>, NodeId) {
    match g.op(id) {
        Op::Scale(s, m) => (Some(s), m),
        _ => (None, id),
    }
}

fn next_if(ops: &mut impl Iterator<Item = Operand>, present: Option<NodeId>) -> Option<Operand> {
    present.and_then(|_| ops.next())
}
