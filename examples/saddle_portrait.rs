//! A portrait of a strict saddle: `f(x, y) = x^2 + y^2 + 3xy + (x^2 + y^2)^2`
//! has a strict saddle at the origin and minima at `±(t, -t)`,
//! `t = 8^(-1/2)`. AltMin and ProxAltMin run from 30 seeded random starts;
//! their paths are drawn over the contour lines of `f`, one block at a
//! time (each iteration moves `y`, then `x`), with the stationary points
//! marked by their diagnosis. Written to `docs/saddle_portrait.svg`.

use std::collections::HashMap;
use std::error::Error;
use std::path::Path;

use altmin_core::diagnose::Verdict;
use altmin_core::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// A strict saddle at the origin, minima at `±(t, -t)` with `t = 8^(-1/2)`.
#[objective]
fn saddle(x: f64, y: f64) -> f64 {
    x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
}

/// Half the side of the square drawn, centred at the origin.
const HALF_SIDE: f64 = 1.3;
/// Starts are drawn uniformly from `[-START_BOX, START_BOX]^2`.
const START_BOX: f64 = 1.2;
const STARTS: usize = 30;
/// Path corners closer than this to the previous one are not drawn (a
/// quarter of a pixel).
const RESOLUTION: f64 = 1e-3;
/// Contour levels; 0 is the level set through the saddle.
const LEVELS: [f64; 14] = [
    -0.06, -0.05, -0.035, -0.02, 0.0, 0.1, 0.3, 0.6, 1.0, 1.6, 2.5, 4.0, 6.0, 9.0,
];

const TOWARDS_PLUS: RGBColor = RGBColor(31, 119, 180);
const TOWARDS_MINUS: RGBColor = RGBColor(230, 120, 20);
const CONTOUR: RGBColor = RGBColor(185, 185, 185);
const SEPARATRIX: RGBColor = RGBColor(90, 90, 90);
const MINIMUM: RGBColor = RGBColor(30, 150, 60);
const SADDLE: RGBColor = RGBColor(210, 30, 40);

type Point = (f64, f64);

/// One run: the iterates `(x_k, y_k)` from the start on.
struct Trajectory {
    iterates: Vec<Point>,
}

impl Trajectory {
    /// The path one block at a time: `(x_{k-1}, y_{k-1})`, then
    /// `(x_{k-1}, y_k)` after the `y` step, then `(x_k, y_k)`; corners
    /// closer than `resolution` to the last one kept are dropped.
    fn zig_zag(&self, resolution: f64) -> Vec<Point> {
        let mut corners = Vec::with_capacity(2 * self.iterates.len());
        for (k, &(x, y)) in self.iterates.iter().enumerate() {
            if let Some(&(x_prev, _)) = k.checked_sub(1).and_then(|p| self.iterates.get(p)) {
                corners.push((x_prev, y));
            }
            corners.push((x, y));
        }

        let mut out: Vec<Point> = Vec::with_capacity(corners.len());
        for &p in &corners {
            let far = |q: &Point| (p.0 - q.0).hypot(p.1 - q.1) >= resolution;
            if out.last().is_none_or(far) {
                out.push(p);
            }
        }
        out.push(self.end());
        out
    }

    fn start(&self) -> Point {
        self.iterates.first().copied().unwrap_or_default()
    }

    fn end(&self) -> Point {
        self.iterates.last().copied().unwrap_or_default()
    }
}

/// A stationary point and what the diagnosis says of it.
struct Stationary {
    at: Point,
    value: f64,
    saddle: bool,
}

