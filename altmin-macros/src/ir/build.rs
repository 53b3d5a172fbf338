//! The arithmetic constructors of [`Graph`]: each builds its operation in
//! canonical form, folding constants, removing trivial identities and
//! collecting scalar factors, so that equal expressions meet as one node.

use super::{Deps, Func, Graph, MAX_EXPONENT, NodeId, Op};
use crate::shape::{Shape, TyShape};

impl Graph {
    pub fn add(&mut self, a: NodeId, b: NodeId) -> NodeId {
        if self.is_zero(a) {
            return b;
        }
        if self.is_zero(b) {
            return a;
        }
        if let (Some(u), Some(v)) = (self.constant(a), self.constant(b)) {
            return self.constant_node(u + v);
        }
        if let Some(bn) = self.negated(b) {
            return self.sub(a, bn);
        }
        if let Some(an) = self.negated(a) {
            return self.sub(b, an);
        }
        let ty = self.ty(a).same_shape(self.ty(b));
        self.intern(Op::Add(a, b), self.shape(a), ty)
    }

    /// `-a`, when `a` is a negation, a negative constant or a multiple by
    /// one of these, so that `u + a` is better built as `u - (-a)`.
    fn negated(&mut self, a: NodeId) -> Option<NodeId> {
        match self.op(a) {
            Op::Neg(inner) => Some(inner),
            Op::Const(c) if c.0 < 0.0 => Some(self.constant_node(-c.0)),
            Op::Scale(s, m) => {
                let minus_s = self.negated(s)?;
                Some(self.scale(minus_s, m))
            }
            _ => None,
        }
    }

    pub fn sub(&mut self, a: NodeId, b: NodeId) -> NodeId {
        if a == b {
            let ty = self.ty(a);
            let shape = self.shape(a);
            return self.zero_typed(shape, ty);
        }
        if self.is_zero(b) {
            return a;
        }
        if self.is_zero(a) {
            return self.neg(b);
        }
        if let (Some(u), Some(v)) = (self.constant(a), self.constant(b)) {
            return self.constant_node(u - v);
        }
        if let Some(bn) = self.negated(b) {
            return self.add(a, bn);
        }
        let ty = self.ty(a).same_shape(self.ty(b));
        self.intern(Op::Sub(a, b), self.shape(a), ty)
    }

    pub fn neg(&mut self, a: NodeId) -> NodeId {
        if let Some(minus_a) = self.negated(a) {
            return minus_a;
        }
        match self.op(a) {
            Op::Const(c) => self.constant_node(-c.0),
            Op::Zero => a,
            Op::Sub(u, v) => self.sub(v, u),
            Op::Scale(s, m) if self.constant(s).is_some() => {
                let c = self.constant_node(-self.constant(s).unwrap_or(0.0));
                self.scale(c, m)
            }
            _ => self.intern(Op::Neg(a), self.shape(a), self.ty(a)),
        }
    }

    /// Scalar `s` times `a` (a scalar, vector or matrix).
    pub fn scale(&mut self, s: NodeId, a: NodeId) -> NodeId {
        debug_assert!(self.is_scalar(s));
        if self.is_scalar(a) {
            return self.product(&[s, a]);
        }
        if self.is_zero(s) || self.is_zero(a) {
            return self.zero_like(a);
        }
        if self.is_one(s) {
            return a;
        }
        if self.is_scalar(a) && self.is_one(a) {
            return s;
        }
        if let (Some(u), Some(v)) = (self.constant(s), self.constant(a)) {
            return self.constant_node(u * v);
        }
        if self.constant(s) == Some(-1.0) {
            return self.neg(a);
        }
        if let Op::Neg(sn) = self.op(s) {
            let inner = self.scale(sn, a);
            return self.neg(inner);
        }
        if let Op::Neg(an) = self.op(a) {
            let inner = self.scale(s, an);
            return self.neg(inner);
        }
        if let Some(c) = self.constant(s)
            && let Op::Div(m, d) = self.op(a)
            && let Some(d) = self.constant(d).filter(|&d| d != 0.0)
        {
            let cd = self.constant_node(c / d);
            return self.scale(cd, m);
        }
        if let Some(c) = self.constant(s)
            && let Op::Scale(t, m) = self.op(a)
        {
            if let Some(d) = self.constant(t) {
                let cd = self.constant_node(c * d);
                return self.scale(cd, m);
            }
            // c (t m) = (c t) m keeps constants next to scalars.
            let ct = self.scale(s, t);
            return self.scale(ct, m);
        }
        if let Op::Scale(t, m) = self.op(a)
            && (self.constant(t).is_some() || !self.is_scalar(m))
        {
            // s (t m) = (s t) m: one pass over the matrix instead of two.
            let st = self.scale(s, t);
            return self.scale(st, m);
        }
        if let Op::Div(num, den) = self.op(s)
            && self.is_one(num)
        {
            return self.div(a, den);
        }
        self.intern(Op::Scale(s, a), self.shape(a), self.ty(a))
    }

