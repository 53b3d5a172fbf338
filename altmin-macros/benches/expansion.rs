//! The latency of `#[objective]`'s expansion (parse, shape check,
//! differentiate, simplify, analyse structure, generate) on the largest
//! objective of the repository's tests and examples, and on a fixed
//! matrix-sensing objective with several terms, maps and `let` bindings.
//!
//! A proc-macro crate exports nothing but its macros, so the pipeline's
//! modules are compiled into this binary from their sources. Each figure is
//! the median of repeated expansions of the same tokens, in milliseconds: a
//! compile-time latency, absolute by nature.
//!
//! Run with `cargo bench -p altmin-macros --bench expansion`.

// The stages are compiled here for the expansion alone; the items that only
// the crate's own tests use are dead in this binary.
#![allow(dead_code)]

#[path = "../src/codegen/mod.rs"]
mod codegen;
#[path = "../src/ctxt.rs"]
mod ctxt;
#[path = "../src/diff.rs"]
mod diff;
#[path = "../src/expand.rs"]
mod expand;
#[path = "../src/formulas.rs"]
mod formulas;
#[path = "../src/ir/mod.rs"]
mod ir;
#[path = "../src/linear.rs"]
mod linear;
#[path = "../src/parse/mod.rs"]
mod parse;
#[path = "../src/rows.rs"]
mod rows;
#[path = "../src/shape.rs"]
mod shape;
#[path = "../src/signature.rs"]
mod signature;
#[path = "../src/simplify.rs"]
mod simplify;
#[path = "../src/structure.rs"]
mod structure;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use proc_macro2::TokenStream;
use quote::ToTokens;

/// Expansions timed per objective.
const RUNS: usize = 50;
/// Expansions run before timing, to warm caches and the allocator.
const WARM_UP: usize = 5;
/// The target, in milliseconds.
const TARGET_MS: f64 = 50.0;

/// Matrix sensing with Burer-Monteiro factors, written the long way: four
/// linear measurements, a masked completion term, a balancing term between
/// the factors, smooth penalties through `map`, and shared `let` bindings.
const SENSING: &str = r"
fn sensing_mixture(
    u: &DMatrix<f64>,
    v: &DMatrix<f64>,
    a1: &DMatrix<f64>,
    a2: &DMatrix<f64>,
    a3: &DMatrix<f64>,
    a4: &DMatrix<f64>,
    b: &DVector<f64>,
    mask: &DMatrix<f64>,
    m: &DMatrix<f64>,
    lambda: f64,
    mu: f64,
) -> f64 {
    let z = u * v.transpose();
    let r1 = a1.dot(&z) - b[0];
    let r2 = a2.dot(&z) - b[1];
    let r3 = a3.dot(&z) - b[2];
    let r4 = a4.dot(&z) - b[3];
    let fit = 0.5 * (r1 * r1 + r2 * r2 + r3 * r3 + r4 * r4);
    let missing = (m - &z).component_mul(mask);
    let balance = u.transpose() * u - v.transpose() * v;
    let smooth_u = u.map(|t| (1.0 + t * t).ln()).sum();
    let smooth_v = v.map(|t| t.tanh() * t + 0.5 * (t * t).ln_1p()).sum();
    fit + 0.5 * missing.norm_squared()
        + 0.125 * balance.norm_squared()
        + 0.5 * lambda * (u.norm_squared() + v.norm_squared())
        + mu * (smooth_u + smooth_v)
        + 0.25 * (z.trace() - b[0]).powi(2)
}
";

fn main() {
    let mut all_pass = true;
    match largest_in_repository() {
        Some(found) => {
            let what = format!(
                "largest in the repository: `{}` ({}, {} tokens)",
                found.name,
                found.file.display(),
                found.tokens
            );
            all_pass &= time_expansion(&what, &found.item);
        }
        None => println!("no `#[objective]` function found under tests/ or examples/"),
    }
    let item: syn::ItemFn = syn::parse_str(SENSING).expect("the fixed objective parses");
    let what = format!("fixed matrix sensing ({} tokens)", token_count(&item));
    all_pass &= time_expansion(&what, &item.into_token_stream());
    if !all_pass {
        println!("at least one target missed");
    }
}

/// Times `RUNS` expansions of `item` and prints the median.
fn time_expansion(what: &str, item: &TokenStream) -> bool {
    let out = expand::objective(TokenStream::new(), item.clone());
    let text = out.to_string();
    assert!(
        !text.contains("compile_error"),
        "the objective does not expand cleanly: {text}"
    );

    for _ in 0..WARM_UP {
        black_box(expand::objective(TokenStream::new(), item.clone()));
    }
    let mut ms: Vec<f64> = (0..RUNS)
        .map(|_| {
            let input = item.clone();
            let start = Instant::now();
            black_box(expand::objective(TokenStream::new(), black_box(input)));
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let (q1, median, q3) = (ms[RUNS / 4], ms[RUNS / 2], ms[3 * RUNS / 4]);
    let pass = median < TARGET_MS;
    println!(
        "expansion, {what}: median {median:.2} ms (IQR {q1:.2} .. {q3:.2}), \
         {} generated tokens  target < {TARGET_MS} ms  {}",
        token_count(&out),
        if pass { "PASS" } else { "MISS" }
    );
    pass
}

/// An `#[objective]` function found in a source file.
struct Found {
    name: String,
    file: PathBuf,
    tokens: usize,
    /// The function without its `#[objective]` attribute, as the macro
    /// receives it.
    item: TokenStream,
}

/// The objective with the most tokens in `tests/tests` and `examples/`.
fn largest_in_repository() -> Option<Found> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["tests/tests", "examples"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut found: Vec<Found> = Vec::new();
    for file in files {
        let Ok(source) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(parsed) = syn::parse_file(&source) else {
            continue;
        };
        let relative = file.strip_prefix(&root).unwrap_or(&file).to_path_buf();
        collect(&parsed.items, &relative, &mut found);
    }
    found.into_iter().max_by_key(|f| f.tokens)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Collects the `#[objective]` functions among `items`, in modules and in
/// function bodies too.
fn collect(items: &[syn::Item], file: &Path, out: &mut Vec<Found>) {
    for item in items {
        match item {
            syn::Item::Fn(f) => {
                if let Some(found) = objective(f, file) {
                    out.push(found);
                }
                let inner: Vec<syn::Item> = f
                    .block
                    .stmts
                    .iter()
                    .filter_map(|s| match s {
                        syn::Stmt::Item(i) => Some(i.clone()),
                        _ => None,
                    })
                    .collect();
                collect(&inner, file, out);
            }
            syn::Item::Mod(m) => {
                if let Some((_, content)) = &m.content {
                    collect(content, file, out);
                }
            }
            _ => {}
        }
    }
}

fn objective(f: &syn::ItemFn, file: &Path) -> Option<Found> {
    let is_objective = |a: &syn::Attribute| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "objective")
    };
    if !f.attrs.iter().any(is_objective) {
        return None;
    }
    let mut item = f.clone();
    item.attrs.retain(|a| !is_objective(a));
    Some(Found {
        name: f.sig.ident.to_string(),
        file: file.to_path_buf(),
        tokens: token_count(&item),
        item: item.into_token_stream(),
    })
}

/// The number of leaf tokens of an item.
fn token_count(item: &impl ToTokens) -> usize {
    fn count(ts: TokenStream) -> usize {
        ts.into_iter()
            .map(|t| match t {
                proc_macro2::TokenTree::Group(g) => 1 + count(g.stream()),
                _ => 1,
            })
            .sum()
    }
    count(item.to_token_stream())
}
