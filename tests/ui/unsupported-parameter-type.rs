use altmin_core::prelude::*;

#[objective]
fn listed(x: f64, y: f64, weights: &Vec<f64>) -> f64 {
    weights[0] * x * y
}

fn main() {}
