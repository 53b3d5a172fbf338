//! Rewrites derived expressions into cheaper equivalent ones.
//!
//! Every node is rebuilt bottom-up through the graph's constructors, which
//! fold constants and drop trivial identities. On top of that:
//!
//! - sums are flattened and like terms collected (`a x + b x = (a + b) x`);
//! - products of matrices are re-parenthesized for the fewest operations
//!   (the matrix-chain order), and distributed over sums when that is
//!   cheaper: `(A - x y^T) y` becomes `A y - x (y^T y)`, so no outer
//!   product is ever formed;
//! - inner products with a product inside are moved to the cheaper side:
//!   `<u v^T, G> = <u, G v>`.
//!
//! Costs count floating-point operations with dimensions known only at run
//! time taken as large (see [`crate::shape::NOMINAL_SIZE`]).

use std::collections::{HashMap, HashSet};

use crate::ir::{Graph, NodeId, Op};
use crate::shape::Shape;

/// Simplifies the expression at `root`.
pub fn simplify(g: &mut Graph, root: NodeId) -> NodeId {
    Simplifier::default().run(g, root)
}

/// Simplifies the expression at `root` with the node `leaf` replaced by
/// `with`.
pub fn substitute(g: &mut Graph, root: NodeId, leaf: NodeId, with: NodeId) -> NodeId {
    let mut s = Simplifier::default();
    s.memo.insert(leaf, with);
    s.run(g, root)
}

#[derive(Default)]
struct Simplifier {
    memo: HashMap<NodeId, NodeId>,
    /// Sums used only inside other sums: their terms are collected once,
    /// at the top of the chain, rather than at every link.
    interior: HashSet<NodeId>,
}

/// Products with more factors than this are left in their given order.
const MAX_CHAIN: usize = 12;
/// Sums with more terms than this are not distributed over.
const MAX_DISTRIBUTED_TERMS: usize = 8;

impl Simplifier {
    fn run(&mut self, g: &mut Graph, root: NodeId) -> NodeId {
        let mut order = reachable(g, root);
        order.sort();
        let mut outside_sums = HashSet::new();
        for &n in &order {
            let in_sum = matches!(g.op(n), Op::Add(..) | Op::Sub(..) | Op::Neg(_));
            for o in g.op(n).operands().iter() {
                if !in_sum {
                    outside_sums.insert(o);
                }
            }
        }
        self.interior = order
            .iter()
            .copied()
            .filter(|&n| n != root && is_sum(g, n) && !outside_sums.contains(&n))
            .collect();
        for n in order {
            if !self.memo.contains_key(&n) {
                let s = self.node(g, n);
                self.memo.insert(n, s);
            }
        }
        self.get(root)
    }

    fn get(&self, n: NodeId) -> NodeId {
        self.memo.get(&n).copied().unwrap_or(n)
    }

    /// The simplified form of `n`, its operands being simplified already.
    fn node(&mut self, g: &mut Graph, n: NodeId) -> NodeId {
        let span = g.node(n).span;
        g.span = span;
        let rebuilt = match g.op(n) {
            Op::Const(_)
            | Op::Param(_)
            | Op::Dir(_)
            | Op::Elem(_)
            | Op::Zero
            | Op::Identity
            | Op::Ones
            | Op::Unit(..) => return n,
            Op::Add(a, b) => {
                let (a, b) = (self.get(a), self.get(b));
                g.add(a, b)
            }
            Op::Sub(a, b) => {
                let (a, b) = (self.get(a), self.get(b));
                g.sub(a, b)
            }
            Op::Neg(a) => {
                let a = self.get(a);
                g.neg(a)
            }
            Op::Scale(s, a) => {
                let (s, a) = (self.get(s), self.get(a));
                g.scale(s, a)
            }
            Op::Div(a, s) => {
                let (a, s) = (self.get(a), self.get(s));
                g.div(a, s)
            }
            Op::MatMul(a, b) => {
                let (a, b) = (self.get(a), self.get(b));
                let p = g.matmul(a, b);
                return best_product(g, p, 0);
            }
            Op::Transpose(a) => {
                let a = self.get(a);
                g.transpose(a)
            }
            Op::CMul(a, b) => {
                let (a, b) = (self.get(a), self.get(b));
                g.cmul(a, b)
            }
            Op::Map(a, body, depth) => {
                let (a, body) = (self.get(a), self.get(body));
                g.map(a, body, depth)
            }
            Op::Func(f, a) => {
                let a = self.get(a);
                g.func(f, a)
            }
            Op::NormSq(a) => {
                let a = self.get(a);
                g.norm_sq(a)
            }
            Op::Norm(a) => {
                let a = self.get(a);
                g.norm(a)
            }
            Op::Dot(a, b) => {
                let (a, b) = (self.get(a), self.get(b));
                let d = g.dot(a, b);
                return best_dot(g, d);
            }
            Op::Sum(a) => {
                let a = self.get(a);
                g.sum(a)
            }
            Op::Trace(a) => {
                let a = self.get(a);
                g.trace(a)
            }
            Op::Index(a, i, j) => {
                let a = self.get(a);
                g.index(a, i, j)
            }
        };
        if is_sum(g, rebuilt) && !self.interior.contains(&n) {
            collect_terms(g, rebuilt)
        } else {
            rebuilt
        }
    }
}

