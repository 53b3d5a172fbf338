//! Reads the function body into the expression graph, checking shapes as
//! it goes.

use std::collections::{BTreeMap, HashMap};

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{BinOp, Expr, Lit, Pat, Stmt, UnOp};

use crate::ctxt::Ctxt;
use crate::ir::{Blk, Deps, Graph, NodeId, Op};
use crate::shape::{DimId, Dims, Shape};
use crate::signature::Signature;

mod method;

/// The parsed objective: its graph, root and the names the user gave to
/// intermediate values.
pub struct Objective {
    pub graph: Graph,
    pub root: NodeId,
    /// Names of `let` bindings, for readable formulas.
    pub names: BTreeMap<NodeId, String>,
}

/// Expressions nest at most this deep (chains of binary operators do not
/// count: they are read iteratively).
const MAX_NESTING: usize = 256;

const SUPPORTED_METHODS: &str = "`transpose`, `norm_squared`, `norm`, `dot`, `sum`, \
     `component_mul`, `trace`, `tr_mul`, `scale`, `powi`, `exp`, `ln`, `sqrt`, `sin`, `cos`, \
     `tanh`, `ln_1p`, `map`";

/// Reads `body` with the parameters of `sig`; errors go to `cx`.
pub fn parse(cx: &Ctxt, sig: &Signature, body: &syn::Block) -> Option<Objective> {
    let params = sig.params.iter().map(|p| (p.shape, p.tyshape)).collect();
    let graph = Graph::new(sig.dims.clone(), params);
    let mut scope = HashMap::new();
    let mut parser = Parser {
        cx,
        g: graph,
        scopes: Vec::new(),
        names: BTreeMap::new(),
        depth: 0,
        nesting: 0,
        mentioned: vec![false; sig.params.len()],
        tail: None,
        param_names: sig.params.iter().map(|p| p.ident.to_string()).collect(),
    };
    for (i, p) in sig.params.iter().enumerate() {
        let id = p.valid.then(|| {
            parser.g.span = p.span();
            parser.g.param(i)
        });
        scope.insert(p.ident.to_string(), id);
    }
    parser.scopes.push(scope);

    let root = parser.block(body, body.brace_token.span.join());
    let root = root?;
    let g = &parser.g;
    if !g.is_scalar(root) {
        let message = format!(
            "an objective must evaluate to a scalar, but this is a matrix of shape {}; \
             reduce it with `norm_squared`, `sum`, `dot` or an index",
            parser.shape_text(g.shape(root))
        );
        match &parser.tail {
            Some(tail) => cx.error_spanned(tail, message),
            None => cx.error(g.node(root).span, message),
        }
        return None;
    }
    let blocks_valid = sig.params.len() >= 2 && sig.params[..2].iter().all(|p| p.valid);
    for b in [Blk::X, Blk::Y] {
        if !blocks_valid || g.deps(root).has(Deps::block(b)) {
            continue;
        }
        let p = &sig.params[b.index()];
        let message = if parser.mentioned[b.index()] {
            format!(
                "`{}` cancels out of the objective; alternating minimization needs the \
                 objective to depend on both blocks",
                p.ident
            )
        } else {
            format!(
                "the objective does not depend on `{}`; alternating minimization needs \
                 both blocks to appear",
                p.ident
            )
        };
        cx.error(p.span(), message);
    }
    if cx.has_errors() {
        return None;
    }
    let mut graph = parser.g;
    let remap = graph.finalize();
    let names = parser
        .names
        .into_iter()
        .map(|(n, name)| (remap[n.index()], name))
        .collect();
    Some(Objective {
        graph,
        root: remap[root.index()],
        names,
    })
}

struct Parser<'a> {
    cx: &'a Ctxt,
    g: Graph,
    /// Names in scope; `None` marks a binding whose value had an error, so
    /// that its uses report nothing more.
    scopes: Vec<HashMap<String, Option<NodeId>>>,
    names: BTreeMap<NodeId, String>,
    /// Number of enclosing `map` closures.
    depth: u8,
    /// Depth of the expression being read.
    nesting: usize,
    /// Which parameters the body names.
    mentioned: Vec<bool>,
    /// The expression giving the objective's value.
    tail: Option<Expr>,
    /// The parameters' names, to describe dimensions known at run time.
    param_names: Vec<String>,
}

