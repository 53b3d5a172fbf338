//! Method calls, `map` closures and constant indexing: the part of the
//! language that names nalgebra's operations.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::{Expr, Lit, Pat, UnOp};

use super::{Parser, SUPPORTED_METHODS};
use crate::ir::{Deps, Func, MAX_EXPONENT, NodeId};
use crate::shape::Shape;

/// Closures nest at most this deep inside one another.
const MAX_CLOSURE_DEPTH: u8 = 4;

impl Parser<'_> {
    pub(super) fn method(&mut self, m: &syn::ExprMethodCall) -> Option<NodeId> {
        let name = m.method.to_string();
        let span = m.method.span();
        if let Some(t) = &m.turbofish {
            self.cx
                .error_spanned(t, "method calls with type arguments are not supported");
            return None;
        }
        let recv = self.expr(&m.receiver);
        let arity = match name.as_str() {
            "transpose" | "norm_squared" | "norm" | "sum" | "trace" | "clone" | "into_owned"
            | "exp" | "ln" | "sqrt" | "sin" | "cos" | "tanh" | "ln_1p" => 0,
            "dot" | "component_mul" | "tr_mul" | "powi" | "map" | "scale" => 1,
            "abs" | "max" | "min" | "signum" | "floor" | "ceil" | "round" | "trunc" | "fract"
            | "clamp" | "amax" | "amin" | "camax" | "camin" | "abs_sub" | "rem_euclid"
            | "norm1" | "lp_norm" | "max_by" | "min_by" => {
                self.cx.error(
                    span,
                    format!(
                        "`{name}` is not differentiable everywhere, so it is not supported; \
                         an objective must be smooth"
                    ),
                );
                return None;
            }
            _ => {
                self.cx.error(
                    span,
                    format!(
                        "unsupported method `{name}`; supported methods are {SUPPORTED_METHODS}"
                    ),
                );
                return None;
            }
        };
        if m.args.len() != arity {
            self.cx.error(
                span,
                format!(
                    "`{name}` takes {} argument{}",
                    arity,
                    if arity == 1 { "" } else { "s" }
                ),
            );
            return None;
        }
        if name == "map" {
            return self.map(recv?, m);
        }
        if name == "powi" {
            let exponent = int_literal(&m.args[0]);
            let recv = recv?;
            let Some(k) = exponent else {
                self.cx
                    .error_spanned(&m.args[0], "`powi` needs an integer literal exponent");
                return None;
            };
            let Some(k) = i32::try_from(k).ok().filter(|k| k.abs() <= MAX_EXPONENT) else {
                self.cx.error_spanned(
                    &m.args[0],
                    format!("`powi` exponents must be at most {MAX_EXPONENT} in magnitude"),
                );
                return None;
            };
            return self.scalar_func(recv, Func::Powi(k), &name, span, m);
        }
        let arg = m.args.first().map(|a| self.expr(a));
        let recv = recv?;
        let arg = match arg {
            Some(a) => Some(a?),
            None => None,
        };
        self.g.span = m.method.span();
        let is_matrix = !self.g.is_scalar(recv);
        let need_matrix = |p: &mut Self| {
            if !is_matrix {
                p.cx.error(
                    span,
                    format!(
                        "`{name}` applies to vectors and matrices, but its receiver is a scalar"
                    ),
                );
            }
            is_matrix
        };
        match (name.as_str(), arg) {
            ("clone" | "into_owned", None) => Some(recv),
            ("transpose", None) => need_matrix(self).then(|| self.g.transpose(recv)),
            ("norm_squared", None) => need_matrix(self).then(|| self.g.norm_sq(recv)),
            ("norm", None) => need_matrix(self).then(|| self.g.norm(recv)),
            ("sum", None) => need_matrix(self).then(|| self.g.sum(recv)),
            ("trace", None) => {
                if !need_matrix(self) {
                    return None;
                }
                let s = self.g.shape(recv);
                if self.g.dims.unify(s.rows(), s.cols()).is_err() {
                    let shape = self.shape_text(s);
                    self.cx.error(
                        span,
                        format!("`trace` needs a square matrix, but this is {shape}"),
                    );
                    return None;
                }
                self.g.span = m.method.span();
                Some(self.g.trace(recv))
            }
            ("dot" | "component_mul", Some(other)) => {
                if !need_matrix(self) {
                    return None;
                }
                let (s, t) = (self.g.shape(recv), self.g.shape(other));
                if t == Shape::Scalar {
                    self.cx.error(
                        span,
                        format!("`{name}` needs a matrix argument of the same shape"),
                    );
                    return None;
                }
                self.unify(s.rows(), t.rows(), span, &name, recv, other)?;
                self.unify(s.cols(), t.cols(), span, &name, recv, other)?;
                self.g.span = m.method.span();
                Some(if name == "dot" {
                    self.g.dot(recv, other)
                } else {
                    self.g.cmul(recv, other)
                })
            }
            ("tr_mul", Some(other)) => {
                if !need_matrix(self) {
                    return None;
                }
                let (s, t) = (self.g.shape(recv), self.g.shape(other));
                if t == Shape::Scalar {
                    self.cx.error(span, "`tr_mul` needs a matrix argument");
                    return None;
                }
                self.unify(s.rows(), t.rows(), span, "tr_mul", recv, other)?;
                self.g.span = m.method.span();
                let rt = self.g.transpose(recv);
                Some(self.g.matmul(rt, other))
            }
            ("scale", Some(factor)) => {
                if !need_matrix(self) {
                    return None;
                }
                if !self.g.is_scalar(factor) {
                    self.cx.error(span, "`scale` needs a scalar argument");
                    return None;
                }
                Some(self.g.scale(factor, recv))
            }
            (_, None) => {
                let f = match name.as_str() {
                    "exp" => Func::Exp,
                    "ln" => Func::Ln,
                    "sqrt" => Func::Sqrt,
                    "sin" => Func::Sin,
                    "cos" => Func::Cos,
                    "tanh" => Func::Tanh,
                    _ => Func::Ln1p,
                };
                self.scalar_func(recv, f, &name, span, m)
            }
            _ => None,
        }
    }

    fn scalar_func(
        &mut self,
        recv: NodeId,
        f: Func,
        name: &str,
        span: Span,
        m: &syn::ExprMethodCall,
    ) -> Option<NodeId> {
        if !self.g.is_scalar(recv) {
            self.cx.error(
                span,
                format!(
                    "`{name}` applies to scalars here; on a matrix nalgebra's `{name}` is not \
                     element-wise: use `.map(|t| t.{name}({}))` for the element-wise function",
                    if name == "powi" { "k" } else { "" }
                ),
            );
            return None;
        }
        self.g.span = m.method.span();
        Some(self.g.func(f, recv))
    }

    fn map(&mut self, recv: NodeId, m: &syn::ExprMethodCall) -> Option<NodeId> {
        let span = m.method.span();
        if self.g.is_scalar(recv) {
            self.cx.error(
                span,
                "`map` applies to vectors and matrices, but its receiver is a scalar",
            );
            return None;
        }
        let Expr::Closure(closure) = &m.args[0] else {
            self.cx
                .error_spanned(&m.args[0], "`map` needs a closure `|t| ...`");
            return None;
        };
        let param = match closure.inputs.iter().collect::<Vec<_>>().as_slice() {
            [Pat::Ident(pi)] => Some(pi.ident.clone()),
            [Pat::Type(pt)] => match &*pt.pat {
                Pat::Ident(pi) => Some(pi.ident.clone()),
                _ => None,
            },
            _ => None,
        };
        let Some(param) = param else {
            self.cx.error_spanned(
                &closure.inputs,
                "the closure of `map` takes one parameter: `|t| ...`",
            );
            return None;
        };
        if self.depth >= MAX_CLOSURE_DEPTH {
            self.cx
                .error_spanned(closure, "`map` closures nest at most four deep");
            return None;
        }
        let depth = self.depth;
        self.depth += 1;
        let elem = self.g.elem(depth);
        self.scopes
            .push(HashMap::from([(param.to_string(), Some(elem))]));
        let body = self.expr(&closure.body);
        self.scopes.pop();
        self.depth -= 1;
        let body = body?;
        if !self.g.is_scalar(body) || !self.element_wise(body, depth) {
            self.cx.error_spanned(
                &closure.body,
                "the closure of `map` must compute a scalar from its element with scalar \
                 operations",
            );
            return None;
        }
        self.g.span = m.method.span();
        Some(self.g.map(recv, body, depth))
    }

    /// Whether every node of `body` that depends on the element variable of
    /// `depth` is a scalar.
    fn element_wise(&self, body: NodeId, depth: u8) -> bool {
        let elem = Deps::elem(depth);
        let mut stack = vec![body];
        let mut seen = std::collections::HashSet::new();
        while let Some(n) = stack.pop() {
            if !seen.insert(n) || !self.g.deps(n).has(elem) {
                continue;
            }
            if !self.g.is_scalar(n) {
                return false;
            }
            stack.extend(self.g.op(n).operands().iter());
        }
        true
    }

    pub(super) fn index(&mut self, ix: &syn::ExprIndex) -> Option<NodeId> {
        let recv = self.expr(&ix.expr)?;
        let Shape::Matrix(rows, cols) = self.g.shape(recv) else {
            self.cx
                .error_spanned(&ix.expr, "only vectors and matrices can be indexed");
            return None;
        };
        let dims = &self.g.dims;
        let (i, j) = match &*ix.index {
            Expr::Tuple(t) if t.elems.len() == 2 => {
                let index = |e: &Expr| int_literal(e).and_then(|k| usize::try_from(k).ok());
                match (index(&t.elems[0]), index(&t.elems[1])) {
                    (Some(i), Some(j)) => (i, j),
                    _ => {
                        self.cx.error_spanned(
                            &ix.index,
                            "indices must be non-negative integer literals",
                        );
                        return None;
                    }
                }
            }
            other => {
                let Some(k) = int_literal(other).and_then(|k| usize::try_from(k).ok()) else {
                    self.cx.error_spanned(
                        &ix.index,
                        "indices must be non-negative integer literals: `v[i]` or `m[(i, j)]`",
                    );
                    return None;
                };
                if dims.value(cols) == Some(1) {
                    (k, 0)
                } else if dims.value(rows) == Some(1) {
                    (0, k)
                } else if let Some(r) = dims.value(rows) {
                    (k % r, k / r)
                } else {
                    self.cx.error_spanned(
                        &ix.index,
                        "linear indexing of a matrix with a dynamic number of rows is not \
                         supported; write `m[(i, j)]`",
                    );
                    return None;
                }
            }
        };
        for (d, k) in [(rows, i), (cols, j)] {
            match self.g.dims.value(d) {
                Some(n) if k >= n => {
                    let indexed = quote::ToTokens::to_token_stream(&*ix.expr).to_string();
                    self.cx.error_spanned(
                        &ix.index,
                        format!(
                            "index {k} is out of bounds: `{indexed}` has {n} {} here",
                            if d == rows { "rows" } else { "columns" }
                        ),
                    );
                    return None;
                }
                Some(_) => {}
                None => self.g.dims.require_above(d, k),
            }
        }
        self.g.span = ix.bracket_token.span.join();
        Some(self.g.index(recv, i, j))
    }
}

/// An integer literal, possibly negated.
fn int_literal(e: &Expr) -> Option<i64> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse().ok(),
        Expr::Unary(syn::ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => int_literal(expr).map(|k| -k),
        Expr::Paren(p) => int_literal(&p.expr),
        Expr::Group(g) => int_literal(&g.expr),
        _ => None,
    }
}
