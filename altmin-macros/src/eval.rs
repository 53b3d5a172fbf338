//! An interpreter of the graph, for tests: evaluates any node on concrete
//! values, over `f64` or over hyper-dual numbers (num-dual), so derived
//! expressions can be checked against derivatives computed independently.

use std::collections::HashMap;
use std::ops::{Add, Div, Mul, Neg, Sub};

use num_dual::{DualNum, HyperDual64};

use crate::ir::{Func, Graph, NodeId, Op};
use crate::shape::{DimId, Shape};

/// The scalars the interpreter computes with.
pub trait Num:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + std::fmt::Debug
{
    fn c(v: f64) -> Self;
    fn func(self, f: Func) -> Self;
}

impl Num for f64 {
    fn c(v: f64) -> Self {
        v
    }

    fn func(self, f: Func) -> Self {
        f.apply(self)
    }
}

impl Num for HyperDual64 {
    fn c(v: f64) -> Self {
        HyperDual64::from_re(v)
    }

    fn func(self, f: Func) -> Self {
        match f {
            Func::Exp => DualNum::exp(&self),
            Func::Ln => DualNum::ln(&self),
            Func::Sqrt => DualNum::sqrt(&self),
            Func::Sin => DualNum::sin(&self),
            Func::Cos => DualNum::cos(&self),
            Func::Tanh => DualNum::tanh(&self),
            Func::Ln1p => DualNum::ln_1p(&self),
            Func::Powi(k) => DualNum::powi(&self, k),
        }
    }
}

/// A dense column-major matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct Mat<T> {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<T>,
}

impl<T: Num> Mat<T> {
    pub fn from_fn(rows: usize, cols: usize, f: impl Fn(usize, usize) -> T) -> Self {
        let mut data = Vec::with_capacity(rows * cols);
        for j in 0..cols {
            for i in 0..rows {
                data.push(f(i, j));
            }
        }
        Mat { rows, cols, data }
    }

    pub fn at(&self, i: usize, j: usize) -> T {
        self.data[i + self.rows * j]
    }

    fn zip(&self, other: &Mat<T>, f: impl Fn(T, T) -> T) -> Mat<T> {
        assert_eq!((self.rows, self.cols), (other.rows, other.cols));
        Mat {
            rows: self.rows,
            cols: self.cols,
            data: self
                .data
                .iter()
                .zip(&other.data)
                .map(|(&a, &b)| f(a, b))
                .collect(),
        }
    }

    fn map(&self, f: impl Fn(T) -> T) -> Mat<T> {
        Mat {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(|&a| f(a)).collect(),
        }
    }

    fn matmul(&self, other: &Mat<T>) -> Mat<T> {
        assert_eq!(self.cols, other.rows);
        Mat::from_fn(self.rows, other.cols, |i, j| {
            let mut s = T::c(0.0);
            for k in 0..self.cols {
                s = s + self.at(i, k) * other.at(k, j);
            }
            s
        })
    }

    fn transpose(&self) -> Mat<T> {
        Mat::from_fn(self.cols, self.rows, |i, j| self.at(j, i))
    }

    fn sum(&self) -> T {
        self.data.iter().fold(T::c(0.0), |s, &a| s + a)
    }
}

/// A value: a scalar or a matrix.
#[derive(Clone, Debug, PartialEq)]
pub enum Val<T> {
    S(T),
    M(Mat<T>),
}

impl<T: Num> Val<T> {
    pub fn scalar(&self) -> T {
        match self {
            Val::S(s) => *s,
            Val::M(_) => panic!("expected a scalar"),
        }
    }

    pub fn matrix(&self) -> &Mat<T> {
        match self {
            Val::M(m) => m,
            Val::S(_) => panic!("expected a matrix"),
        }
    }

    /// The entries, column-major (one entry for a scalar).
    pub fn entries(&self) -> Vec<T> {
        match self {
            Val::S(s) => vec![*s],
            Val::M(m) => m.data.clone(),
        }
    }

    /// The same shape with other entries.
    pub fn with_entries(&self, e: &[T]) -> Val<T> {
        match self {
            Val::S(_) => Val::S(e[0]),
            Val::M(m) => Val::M(Mat {
                rows: m.rows,
                cols: m.cols,
                data: e.to_vec(),
            }),
        }
    }
}

/// Concrete values of the parameters, the directions and the sizes.
pub struct Env<T> {
    pub params: Vec<Val<T>>,
    pub dirs: [Option<Val<T>>; 2],
    pub sizes: HashMap<DimId, usize>,
}

impl<T: Num> Env<T> {
    fn size(&self, g: &Graph, d: DimId) -> usize {
        g.dims
            .value(d)
            .unwrap_or_else(|| self.sizes[&g.dims.find(d)])
    }

