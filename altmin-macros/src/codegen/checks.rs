//! The generated checks of blocks and data, and the shapes the data fix.

use proc_macro2::TokenStream;
use quote::quote;

use crate::codegen::emit::{Access, Emitter};
use crate::ir::Graph;
use crate::shape::{Axis, Shape, TyDim, TyShape, Witness};
use crate::signature::Signature;

/// Whether the witness's size can vary at run time (its type is dynamic
/// along that axis).
fn dynamic(sig: &Signature, w: Witness) -> bool {
    match sig.params[w.param].tyshape {
        TyShape::Matrix(r, c) => {
            let t = if w.axis == Axis::Rows { r } else { c };
            t == TyDim::Dyn
        }
        TyShape::Scalar => false,
    }
}

/// ``"rows of `a`"``, ``"length of `x`"``, ...
fn describe(sig: &Signature, w: Witness) -> String {
    let p = &sig.params[w.param];
    let row_vector = matches!(p.tyshape, TyShape::Matrix(TyDim::Static(1), _));
    match w.axis {
        Axis::Rows if p.is_vector => format!("length of `{}`", p.ident),
        Axis::Cols if row_vector => format!("length of `{}`", p.ident),
        Axis::Rows => format!("rows of `{}`", p.ident),
        Axis::Cols => format!("columns of `{}`", p.ident),
    }
}

/// The body of `check_dims`: every size the objective ties together is
/// compared, and every constant index checked against its size.
pub fn check_dims(g: &Graph, sig: &Signature) -> TokenStream {
    let em = Emitter::new(g, sig, Access::Blocks);
    let mut checks = TokenStream::new();
    for root in g.dims.roots() {
        let dynamic: Vec<Witness> = g
            .dims
            .witnesses(root)
            .iter()
            .copied()
            .filter(|&w| dynamic(sig, w))
            .collect();
        match g.dims.value(root) {
            Some(n) => {
                for w in dynamic {
                    let (what, value) = (describe(sig, w), em.witness_value(w));
                    checks.extend(quote! {
                        ::altmin_core::__private::same_dim(
                            #what, #value, "the size fixed by the types", #n,
                        )?;
                    });
                }
            }
            None => {
                let Some((first, rest)) = dynamic.split_first() else {
                    continue;
                };
                let (fw, fv) = (describe(sig, *first), em.witness_value(*first));
                for &w in rest {
                    let (what, value) = (describe(sig, w), em.witness_value(w));
                    checks.extend(quote! {
                        ::altmin_core::__private::same_dim(#fw, #fv, #what, #value)?;
                    });
                }
            }
        }
    }
    for (d, index) in g.dims.bounds() {
        let Some(&w) = g.dims.witnesses(d).iter().find(|&&w| dynamic(sig, w)) else {
            continue;
        };
        let (what, value) = (describe(sig, w), em.witness_value(w));
        checks.extend(quote! {
            ::altmin_core::__private::index_fits(#what, #value, #index)?;
        });
    }
    quote! {
        #checks
        ::core::result::Result::Ok(())
    }
}

/// The body of `check_data`: every data field must be finite.
pub fn check_data(sig: &Signature) -> TokenStream {
    let checks = sig.data().iter().map(|p| {
        let ident = &p.ident;
        let name = ident.to_string();
        quote!(::altmin_core::__private::finite_data(#name, &self.#ident)?;)
    });
    quote! {
        #(#checks)*
        ::core::result::Result::Ok(())
    }
}

/// The body of `block_shapes`: each block's shape where its type or the
/// data fix it.
pub fn block_shapes(g: &Graph, sig: &Signature) -> TokenStream {
    let em = Emitter::new(g, sig, Access::DataOnly);
    let shape = |i: usize| {
        let p = &sig.params[i];
        let Shape::Matrix(r, c) = p.shape else {
            return quote!(::core::option::Option::Some(::altmin_core::Shape::new(
                1, 1
            )));
        };
        let known =
            |d| g.dims.value(d).is_some() || g.dims.witnesses(d).iter().any(|w| w.param >= 2);
        if known(r) && known(c) {
            let (rv, cv) = (em.dim_value(r), em.dim_value(c));
            quote!(::core::option::Option::Some(::altmin_core::Shape::new(#rv, #cv)))
        } else {
            quote!(::core::option::Option::None)
        }
    };
    let (x, y) = (shape(0), shape(1));
    quote!((#x, #y))
}