fn main() -> Result<(), Box<dyn Error>> {
    let f = Saddle::new();
    let mut rng = StdRng::seed_from_u64(17);
    let starts: Vec<Point> = (0..STARTS)
        .map(|_| {
            let mut draw = || START_BOX * (2.0 * rng.random::<f64>() - 1.0);
            (draw(), draw())
        })
        .collect();

    let altmin = trajectories(&starts, |x0, y0, path| {
        AltMin::new(&f)
            .with_tolerance(1e-10)?
            .with_max_iters(5000)?
            .with_iterate_observer(|_, x, y| path.push((*x, *y)))
            .run(&x0, &y0)
            .map(|_| ())
            .map_err(|failure| failure.error)
    })?;
    let mut betas = Vec::new();
    let prox = trajectories(&starts, |x0, y0, path| {
        ProxAltMin::new(&f)
            .with_tolerance(1e-10)?
            .with_max_iters(5000)?
            .with_iterate_observer(|record, x, y| {
                path.push((*x, *y));
                betas.extend(record.beta);
            })
            .run(&x0, &y0)
            .map(|_| ())
            .map_err(|failure| failure.error)
    })?;
    let (beta_min, beta_max) = betas.iter().fold((f64::INFINITY, 0.0_f64), |(lo, hi), &b| {
        (lo.min(b), hi.max(b))
    });

    // The stationary points: every limit and the origin, diagnosed.
    let candidates = altmin.iter().chain(&prox).map(Trajectory::end);
    let stationary = stationary_points(&f, candidates.chain([(0.0, 0.0)]))?;
    for s in &stationary {
        let kind = if s.saddle {
            "strict saddle"
        } else {
            "local minimum"
        };
        println!(
            "{kind:>14} at ({:+.6}, {:+.6}), f = {:+.6}",
            s.at.0, s.at.1, s.value
        );
    }

    let grid = Grid::sample(|x, y| f.value(&x, &y), 160);
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("the examples crate lies inside the workspace")?;
    let docs = workspace.join("docs");
    std::fs::create_dir_all(&docs)?;
    let out = docs.join("saddle_portrait.svg");
    let root = SVGBackend::new(&out, (1400, 800)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(
        "f = x\u{b2} + y\u{b2} + 3xy + (x\u{b2} + y\u{b2})\u{b2}: a strict saddle at the \
         origin, minima at \u{b1}(t, -t), t = 8^-1/2",
        ("sans-serif", 24),
    )?;
    let (panels, legend) = root.split_vertically(700);
    let panels = panels.split_evenly((1, 2));
    let prox_title =
        format!("ProxAltMin (Algorithm 2), beta = 1.1 L_f in [{beta_min:.1}, {beta_max:.1}]");
    let titles = ["AltMin (Algorithm 1)", prox_title.as_str()];
    for ((area, paths), title) in panels.iter().zip([&altmin, &prox]).zip(titles) {
        panel(area, title, &grid, paths, &stationary)?;
    }
    draw_legend(&legend, &stationary)?;
    root.present()?;
    println!("wrote {}", out.display());
    Ok(())
}

/// Runs `run(x0, y0, path)` from every start, collecting each path.
fn trajectories(
    starts: &[Point],
    mut run: impl FnMut(f64, f64, &mut Vec<Point>) -> Result<(), altmin_core::Error>,
) -> Result<Vec<Trajectory>, altmin_core::Error> {
    starts
        .iter()
        .map(|&(x0, y0)| {
            let mut iterates = Vec::new();
            run(x0, y0, &mut iterates)?;
            Ok(Trajectory { iterates })
        })
        .collect()
}

/// The distinct points among `candidates`, each diagnosed.
fn stationary_points(
    f: &Saddle,
    candidates: impl Iterator<Item = Point>,
) -> Result<Vec<Stationary>, altmin_core::Error> {
    let mut found: Vec<Stationary> = Vec::new();
    for at in candidates {
        if found
            .iter()
            .any(|s| (s.at.0 - at.0).hypot(s.at.1 - at.1) < 1e-6)
        {
            continue;
        }
        let d = diagnose(f, &at.0, &at.1)?;
        let saddle = match d.verdict {
            Verdict::StrictSaddle { .. } => true,
            Verdict::LocalMinimum => false,
            _ => continue,
        };
        found.push(Stationary {
            at,
            value: d.value,
            saddle,
        });
    }
    Ok(found)
}

/// One panel: contours, the paths of one algorithm, the stationary points.
fn panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    title: &str,
    grid: &Grid,
    paths: &[Trajectory],
    stationary: &[Stationary],
) -> Result<(), Box<dyn Error>> {
    let range = -HALF_SIDE..HALF_SIDE;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(range.clone(), range)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("x")
        .y_desc("y")
        .label_style(("sans-serif", 15))
        .draw()?;

    for level in LEVELS {
        let (color, width) = if level == 0.0 {
            (SEPARATRIX, 2)
        } else {
            (CONTOUR, 1)
        };
        for line in grid.contour(level) {
            chart.draw_series(std::iter::once(PathElement::new(
                line,
                color.stroke_width(width),
            )))?;
        }
    }

    for path in paths {
        let color = if path.end().0 > 0.0 {
            TOWARDS_PLUS
        } else {
            TOWARDS_MINUS
        };
        chart.draw_series(std::iter::once(PathElement::new(
            path.zig_zag(RESOLUTION),
            color.stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            path.start(),
            4,
            color.stroke_width(2),
        )))?;
    }

    for s in stationary {
        if s.saddle {
            chart.draw_series(std::iter::once(Cross::new(s.at, 8, SADDLE.stroke_width(4))))?;
        } else {
            chart.draw_series([
                Circle::new(s.at, 8, MINIMUM.filled()),
                Circle::new(s.at, 8, BLACK.stroke_width(1)),
            ])?;
        }
    }
    Ok(())
}

