//! Fuzzing of the front end: random functions from the whole Rust
//! expression grammar, inside and outside the objective language, through
//! the full expansion. Every input must give generated code or spanned
//! errors, never a panic; the valid ones are also checked numerically.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::TokenStream;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::expand;
use crate::tests::random::Generator;

/// Random Rust source, mostly well-formed, often outside the language.
struct Grammar {
    rng: StdRng,
}

const NAMES: &[&str] = &["x", "y", "a", "c", "v", "t", "z", "unknown", "self", "_"];
const METHODS: &[&str] = &[
    "transpose",
    "norm_squared",
    "norm",
    "dot",
    "sum",
    "component_mul",
    "trace",
    "powi",
    "exp",
    "ln",
    "sqrt",
    "sin",
    "cos",
    "tanh",
    "ln_1p",
    "map",
    "tr_mul",
    "abs",
    "max",
    "clone",
    "scale",
    "len",
    "iter",
    "frobenius",
    "powf",
];
const TYPES: &[&str] = &[
    "f64",
    "&f64",
    "DVector<f64>",
    "&DVector<f64>",
    "DMatrix<f64>",
    "&DMatrix<f64>",
    "SVector<f64, 3>",
    "&SMatrix<f64, 2, 3>",
    "Vector2<f64>",
    "Matrix3<f64>",
    "Matrix2x3<f64>",
    "RowDVector<f64>",
    "Vec<f64>",
    "f32",
    "DVector<f32>",
    "&mut DVector<f64>",
    "SVector<f64, N>",
    "SMatrix<f64, 0, 2>",
    "(f64, f64)",
    "impl Fn(f64) -> f64",
    "T",
];
const BINOPS: &[&str] = &[
    "+", "-", "*", "/", "%", "&&", "||", "^", "&", "|", "<<", ">>", "==", "<", "<=", "!=", ">=",
    ">", "+=", "-=", "*=", "/=",
];

impl Grammar {
    fn new(seed: u64) -> Self {
        Grammar {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.random_range(0..items.len())]
    }

    fn function(&mut self) -> String {
        let params: Vec<String> = (0..self.rng.random_range(0..5))
            .map(|i| {
                let name = if self.rng.random::<f64>() < 0.8 {
                    ["x", "y", "a", "c", "v"][i % 5].to_string()
                } else {
                    self.pick(NAMES).to_string()
                };
                format!("{name}: {}", self.pick(TYPES))
            })
            .collect();
        let generics = if self.rng.random::<f64>() < 0.05 {
            "<T>"
        } else {
            ""
        };
        let ret = match self.rng.random_range(0..10) {
            0 => "",
            1 => " -> f32",
            2 => " -> DVector<f64>",
            _ => " -> f64",
        };
        let mut body = String::new();
        for _ in 0..self.rng.random_range(0..3) {
            let e = self.expr(3);
            let stmt = match self.rng.random_range(0..6) {
                0 => format!("let {} = {e};", self.pick(NAMES)),
                1 => format!("{e};"),
                2 => format!(
                    "let ({}, {}) = ({e}, {e});",
                    self.pick(NAMES),
                    self.pick(NAMES)
                ),
                3 => format!("let {}: f64 = {e};", self.pick(NAMES)),
                _ => format!("let t = {e};"),
            };
            body.push_str(&stmt);
        }
        if self.rng.random::<f64>() < 0.9 {
            body.push_str(&self.expr(4));
        }
        format!("fn f{generics}({}){ret} {{ {body} }}", params.join(", "))
    }

    fn expr(&mut self, depth: u32) -> String {
        if depth == 0 {
            return self.atom();
        }
        let d = depth - 1;
        match self.rng.random_range(0..30) {
            0..=5 => format!("{} {} {}", self.expr(d), self.pick(BINOPS), self.expr(d)),
            6..=10 => {
                let m = self.pick(METHODS);
                let args: Vec<String> = (0..self.rng.random_range(0..3))
                    .map(|_| self.arg(d))
                    .collect();
                format!("{}.{m}({})", self.expr(d), args.join(", "))
            }
            11 => format!("-{}", self.expr(d)),
            12 => format!("!{}", self.expr(d)),
            13 => format!("*{}", self.expr(d)),
            14 => format!("&{}", self.expr(d)),
            15 => format!("({})", self.expr(d)),
            16 => format!("{}[{}]", self.expr(d), self.rng.random_range(0..5)),
            17 => format!(
                "{}[({}, {})]",
                self.expr(d),
                self.rng.random_range(0..4),
                self.rng.random_range(0..4)
            ),
            18 => format!(
                "if {} {{ {} }} else {{ {} }}",
                self.expr(d),
                self.expr(d),
                self.expr(d)
            ),
            19 => format!("match {} {{ _ => {} }}", self.expr(d), self.expr(d)),
            20 => format!("{{ let t = {}; {} }}", self.expr(d), self.expr(d)),
            21 => format!("f64::exp({})", self.expr(d)),
            22 => format!("{} as f32", self.expr(d)),
            23 => format!("{}.re", self.expr(d)),
            24 => format!("vec![{}]", self.expr(d)),
            25 => format!("|t| {}", self.expr(d)),
            26 => format!("({}, {})", self.expr(d), self.expr(d)),
            27 => format!("loop {{ break {}; }}", self.expr(d)),
            28 => format!("{}?", self.expr(d)),
            _ => format!("for i in 0..3 {{ {}; }}", self.expr(d)),
        }
    }

