//! The derived formulas in readable notation, for `BiObjective::formulas`.

use std::collections::BTreeMap;

use crate::ir::{Blk, Func, Graph, NodeId, Op};
use crate::linear::Term;
use crate::parse::Objective;
use crate::rows::RowTerm;
use crate::signature::Signature;
use crate::structure::{Analysis, BlockDerivatives, Solver};

/// The formulas of an analysed objective, one per line.
pub fn text(sig: &Signature, obj: &Objective, an: &Analysis) -> String {
    let g = &obj.graph;
    let p = Printer {
        g,
        sig,
        names: &obj.names,
        depth: std::cell::Cell::new(0),
    };
    let (x, y) = (
        sig.params[0].ident.to_string(),
        sig.params[1].ident.to_string(),
    );
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("f({x}, {y}) = {}", p.expr(obj.root)));
    for d in [&an.x, &an.y] {
        let b = name(sig, d.block);
        line(format!("grad_{b} = {}", p.expr(d.grad)));
    }
    line(format!(
        "H{x}{x} = {}",
        p.matrix(an.x.hess_terms.as_deref(), an.x.hvp, Blk::X)
    ));
    line(format!(
        "H{y}{y} = {}",
        p.matrix(an.y.hess_terms.as_deref(), an.y.hvp, Blk::Y)
    ));
    line(format!(
        "H{x}{y} = {}",
        p.matrix(an.cross_terms.as_deref(), an.x.hvp_cross, Blk::Y)
    ));
    for d in [&an.x, &an.y] {
        line(p.solver_line(d));
    }
    let used = p.used_names([obj.root, an.x.grad, an.y.grad, an.x.hvp, an.y.hvp]);
    if !used.is_empty() {
        line("where".to_string());
        for (n, label) in used {
            line(format!("  {label} = {}", p.expand(n)));
        }
    }
    out
}

fn name(sig: &Signature, b: Blk) -> String {
    sig.params[b.index()].ident.to_string()
}

struct Printer<'a> {
    g: &'a Graph,
    sig: &'a Signature,
    names: &'a BTreeMap<NodeId, String>,
    /// Nesting of the expression being printed.
    depth: std::cell::Cell<usize>,
}

/// Expressions are printed to this depth, then elided.
const MAX_PRINT_DEPTH: usize = 64;

/// Precedence levels, loosest first.
const SUM: u8 = 1;
const PRODUCT: u8 = 2;
const UNARY: u8 = 3;
const ATOM: u8 = 4;