impl Parser<'_> {
    fn lookup(&mut self, name: &str) -> Option<Option<NodeId>> {
        let found = self.scopes.iter().rev().find_map(|s| s.get(name).copied());
        if let Some(Some(id)) = found
            && let Op::Param(i) = self.g.op(id)
        {
            self.mentioned[i] = true;
        }
        found
    }

    /// Marks names as bound to a value that had an error.
    fn poison(&mut self, names: impl IntoIterator<Item = String>) {
        if let Some(scope) = self.scopes.last_mut() {
            for name in names {
                scope.insert(name, None);
            }
        }
    }

    /// A block of statements: `let` bindings, then the value.
    fn block(&mut self, block: &syn::Block, span: Span) -> Option<NodeId> {
        self.scopes.push(HashMap::new());
        let out = self.statements(&block.stmts, span);
        self.scopes.pop();
        out
    }

    fn statements(&mut self, stmts: &[Stmt], span: Span) -> Option<NodeId> {
        let mut tail = None;
        let mut ok = true;
        for (i, stmt) in stmts.iter().enumerate() {
            let last = i + 1 == stmts.len();
            match stmt {
                Stmt::Local(local) => ok &= self.local(local),
                Stmt::Expr(e, None) if last => {
                    self.tail = Some(e.clone());
                    tail = Some(self.expr(e));
                }
                Stmt::Expr(Expr::Return(r), _) if last => match &r.expr {
                    Some(e) => {
                        self.tail = Some((**e).clone());
                        tail = Some(self.expr(e));
                    }
                    None => {
                        self.cx
                            .error_spanned(r, "`return` needs the objective's value");
                        tail = Some(None);
                    }
                },
                Stmt::Expr(e @ Expr::Return(_), _) => {
                    self.cx.error_spanned(
                        e,
                        "an early `return` is control flow, which is not supported: the \
                         objective must be one smooth expression",
                    );
                    ok = false;
                }
                Stmt::Expr(e, _) => {
                    self.unsupported_statement(e);
                    ok = false;
                }
                Stmt::Item(item) => {
                    self.cx.error_spanned(
                        item,
                        "items are not supported inside an objective; only `let` bindings and \
                         an expression",
                    );
                    if let Some(name) = item_name(item) {
                        self.poison([name]);
                    }
                    ok = false;
                }
                Stmt::Macro(m) => {
                    self.cx.error_spanned(
                        &m.mac.path,
                        "macros are not supported inside an objective; only `let` bindings \
                         and an expression",
                    );
                    ok = false;
                }
            }
        }
        match tail {
            Some(value) => value.filter(|_| ok),
            None => {
                if ok {
                    self.cx
                        .error(span, "the objective's body must end with its value");
                }
                None
            }
        }
    }

    fn unsupported_statement(&mut self, e: &Expr) {
        match e {
            Expr::Assign(_) | Expr::Binary(_) if is_assignment(e) => self.cx.error_spanned(
                e,
                "assignments are not supported; bind values with `let` instead",
            ),
            Expr::If(_) | Expr::Match(_) | Expr::While(_) | Expr::ForLoop(_) | Expr::Loop(_) => {
                let _ = self.expr(e);
            }
            _ => self.cx.error_spanned(
                e,
                "statements without `let` have no effect on the objective; only `let` \
                 bindings and a final expression are supported",
            ),
        }
    }

    fn local(&mut self, local: &syn::Local) -> bool {
        let pat = match &local.pat {
            Pat::Type(pt) => &*pt.pat,
            other => other,
        };
        let simple = match pat {
            Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => Some(pi),
            _ => None,
        };
        let Some(pi) = simple else {
            self.cx.error_spanned(
                &local.pat,
                "only `let name = ...;` bindings are supported, not patterns",
            );
            self.poison(pattern_names(&local.pat));
            return false;
        };
        let name = pi.ident.to_string();
        let Some(init) = &local.init else {
            self.cx
                .error_spanned(local, "a `let` binding needs a value: `let name = ...;`");
            self.poison([name]);
            return false;
        };
        if let Some((else_token, _)) = &init.diverge {
            self.cx.error(
                else_token.span,
                "`let ... else` is control flow, which is not supported",
            );
            self.poison([name]);
            return false;
        }
        let value = self.expr(&init.expr);
        if let Some(id) = value
            && !matches!(self.g.op(id), Op::Param(_) | Op::Const(_))
        {
            self.names.entry(id).or_insert_with(|| name.clone());
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name, value);
        }
        value.is_some()
    }

    fn expr(&mut self, e: &Expr) -> Option<NodeId> {
        if self.nesting >= MAX_NESTING {
            self.cx.error_spanned(
                e,
                format!("expressions nest at most {MAX_NESTING} deep in an objective; bind parts with `let`"),
            );
            return None;
        }
        self.nesting += 1;
        let out = self.expr_inner(e);
        self.nesting -= 1;
        out
    }

    fn expr_inner(&mut self, e: &Expr) -> Option<NodeId> {
        match e {
            Expr::Lit(l) => self.literal(&l.lit),
            Expr::Path(p) => self.path(p),
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Reference(r) => {
                if let Some(m) = &r.mutability {
                    self.cx.error(m.span, "`&mut` is not supported; use `&`");
                }
                self.expr(&r.expr)
            }
            Expr::Unary(u) => self.unary(u),
            Expr::Binary(b) => self.binary(b),
            Expr::MethodCall(m) => self.method(m),
            Expr::Index(i) => self.index(i),
            Expr::Block(b) if b.label.is_none() => {
                self.block(&b.block, b.block.brace_token.span.join())
            }
            Expr::If(_)
            | Expr::Match(_)
            | Expr::While(_)
            | Expr::ForLoop(_)
            | Expr::Loop(_)
            | Expr::Break(_)
            | Expr::Continue(_)
            | Expr::Return(_)
            | Expr::Let(_)
            | Expr::Try(_) => {
                let keyword = control_keyword(e);
                self.cx.error(
                    keyword.0,
                    format!(
                        "control flow (`{}`) is not supported: the objective must be one \
                         smooth expression of its blocks",
                        keyword.1
                    ),
                );
                None
            }
            Expr::Call(c) => {
                self.cx.error_spanned(
                    &c.func,
                    format!(
                        "function calls are not supported; write scalar functions as methods \
                         (`t.exp()`); supported methods are {SUPPORTED_METHODS}"
                    ),
                );
                None
            }
            Expr::Macro(m) => {
                self.cx.error_spanned(
                    &m.mac.path,
                    "macros are not supported inside an objective; write the expression with \
                     the supported operations",
                );
                None
            }
            Expr::Cast(c) => {
                self.cx.error(
                    c.as_token.span,
                    "casts (`as`) are not supported in an objective; every value is already an \
                     `f64` or a matrix of `f64`",
                );
                None
            }
            Expr::Field(f) => {
                self.cx.error_spanned(
                    &f.member,
                    "field access is not supported; index vectors with `v[i]` and matrices \
                     with `m[(i, j)]`",
                );
                None
            }
            Expr::Closure(c) => {
                self.cx.error_spanned(
                    c.or1_token,
                    "closures are only supported as the argument of `map`",
                );
                None
            }
            Expr::Assign(_) => {
                self.cx.error_spanned(
                    e,
                    "assignments are not supported; bind values with `let` instead",
                );
                None
            }
            _ => {
                self.cx.error_spanned(
                    e,
                    "unsupported expression; an objective is built from literals, its \
                     parameters, `let` bindings, `+ - * /`, indexing and the methods \
                     supported by `#[objective]`",
                );
                None
            }
        }
    }

    fn literal(&mut self, lit: &Lit) -> Option<NodeId> {
        let value = match lit {
            Lit::Float(f) => f.base10_parse::<f64>().ok(),
            Lit::Int(i) => i.base10_parse::<f64>().ok(),
            _ => None,
        };
        let Some(v) = value else {
            self.cx
                .error_spanned(lit, "only numeric literals are supported");
            return None;
        };
        self.g.span = lit.span();
        Some(self.g.constant_node(v))
    }

    fn path(&mut self, p: &syn::ExprPath) -> Option<NodeId> {
        if let Some(ident) = p.path.get_ident() {
            return match self.lookup(&ident.to_string()) {
                Some(found) => found,
                None => {
                    self.cx.error(
                        ident.span(),
                        format!("`{ident}` is not a parameter or a `let` binding of the objective"),
                    );
                    None
                }
            };
        }
        let segments: Vec<String> = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let in_consts = segments.len() >= 2 && segments[segments.len() - 2] == "consts";
        let value = segments.last().and_then(|name| f64_constant(name));
        match value.filter(|_| in_consts) {
            Some(v) => {
                self.g.span = p.span();
                Some(self.g.constant_node(v))
            }
            None => {
                self.cx.error_spanned(
                    p,
                    "paths are not supported in an objective, except constants of \
                     `std::f64::consts`",
                );
                None
            }
        }
    }

    fn unary(&mut self, u: &syn::ExprUnary) -> Option<NodeId> {
        match u.op {
            UnOp::Neg(_) => {
                let a = self.expr(&u.expr)?;
                self.g.span = u.op.span();
                Some(self.g.neg(a))
            }
            // `*lambda` for data taken by reference.
            UnOp::Deref(_) => self.expr(&u.expr),
            _ => {
                self.cx
                    .error_spanned(u.op, "only `-` and `*` are supported as unary operators");
                None
            }
        }
    }

    /// A chain of binary operators, read along its left spine without
    /// recursion, so long sums cost no stack.
    fn binary(&mut self, b: &syn::ExprBinary) -> Option<NodeId> {
        let mut spine = vec![b];
        let mut left = &*b.left;
        while let Expr::Binary(inner) = left {
            spine.push(inner);
            left = &inner.left;
        }
        let mut acc = self.expr(left);
        for e in spine.into_iter().rev() {
            acc = self.apply_binary(e, acc);
        }
        acc
    }

    /// `left op right` for the operator and right operand of `b`.
    fn apply_binary(&mut self, b: &syn::ExprBinary, left: Option<NodeId>) -> Option<NodeId> {
        let symbol = match b.op {
            BinOp::Add(_) => "+",
            BinOp::Sub(_) => "-",
            BinOp::Mul(_) => "*",
            BinOp::Div(_) => "/",
            op if is_assign_op(&op) => {
                self.cx.error_spanned(
                    op,
                    "assignments are not supported; bind values with `let` instead",
                );
                return None;
            }
            op => {
                self.cx.error_spanned(
                    op,
                    "only the arithmetic operators `+ - * /` are supported in an objective",
                );
                return None;
            }
        };
        let r = self.expr(&b.right);
        let (l, r) = (left?, r?);
        let op_span = b.op.span();
        let (ls, rs) = (self.g.shape(l), self.g.shape(r));
        self.g.span = op_span;
        match symbol {
            "+" | "-" => {
                match (ls, rs) {
                    (Shape::Scalar, Shape::Scalar) => {}
                    (Shape::Matrix(..), Shape::Matrix(..)) => {
                        self.unify(ls.rows(), rs.rows(), op_span, symbol, l, r)?;
                        self.unify(ls.cols(), rs.cols(), op_span, symbol, l, r)?;
                    }
                    _ => {
                        self.cx.error(
                            op_span,
                            format!(
                                "cannot apply `{symbol}` to a scalar and a matrix; nalgebra \
                                 adds matrices of equal shape only"
                            ),
                        );
                        return None;
                    }
                }
                self.g.span = op_span;
                Some(if symbol == "+" {
                    self.g.add(l, r)
                } else {
                    self.g.sub(l, r)
                })
            }
            "*" => match (ls, rs) {
                (Shape::Scalar, _) => Some(self.g.scale(l, r)),
                (_, Shape::Scalar) => Some(self.g.scale(r, l)),
                _ => {
                    self.unify(ls.cols(), rs.rows(), op_span, symbol, l, r)?;
                    self.g.span = op_span;
                    Some(self.g.matmul(l, r))
                }
            },
            _ => {
                if rs != Shape::Scalar {
                    self.cx.error(
                        op_span,
                        "division is only supported by a scalar; the right side of `/` is a \
                         matrix",
                    );
                    return None;
                }
                if self.g.is_zero(r) {
                    self.cx.error_spanned(
                        &b.right,
                        "division by zero: this divisor is identically zero",
                    );
                    return None;
                }
                Some(self.g.div(l, r))
            }
        }
    }

    /// Requires two dimensions to agree, reporting a mismatch at `span`.
    fn unify(
        &mut self,
        a: DimId,
        b: DimId,
        span: Span,
        what: &str,
        l: NodeId,
        r: NodeId,
    ) -> Option<()> {
        if self.g.dims.unify(a, b).is_ok() {
            return Some(());
        }
        let (ls, rs) = (self.g.shape(l), self.g.shape(r));
        let message = format!(
            "mismatched dimensions in `{what}`: the left side is {} and the right side is {}",
            self.shape_text(ls),
            self.shape_text(rs)
        );
        self.cx.error(span, message);
        None
    }

    fn shape_text(&self, s: Shape) -> String {
        match s {
            Shape::Scalar => "a scalar".to_string(),
            Shape::Matrix(r, c) => {
                let dims = &self.g.dims;
                let (rt, ct) = (
                    dim_text(dims, r, &self.param_names),
                    dim_text(dims, c, &self.param_names),
                );
                if dims.value(r).is_some() && dims.value(c).is_some() {
                    format!("{rt}x{ct}")
                } else {
                    format!("{rt} by {ct}")
                }
            }
        }
    }
}

