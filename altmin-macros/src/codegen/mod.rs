//! Writes the generated items: the objective's struct, its constructor and
//! its `BiObjective` implementation.

mod checks;
pub mod emit;
mod hessian;
mod solver;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::codegen::emit::{Access, Emitter, Operand, dir_ident, local};
use crate::ir::{Blk, NodeId};
use crate::parse::Objective;
use crate::shape::{Shape, TyShape};
use crate::signature::Signature;
use crate::structure::{Analysis, BlockDerivatives};

/// Everything the macro emits next to the user's function.
pub fn generate(
    item: &syn::ItemFn,
    sig: &Signature,
    obj: &Objective,
    an: &Analysis,
    formulas: &str,
) -> TokenStream {
    let g = &obj.graph;
    let fn_name = &item.sig.ident;
    let name = struct_name(fn_name);
    let vis = &item.vis;
    let (xp, yp) = (&sig.params[0], &sig.params[1]);
    let (x, y) = (&xp.ident, &yp.ident);
    let (xt, yt) = (&xp.ty, &yp.ty);
    let v = dir_ident();

    // The struct and its constructor.
    let data = sig.data();
    let field_docs = data
        .iter()
        .map(|p| format!("The data parameter `{}` of [`{fn_name}`].", p.ident));
    let field_names: Vec<&Ident> = data.iter().map(|p| &p.ident).collect();
    let field_types: Vec<&syn::Type> = data.iter().map(|p| &p.ty).collect();
    let new_params = data.iter().map(|p| {
        let (ident, ty) = (&p.ident, &p.ty);
        if p.by_ref {
            quote!(#ident: &#ty)
        } else {
            quote!(#ident: #ty)
        }
    });
    let new_fields = data.iter().map(|p| {
        let ident = &p.ident;
        if p.by_ref {
            quote!(#ident: ::core::clone::Clone::clone(#ident))
        } else {
            quote!(#ident)
        }
    });
    let struct_doc = format!(
        "The objective [`{fn_name}`] with its data, implementing \
         `altmin_core::BiObjective` with derivatives and block solvers derived by \
         `#[objective]`."
    );
    let new_doc = format!("Stores the data of [`{fn_name}`], in its order.");

    // `value` calls the user's function.
    let call_args = sig.params.iter().enumerate().map(|(i, p)| {
        let ident = &p.ident;
        let place = if i < 2 {
            quote!(#ident)
        } else {
            quote!(&self.#ident)
        };
        match (i < 2, p.by_ref) {
            (true, true) => place,
            (false, true) => place,
            (_, false) => quote!(::core::clone::Clone::clone(#place)),
        }
    });

    let grad_x = output(g, sig, an.x.grad, Blk::X);
    let grad_y = output(g, sig, an.y.grad, Blk::Y);
    let hvp_xx = output(g, sig, an.x.hvp, Blk::X);
    let hvp_yy = output(g, sig, an.y.hvp, Blk::Y);
    let hvp_xy = output(g, sig, an.x.hvp_cross, Blk::X);
    let hvp_yx = output(g, sig, an.y.hvp_cross, Blk::Y);
    let block_hessian = |d: &BlockDerivatives, hvp| match &d.row_terms {
        Some(terms) => hessian::rows(g, sig, terms, d.block),
        None => hessian::dense(g, sig, d.hess_terms.as_deref(), d.block, d.block, hvp),
    };
    let hess_xx = block_hessian(&an.x, quote!(hvp_xx));
    let hess_yy = block_hessian(&an.y, quote!(hvp_yy));
    let hess_xy = hessian::dense(
        g,
        sig,
        an.cross_terms.as_deref(),
        Blk::X,
        Blk::Y,
        quote!(hvp_xy),
    );
    let solve_x_helper = solver::helper(g, sig, &an.x);
    let solve_y_helper = solver::helper(g, sig, &an.y);
    let (solve_x, solve_y) = (solver::helper_name(Blk::X), solver::helper_name(Blk::Y));
    let check_dims = checks::check_dims(g, sig);
    let check_data = checks::check_data(sig);
    let block_shapes = checks::block_shapes(g, sig);
    let structure_x = structure_variant(an.x.solver.structure_name(xp.is_vector || xp.is_scalar()));
    let structure_y = structure_variant(an.y.solver.structure_name(yp.is_vector || yp.is_scalar()));
    let lints = allowed_lints();
    let beta = local("beta");
    let valid_beta = quote! {
        if !(#beta >= 0.0 && #beta.is_finite()) {
            return ::core::result::Result::Err(::altmin_core::Error::InvalidSetting {
                name: "beta",
                value: #beta,
                requirement: "a finite, non-negative number",
            });
        }
    };

    quote! {
        #[doc = #struct_doc]
        #[derive(Clone, Debug)]
        #vis struct #name {
            #(
                #[doc = #field_docs]
                pub #field_names: #field_types,
            )*
        }

        impl #name {
            #[doc = #new_doc]
            #[allow(clippy::too_many_arguments)]
            pub fn new(#(#new_params),*) -> Self {
                #name { #(#new_fields),* }
            }

            #solve_x_helper
            #solve_y_helper
        }

        #[automatically_derived]
        #[allow(unused_variables, unused_mut, unused_parens, #lints)]
        impl ::altmin_core::BiObjective for #name {
            type X = #xt;
            type Y = #yt;

            fn value(&self, #x: &#xt, #y: &#yt) -> f64 {
                #fn_name(#(#call_args),*)
            }

            fn grad_x(&self, #x: &#xt, #y: &#yt) -> #xt {
                #grad_x
            }

            fn grad_y(&self, #x: &#xt, #y: &#yt) -> #yt {
                #grad_y
            }

            fn hess_xx(&self, #x: &#xt, #y: &#yt) -> ::altmin_core::nalgebra::DMatrix<f64> {
                #hess_xx
            }

            fn hess_yy(&self, #x: &#xt, #y: &#yt) -> ::altmin_core::nalgebra::DMatrix<f64> {
                #hess_yy
            }

            fn hess_xy(&self, #x: &#xt, #y: &#yt) -> ::altmin_core::nalgebra::DMatrix<f64> {
                #hess_xy
            }

            fn hvp_xx(&self, #x: &#xt, #y: &#yt, #v: &#xt) -> #xt {
                #hvp_xx
            }

            fn hvp_yy(&self, #x: &#xt, #y: &#yt, #v: &#yt) -> #yt {
                #hvp_yy
            }

            fn hvp_xy(&self, #x: &#xt, #y: &#yt, #v: &#yt) -> #xt {
                #hvp_xy
            }

            fn hvp_yx(&self, #x: &#xt, #y: &#yt, #v: &#xt) -> #yt {
                #hvp_yx
            }

            fn argmin_x(
                &self,
                #x: &#xt,
                #y: &#yt,
            ) -> ::core::result::Result<#xt, ::altmin_core::Error> {
                self.#solve_x(#x, #y, 0.0)
            }

            fn argmin_y(
                &self,
                #x: &#xt,
                #y: &#yt,
            ) -> ::core::result::Result<#yt, ::altmin_core::Error> {
                self.#solve_y(#x, #y, 0.0)
            }

            fn prox_argmin_x(
                &self,
                #x: &#xt,
                #y: &#yt,
                #beta: f64,
            ) -> ::core::result::Result<#xt, ::altmin_core::Error> {
                #valid_beta
                self.#solve_x(#x, #y, #beta)
            }

            fn prox_argmin_y(
                &self,
                #x: &#xt,
                #y: &#yt,
                #beta: f64,
            ) -> ::core::result::Result<#yt, ::altmin_core::Error> {
                #valid_beta
                self.#solve_y(#x, #y, #beta)
            }

            fn check_dims(
                &self,
                #x: &#xt,
                #y: &#yt,
            ) -> ::core::result::Result<(), ::altmin_core::Error> {
                #check_dims
            }

            fn check_data(&self) -> ::core::result::Result<(), ::altmin_core::Error> {
                #check_data
            }

            fn block_shapes(
                &self,
            ) -> (
                ::core::option::Option<::altmin_core::Shape>,
                ::core::option::Option<::altmin_core::Shape>,
            ) {
                #block_shapes
            }

            fn structure(&self) -> ::altmin_core::Structure {
                ::altmin_core::Structure {
                    x: ::altmin_core::BlockStructure::#structure_x,
                    y: ::altmin_core::BlockStructure::#structure_y,
                }
            }

            fn formulas(&self) -> &'static str {
                #formulas
            }
        }
    }
}

