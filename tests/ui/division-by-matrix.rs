use altmin_core::prelude::*;

#[objective]
fn divided(x: f64, y: &DVector<f64>) -> f64 {
    (x / y).sum()
}

fn main() {}