impl Printer<'_> {
    fn expr(&self, n: NodeId) -> String {
        self.at(n, 0)
    }

    /// The expression at `n`, without using its own `let` name.
    fn expand(&self, n: NodeId) -> String {
        self.op_text(n).0
    }

    /// `n` printed inside a context of precedence `min`.
    fn at(&self, n: NodeId, min: u8) -> String {
        let depth = self.depth.get();
        if depth > MAX_PRINT_DEPTH {
            return "...".to_string();
        }
        self.depth.set(depth + 1);
        let out = self.at_inner(n, min);
        self.depth.set(depth);
        out
    }

    fn at_inner(&self, n: NodeId, min: u8) -> String {
        if let Some(label) = self.names.get(&n) {
            return label.clone();
        }
        let (s, level) = self.op_text(n);
        if level < min { format!("({s})") } else { s }
    }

    fn op_text(&self, n: NodeId) -> (String, u8) {
        let g = self.g;
        match g.op(n) {
            Op::Const(c) => {
                let s = format_number(c.0);
                (s, if c.0 < 0.0 { UNARY } else { ATOM })
            }
            Op::Param(i) => (self.sig.params[i].ident.to_string(), ATOM),
            Op::Dir(_) => ("v".to_string(), ATOM),
            Op::Elem(d) => (elem_name(d), ATOM),
            Op::Zero => ("0".to_string(), ATOM),
            Op::Identity => ("I".to_string(), ATOM),
            Op::Ones => ("ones".to_string(), ATOM),
            Op::Unit(i, j) => (format!("e({i}, {j})"), ATOM),
            Op::Add(a, b) => (plus(&self.at(a, SUM), &self.at(b, SUM)), SUM),
            Op::Sub(a, b) => (
                format!("{} - {}", self.at(a, SUM), self.at(b, PRODUCT)),
                SUM,
            ),
            Op::Neg(a) => (format!("-{}", self.at(a, UNARY)), UNARY),
            Op::Scale(s, a) | Op::MatMul(s, a) => (
                format!("{} {}", self.at(s, PRODUCT), self.at(a, UNARY)),
                PRODUCT,
            ),
            Op::Div(a, s) => (
                format!("{} / {}", self.at(a, PRODUCT), self.at(s, UNARY)),
                PRODUCT,
            ),
            Op::CMul(a, b) => (
                format!("{} .* {}", self.at(a, PRODUCT), self.at(b, UNARY)),
                PRODUCT,
            ),
            Op::Transpose(a) => (format!("{}^T", self.at(a, ATOM)), ATOM),
            Op::Map(a, body, d) => (
                format!(
                    "map({} -> {}, {})",
                    elem_name(d),
                    self.expr(body),
                    self.expr(a)
                ),
                ATOM,
            ),
            Op::Func(Func::Powi(k), a) => {
                // A power of a power reads as one: (|x|^2)^2, not |x|^2^2.
                let base = match g.op(a) {
                    Op::NormSq(_) | Op::Func(Func::Powi(_), _) if !self.names.contains_key(&a) => {
                        format!("({})", self.expr(a))
                    }
                    _ => self.at(a, ATOM),
                };
                (format!("{base}^{k}"), ATOM)
            }
            Op::Func(f, a) => (format!("{}({})", f.method(), self.expr(a)), ATOM),
            Op::NormSq(a) => (format!("|{}|^2", self.expr(a)), ATOM),
            Op::Norm(a) => (format!("|{}|", self.expr(a)), ATOM),
            Op::Dot(a, b) => (format!("<{}, {}>", self.expr(a), self.expr(b)), ATOM),
            Op::Sum(a) => (format!("sum({})", self.expr(a)), ATOM),
            Op::Trace(a) => (format!("tr({})", self.expr(a)), ATOM),
            Op::Index(a, i, j) => {
                let vector = g.cols_are(a, 1);
                let index = if vector {
                    format!("{i}")
                } else {
                    format!("{i}, {j}")
                };
                (format!("{}[{index}]", self.at(a, ATOM)), ATOM)
            }
        }
    }

    /// A Hessian block from its terms, or as the map `v -> Hv`.
    fn matrix(&self, terms: Option<&[Term]>, hvp: NodeId, input: Blk) -> String {
        let param = &self.sig.params[input.index()];
        let input_is_matrix = !param.is_scalar() && !param.is_vector;
        let Some(terms) = terms else {
            return format!("the map v -> {}", self.expr(hvp));
        };
        if terms.is_empty() {
            return "0".to_string();
        }
        let parts: Vec<String> = terms
            .iter()
            .map(|t| self.term(*t, input_is_matrix))
            .collect();
        sum(&parts)
    }

    fn term(&self, t: Term, input_is_matrix: bool) -> String {
        match t {
            Term::Sandwich {
                scale,
                left,
                right,
                transposed,
                hadamard,
            } => {
                let scale = scale.map(|s| match self.g.constant(s) {
                    Some(-1.0) => "-".to_string(),
                    _ => self.at(s, PRODUCT),
                });
                let joined = |s: &Option<String>, rest: &str| match s.as_deref() {
                    Some("-") => format!("-{rest}"),
                    Some(s) => format!("{s} {rest}"),
                    None => rest.to_string(),
                };
                let plain = left.is_none() && right.is_none() && hadamard.is_none() && !transposed;
                if plain {
                    return joined(&scale, "I");
                }
                if !input_is_matrix && right.is_none() && hadamard.is_none() && !transposed {
                    let l = left.map(|l| self.at(l, PRODUCT)).unwrap_or_default();
                    return joined(&scale, &l);
                }
                let mut v = "V".to_string();
                if let Some(d) = hadamard {
                    v = format!("({} .* V)", self.at(d, PRODUCT));
                }
                if transposed {
                    v = format!("{v}^T");
                }
                let mut parts = Vec::new();
                parts.extend(left.map(|l| self.at(l, UNARY)));
                parts.push(v);
                parts.extend(right.map(|r| self.at(r, UNARY)));
                format!("[V -> {}]", joined(&scale, &parts.join(" ")))
            }
            Term::Outer { u, g: grad } => {
                let flat = |n: NodeId| self.g.is_scalar(n) || self.g.cols_are(n, 1);
                if self.g.is_one(grad) {
                    return self.expr(u);
                }
                if flat(u) && flat(grad) {
                    // Constant factors go in front: 2 x y^T, not x (2 y)^T.
                    let (cu, u) = self.split_constant(u);
                    let (cg, grad) = self.split_constant(grad);
                    let c = cu * cg;
                    let mut text = format!("{}^T", self.at(grad, ATOM));
                    if !self.g.is_one(u) {
                        text = format!("{} {text}", self.at(u, PRODUCT));
                    }
                    return match c {
                        1.0 => text,
                        -1.0 => format!("-{text}"),
                        c => format!("{} {text}", format_number(c)),
                    };
                }
                if self.g.is_one(u) {
                    return format!("vec({})^T", self.expr(grad));
                }
                format!("vec({}) vec({})^T", self.expr(u), self.expr(grad))
            }
        }
    }

    /// `G_i = scale B^T diag(d_i) C` of one row term, absent parts left out.
    fn row_term(&self, t: &RowTerm) -> String {
        let mut parts = Vec::new();
        parts.extend(t.inner.map(|b| format!("{}^T", self.at(b, ATOM))));
        let transposed = if t.weights_transposed { "^T" } else { "" };
        parts.extend(
            t.weights
                .map(|d| format!("diag({}{transposed}_i)", self.at(d, ATOM))),
        );
        parts.extend(t.outer.map(|c| self.at(c, UNARY)));
        if parts.is_empty() {
            parts.push("I".to_string());
        }
        let scale = t.scale.map(|s| match self.g.constant(s) {
            Some(-1.0) => "-".to_string(),
            _ => format!("{} ", self.at(s, PRODUCT)),
        });
        format!("{}{}", scale.unwrap_or_default(), parts.join(" "))
    }

    /// `n` as a constant factor times the rest: `2 y` is `(2, y)`.
    fn split_constant(&self, n: NodeId) -> (f64, NodeId) {
        match self.g.op(n) {
            Op::Scale(s, rest) if !self.names.contains_key(&n) => match self.g.constant(s) {
                Some(c) => (c, rest),
                None => (1.0, n),
            },
            _ => (1.0, n),
        }
    }

    fn solver_line(&self, d: &BlockDerivatives) -> String {
        let b = name(self.sig, d.block);
        // The right-hand side, as a factor of a quotient or standing alone.
        let rhs_at = |min: u8| d.rhs.map(|r| self.at(r, min)).unwrap_or_default();
        match d.solver {
            Solver::ScaledIdentity { coef } => {
                let rhs = rhs_at(PRODUCT);
                let coef = self.at(coef, UNARY);
                format!("argmin_{b}: quadratic with Hessian {coef} I: {b} = {rhs} / {coef}")
            }
            Solver::RightProduct { k } => format!(
                "argmin_{b}: quadratic with Hessian V -> V ({k}): {b} ({k}) = {rhs}",
                k = self.expr(k),
                rhs = rhs_at(0)
            ),
            Solver::LeftProduct { k } => format!(
                "argmin_{b}: quadratic with Hessian V -> ({k}) V: ({k}) {b} = {rhs}",
                k = self.expr(k),
                rhs = rhs_at(0)
            ),
            Solver::Quadratic => format!("argmin_{b}: quadratic: H{b}{b} {b} = {}", rhs_at(0)),
            Solver::RowBlocks => {
                let terms = d.row_terms.as_deref().unwrap_or_default();
                let parts: Vec<String> = terms.iter().map(|t| self.row_term(t)).collect();
                let g_i = sum(&parts);
                format!(
                    "argmin_{b}: quadratic, Hessian row by row: {b}_i G_i = ({})_i, G_i = {g_i}",
                    rhs_at(0)
                )
            }
            Solver::Newton => format!("argmin_{b}: not quadratic: damped Newton"),
        }
    }

    /// The `let` names appearing in the printed expressions, with their
    /// definitions' dependencies first.
    fn used_names<const N: usize>(&self, roots: [NodeId; N]) -> Vec<(NodeId, String)> {
        let mut found = BTreeMap::new();
        let mut stack: Vec<NodeId> = roots.to_vec();
        let mut seen = std::collections::HashSet::new();
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            if let Some(label) = self.names.get(&n) {
                found.insert(n, label.clone());
            }
            stack.extend(self.g.op(n).operands().iter());
        }
        found.into_iter().collect()
    }
}

/// The terms joined by [`plus`]; empty for no terms.
fn sum(parts: &[String]) -> String {
    let Some((first, rest)) = parts.split_first() else {
        return String::new();
    };
    rest.iter().fold(first.clone(), |acc, t| plus(&acc, t))
}

/// `a + b`, written `a - c` when `b` reads `-c`.
fn plus(a: &str, b: &str) -> String {
    match b.strip_prefix('-') {
        Some(rest) => format!("{a} - {rest}"),
        None => format!("{a} + {b}"),
    }
}

fn elem_name(d: u8) -> String {
    ["t", "s", "u", "w"]
        .get(usize::from(d))
        .map_or("t", |s| s)
        .to_string()
}

/// A number in its shortest readable form: `2`, `0.5`, `1e-8`.
fn format_number(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