    /// The product of scalars in canonical form: the constant factor first,
    /// the other factors in node order, so equal products are one node.
    fn product(&mut self, factors: &[NodeId]) -> NodeId {
        let mut c = 1.0;
        let mut rest = Vec::new();
        let mut stack = factors.to_vec();
        while let Some(f) = stack.pop() {
            match self.op(f) {
                Op::Const(v) => c *= v.0,
                Op::Neg(inner) => {
                    c = -c;
                    stack.push(inner);
                }
                Op::Scale(p, q) if self.is_scalar(q) => {
                    stack.push(p);
                    stack.push(q);
                }
                // A constant divisor joins the constant factor:
                // 2 (lambda / 2) = lambda.
                Op::Div(p, q) if self.constant(q).is_some_and(|d| d != 0.0) => {
                    c /= self.constant(q).unwrap_or(1.0);
                    stack.push(p);
                }
                _ => rest.push(f),
            }
        }
        if c == 0.0 {
            return self.constant_node(0.0);
        }
        // Equal factors become powers: x x^2 = x^3.
        let mut powers: std::collections::BTreeMap<NodeId, i32> = std::collections::BTreeMap::new();
        let mut kept = Vec::new();
        for f in rest {
            let (base, k) = match self.op(f) {
                Op::Func(Func::Powi(k), base) => (base, k),
                _ => (f, 1),
            };
            let entry = powers.entry(base).or_default();
            match entry.checked_add(k).filter(|s| s.abs() <= MAX_EXPONENT) {
                Some(sum) => *entry = sum,
                // Exponents this large are kept as separate factors.
                None => kept.push(f),
            }
        }
        let mut factors = Vec::new();
        for (base, k) in powers {
            match k {
                0 => {}
                1 => factors.push(base),
                k => factors.push(self.intern(
                    Op::Func(Func::Powi(k), base),
                    Shape::Scalar,
                    TyShape::Scalar,
                )),
            }
        }
        factors.extend(kept);
        factors.sort();
        let Some((&first, others)) = factors.split_first() else {
            return self.constant_node(c);
        };
        let mut acc = first;
        for &f in others {
            acc = self.intern(Op::Scale(acc, f), Shape::Scalar, TyShape::Scalar);
        }
        if c == 1.0 {
            acc
        } else if c == -1.0 {
            self.intern(Op::Neg(acc), Shape::Scalar, TyShape::Scalar)
        } else {
            let k = self.constant_node(c);
            self.intern(Op::Scale(k, acc), Shape::Scalar, TyShape::Scalar)
        }
    }

    /// `a / s` for a scalar `s`.
    pub fn div(&mut self, a: NodeId, s: NodeId) -> NodeId {
        if self.is_one(s) || self.is_zero(a) {
            return a;
        }
        if let (Some(u), Some(v)) = (self.constant(a), self.constant(s))
            && v != 0.0
        {
            return self.constant_node(u / v);
        }
        if let Op::Neg(an) = self.op(a) {
            let inner = self.div(an, s);
            return self.neg(inner);
        }
        self.intern(Op::Div(a, s), self.shape(a), self.ty(a))
    }

    /// The matrix product, with 1 by 1 factors turned into scalars and
    /// identities and scalar factors pulled out.
    pub fn matmul(&mut self, a: NodeId, b: NodeId) -> NodeId {
        let shape = Shape::Matrix(self.shape(a).rows(), self.shape(b).cols());
        if self.is_zero(a) || self.is_zero(b) {
            return self.zero(shape);
        }
        if matches!(self.op(a), Op::Identity) {
            return b;
        }
        if matches!(self.op(b), Op::Identity) {
            return a;
        }
        if let Op::Neg(an) = self.op(a) {
            let p = self.matmul(an, b);
            return self.neg(p);
        }
        if let Op::Neg(bn) = self.op(b) {
            let p = self.matmul(a, bn);
            return self.neg(p);
        }
        if let Op::Scale(s, an) = self.op(a) {
            let p = self.matmul(an, b);
            return self.scale(s, p);
        }
        if let Op::Scale(s, bn) = self.op(b) {
            let p = self.matmul(a, bn);
            return self.scale(s, p);
        }
        if let Op::Div(an, s) = self.op(a) {
            let p = self.matmul(an, b);
            return self.div(p, s);
        }
        if let Op::Div(bn, s) = self.op(b) {
            let p = self.matmul(a, bn);
            return self.div(p, s);
        }
        // A 1 by 1 factor next to a vector is a scalar factor.
        if self.is_one_by_one(b) && self.cols_are(a, 1) {
            let s = self.index(b, 0, 0);
            return self.scale(s, a);
        }
        if self.is_one_by_one(a) && self.rows_are(b, 1) {
            let s = self.index(a, 0, 0);
            return self.scale(s, b);
        }
        let ty = self.ty(a).matmul(self.ty(b));
        self.intern(Op::MatMul(a, b), shape, ty)
    }

