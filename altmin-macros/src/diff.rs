//! Symbolic differentiation on the graph.
//!
//! Gradients come from reverse mode: adjoints flow from the objective to
//! the leaves through the rules of matrix calculus (`C = A B` sends `G B^T`
//! to `A` and `A^T G` to `B`, and so on). Hessian-vector products come from
//! forward mode applied to a gradient expression: the directional
//! derivative of `grad_x` along a direction `v` is `Hxx v` when `v` moves
//! `x`, and `Hyx^T v = Hxy v` when `v` moves `y`. Both produce ordinary
//! graph nodes, which `simplify` then tidies.

use std::collections::{BTreeMap, HashMap};

use crate::ir::{Blk, Deps, Func, Graph, NodeId, Op};

/// The gradient of the scalar `root` with respect to block `b`.
pub fn gradient(g: &mut Graph, root: NodeId, b: Blk) -> NodeId {
    let param = g.param(b.index());
    gradient_wrt(g, root, param)
}

/// The gradient of the scalar `root` with respect to a leaf: a block or a
/// direction.
pub fn gradient_wrt(g: &mut Graph, root: NodeId, leaf: NodeId) -> NodeId {
    let mut memo = HashMap::new();
    let seed = g.constant_node(1.0);
    let active = g.deps(leaf);
    let adjoints = backprop(g, root, seed, active, false, &mut memo);
    match adjoints.get(&leaf) {
        Some(&a) => a,
        None => g.zero_like(leaf),
    }
}

/// The derivative of `root` along the direction leaf of `along`, moving
/// the block `wrt`; `None` when `root` does not depend on that block.
pub fn directional(g: &mut Graph, root: NodeId, wrt: Blk, along: NodeId) -> Option<NodeId> {
    Tangents {
        wrt: Deps::block(wrt),
        leaf: g.param(wrt.index()),
        along,
        memo: HashMap::new(),
        partials: HashMap::new(),
    }
    .of(g, root)
}

/// The partial derivatives of a `map` body: with respect to its element
/// variable, and with respect to each value it captures from outside.
#[derive(Clone)]
struct Partials {
    elem: NodeId,
    captured: Vec<(NodeId, NodeId)>,
}

type PartialsMemo = HashMap<(NodeId, u8), Partials>;

fn partials(g: &mut Graph, body: NodeId, depth: u8, memo: &mut PartialsMemo) -> Partials {
    if let Some(p) = memo.get(&(body, depth)) {
        return p.clone();
    }
    let seed = g.constant_node(1.0);
    let adjoints = backprop(g, body, seed, Deps::elem(depth), true, memo);
    let elem_leaf = g.elem(depth);
    let elem = match adjoints.get(&elem_leaf) {
        Some(&a) => a,
        None => g.constant_node(0.0),
    };
    let captured = adjoints
        .into_iter()
        .filter(|&(n, _)| !g.deps(n).has(Deps::elem(depth)) && !g.deps(n).is_empty())
        .collect();
    let p = Partials { elem, captured };
    memo.insert((body, depth), p.clone());
    p
}