/// The nodes `root` depends on, itself included.
fn reachable(g: &Graph, root: NodeId) -> Vec<NodeId> {
    let mut seen = HashSet::new();
    let mut stack = vec![root];
    let mut out = Vec::new();
    while let Some(n) = stack.pop() {
        if seen.insert(n) {
            out.push(n);
            stack.extend(g.op(n).operands().iter());
        }
    }
    out
}

/// Estimated floating-point operations to evaluate the expressions at
/// `roots`, each distinct node counted once.
pub fn cost(g: &Graph, roots: &[NodeId]) -> f64 {
    let mut seen = HashSet::new();
    let mut stack = roots.to_vec();
    let mut total = 0.0;
    while let Some(n) = stack.pop() {
        if !seen.insert(n) {
            continue;
        }
        total += own_cost(g, n);
        stack.extend(g.op(n).operands().iter());
    }
    total
}

fn size(g: &Graph, n: NodeId) -> f64 {
    match g.shape(n) {
        Shape::Scalar => 1.0,
        Shape::Matrix(r, c) => g.dims.nominal(r) * g.dims.nominal(c),
    }
}

fn own_cost(g: &Graph, n: NodeId) -> f64 {
    match g.op(n) {
        Op::Const(_) | Op::Param(_) | Op::Dir(_) | Op::Elem(_) => 0.0,
        Op::MatMul(a, b) => {
            let (sa, sb) = (g.shape(a), g.shape(b));
            let inner = g.dims.nominal(sa.cols());
            let t = |x: NodeId| matches!(g.op(x), Op::Transpose(_));
            // A transposed left factor costs nothing extra (`tr_mul`).
            let copy = if t(b) { size(g, b) } else { 0.0 };
            g.dims.nominal(sa.rows()) * inner * g.dims.nominal(sb.cols()) + copy
        }
        Op::Transpose(a) => size(g, a),
        Op::Map(a, ..) => 10.0 * size(g, a),
        Op::Func(..) => 10.0,
        Op::Trace(a) => g.dims.nominal(g.shape(a).rows()),
        Op::Index(..) => 1.0,
        Op::NormSq(a) | Op::Norm(a) | Op::Sum(a) | Op::Dot(a, _) => size(g, a),
        _ => size(g, n),
    }
}

/// A term's sign (`true` for minus) and scalar factor (`None` for one).
type Coefficient = (bool, Option<NodeId>);

/// Collects like terms of the sum at `n`: terms with the same matrix part
/// have their scalar coefficients added.
fn collect_terms(g: &mut Graph, n: NodeId) -> NodeId {
    let mut terms = Vec::new();
    flatten_sum(g, n, None, false, &mut terms);
    if terms.len() < 2 {
        return n;
    }

    // Group by the non-scalar part, keeping the order of first appearance.
    let mut groups: Vec<(NodeId, Vec<Coefficient>)> = Vec::new();
    let mut index: HashMap<NodeId, usize> = HashMap::new();
    for (negative, coef, base) in terms {
        match index.get(&base) {
            Some(&i) => groups[i].1.push((negative, coef)),
            None => {
                index.insert(base, groups.len());
                groups.push((base, vec![(negative, coef)]));
            }
        }
    }
    let mut out: Option<NodeId> = None;
    for (base, coefs) in groups {
        let (negative, term) = combine(g, base, &coefs);
        out = Some(match (out, negative) {
            (None, false) => term,
            (None, true) => g.neg(term),
            (Some(acc), false) => g.add(acc, term),
            (Some(acc), true) => g.sub(acc, term),
        });
    }
    out.unwrap_or(n)
}

