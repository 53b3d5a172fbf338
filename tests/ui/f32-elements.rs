use altmin_core::prelude::*;

#[objective]
fn single_precision(x: &DVector<f32>, y: &DVector<f64>) -> f64 {
    x.sum() as f64 * y.sum()
}

fn main() {}
