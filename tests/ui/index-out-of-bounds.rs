use altmin_core::prelude::*;

#[objective]
fn beyond(x: &Vector3<f64>, y: f64) -> f64 {
    x[3] * y
}

fn main() {}