fn is_assign_op(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_)
            | BinOp::RemAssign(_)
            | BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}

fn is_assignment(e: &Expr) -> bool {
    match e {
        Expr::Assign(_) => true,
        Expr::Binary(b) => is_assign_op(&b.op),
        _ => false,
    }
}

/// The span and the keyword of a control-flow expression.
fn control_keyword(e: &Expr) -> (Span, &'static str) {
    match e {
        Expr::If(x) => (x.if_token.span, "if"),
        Expr::Match(x) => (x.match_token.span, "match"),
        Expr::While(x) => (x.while_token.span, "while"),
        Expr::ForLoop(x) => (x.for_token.span, "for"),
        Expr::Loop(x) => (x.loop_token.span, "loop"),
        Expr::Break(x) => (x.break_token.span, "break"),
        Expr::Continue(x) => (x.continue_token.span, "continue"),
        Expr::Return(x) => (x.return_token.span, "return"),
        Expr::Let(x) => (x.let_token.span, "let"),
        Expr::Try(x) => (x.question_token.span, "?"),
        other => (other.span(), "control flow"),
    }
}

/// A dimension in words: its fixed size, or the parameter size it
/// measures when only known at run time.
fn dim_text(dims: &Dims, d: DimId, names: &[String]) -> String {
    if let Some(n) = dims.value(d) {
        return n.to_string();
    }
    match dims.witnesses(d).first() {
        Some(w) => {
            let axis = match w.axis {
                crate::shape::Axis::Rows => "nrows",
                crate::shape::Axis::Cols => "ncols",
            };
            let name = names.get(w.param).map_or("?", String::as_str);
            format!("`{name}.{axis}()`")
        }
        None => "a size known at run time".to_string(),
    }
}

