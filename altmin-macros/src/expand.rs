//! The pipeline, from the attribute's tokens to the generated items.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;
use crate::{codegen, formulas, parse, signature, structure};

/// Expands `#[objective]` on `input`. On error, the user's function comes
/// back unchanged with every error found, so nothing else breaks.
pub fn objective(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: syn::ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(e) => {
            let message = syn::Error::new(
                e.span(),
                "`#[objective]` applies to a function `fn name(x: X, y: Y, data...) -> f64`",
            );
            let error = message.to_compile_error();
            return quote!(#input #error);
        }
    };
    let cx = Ctxt::new();
    if !args.is_empty() {
        cx.error_spanned(&args, "`#[objective]` takes no arguments");
    }
    let sig = signature::parse(&cx, &item);
    let obj = parse::parse(&cx, &sig, &item.block);
    // The function goes out as it came in, token for token.
    if let Err(e) = cx.check() {
        let errors = e.to_compile_error();
        return quote!(#input #errors);
    }
    let Some(mut obj) = obj else {
        return input;
    };
    let analysis = structure::analyse(&mut obj);
    let text = formulas::text(&sig, &obj, &analysis);
    let generated = codegen::generate(&item, &sig, &obj, &analysis, &text);
    quote! {
        #input
        #generated
    }
}
