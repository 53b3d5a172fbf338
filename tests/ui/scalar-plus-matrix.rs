use altmin_core::prelude::*;

#[objective]
fn shifted(x: f64, y: &DVector<f64>) -> f64 {
    (x + y).norm_squared()
}

fn main() {}
