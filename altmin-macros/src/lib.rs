//! The `#[objective]` attribute of altmin.

use proc_macro::TokenStream;

/// Derives a `BiObjective` from a function of two blocks and data.
#[proc_macro_attribute]
pub fn objective(_args: TokenStream, input: TokenStream) -> TokenStream {
    input
}