    fn filled(&self, g: &Graph, n: NodeId, f: impl Fn(usize, usize) -> f64) -> Val<T> {
        match g.shape(n) {
            Shape::Scalar => Val::S(T::c(f(0, 0))),
            Shape::Matrix(r, c) => {
                let (r, c) = (self.size(g, r), self.size(g, c));
                Val::M(Mat::from_fn(r, c, |i, j| T::c(f(i, j))))
            }
        }
    }
}

/// Evaluates `root`.
pub fn eval<T: Num>(g: &Graph, root: NodeId, env: &Env<T>) -> Val<T> {
    let mut cache = HashMap::new();
    eval_node(g, root, env, &mut cache, &mut Vec::new())
}

fn eval_node<T: Num>(
    g: &Graph,
    n: NodeId,
    env: &Env<T>,
    cache: &mut HashMap<NodeId, Val<T>>,
    elems: &mut Vec<T>,
) -> Val<T> {
    let cacheable = g.deps(n).0 >> 4 == 0;
    if cacheable && let Some(v) = cache.get(&n) {
        return v.clone();
    }
    let mut ev = |m: NodeId, elems: &mut Vec<T>| eval_node(g, m, env, cache, elems);
    let out = match g.op(n) {
        Op::Const(c) => Val::S(T::c(c.0)),
        Op::Param(i) => env.params[i].clone(),
        Op::Dir(b) => env.dirs[b.index()].clone().expect("direction given"),
        Op::Elem(d) => Val::S(elems[usize::from(d)]),
        Op::Zero => env.filled(g, n, |_, _| 0.0),
        Op::Identity => env.filled(g, n, |i, j| if i == j { 1.0 } else { 0.0 }),
        Op::Ones => env.filled(g, n, |_, _| 1.0),
        Op::Unit(k, l) => env.filled(g, n, |i, j| if (i, j) == (k, l) { 1.0 } else { 0.0 }),
        Op::Add(a, b) => binary(ev(a, elems), ev(b, elems), |u, v| u + v),
        Op::Sub(a, b) => binary(ev(a, elems), ev(b, elems), |u, v| u - v),
        Op::CMul(a, b) => binary(ev(a, elems), ev(b, elems), |u, v| u * v),
        Op::Neg(a) => unary(ev(a, elems), |u| -u),
        Op::Scale(s, a) => {
            let s = ev(s, elems).scalar();
            unary(ev(a, elems), |u| s * u)
        }
        Op::Div(a, s) => {
            let s = ev(s, elems).scalar();
            unary(ev(a, elems), |u| u / s)
        }
        Op::MatMul(a, b) => Val::M(ev(a, elems).matrix().matmul(ev(b, elems).matrix())),
        Op::Transpose(a) => Val::M(ev(a, elems).matrix().transpose()),
        Op::Map(a, body, d) => {
            let m = ev(a, elems);
            let m = m.matrix();
            let mut data = Vec::with_capacity(m.data.len());
            for &e in &m.data {
                let depth = usize::from(d);
                elems.truncate(depth);
                while elems.len() < depth {
                    elems.push(T::c(f64::NAN));
                }
                elems.push(e);
                data.push(ev(body, elems).scalar());
                elems.truncate(depth);
            }
            Val::M(Mat {
                rows: m.rows,
                cols: m.cols,
                data,
            })
        }
        Op::Func(f, a) => Val::S(ev(a, elems).scalar().func(f)),
        Op::NormSq(a) => {
            let m = ev(a, elems);
            let m = m.matrix();
            Val::S(m.data.iter().fold(T::c(0.0), |s, &v| s + v * v))
        }
        Op::Norm(a) => {
            let m = ev(a, elems);
            let m = m.matrix();
            Val::S(
                m.data
                    .iter()
                    .fold(T::c(0.0), |s, &v| s + v * v)
                    .func(Func::Sqrt),
            )
        }
        Op::Dot(a, b) => {
            let (u, v) = (ev(a, elems), ev(b, elems));
            Val::S(u.matrix().zip(v.matrix(), |p, q| p * q).sum())
        }
        Op::Sum(a) => Val::S(ev(a, elems).matrix().sum()),
        Op::Trace(a) => {
            let m = ev(a, elems);
            let m = m.matrix();
            Val::S((0..m.rows.min(m.cols)).fold(T::c(0.0), |s, i| s + m.at(i, i)))
        }
        Op::Index(a, i, j) => Val::S(ev(a, elems).matrix().at(i, j)),
    };
    if cacheable {
        cache.insert(n, out.clone());
    }
    out
}

fn binary<T: Num>(a: Val<T>, b: Val<T>, f: impl Fn(T, T) -> T) -> Val<T> {
    match (a, b) {
        (Val::S(u), Val::S(v)) => Val::S(f(u, v)),
        (Val::M(u), Val::M(v)) => Val::M(u.zip(&v, f)),
        _ => panic!("mixed scalar and matrix operands"),
    }
}

fn unary<T: Num>(a: Val<T>, f: impl Fn(T) -> T) -> Val<T> {
    match a {
        Val::S(u) => Val::S(f(u)),
        Val::M(m) => Val::M(m.map(f)),
    }
}
