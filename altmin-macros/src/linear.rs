//! The structure of a linear map given as an expression in a direction.
//!
//! A Hessian-vector product `E(V)` is linear in the direction `V`. Read as a
//! sum of terms of two kinds, it names its own matrix without applying it to
//! basis vectors:
//!
//! - a sandwich `c L op(D o V) R`, where `op` is the identity or the
//!   transpose, `o` the element-wise product and `L`, `R`, `D`, `c` do not
//!   depend on `V`; in column-major `vec` form its matrix is
//!   `c (R^T (x) L) [K] diag(vec D)` (`K` the commutation matrix when
//!   transposed): `c I` for a scaled identity, `c L` for a vector block,
//!   a Kronecker product for a matrix block;
//! - an outer term `U <G, V>`, whose matrix is `vec U vec G^T`.
//!
//! A product that mixes the two (an element-wise product applied after a
//! multiplication) has no such form; the map is then left opaque and its
//! dense matrix is built column by column from the product itself.

use crate::diff;
use crate::ir::{Graph, NodeId, Op};
use crate::simplify::{simplify, substitute};

/// One term of a linear map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    /// `scale left op(hadamard o V) right`; absent parts are identities.
    Sandwich {
        scale: Option<NodeId>,
        left: Option<NodeId>,
        right: Option<NodeId>,
        transposed: bool,
        hadamard: Option<NodeId>,
    },
    /// `u <g, V>`.
    Outer { u: NodeId, g: NodeId },
}

const IDENTITY: Term = Term::Sandwich {
    scale: None,
    left: None,
    right: None,
    transposed: false,
    hadamard: None,
};

/// The terms of `e`, linear in the leaf `dir`; `None` when `e` is not of
/// the forms above (or not linear in `dir`).
pub fn decompose(g: &mut Graph, e: NodeId, dir: NodeId) -> Option<Vec<Term>> {
    if g.is_scalar(dir) {
        // Linear in a scalar v: e = v e(1).
        if g.is_zero(e) {
            return Some(Vec::new());
        }
        let one = g.constant_node(1.0);
        let u = substitute(g, e, dir, one);
        return Some(vec![Term::Outer { u, g: one }]);
    }
    let terms = Decomposer { dir, depth: 0 }.terms(g, e)?;
    let terms: Vec<Term> = terms.into_iter().map(|t| tidy(g, t)).collect();
    Some(merge(g, terms))
}

struct Decomposer {
    dir: NodeId,
    /// Nesting of the expression being read; beyond a bound the map is left
    /// opaque rather than recursing further.
    depth: usize,
}

const MAX_DEPTH: usize = 200;

impl Decomposer {
    fn linear(&self, g: &Graph, n: NodeId) -> bool {
        g.deps(n).has(g.deps(self.dir))
    }

