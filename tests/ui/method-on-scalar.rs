use altmin_core::prelude::*;

#[objective]
fn magnitude(x: f64, y: &DVector<f64>) -> f64 {
    x.norm() * y.sum()
}

fn main() {}