/// The legend, in a strip under both panels, centred; the stationary
/// points' entries carry the values their diagnoses found.
fn draw_legend(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    stationary: &[Stationary],
) -> Result<(), Box<dyn Error>> {
    let value = |saddle: bool| {
        stationary
            .iter()
            .find(|s| s.saddle == saddle)
            .map_or(f64::NAN, |s| s.value)
    };
    let entries = [
        (
            "path to (+t, -t)".to_string(),
            Marker::Line(TOWARDS_PLUS, 2),
        ),
        (
            "path to (-t, +t)".to_string(),
            Marker::Line(TOWARDS_MINUS, 2),
        ),
        ("start".to_string(), Marker::Start),
        (
            format!("local minimum, f = {:.4}", value(false)),
            Marker::Minimum,
        ),
        (
            format!("strict saddle, f = {:.1}", value(true)),
            Marker::Saddle,
        ),
        ("contour lines".to_string(), Marker::Line(CONTOUR, 1)),
        ("level set f = 0".to_string(), Marker::Line(SEPARATRIX, 2)),
    ];

    // About half an em per character of a 16-pixel sans-serif font.
    const CHAR: i32 = 8;
    const MARK: i32 = 34;
    const GAP: i32 = 28;
    let width_of = |text: &str| MARK + CHAR * i32::try_from(text.len()).unwrap_or(0);
    let total: i32 = entries.iter().map(|(t, _)| width_of(t) + GAP).sum::<i32>() - GAP;
    let (area_width, _) = area.dim_in_pixel();
    let mut x = (i32::try_from(area_width).unwrap_or(total) - total).max(0) / 2;
    let y = 40;

    let font = ("sans-serif", 16).into_font().color(&BLACK);
    for (text, marker) in &entries {
        let centre = (x + 12, y);
        match *marker {
            Marker::Line(color, w) => area.draw(&PathElement::new(
                vec![(x, y), (x + 24, y)],
                color.stroke_width(w),
            ))?,
            Marker::Start => area.draw(&Circle::new(centre, 4, BLACK.stroke_width(2)))?,
            Marker::Minimum => {
                area.draw(&Circle::new(centre, 8, MINIMUM.filled()))?;
                area.draw(&Circle::new(centre, 8, BLACK.stroke_width(1)))?;
            }
            Marker::Saddle => area.draw(&Cross::new(centre, 8, SADDLE.stroke_width(4)))?,
        }
        area.draw(&Text::new(text.as_str(), (x + MARK, y - 8), font.clone()))?;
        x += width_of(text) + GAP;
    }
    Ok(())
}

/// How a legend entry is drawn.
enum Marker {
    Line(RGBColor, u32),
    Start,
    Minimum,
    Saddle,
}

/// Values of a function on a square grid over `[-HALF_SIDE, HALF_SIDE]^2`.
struct Grid {
    n: usize,
    values: Vec<f64>,
}

/// An edge of the grid: from node `(i, j)` to `(i + 1, j)` (`along_x`) or
/// to `(i, j + 1)`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Edge {
    i: usize,
    j: usize,
    along_x: bool,
}

impl Grid {
    /// `f` at `n` by `n` nodes; an even `n` keeps the origin off the nodes.
    fn sample(f: impl Fn(f64, f64) -> f64, n: usize) -> Self {
        let mut values = Vec::with_capacity(n * n);
        for j in 0..n {
            for i in 0..n {
                values.push(f(Self::coord(n, i), Self::coord(n, j)));
            }
        }
        Grid { n, values }
    }