fn structure_variant(name: &str) -> Ident {
    format_ident!("{}", name)
}

/// `rank1_pca` -> `Rank1Pca`; a name that would not start with a letter
/// gets the prefix `Objective`.
pub fn struct_name(fn_name: &Ident) -> Ident {
    let name = fn_name.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    let mut out = String::new();
    for part in name.split('_').filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if !out.chars().next().is_some_and(char::is_alphabetic) {
        out.insert_str(0, "Objective");
    }
    if syn::parse_str::<Ident>(&out).is_err() {
        out = "Objective".to_string();
    }
    Ident::new(&out, fn_name.span())
}

/// The body of a method returning the value of `n` as block `b`.
fn output(g: &crate::ir::Graph, sig: &Signature, n: NodeId, b: Blk) -> TokenStream {
    let mut em = Emitter::new(g, sig, Access::Blocks);
    let (stmts, ops) = em.emit(&[n]);
    let value = into_block(&em, &ops[0], n, b);
    quote! {
        #stmts
        #value
    }
}

/// The owned value of `op` (the node `n`) with block `b`'s exact type.
pub fn into_block(em: &Emitter, op: &Operand, n: NodeId, b: Blk) -> TokenStream {
    let p = &em.sig.params[b.index()];
    if p.is_scalar() || em.g.ty(n) == p.tyshape {
        return op.owned();
    }
    let value = op.by_ref();
    convert_to_block(em, value, b)
}

/// Copies the matrix referenced by `value` into a new value of block `b`'s
/// type.
pub fn convert_to_block(em: &Emitter, value: TokenStream, b: Blk) -> TokenStream {
    let p = &em.sig.params[b.index()];
    let (Shape::Matrix(r, c), TyShape::Matrix(tr, tc)) = (p.shape, p.tyshape) else {
        return value;
    };
    let zeros = em.matrix_ctor(r, c, tr, tc, quote!(zeros_generic), None);
    let out = local("converted");
    quote!({
        let mut #out = #zeros;
        #out.copy_from(#value);
        #out
    })
}

/// The lints generated code is exempt from: constants folded at expansion
/// are written as literals, some equal to `std::f64::consts` values, and
/// the shape of the derived formulas, not style, decides the code.
pub fn allowed_lints() -> TokenStream {
    quote!(clippy::approx_constant, clippy::pedantic)
}