    fn arg(&mut self, depth: u32) -> String {
        match self.rng.random_range(0..5) {
            0 => format!("|t| {}", self.expr(depth)),
            1 => format!("&{}", self.expr(depth)),
            2 => format!("{}", self.rng.random_range(-3..4)),
            _ => self.expr(depth),
        }
    }

    fn atom(&mut self) -> String {
        match self.rng.random_range(0..12) {
            0..=4 => self.pick(NAMES).to_string(),
            5 => format!("{:.1}", self.rng.random_range(-3.0..3.0)),
            6 => format!("{}", self.rng.random_range(0..10)),
            7 => "true".to_string(),
            8 => "\"s\"".to_string(),
            9 => "std::f64::consts::PI".to_string(),
            10 => "'c'".to_string(),
            _ => "core::f64::MAX".to_string(),
        }
    }
}

/// Replaces, drops or inserts a token of a valid source at random.
fn mutate(source: &str, rng: &mut StdRng) -> String {
    let tokens: Vec<String> = source.split(' ').map(str::to_string).collect();
    let mut out = tokens.clone();
    for _ in 0..rng.random_range(1..3) {
        if out.is_empty() {
            break;
        }
        let i = rng.random_range(0..out.len());
        match rng.random_range(0..4) {
            0 => {
                out.remove(i);
            }
            1 => out[i] = ["+", "*", "x", ")", "(", ".exp()", "[9]", "if"][i % 8].to_string(),
            2 => out.insert(
                i,
                [".abs()", "- y", "* a", "&&", "{", ";"][i % 6].to_string(),
            ),
            _ => out[i] = out[i].replace("norm", "nrm").replace("sum", "max"),
        }
    }
    out.join(" ")
}

/// What an expansion gave.
enum Outcome {
    /// The input was not even a function.
    Unparsable,
    Generated,
    Rejected,
}

/// Expands `source` and checks the result: never a panic; generated code
/// that parses as Rust items, or compile errors with the user's function.
fn expand_checked(source: &str) -> Result<Outcome, String> {
    let Ok(tokens) = source.parse::<TokenStream>() else {
        return Ok(Outcome::Unparsable);
    };
    let output = catch_unwind(AssertUnwindSafe(|| {
        expand::objective(TokenStream::new(), tokens)
    }))
    .map_err(|_| format!("the expansion panicked on\n{source}"))?;
    let text = output.to_string();
    if syn::parse_str::<syn::ItemFn>(source).is_err() {
        // Not a function: the input comes back with an error after it.
        return if text.contains("compile_error") {
            Ok(Outcome::Unparsable)
        } else {
            Err(format!("no error for a non-function\n{source}"))
        };
    }
    let file: syn::File = syn::parse2(output)
        .map_err(|e| format!("the expansion is not valid Rust ({e}) for\n{source}"))?;
    if text.contains("compile_error") {
        return Ok(Outcome::Rejected);
    }
    let has_impl = file.items.iter().any(|i| matches!(i, syn::Item::Impl(_)));
    if has_impl {
        Ok(Outcome::Generated)
    } else {
        Err(format!("neither code nor errors for\n{source}"))
    }
}

#[test]
fn ten_thousand_random_functions_expand_or_fail_cleanly() {
    const BODIES: usize = 10_000;
    let mut grammar = Grammar::new(99);
    let mut language = Generator::new(7);
    let mut rng = StdRng::seed_from_u64(3);
    let (mut generated, mut rejected, mut unparsable) = (0, 0, 0);
    let mut checked_numerically = 0;

    // A silent hook: a panic is reported by the assertion below.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    for i in 0..BODIES {
        let (source, sizes) = match i % 3 {
            0 => (grammar.function(), None),
            1 => {
                let case = language.case();
                (case.source, Some(case.sizes))
            }
            _ => (mutate(&language.case().source, &mut rng), None),
        };
        match expand_checked(&source) {
            Ok(Outcome::Generated) => {
                generated += 1;
                if let Some(sizes) = sizes.filter(|_| checked_numerically < 1000) {
                    let mut tally = Default::default();
                    if let Err(e) = crate::tests::check(&source, &sizes, i as u64, &mut tally) {
                        failures.push(format!("{e}\nin\n{source}"));
                    }
                    checked_numerically += 1;
                }
            }
            Ok(Outcome::Rejected) => rejected += 1,
            Ok(Outcome::Unparsable) => unparsable += 1,
            Err(e) => failures.push(e),
        }
    }
    std::panic::set_hook(hook);

    println!(
        "{BODIES} bodies: {generated} generated, {rejected} rejected with errors, \
         {unparsable} not functions; {checked_numerically} checked against num-dual"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(generated > BODIES / 4 && rejected > BODIES / 4);
}

#[test]
fn long_sums_and_deep_nesting_expand_without_recursion() {
    // 3000 distinct terms: one long chain of `+`.
    let terms: Vec<String> = (1..=3000).map(|k| format!("x.powi({k}) * y")).collect();
    let source = format!("fn f(x: f64, y: f64) -> f64 {{ {} }}", terms.join(" + "));
    assert!(matches!(expand_checked(&source), Ok(Outcome::Generated)));

    // Parentheses nested past the limit are an error, not a crash.
    let deep = format!(
        "fn f(x: f64, y: f64) -> f64 {{ {}x * y{} }}",
        "(".repeat(400),
        ")".repeat(400)
    );
    assert!(matches!(expand_checked(&deep), Ok(Outcome::Rejected)));
}