/// The value of a constant of `std::f64::consts`.
fn f64_constant(name: &str) -> Option<f64> {
    use std::f64::consts as c;
    Some(match name {
        "PI" => c::PI,
        "TAU" => c::TAU,
        "E" => c::E,
        "SQRT_2" => c::SQRT_2,
        "FRAC_1_SQRT_2" => c::FRAC_1_SQRT_2,
        "LN_2" => c::LN_2,
        "LN_10" => c::LN_10,
        "LOG2_E" => c::LOG2_E,
        "LOG10_E" => c::LOG10_E,
        "LOG2_10" => c::LOG2_10,
        "LOG10_2" => c::LOG10_2,
        "FRAC_PI_2" => c::FRAC_PI_2,
        "FRAC_PI_3" => c::FRAC_PI_3,
        "FRAC_PI_4" => c::FRAC_PI_4,
        "FRAC_PI_6" => c::FRAC_PI_6,
        "FRAC_PI_8" => c::FRAC_PI_8,
        "FRAC_1_PI" => c::FRAC_1_PI,
        "FRAC_2_PI" => c::FRAC_2_PI,
        "FRAC_2_SQRT_PI" => c::FRAC_2_SQRT_PI,
        _ => return None,
    })
}

/// The name an item would bind, so later uses of it report nothing more.
fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Const(c) => Some(c.ident.to_string()),
        syn::Item::Static(s) => Some(s.ident.to_string()),
        syn::Item::Fn(f) => Some(f.sig.ident.to_string()),
        _ => None,
    }
}

/// Every name a pattern binds.
fn pattern_names(pat: &Pat) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![pat];
    while let Some(p) = stack.pop() {
        match p {
            Pat::Ident(pi) => {
                out.push(pi.ident.to_string());
                if let Some((_, sub)) = &pi.subpat {
                    stack.push(sub);
                }
            }
            Pat::Tuple(t) => stack.extend(t.elems.iter()),
            Pat::TupleStruct(t) => stack.extend(t.elems.iter()),
            Pat::Slice(s) => stack.extend(s.elems.iter()),
            Pat::Struct(s) => stack.extend(s.fields.iter().map(|f| &*f.pat)),
            Pat::Type(t) => stack.push(&t.pat),
            Pat::Reference(r) => stack.push(&r.pat),
            Pat::Paren(p) => stack.push(&p.pat),
            Pat::Or(o) => stack.extend(o.cases.iter()),
            _ => {}
        }
    }
    out
}