/// One term `±coef * base` from a group; returns the sign separately so
/// the sum can subtract instead of negating.
fn combine(g: &mut Graph, base: NodeId, coefs: &[Coefficient]) -> (bool, NodeId) {
    if let [(negative, coef)] = coefs {
        let term = match coef {
            Some(c) => g.scale(*c, base),
            None => base,
        };
        return (*negative, term);
    }
    let mut total: Option<NodeId> = None;
    for &(negative, coef) in coefs {
        let c = coef.unwrap_or_else(|| g.constant_node(1.0));
        total = Some(match (total, negative) {
            (None, false) => c,
            (None, true) => g.neg(c),
            (Some(t), false) => g.add(t, c),
            (Some(t), true) => g.sub(t, c),
        });
    }
    let mut total = total.unwrap_or_else(|| g.constant_node(0.0));
    if is_sum(g, total) {
        total = collect_terms(g, total);
    }
    if let Some(c) = g.constant(total)
        && c < 0.0
    {
        let pos = g.constant_node(-c);
        return (true, g.scale(pos, base));
    }
    if let Op::Neg(inner) = g.op(total) {
        return (true, g.scale(inner, base));
    }
    (false, g.scale(total, base))
}

/// Splits a sum into signed terms `(negative, coefficient, base)`, with an
/// explicit stack so that long sums cost no recursion.
fn flatten_sum(
    g: &mut Graph,
    n: NodeId,
    coef: Option<NodeId>,
    negative: bool,
    out: &mut Vec<(bool, Option<NodeId>, NodeId)>,
) {
    // Right operands are pushed first, so terms come out left to right.
    let mut stack = vec![(n, coef, negative)];
    while let Some((n, coef, negative)) = stack.pop() {
        match g.op(n) {
            Op::Add(a, b) => {
                stack.push((b, coef, negative));
                stack.push((a, coef, negative));
            }
            Op::Sub(a, b) => {
                stack.push((b, coef, !negative));
                stack.push((a, coef, negative));
            }
            Op::Neg(a) => stack.push((a, coef, !negative)),
            Op::Scale(s, a) if !g.is_scalar(a) && !is_sum(g, a) => {
                let c = match coef {
                    Some(c) => g.scale(c, s),
                    None => s,
                };
                stack.push((a, Some(c), negative));
            }
            Op::Scale(s, a) if g.is_scalar(a) && g.constant(s).is_some() => {
                let c = match coef {
                    Some(c) => g.scale(c, s),
                    None => s,
                };
                stack.push((a, Some(c), negative));
            }
            _ => out.push((negative, coef, n)),
        }
    }
}

fn is_sum(g: &Graph, n: NodeId) -> bool {
    matches!(g.op(n), Op::Add(..) | Op::Sub(..))
}

/// The cheapest equivalent of the product at `p`: its factors in the best
/// order, distributed over a sum among them when that is cheaper.
fn best_product(g: &mut Graph, p: NodeId, depth: usize) -> NodeId {
    let (coef, factors) = match split_product(g, p) {
        Some(x) => x,
        None => return p,
    };
    if factors.len() > MAX_CHAIN {
        return p;
    }
    let chain = ordered_chain(g, &factors);
    let mut best = chain;
    let mut best_cost = cost(g, &[chain]);

    if depth < 3 {
        for (i, &f) in factors.iter().enumerate() {
            // A sum, or the transpose of one: (A + B)^T = A^T + B^T.
            let (sum, transposed) = match g.op(f) {
                Op::Transpose(inner) if is_sum(g, inner) => (inner, true),
                _ if is_sum(g, f) => (f, false),
                _ => continue,
            };
            let mut terms = Vec::new();
            flatten_sum(g, sum, None, false, &mut terms);
            if transposed {
                for t in &mut terms {
                    t.2 = g.transpose(t.2);
                }
            }
            if terms.len() > MAX_DISTRIBUTED_TERMS {
                continue;
            }
            let mut total: Option<NodeId> = None;
            for (negative, c, base) in terms {
                let mut fs = factors.clone();
                fs[i] = match c {
                    Some(c) => g.scale(c, base),
                    None => base,
                };
                let product = build_left(g, &fs);
                let product = best_product(g, product, depth + 1);
                total = Some(match (total, negative) {
                    (None, false) => product,
                    (None, true) => g.neg(product),
                    (Some(t), false) => g.add(t, product),
                    (Some(t), true) => g.sub(t, product),
                });
            }
            if let Some(t) = total {
                let t = collect_terms(g, t);
                let c = cost(g, &[t]);
                if c < best_cost {
                    best = t;
                    best_cost = c;
                }
            }
        }
    }
    match coef {
        Some(c) => g.scale(c, best),
        None => best,
    }
}