    fn coord(n: usize, i: usize) -> f64 {
        -HALF_SIDE + 2.0 * HALF_SIDE * i as f64 / (n - 1) as f64
    }

    fn at(&self, i: usize, j: usize) -> f64 {
        self.values[i + self.n * j]
    }

    /// Where the level set crosses `edge`, by linear interpolation.
    fn crossing(&self, edge: Edge, level: f64) -> Point {
        let (i2, j2) = if edge.along_x {
            (edge.i + 1, edge.j)
        } else {
            (edge.i, edge.j + 1)
        };
        let (a, b) = (self.at(edge.i, edge.j), self.at(i2, j2));
        let s = (level - a) / (b - a);
        let lerp = |p: usize, q: usize| {
            let (u, v) = (Self::coord(self.n, p), Self::coord(self.n, q));
            u + s * (v - u)
        };
        (lerp(edge.i, i2), lerp(edge.j, j2))
    }

    /// The contour lines at `level` (marching squares), each a polyline.
    fn contour(&self, level: f64) -> Vec<Vec<Point>> {
        let above = |i, j| self.at(i, j) > level;
        let mut segments: Vec<(Edge, Edge)> = Vec::new();

        for j in 0..self.n - 1 {
            for i in 0..self.n - 1 {
                let edge = |i, j, along_x| Edge { i, j, along_x };
                // bottom, right, top, left, and the corner each starts at
                let sides = [
                    (edge(i, j, true), (i, j), (i + 1, j)),
                    (edge(i + 1, j, false), (i + 1, j), (i + 1, j + 1)),
                    (edge(i, j + 1, true), (i + 1, j + 1), (i, j + 1)),
                    (edge(i, j, false), (i, j + 1), (i, j)),
                ];
                let cut: Vec<Edge> = sides
                    .iter()
                    .filter(|(_, p, q)| above(p.0, p.1) != above(q.0, q.1))
                    .map(|(e, _, _)| *e)
                    .collect();
                match cut.as_slice() {
                    [a, b] => segments.push((*a, *b)),
                    [bottom, right, top, left] => {
                        // a saddle cell: the centre decides which corners
                        // the level set cuts off
                        let centre = 0.25
                            * (self.at(i, j)
                                + self.at(i + 1, j)
                                + self.at(i, j + 1)
                                + self.at(i + 1, j + 1));
                        if (centre > level) == above(i, j) {
                            segments.push((*bottom, *right));
                            segments.push((*top, *left));
                        } else {
                            segments.push((*left, *bottom));
                            segments.push((*right, *top));
                        }
                    }
                    _ => {}
                }
            }
        }

        chain(&segments)
            .into_iter()
            .map(|edges| edges.iter().map(|&e| self.crossing(e, level)).collect())
            .collect()
    }
}

/// Joins segments that share an edge into polylines.
fn chain(segments: &[(Edge, Edge)]) -> Vec<Vec<Edge>> {
    let mut at: HashMap<Edge, Vec<usize>> = HashMap::new();
    for (k, (a, b)) in segments.iter().enumerate() {
        at.entry(*a).or_default().push(k);
        at.entry(*b).or_default().push(k);
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();

    for first in 0..segments.len() {
        if used[first] {
            continue;
        }
        used[first] = true;
        let (a, b) = segments[first];
        let mut forward = vec![a, b];
        extend(&mut forward, segments, &at, &mut used);
        let mut backward = vec![a];
        extend(&mut backward, segments, &at, &mut used);
        backward.reverse();
        backward.extend_from_slice(&forward[1..]);
        lines.push(backward);
    }
    lines
}

/// Appends to `line` the unused segments that continue it from its end.
fn extend(
    line: &mut Vec<Edge>,
    segments: &[(Edge, Edge)],
    at: &HashMap<Edge, Vec<usize>>,
    used: &mut [bool],
) {
    while let Some(&end) = line.last() {
        let next = at
            .get(&end)
            .and_then(|ks| ks.iter().copied().find(|&k| !used[k]));
        let Some(k) = next else { return };
        used[k] = true;
        let (a, b) = segments[k];
        line.push(if a == end { b } else { a });
    }
}