/// Reverse-mode adjoints of `root` seeded with `seed`, propagated through
/// the nodes that depend on `active`. With `frontier`, adjoints are also
/// reported for the inactive operands where propagation stops.
fn backprop(
    g: &mut Graph,
    root: NodeId,
    seed: NodeId,
    active: Deps,
    frontier: bool,
    memo: &mut PartialsMemo,
) -> BTreeMap<NodeId, NodeId> {
    let mut pending: BTreeMap<NodeId, Vec<NodeId>> = BTreeMap::new();
    let mut done = BTreeMap::new();
    pending.insert(root, vec![seed]);

    while let Some((n, parts)) = pending.pop_last() {
        let mut adj = parts[0];
        for &p in &parts[1..] {
            adj = g.add(adj, p);
        }
        done.insert(n, adj);
        if !g.deps(n).has(active) {
            continue;
        }
        let mut send = |g: &Graph, to: NodeId, value: NodeId| {
            if (frontier || g.deps(to).has(active)) && !g.is_zero(value) {
                pending.entry(to).or_default().push(value);
            }
        };
        match g.op(n) {
            Op::Const(_)
            | Op::Param(_)
            | Op::Dir(_)
            | Op::Elem(_)
            | Op::Zero
            | Op::Identity
            | Op::Ones
            | Op::Unit(..) => {}
            Op::Add(a, b) => {
                send(g, a, adj);
                send(g, b, adj);
            }
            Op::Sub(a, b) => {
                send(g, a, adj);
                let m = g.neg(adj);
                send(g, b, m);
            }
            Op::Neg(a) => {
                let m = g.neg(adj);
                send(g, a, m);
            }
            Op::Scale(s, a) => {
                let to_a = g.scale(s, adj);
                let to_s = g.dot(adj, a);
                send(g, a, to_a);
                send(g, s, to_s);
            }
            Op::Div(a, s) => {
                // d(a/s) = da/s - (a/s) ds/s
                let to_a = g.div(adj, s);
                let d = g.dot(adj, n);
                let q = g.div(d, s);
                let to_s = g.neg(q);
                send(g, a, to_a);
                send(g, s, to_s);
            }
            Op::MatMul(a, b) => {
                let bt = g.transpose(b);
                let to_a = g.matmul(adj, bt);
                let at = g.transpose(a);
                let to_b = g.matmul(at, adj);
                send(g, a, to_a);
                send(g, b, to_b);
            }
            Op::Transpose(a) => {
                let t = g.transpose(adj);
                send(g, a, t);
            }
            Op::CMul(a, b) => {
                let to_a = g.cmul(adj, b);
                let to_b = g.cmul(adj, a);
                send(g, a, to_a);
                send(g, b, to_b);
            }
            Op::Map(a, body, depth) => {
                let p = partials(g, body, depth, memo);
                let de = g.map(a, p.elem, depth);
                let to_a = g.cmul(adj, de);
                send(g, a, to_a);
                for (c, pc) in p.captured {
                    if g.deps(c).has(active) || frontier {
                        let m = g.map(a, pc, depth);
                        let to_c = g.dot(adj, m);
                        send(g, c, to_c);
                    }
                }
            }
            Op::Func(f, a) => {
                let d = func_derivative(g, f, a, n);
                let to_a = g.scale(adj, d);
                send(g, a, to_a);
            }
            Op::NormSq(a) => {
                let two = g.constant_node(2.0);
                let s = g.scale(two, adj);
                let to_a = g.scale(s, a);
                send(g, a, to_a);
            }
            Op::Norm(a) => {
                let s = g.div(adj, n);
                let to_a = g.scale(s, a);
                send(g, a, to_a);
            }
            Op::Dot(a, b) => {
                let to_a = g.scale(adj, b);
                let to_b = g.scale(adj, a);
                send(g, a, to_a);
                send(g, b, to_b);
            }
            Op::Sum(a) => {
                let ones = g.ones(g.shape(a));
                let to_a = g.scale(adj, ones);
                send(g, a, to_a);
            }
            Op::Trace(a) => {
                let eye = g.identity(g.shape(a));
                let to_a = g.scale(adj, eye);
                send(g, a, to_a);
            }
            Op::Index(a, i, j) => {
                let unit = g.unit(g.shape(a), i, j);
                let to_a = g.scale(adj, unit);
                send(g, a, to_a);
            }
        }
    }
    done
}

/// `f'(a)` for a scalar function, written with `n = f(a)` where that is
/// shorter.
fn func_derivative(g: &mut Graph, f: Func, a: NodeId, n: NodeId) -> NodeId {
    match f {
        Func::Exp => n,
        Func::Ln => {
            let one = g.constant_node(1.0);
            g.div(one, a)
        }
        Func::Sqrt => {
            let half = g.constant_node(0.5);
            g.div(half, n)
        }
        Func::Sin => g.func(Func::Cos, a),
        Func::Cos => {
            let s = g.func(Func::Sin, a);
            g.neg(s)
        }
        Func::Tanh => {
            let one = g.constant_node(1.0);
            let sq = g.func(Func::Powi(2), n);
            g.sub(one, sq)
        }
        Func::Ln1p => {
            let one = g.constant_node(1.0);
            let d = g.add(one, a);
            g.div(one, d)
        }
        Func::Powi(k) => {
            let c = g.constant_node(f64::from(k));
            // k - 1 cannot overflow: exponents come from `i32` literals
            // parsed as magnitudes, so `i32::MIN` never occurs.
            let p = g.func(Func::Powi(k.saturating_sub(1)), a);
            g.scale(c, p)
        }
    }
}

/// Forward mode: the tangent of each node along one direction.
struct Tangents {
    wrt: Deps,
    leaf: NodeId,
    along: NodeId,
    memo: HashMap<NodeId, Option<NodeId>>,
    partials: PartialsMemo,
}