    fn terms(&mut self, g: &mut Graph, e: NodeId) -> Option<Vec<Term>> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let out = self.terms_inner(g, e);
        self.depth -= 1;
        out
    }

    fn terms_inner(&mut self, g: &mut Graph, e: NodeId) -> Option<Vec<Term>> {
        if e == self.dir {
            return Some(vec![IDENTITY]);
        }
        if g.is_zero(e) {
            return Some(Vec::new());
        }
        if !self.linear(g, e) {
            return None;
        }
        if g.is_scalar(e) && !g.is_scalar(self.dir) {
            // A linear functional: its gradient names it.
            let grad = diff::gradient_wrt(g, e, self.dir);
            if g.deps(grad).has(g.deps(self.dir)) {
                return None;
            }
            let one = g.constant_node(1.0);
            return Some(vec![Term::Outer { u: one, g: grad }]);
        }
        match g.op(e) {
            Op::Add(a, b) => {
                let mut out = self.terms(g, a)?;
                out.extend(self.terms(g, b)?);
                Some(out)
            }
            Op::Sub(a, b) => {
                let mut out = self.terms(g, a)?;
                let minus_one = g.constant_node(-1.0);
                for t in self.terms(g, b)? {
                    out.push(scaled(g, t, minus_one));
                }
                Some(out)
            }
            Op::Neg(a) => {
                let minus_one = g.constant_node(-1.0);
                let ts = self.terms(g, a)?;
                Some(ts.into_iter().map(|t| scaled(g, t, minus_one)).collect())
            }
            Op::Scale(s, a) => match (self.linear(g, s), self.linear(g, a)) {
                (false, true) => {
                    let ts = self.terms(g, a)?;
                    Some(ts.into_iter().map(|t| scaled(g, t, s)).collect())
                }
                (true, false) => {
                    // A scalar functional of V times a constant value.
                    let ts = self.terms(g, s)?;
                    ts.into_iter()
                        .map(|t| match t {
                            Term::Outer { u, g: grad } => {
                                let u = g.scale(u, a);
                                Some(Term::Outer { u, g: grad })
                            }
                            // A scalar V: `c V a` is `a <c, V>`.
                            Term::Sandwich {
                                scale,
                                hadamard: None,
                                left: None,
                                right: None,
                                ..
                            } => {
                                let c = scale.unwrap_or_else(|| g.constant_node(1.0));
                                Some(Term::Outer { u: a, g: c })
                            }
                            Term::Sandwich { .. } => None,
                        })
                        .collect()
                }
                _ => None,
            },
            Op::Div(a, s) if !self.linear(g, s) => {
                let one = g.constant_node(1.0);
                let r = g.div(one, s);
                let ts = self.terms(g, a)?;
                Some(ts.into_iter().map(|t| scaled(g, t, r)).collect())
            }
            Op::MatMul(a, b) => match (self.linear(g, a), self.linear(g, b)) {
                (true, false) => {
                    let ts = self.terms(g, a)?;
                    Some(ts.into_iter().map(|t| times_right(g, t, b)).collect())
                }
                (false, true) => {
                    let ts = self.terms(g, b)?;
                    Some(ts.into_iter().map(|t| times_left(g, a, t)).collect())
                }
                _ => None,
            },
            Op::Transpose(a) => {
                let ts = self.terms(g, a)?;
                Some(ts.into_iter().map(|t| transposed(g, t)).collect())
            }
            Op::CMul(a, b) => {
                let (w, lin) = match (self.linear(g, a), self.linear(g, b)) {
                    (true, false) => (b, a),
                    (false, true) => (a, b),
                    _ => return None,
                };
                let ts = self.terms(g, lin)?;
                ts.into_iter().map(|t| hadamard(g, w, t)).collect()
            }
            _ => None,
        }
    }
}

fn mul_opt(g: &mut Graph, a: Option<NodeId>, b: NodeId) -> NodeId {
    match a {
        Some(a) => g.scale(a, b),
        None => b,
    }
}

fn scaled(g: &mut Graph, t: Term, s: NodeId) -> Term {
    match t {
        Term::Sandwich {
            scale,
            left,
            right,
            transposed,
            hadamard,
        } => Term::Sandwich {
            scale: Some(mul_opt(g, scale, s)),
            left,
            right,
            transposed,
            hadamard,
        },
        Term::Outer { u, g: grad } => Term::Outer {
            u: g.scale(s, u),
            g: grad,
        },
    }
}

fn times_left(g: &mut Graph, m: NodeId, t: Term) -> Term {
    match t {
        Term::Sandwich {
            scale,
            left,
            right,
            transposed,
            hadamard,
        } => Term::Sandwich {
            scale,
            left: Some(match left {
                Some(l) => g.matmul(m, l),
                None => m,
            }),
            right,
            transposed,
            hadamard,
        },
        Term::Outer { u, g: grad } => Term::Outer {
            u: g.matmul(m, u),
            g: grad,
        },
    }
}

fn times_right(g: &mut Graph, t: Term, m: NodeId) -> Term {
    match t {
        Term::Sandwich {
            scale,
            left,
            right,
            transposed,
            hadamard,
        } => Term::Sandwich {
            scale,
            left,
            right: Some(match right {
                Some(r) => g.matmul(r, m),
                None => m,
            }),
            transposed,
            hadamard,
        },
        Term::Outer { u, g: grad } => Term::Outer {
            u: g.matmul(u, m),
            g: grad,
        },
    }
}

