//! Hessians that act on each row of a matrix block on its own.
//!
//! A Hessian-vector product `E(V)` of the form
//! `sum of scale (D o (V B^T)) C`, with `D`, `B`, `C` and `scale` free of
//! `V`, maps row `v_i` to `v_i G_i` with `G_i = scale B^T diag(d_i) C`: the
//! Hessian is block diagonal, one `r` by `r` block per row. The masked
//! factorization `|W o (X Y^T - M)|^2` has this form in each factor (with
//! `D = W o W`), and its subproblem then splits into one small system per
//! row, which is alternating least squares for matrix completion.
//!
//! The forms are read from the product, as `linear` reads its terms; the
//! transposed form `(D o (B V^T))^T` that the other factor's product takes
//! is read through [`Reader::columns`].

use crate::ir::{Graph, NodeId, Op};
use crate::simplify::simplify;

/// `scale (D o (V inner^T)) outer`; absent parts are identities. `D` is
/// `weights`, or its transpose when `weights_transposed`, so that the
/// other factor's weights are read in place rather than copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowTerm {
    pub scale: Option<NodeId>,
    pub weights: Option<NodeId>,
    pub weights_transposed: bool,
    pub inner: Option<NodeId>,
    pub outer: Option<NodeId>,
}

const IDENTITY: RowTerm = RowTerm {
    scale: None,
    weights: None,
    weights_transposed: false,
    inner: None,
    outer: None,
};

/// The row terms of `e`, linear in the matrix direction `dir`; `None` when
/// `e` mixes rows or is not of the form above.
pub fn decompose(g: &mut Graph, e: NodeId, dir: NodeId) -> Option<Vec<RowTerm>> {
    if g.is_scalar(dir) {
        return None;
    }
    let terms = Reader { dir, depth: 0 }.rows(g, e)?;
    let terms = terms
        .into_iter()
        .map(|t| RowTerm {
            scale: t.scale.map(|s| simplify(g, s)),
            weights: t.weights.map(|d| simplify(g, d)),
            inner: t.inner.map(|b| simplify(g, b)),
            outer: t.outer.map(|c| simplify(g, c)),
            ..t
        })
        .collect();
    Some(terms)
}

struct Reader {
    dir: NodeId,
    depth: usize,
}

/// One of the two readings, [`Reader::rows`] or [`Reader::columns`].
type Read = fn(&mut Reader, &mut Graph, NodeId) -> Option<Vec<RowTerm>>;

/// Nesting beyond which a product is not read.
const MAX_DEPTH: usize = 200;

impl Reader {
    fn linear(&self, g: &Graph, n: NodeId) -> bool {
        g.deps(n).has(g.deps(self.dir))
    }

    /// The terms of `e`, read as row forms.
    fn rows(&mut self, g: &mut Graph, e: NodeId) -> Option<Vec<RowTerm>> {
        self.nested(g, e, Self::rows_inner)
    }

    /// The terms of `e` read as transposed row forms: `e = sum of t^T`.
    fn columns(&mut self, g: &mut Graph, e: NodeId) -> Option<Vec<RowTerm>> {
        self.nested(g, e, Self::columns_inner)
    }

