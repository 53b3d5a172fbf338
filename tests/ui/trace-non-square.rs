use altmin_core::prelude::*;

#[objective]
fn traced(x: &SMatrix<f64, 2, 3>, y: f64) -> f64 {
    x.trace() * y
}

fn main() {}