    pub fn transpose(&mut self, a: NodeId) -> NodeId {
        let shape = self.shape(a).transposed();
        let ty = self.ty(a).transposed();
        match self.op(a) {
            Op::Transpose(inner) => inner,
            Op::Zero => self.zero_typed(shape, ty),
            Op::Identity => a,
            Op::Ones => self.intern(Op::Ones, shape, ty),
            Op::Unit(i, j) => self.intern(Op::Unit(j, i), shape, ty),
            Op::Neg(inner) => {
                let t = self.transpose(inner);
                self.neg(t)
            }
            Op::Scale(s, inner) => {
                let t = self.transpose(inner);
                self.scale(s, t)
            }
            Op::Div(inner, s) => {
                let t = self.transpose(inner);
                self.div(t, s)
            }
            Op::MatMul(u, v) => {
                let (ut, vt) = (self.transpose(u), self.transpose(v));
                self.matmul(vt, ut)
            }
            _ if self.is_one_by_one(a) => a,
            _ => self.intern(Op::Transpose(a), shape, ty),
        }
    }

    pub fn cmul(&mut self, a: NodeId, b: NodeId) -> NodeId {
        if self.is_zero(a) || self.is_zero(b) {
            return self.zero_like(a);
        }
        if matches!(self.op(a), Op::Ones) {
            return b;
        }
        if matches!(self.op(b), Op::Ones) {
            return a;
        }
        if let Op::Scale(s, an) = self.op(a) {
            let p = self.cmul(an, b);
            return self.scale(s, p);
        }
        if let Op::Scale(s, bn) = self.op(b) {
            let p = self.cmul(a, bn);
            return self.scale(s, p);
        }
        if let Op::Neg(an) = self.op(a) {
            let p = self.cmul(an, b);
            return self.neg(p);
        }
        if let Op::Neg(bn) = self.op(b) {
            let p = self.cmul(a, bn);
            return self.neg(p);
        }
        let (a, b) = if b < a { (b, a) } else { (a, b) };
        let ty = self.ty(a).same_shape(self.ty(b));
        self.intern(Op::CMul(a, b), self.shape(a), ty)
    }

    /// Element-wise `body` (a scalar expression in `Elem(depth)`) over `a`.
    pub fn map(&mut self, a: NodeId, body: NodeId, depth: u8) -> NodeId {
        if matches!(self.op(body), Op::Elem(d) if d == depth) {
            return a;
        }
        if !self.deps(body).has(Deps::elem(depth)) && self.is_scalar(body) {
            // A constant body: the map is that constant everywhere.
            if let Some(c) = self.constant(body)
                && c == 0.0
            {
                return self.zero_like(a);
            }
            let shape = self.shape(a);
            let ones = self.intern(Op::Ones, shape, self.ty(a));
            return self.scale(body, ones);
        }
        self.intern(Op::Map(a, body, depth), self.shape(a), self.ty(a))
    }

    pub fn func(&mut self, f: Func, a: NodeId) -> NodeId {
        if let Some(c) = self.constant(a) {
            let v = f.apply(c);
            if v.is_finite() {
                return self.constant_node(v);
            }
        }
        match f {
            Func::Powi(0) => return self.constant_node(1.0),
            Func::Powi(1) => return a,
            _ => {}
        }
        self.intern(Op::Func(f, a), Shape::Scalar, TyShape::Scalar)
    }

    pub fn norm_sq(&mut self, a: NodeId) -> NodeId {
        if self.is_zero(a) {
            return self.constant_node(0.0);
        }
        match self.op(a) {
            Op::Neg(inner) | Op::Transpose(inner) => return self.norm_sq(inner),
            Op::Scale(s, inner) => {
                let s2 = self.func(Func::Powi(2), s);
                let n = self.norm_sq(inner);
                return self.scale(s2, n);
            }
            _ => {}
        }
        if self.is_scalar(a) {
            return self.func(Func::Powi(2), a);
        }
        self.intern(Op::NormSq(a), Shape::Scalar, TyShape::Scalar)
    }

    pub fn norm(&mut self, a: NodeId) -> NodeId {
        if self.is_zero(a) {
            return self.constant_node(0.0);
        }
        if let Op::Neg(inner) | Op::Transpose(inner) = self.op(a) {
            return self.norm(inner);
        }
        self.intern(Op::Norm(a), Shape::Scalar, TyShape::Scalar)
    }