/// The scalar coefficient and the matrix factors of a product, or `None`
/// when `p` is not a product.
fn split_product(g: &Graph, p: NodeId) -> Option<(Option<NodeId>, Vec<NodeId>)> {
    let (coef, inner) = match g.op(p) {
        Op::Scale(s, a) if !g.is_scalar(a) => (Some(s), a),
        _ => (None, p),
    };
    if !matches!(g.op(inner), Op::MatMul(..)) {
        return None;
    }
    let mut factors = Vec::new();
    let mut stack = vec![inner];
    while let Some(n) = stack.pop() {
        match g.op(n) {
            Op::MatMul(a, b) => {
                stack.push(b);
                stack.push(a);
            }
            _ => factors.push(n),
        }
    }
    Some((coef, factors))
}

fn build_left(g: &mut Graph, factors: &[NodeId]) -> NodeId {
    let mut acc = factors[0];
    for &f in &factors[1..] {
        acc = g.matmul(acc, f);
    }
    acc
}

/// The product of `factors` parenthesized by the matrix-chain order.
fn ordered_chain(g: &mut Graph, factors: &[NodeId]) -> NodeId {
    let k = factors.len();
    if k == 1 {
        return factors[0];
    }
    // dims[i] x dims[i + 1] is the shape of factor i.
    let mut dims = Vec::with_capacity(k + 1);
    dims.push(g.dims.nominal(g.shape(factors[0]).rows()));
    for &f in factors {
        dims.push(g.dims.nominal(g.shape(f).cols()));
    }
    let mut best = vec![vec![0.0_f64; k]; k];
    let mut split = vec![vec![0_usize; k]; k];
    for len in 2..=k {
        for i in 0..=k - len {
            let j = i + len - 1;
            best[i][j] = f64::INFINITY;
            for s in i..j {
                let c = best[i][s] + best[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1];
                if c < best[i][j] {
                    best[i][j] = c;
                    split[i][j] = s;
                }
            }
        }
    }
    build_split(g, factors, &split, 0, k - 1)
}

fn build_split(
    g: &mut Graph,
    factors: &[NodeId],
    split: &[Vec<usize>],
    i: usize,
    j: usize,
) -> NodeId {
    if i == j {
        return factors[i];
    }
    let s = split[i][j];
    let left = build_split(g, factors, split, i, s);
    let right = build_split(g, factors, split, s + 1, j);
    g.matmul(left, right)
}

/// The cheapest of `<A B, Q>`, `<A, Q B^T>` and `<B, A^T Q>` for an inner
/// product with a product on one side.
fn best_dot(g: &mut Graph, d: NodeId) -> NodeId {
    let Op::Dot(u, v) = g.op(d) else {
        return d;
    };
    let mut best = d;
    let mut best_cost = cost(g, &[d]);
    for (p, q) in [(u, v), (v, u)] {
        let Op::MatMul(a, b) = g.op(p) else {
            continue;
        };
        let bt = g.transpose(b);
        let qbt = g.matmul(q, bt);
        let qbt = best_product(g, qbt, 1);
        let at = g.transpose(a);
        let atq = g.matmul(at, q);
        let atq = best_product(g, atq, 1);
        for candidate in [g.dot(a, qbt), g.dot(b, atq)] {
            let c = cost(g, &[candidate]);
            if c < best_cost {
                best = candidate;
                best_cost = c;
            }
        }
    }
    best
}
