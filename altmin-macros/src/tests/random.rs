//! Random objective functions over every construct of the language, as
//! source text, for property tests.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// A dimension of the generated problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum D {
    N,
    M,
    R,
    One,
}

/// A shape in the generator's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum G {
    S,
    Mat(D, D),
}

/// The kind of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Scalar,
    Vector,
    Matrix,
}

/// A generated objective: its source and the concrete sizes.
#[derive(Clone, Debug)]
pub struct Case {
    pub source: String,
    /// Rows and columns of every parameter, in order.
    pub sizes: Vec<(usize, usize)>,
}

struct Var {
    name: String,
    shape: G,
}

pub struct Generator {
    rng: StdRng,
    kinds: [Kind; 2],
    vars: Vec<Var>,
    n: usize,
    m: usize,
    r: usize,
    /// Closure depth, and the closure variable's name when inside one.
    closure: Option<String>,
}

const DIMS: [D; 4] = [D::N, D::M, D::R, D::One];

/// A column of data with `d` rows.
fn column(d: D) -> &'static str {
    match d {
        D::N => "u",
        D::M => "w",
        D::R => "q",
        D::One => "(u.transpose() * u)",
    }
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: StdRng::seed_from_u64(seed),
            kinds: [Kind::Vector, Kind::Vector],
            vars: Vec::new(),
            n: 2,
            m: 2,
            r: 2,
            closure: None,
        }
    }

    fn coin(&mut self, p: f64) -> bool {
        self.rng.random::<f64>() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    fn size(&self, d: D) -> usize {
        match d {
            D::N => self.n,
            D::M => self.m,
            D::R => self.r,
            D::One => 1,
        }
    }

    /// A type for a parameter of shape `g`, static or dynamic at random.
    fn ty(&mut self, g: G) -> String {
        match g {
            G::S => "f64".to_string(),
            G::Mat(r, c) => {
                let static_ty = self.coin(0.3);
                let (rs, cs) = (self.size(r), self.size(c));
                match (static_ty, c == D::One) {
                    (true, true) => format!("SVector<f64, {rs}>"),
                    (true, false) => format!("SMatrix<f64, {rs}, {cs}>"),
                    (false, true) => "DVector<f64>".to_string(),
                    (false, false) => "DMatrix<f64>".to_string(),
                }
            }
        }
    }

    /// A random objective.
    pub fn case(&mut self) -> Case {
        self.n = self.rng.random_range(1..=3);
        self.m = self.rng.random_range(1..=3);
        self.r = self.rng.random_range(1..=2);
        self.vars.clear();
        self.closure = None;

        let kinds = [
            self.pick(&[Kind::Scalar, Kind::Vector, Kind::Vector, Kind::Matrix]),
            self.pick(&[Kind::Scalar, Kind::Vector, Kind::Vector, Kind::Matrix]),
        ];
        self.kinds = kinds;
        let block_shape = |k: Kind, d: D| match k {
            Kind::Scalar => G::S,
            Kind::Vector => G::Mat(d, D::One),
            Kind::Matrix => G::Mat(d, D::R),
        };
        let params = [
            ("x", block_shape(kinds[0], D::N)),
            ("y", block_shape(kinds[1], D::M)),
            ("a", G::Mat(D::N, D::M)),
            ("b", G::Mat(D::M, D::M)),
            ("u", G::Mat(D::N, D::One)),
            ("k", G::Mat(D::R, D::R)),
            ("c", G::S),
            ("w", G::Mat(D::M, D::One)),
            ("q", G::Mat(D::R, D::One)),
        ];
        let mut signature = Vec::new();
        let mut sizes = Vec::new();
        for (name, shape) in params {
            sizes.push(match shape {
                G::S => (1, 1),
                G::Mat(r, c) => (self.size(r), self.size(c)),
            });
            let ty = self.ty(shape);
            let by_ref = shape != G::S && self.coin(0.7);
            let amp = if by_ref { "&" } else { "" };
            signature.push(format!("{name}: {amp}{ty}"));
            self.vars.push(Var {
                name: name.to_string(),
                shape,
            });
        }

        let mut body = String::new();
        for i in 0..self.rng.random_range(0..3) {
            let shape = self.any_shape();
            let e = self.expr(shape, 2);
            let name = format!("l{i}");
            body.push_str(&format!("    let {name} = {e};\n"));
            self.vars.push(Var { name, shape });
        }
        let mut terms = Vec::new();
        for _ in 0..self.rng.random_range(1..=3) {
            terms.push(self.expr(G::S, 3));
        }
        // A coupling term so the objective depends on both blocks.
        let cx = self.block_scalar("x", kinds[0]);
        let cy = self.block_scalar("y", kinds[1]);
        terms.push(format!("0.3 * {cx} * {cy}"));
        body.push_str("    ");
        body.push_str(&terms.join("\n        + "));
        Case {
            source: format!(
                "fn objective({}) -> f64 {{\n{body}\n}}",
                signature.join(", ")
            ),
            sizes,
        }
    }

    fn block_scalar(&mut self, name: &str, kind: Kind) -> String {
        match kind {
            Kind::Scalar => name.to_string(),
            _ => match self.rng.random_range(0..3) {
                0 => format!("{name}.norm_squared()"),
                1 => format!("{name}.sum()"),
                _ if kind == Kind::Vector => format!("{name}[0]"),
                _ => format!("{name}[(0, 0)]"),
            },
        }
    }

    fn any_shape(&mut self) -> G {
        if self.coin(0.4) {
            G::S
        } else {
            let r = self.pick(&DIMS);
            let c = self.pick(&DIMS);
            G::Mat(r, c)
        }
    }

    fn leaves(&self, shape: G) -> Vec<String> {
        let mut out: Vec<String> = self
            .vars
            .iter()
            .filter(|v| v.shape == shape)
            .map(|v| v.name.clone())
            .collect();
        if let G::Mat(r, c) = shape {
            for v in &self.vars {
                if v.shape == G::Mat(c, r) && !(r == c) {
                    out.push(format!("{}.transpose()", v.name));
                }
            }
        }
        out
    }

    /// A column with `d` rows built from a block, if one has such rows.
    fn block_column(&mut self, d: D) -> Option<String> {
        let (name, kind, col) = match d {
            D::N => ("x", self.kinds[0], "u"),
            D::M => ("y", self.kinds[1], "w"),
            D::One => {
                let b = self.pick(&[D::N, D::M]);
                let c = self.block_column(b)?;
                return Some(format!("({c}.transpose() * {})", column(b)));
            }
            D::R => {
                let b = self.pick(&[0, 1]);
                let (name, other) = if b == 0 { ("x", "u") } else { ("y", "w") };
                return match self.kinds[b] {
                    Kind::Matrix => Some(format!("{name}.tr_mul(&{other})")),
                    Kind::Scalar => Some(format!("(q * {name})")),
                    Kind::Vector => Some(format!("(q * {name}.dot(&{other}))")),
                };
            }
        };
        Some(match kind {
            Kind::Vector => name.to_string(),
            Kind::Matrix => format!("({name} * q)"),
            Kind::Scalar => format!("({col} * {name})"),
        })
    }

    /// An expression of the given shape that depends on a block.
    fn block_expr(&mut self, shape: G) -> Option<String> {
        match shape {
            G::S => {
                let b = self.pick(&[0, 1]);
                let name = ["x", "y"][b];
                Some(match self.kinds[b] {
                    Kind::Scalar => name.to_string(),
                    _ => format!("{name}.dot(&{})", self.block_like(b)),
                })
            }
            G::Mat(r, c) => {
                let (bx, by) = (self.kinds[0], self.kinds[1]);
                if c == D::R && r == D::N && bx == Kind::Matrix && self.coin(0.7) {
                    return Some("x".to_string());
                }
                if c == D::R && r == D::M && by == Kind::Matrix && self.coin(0.7) {
                    return Some("y".to_string());
                }
                let left = self.block_column(r)?;
                if c == D::One {
                    return Some(left);
                }
                let right = if self.coin(0.5) {
                    self.block_column(c)
                        .unwrap_or_else(|| column(c).to_string())
                } else {
                    column(c).to_string()
                };
                Some(format!("({left} * {right}.transpose())"))
            }
        }
    }

    /// A data value shaped like block `b`.
    fn block_like(&self, b: usize) -> &'static str {
        match (b, self.kinds[b]) {
            (0, Kind::Vector) => "u",
            (1, Kind::Vector) => "w",
            (0, _) => "(u * q.transpose())",
            _ => "(w * q.transpose())",
        }
    }

    /// An expression of the given shape.
    pub fn expr(&mut self, shape: G, depth: u32) -> String {
        if self.closure.is_none()
            && self.coin(0.3)
            && let Some(e) = self.block_expr(shape)
        {
            return e;
        }
        let leaves = self.leaves(shape);
        if depth == 0 || (self.coin(0.25) && !leaves.is_empty()) {
            return self.leaf(shape, &leaves);
        }
        match shape {
            G::S => self.scalar(depth),
            G::Mat(r, c) => self.matrix(r, c, depth),
        }
    }

    fn leaf(&mut self, shape: G, leaves: &[String]) -> String {
        if !leaves.is_empty() {
            let i = self.rng.random_range(0..leaves.len());
            return leaves[i].clone();
        }
        match shape {
            G::S => match self.closure.clone() {
                Some(t) if self.coin(0.6) => t,
                _ => format!("{:.2}", self.rng.random_range(-1.5..1.5)),
            },
            G::Mat(r, c) => {
                // No parameter of that shape: an outer product of columns.
                format!("({} * {}.transpose())", column(r), column(c))
            }
        }
    }

    fn scalar(&mut self, depth: u32) -> String {
        let d = depth - 1;
        match self.rng.random_range(0..22) {
            0 => format!("({} + {})", self.expr(G::S, d), self.expr(G::S, d)),
            1 => format!("({} - {})", self.expr(G::S, d), self.expr(G::S, d)),
            2 | 3 => format!("({} * {})", self.expr(G::S, d), self.expr(G::S, d)),
            4 => {
                let s = self.expr(G::S, d);
                format!("({} / (1.0 + {s} * {s}))", self.expr(G::S, d))
            }
            5 => format!("(-{})", self.expr(G::S, d)),
            6 => format!("({}).sin().exp()", self.expr(G::S, d)),
            7 => {
                let s = self.expr(G::S, d);
                format!("(1.0 + {s} * {s}).ln()")
            }
            8 => {
                let s = self.expr(G::S, d);
                format!("(1.0 + {s} * {s}).sqrt()")
            }
            9 => format!("({}).sin()", self.expr(G::S, d)),
            10 => format!("({}).cos()", self.expr(G::S, d)),
            11 => format!("({}).tanh()", self.expr(G::S, d)),
            12 => {
                let s = self.expr(G::S, d);
                format!("({s} * {s}).ln_1p()")
            }
            13 => {
                let k = self.pick(&[2, 3]);
                format!("({}).powi({k})", self.expr(G::S, d))
            }
            14 => {
                let s = self.expr(G::S, d);
                format!("(1.0 + {s} * {s}).powi(-1)")
            }
            15 | 16 if self.closure.is_none() => {
                let shape = self.matrix_shape();
                let m = self.expr(shape, d);
                let f = self.pick(&["norm_squared", "sum", "norm_squared", "norm"]);
                if f == "norm" {
                    format!("(1.0 + {m}.norm_squared()).sqrt()")
                } else {
                    format!("{m}.{f}()")
                }
            }
            17 if self.closure.is_none() => {
                let shape = self.matrix_shape();
                let (p, q) = (self.expr(shape, d), self.expr(shape, d));
                format!("{p}.dot(&{q})")
            }
            18 if self.closure.is_none() => {
                let sq = self.pick(&[D::N, D::M, D::R]);
                format!("{}.trace()", self.expr(G::Mat(sq, sq), d))
            }
            19 if self.closure.is_none() => {
                let shape = self.matrix_shape();
                let m = self.expr(shape, d);
                let G::Mat(r, c) = shape else { unreachable!() };
                let (i, j) = (
                    self.rng.random_range(0..self.size(r)),
                    self.rng.random_range(0..self.size(c)),
                );
                if c == D::One && self.coin(0.5) {
                    format!("{m}[{i}]")
                } else {
                    format!("{m}[({i}, {j})]")
                }
            }
            20 if self.closure.is_none() => {
                // A row times a matrix times a column, as a 1 by 1 matrix.
                let (r, c) = (self.pick(&DIMS), self.pick(&DIMS));
                let u = self.expr(G::Mat(r, D::One), d);
                let m = self.expr(G::Mat(r, c), d);
                let v = self.expr(G::Mat(c, D::One), d);
                format!("({u}.transpose() * {m} * {v})[(0, 0)]")
            }
            _ => self.expr(G::S, 0),
        }
    }

    fn matrix_shape(&mut self) -> G {
        let r = self.pick(&DIMS);
        let c = self.pick(&DIMS);
        G::Mat(r, c)
    }

    fn matrix(&mut self, r: D, c: D, depth: u32) -> String {
        let d = depth - 1;
        let shape = G::Mat(r, c);
        match self.rng.random_range(0..13) {
            0 | 1 => format!("({} + {})", self.expr(shape, d), self.expr(shape, d)),
            2 => format!("({} - {})", self.expr(shape, d), self.expr(shape, d)),
            3 => format!("({} * {})", self.expr(G::S, d), self.expr(shape, d)),
            4 => format!("({} * {})", self.expr(shape, d), self.expr(G::S, d)),
            5 => {
                let s = self.expr(G::S, d);
                format!("({} / (2.0 + {s} * {s}))", self.expr(shape, d))
            }
            6 => format!("(-{})", self.expr(shape, d)),
            7 | 8 => {
                let mid = self.pick(&DIMS);
                let left = self.expr(G::Mat(r, mid), d);
                let right = self.expr(G::Mat(mid, c), d);
                format!("({left} * {right})")
            }
            9 => format!("({}).transpose()", self.expr(G::Mat(c, r), d)),
            10 => format!(
                "{}.component_mul(&{})",
                self.expr(shape, d),
                self.expr(shape, d)
            ),
            11 => {
                let m = self.expr(shape, d);
                let outer = self.closure.replace("t".to_string());
                let body = self.closure_body();
                self.closure = outer;
                format!("{m}.map(|t| {body})")
            }
            _ => {
                let mid = self.pick(&DIMS);
                let left = self.expr(G::Mat(mid, r), d);
                let right = self.expr(G::Mat(mid, c), d);
                format!("{left}.tr_mul(&{right})")
            }
        }
    }

    fn closure_body(&mut self) -> String {
        match self.rng.random_range(0..8) {
            0 => "t * t".to_string(),
            1 => "(0.5 * t).exp()".to_string(),
            2 => "(1.0 + t * t).ln()".to_string(),
            3 => "t.sin() + t.cos() * c".to_string(),
            4 => "t.tanh()".to_string(),
            5 => "(1.0 + t * t).powi(-1)".to_string(),
            6 => {
                let saved = self.closure.take();
                let s = self.expr(G::S, 1);
                self.closure = saved;
                format!("t * ({s})")
            }
            _ => "(t * t).ln_1p() + t".to_string(),
        }
    }
}
