use altmin_core::prelude::*;

#[objective]
fn mapped(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    y.map(|t| (t * x).norm()).sum()
}

fn main() {}