    /// The Frobenius inner product `<a, b>` (a product for scalars).
    pub fn dot(&mut self, a: NodeId, b: NodeId) -> NodeId {
        if self.is_scalar(a) {
            return self.scale(a, b);
        }
        if self.is_zero(a) || self.is_zero(b) {
            return self.constant_node(0.0);
        }
        if a == b {
            return self.norm_sq(a);
        }
        for (u, v) in [(a, b), (b, a)] {
            match self.op(u) {
                Op::Ones => return self.sum(v),
                Op::Identity => return self.trace(v),
                Op::Unit(i, j) => return self.index(v, i, j),
                Op::Neg(inner) => {
                    let d = self.dot(inner, v);
                    return self.neg(d);
                }
                Op::Scale(s, inner) => {
                    let d = self.dot(inner, v);
                    return self.scale(s, d);
                }
                Op::Div(inner, s) => {
                    let d = self.dot(inner, v);
                    return self.div(d, s);
                }
                _ => {}
            }
        }
        if let (Op::Transpose(u), Op::Transpose(v)) = (self.op(a), self.op(b)) {
            return self.dot(u, v);
        }
        let (a, b) = if b < a { (b, a) } else { (a, b) };
        self.intern(Op::Dot(a, b), Shape::Scalar, TyShape::Scalar)
    }

    pub fn sum(&mut self, a: NodeId) -> NodeId {
        if self.is_scalar(a) {
            return a;
        }
        match self.op(a) {
            Op::Zero => return self.constant_node(0.0),
            Op::Unit(..) => return self.constant_node(1.0),
            Op::Neg(inner) => {
                let s = self.sum(inner);
                return self.neg(s);
            }
            Op::Scale(s, inner) => {
                let t = self.sum(inner);
                return self.scale(s, t);
            }
            Op::Transpose(inner) => return self.sum(inner),
            Op::Ones => {
                if let Shape::Matrix(r, c) = self.shape(a)
                    && let (Some(r), Some(c)) = (self.dims.value(r), self.dims.value(c))
                {
                    return self.constant_node((r * c) as f64);
                }
            }
            _ => {}
        }
        if self.is_one_by_one(a) {
            return self.index(a, 0, 0);
        }
        self.intern(Op::Sum(a), Shape::Scalar, TyShape::Scalar)
    }

    pub fn trace(&mut self, a: NodeId) -> NodeId {
        match self.op(a) {
            Op::Zero => return self.constant_node(0.0),
            Op::Unit(i, j) => return self.constant_node(if i == j { 1.0 } else { 0.0 }),
            Op::Neg(inner) => {
                let s = self.trace(inner);
                return self.neg(s);
            }
            Op::Scale(s, inner) => {
                let t = self.trace(inner);
                return self.scale(s, t);
            }
            Op::Transpose(inner) => return self.trace(inner),
            Op::Identity => {
                if let Shape::Matrix(r, _) = self.shape(a)
                    && let Some(n) = self.dims.value(r)
                {
                    return self.constant_node(n as f64);
                }
            }
            _ => {}
        }
        if self.is_one_by_one(a) {
            return self.index(a, 0, 0);
        }
        self.intern(Op::Trace(a), Shape::Scalar, TyShape::Scalar)
    }

    pub fn index(&mut self, a: NodeId, i: usize, j: usize) -> NodeId {
        match self.op(a) {
            Op::Zero => return self.constant_node(0.0),
            Op::Ones => return self.constant_node(1.0),
            Op::Identity => return self.constant_node(if i == j { 1.0 } else { 0.0 }),
            Op::Unit(k, l) => {
                return self.constant_node(if (i, j) == (k, l) { 1.0 } else { 0.0 });
            }
            Op::Transpose(inner) => return self.index(inner, j, i),
            Op::Neg(inner) => {
                let e = self.index(inner, i, j);
                return self.neg(e);
            }
            Op::Scale(s, inner) => {
                let e = self.index(inner, i, j);
                return self.scale(s, e);
            }
            Op::MatMul(u, v) if self.rows_are(u, 1) && self.cols_are(v, 1) => {
                // The 1 by 1 product of a row and a column is their dot.
                let ut = self.transpose(u);
                return self.dot(ut, v);
            }
            _ => {}
        }
        self.intern(Op::Index(a, i, j), Shape::Scalar, TyShape::Scalar)
    }

    /// A zero with an explicit type.
    pub fn zero_typed(&mut self, shape: Shape, ty: TyShape) -> NodeId {
        match shape {
            Shape::Scalar => self.constant_node(0.0),
            _ => self.intern(Op::Zero, shape, ty),
        }
    }
}