fn transposed(g: &mut Graph, t: Term) -> Term {
    match t {
        Term::Sandwich {
            scale,
            left,
            right,
            transposed,
            hadamard,
        } => Term::Sandwich {
            scale,
            left: right.map(|r| g.transpose(r)),
            right: left.map(|l| g.transpose(l)),
            transposed: !transposed,
            hadamard,
        },
        Term::Outer { u, g: grad } => Term::Outer {
            u: g.transpose(u),
            g: grad,
        },
    }
}

/// `w o t(V)`; only representable when `t` has no multiplications.
fn hadamard(g: &mut Graph, w: NodeId, t: Term) -> Option<Term> {
    match t {
        Term::Sandwich {
            scale,
            left: None,
            right: None,
            transposed,
            hadamard,
        } => {
            // w o (D o V)^T = (w^T o D o V)^T
            let w = if transposed { g.transpose(w) } else { w };
            let d = match hadamard {
                Some(d) => g.cmul(w, d),
                None => w,
            };
            Some(Term::Sandwich {
                scale,
                left: None,
                right: None,
                transposed,
                hadamard: Some(d),
            })
        }
        Term::Sandwich { .. } => None,
        Term::Outer { u, g: grad } => Some(Term::Outer {
            u: g.cmul(w, u),
            g: grad,
        }),
    }
}

/// Simplifies each part of a term.
fn tidy(g: &mut Graph, t: Term) -> Term {
    let mut s = |n: Option<NodeId>| n.map(|n| simplify(g, n));
    match t {
        Term::Sandwich {
            scale,
            left,
            right,
            transposed,
            hadamard,
        } => Term::Sandwich {
            scale: s(scale),
            left: s(left),
            right: s(right),
            transposed,
            hadamard: s(hadamard),
        },
        Term::Outer { u, g: grad } => Term::Outer {
            u: simplify(g, u),
            g: simplify(g, grad),
        },
    }
}

/// Merges terms that differ only in their scalar factor, and outer terms
/// that share a side.
fn merge(g: &mut Graph, terms: Vec<Term>) -> Vec<Term> {
    let mut out: Vec<Term> = Vec::new();
    for t in terms {
        let mut merged = false;
        for o in out.iter_mut() {
            match (*o, t) {
                (
                    Term::Sandwich {
                        scale: s1,
                        left: l1,
                        right: r1,
                        transposed: t1,
                        hadamard: h1,
                    },
                    Term::Sandwich {
                        scale: s2,
                        left: l2,
                        right: r2,
                        transposed: t2,
                        hadamard: h2,
                    },
                ) if (l1, r1, t1, h1) == (l2, r2, t2, h2) => {
                    let one = g.constant_node(1.0);
                    let (a, b) = (s1.unwrap_or(one), s2.unwrap_or(one));
                    let sum = g.add(a, b);
                    let sum = simplify(g, sum);
                    *o = Term::Sandwich {
                        scale: Some(sum),
                        left: l1,
                        right: r1,
                        transposed: t1,
                        hadamard: h1,
                    };
                    merged = true;
                }
                (Term::Outer { u: u1, g: g1 }, Term::Outer { u: u2, g: g2 }) if u1 == u2 => {
                    let sum = g.add(g1, g2);
                    *o = Term::Outer {
                        u: u1,
                        g: simplify(g, sum),
                    };
                    merged = true;
                }
                (Term::Outer { u: u1, g: g1 }, Term::Outer { u: u2, g: g2 }) if g1 == g2 => {
                    let sum = g.add(u1, u2);
                    *o = Term::Outer {
                        u: simplify(g, sum),
                        g: g1,
                    };
                    merged = true;
                }
                _ => {}
            }
            if merged {
                break;
            }
        }
        if !merged {
            out.push(t);
        }
    }
    out.retain(|t| match *t {
        Term::Sandwich { scale, .. } => !scale.is_some_and(|s| g.is_zero(s)),
        Term::Outer { u, g: grad } => !g.is_zero(u) && !g.is_zero(grad),
    });
    out
}