impl Tangents {
    fn of(&mut self, g: &mut Graph, root: NodeId) -> Option<NodeId> {
        // Visit the nodes the root depends on in increasing order, so every
        // operand's tangent is known before its users'.
        let mut order = Vec::new();
        let mut stack = vec![root];
        let mut seen = std::collections::HashSet::new();
        while let Some(n) = stack.pop() {
            if !g.deps(n).has(self.wrt) || !seen.insert(n) {
                continue;
            }
            order.push(n);
            stack.extend(g.op(n).operands().iter());
        }
        order.sort();
        for n in order {
            let t = self.rule(g, n);
            self.memo.insert(n, t.filter(|&t| !g.is_zero(t)));
        }
        self.memo.get(&root).copied().flatten()
    }

    fn t(&self, n: NodeId) -> Option<NodeId> {
        self.memo.get(&n).copied().flatten()
    }

    fn rule(&mut self, g: &mut Graph, n: NodeId) -> Option<NodeId> {
        let sum = |g: &mut Graph, a: Option<NodeId>, b: Option<NodeId>| match (a, b) {
            (Some(a), Some(b)) => Some(g.add(a, b)),
            (a, None) => a,
            (None, b) => b,
        };
        match g.op(n) {
            Op::Param(_) => (n == self.leaf).then_some(self.along),
            Op::Const(_)
            | Op::Dir(_)
            | Op::Elem(_)
            | Op::Zero
            | Op::Identity
            | Op::Ones
            | Op::Unit(..) => None,
            Op::Add(a, b) => sum(g, self.t(a), self.t(b)),
            Op::Sub(a, b) => match (self.t(a), self.t(b)) {
                (Some(ta), Some(tb)) => Some(g.sub(ta, tb)),
                (Some(ta), None) => Some(ta),
                (None, Some(tb)) => Some(g.neg(tb)),
                (None, None) => None,
            },
            Op::Neg(a) => self.t(a).map(|t| g.neg(t)),
            Op::Scale(s, a) => {
                let ts = self.t(s).map(|t| g.scale(t, a));
                let ta = self.t(a).map(|t| g.scale(s, t));
                sum(g, ts, ta)
            }
            Op::Div(a, s) => {
                let ta = self.t(a).map(|t| g.div(t, s));
                let ts = self.t(s).map(|t| {
                    let q = g.div(t, s);
                    let m = g.scale(q, n);
                    g.neg(m)
                });
                sum(g, ta, ts)
            }
            Op::MatMul(a, b) => {
                let ta = self.t(a).map(|t| g.matmul(t, b));
                let tb = self.t(b).map(|t| g.matmul(a, t));
                sum(g, ta, tb)
            }
            Op::Transpose(a) => self.t(a).map(|t| g.transpose(t)),
            Op::CMul(a, b) => {
                let ta = self.t(a).map(|t| g.cmul(t, b));
                let tb = self.t(b).map(|t| g.cmul(a, t));
                sum(g, ta, tb)
            }
            Op::Map(a, body, depth) => {
                let p = partials(g, body, depth, &mut self.partials);
                let mut out = self.t(a).map(|t| {
                    let de = g.map(a, p.elem, depth);
                    g.cmul(de, t)
                });
                for (c, pc) in p.captured {
                    if let Some(tc) = self.t(c) {
                        let m = g.map(a, pc, depth);
                        let term = g.scale(tc, m);
                        out = sum(g, out, Some(term));
                    }
                }
                out
            }
            Op::Func(f, a) => self.t(a).map(|t| {
                let d = func_derivative(g, f, a, n);
                g.scale(d, t)
            }),
            Op::NormSq(a) => self.t(a).map(|t| {
                let two = g.constant_node(2.0);
                let d = g.dot(a, t);
                g.scale(two, d)
            }),
            Op::Norm(a) => self.t(a).map(|t| {
                let d = g.dot(a, t);
                g.div(d, n)
            }),
            Op::Dot(a, b) => {
                let ta = self.t(a).map(|t| g.dot(t, b));
                let tb = self.t(b).map(|t| g.dot(a, t));
                sum(g, ta, tb)
            }
            Op::Sum(a) => self.t(a).map(|t| g.sum(t)),
            Op::Trace(a) => self.t(a).map(|t| g.trace(t)),
            Op::Index(a, i, j) => self.t(a).map(|t| g.index(t, i, j)),
        }
    }
}