    fn nested(&mut self, g: &mut Graph, e: NodeId, read: Read) -> Option<Vec<RowTerm>> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let out = read(self, g, e);
        self.depth -= 1;
        out
    }

    /// Sums, differences, negations and scalar factors, read the same way
    /// in both readings; `None` when `e` is none of these.
    fn linear_combination(
        &mut self,
        g: &mut Graph,
        e: NodeId,
        read: Read,
    ) -> Option<Option<Vec<RowTerm>>> {
        Some(match g.op(e) {
            Op::Add(a, b) => self.sum(g, a, b, None, read),
            Op::Sub(a, b) => {
                let minus_one = g.constant_node(-1.0);
                self.sum(g, a, b, Some(minus_one), read)
            }
            Op::Neg(a) => {
                let minus_one = g.constant_node(-1.0);
                self.times(g, a, minus_one, read)
            }
            Op::Scale(s, a) if !self.linear(g, s) => self.times(g, a, s, read),
            Op::Div(a, s) if !self.linear(g, s) => {
                let one = g.constant_node(1.0);
                let r = g.div(one, s);
                self.times(g, a, r, read)
            }
            _ => return None,
        })
    }

    /// `a + b`, or `a - b` with `minus = Some(-1)`.
    fn sum(
        &mut self,
        g: &mut Graph,
        a: NodeId,
        b: NodeId,
        minus: Option<NodeId>,
        read: Read,
    ) -> Option<Vec<RowTerm>> {
        let mut out = read(self, g, a)?;
        let rest = read(self, g, b)?;
        out.extend(match minus {
            Some(m) => scaled(g, rest, m),
            None => rest,
        });
        Some(out)
    }

    /// `s a` for a scalar `s` free of the direction.
    fn times(&mut self, g: &mut Graph, a: NodeId, s: NodeId, read: Read) -> Option<Vec<RowTerm>> {
        let terms = read(self, g, a)?;
        Some(scaled(g, terms, s))
    }

    fn rows_inner(&mut self, g: &mut Graph, e: NodeId) -> Option<Vec<RowTerm>> {
        if e == self.dir {
            return Some(vec![IDENTITY]);
        }
        if g.is_zero(e) {
            return Some(Vec::new());
        }
        if !self.linear(g, e) || g.is_scalar(e) {
            return None;
        }
        if let Some(terms) = self.linear_combination(g, e, Self::rows) {
            return terms;
        }
        match g.op(e) {
            Op::Transpose(a) => self.columns(g, a),
            // Multiplying from the right keeps rows apart.
            Op::MatMul(a, k) if !self.linear(g, k) => {
                let terms = self.rows(g, a)?;
                Some(terms.into_iter().map(|t| times_right(g, t, k)).collect())
            }
            Op::CMul(a, b) => {
                let (d, lin) = match (self.linear(g, a), self.linear(g, b)) {
                    (true, false) => (b, a),
                    (false, true) => (a, b),
                    _ => return None,
                };
                let terms = self.rows(g, lin)?;
                terms
                    .into_iter()
                    .map(|t| weighted(g, t, d, false))
                    .collect()
            }
            _ => None,
        }
    }

    fn columns_inner(&mut self, g: &mut Graph, e: NodeId) -> Option<Vec<RowTerm>> {
        if g.is_zero(e) {
            return Some(Vec::new());
        }
        if !self.linear(g, e) || g.is_scalar(e) {
            return None;
        }
        if let Some(terms) = self.linear_combination(g, e, Self::columns) {
            return terms;
        }
        match g.op(e) {
            Op::Transpose(a) => self.rows(g, a),
            // `P t^T = (t P^T)^T`.
            Op::MatMul(p, a) if !self.linear(g, p) => {
                let terms = self.columns(g, a)?;
                let pt = g.transpose(p);
                Some(terms.into_iter().map(|t| times_right(g, t, pt)).collect())
            }
            // `D o t^T = (D^T o t)^T`.
            Op::CMul(a, b) => {
                let (d, lin) = match (self.linear(g, a), self.linear(g, b)) {
                    (true, false) => (b, a),
                    (false, true) => (a, b),
                    _ => return None,
                };
                let terms = self.columns(g, lin)?;
                terms.into_iter().map(|t| weighted(g, t, d, true)).collect()
            }
            _ => None,
        }
    }
}

fn scaled(g: &mut Graph, terms: Vec<RowTerm>, s: NodeId) -> Vec<RowTerm> {
    terms
        .into_iter()
        .map(|t| RowTerm {
            scale: Some(match t.scale {
                Some(c) => g.scale(c, s),
                None => s,
            }),
            ..t
        })
        .collect()
}

/// `t K`.
fn times_right(g: &mut Graph, t: RowTerm, k: NodeId) -> RowTerm {
    let outer = match t.outer {
        Some(c) => g.matmul(c, k),
        None => k,
    };
    RowTerm {
        outer: Some(outer),
        ..t
    }
}

/// `D o t`, with `D` the transpose of `d` when `transposed`: the weights
/// multiply before the outer factor, so a term that has one moves it
/// inside first (`V B^T C = V (C^T B)^T`), which only a term without
/// weights allows.
fn weighted(g: &mut Graph, t: RowTerm, d: NodeId, transposed: bool) -> Option<RowTerm> {
    let t = match t.outer {
        None => t,
        Some(_) if t.weights.is_some() => return None,
        Some(c) => {
            let ct = g.transpose(c);
            let inner = match t.inner {
                Some(b) => g.matmul(ct, b),
                None => ct,
            };
            RowTerm {
                inner: Some(inner),
                outer: None,
                ..t
            }
        }
    };
    let (weights, weights_transposed) = match t.weights {
        None => (d, transposed),
        Some(w) if t.weights_transposed == transposed => (g.cmul(d, w), transposed),
        // Weights read both ways: the transposed ones are copied.
        Some(w) => {
            let as_rows = |g: &mut Graph, m: NodeId, tr: bool| if tr { g.transpose(m) } else { m };
            let w = as_rows(g, w, t.weights_transposed);
            let d = as_rows(g, d, transposed);
            (g.cmul(d, w), false)
        }
    };
    Some(RowTerm {
        weights: Some(weights),
        weights_transposed,
        ..t
    })
}
