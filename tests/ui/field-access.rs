use altmin_core::prelude::*;

#[objective]
fn fields(x: &Vector3<f64>, y: &Vector3<f64>) -> f64 {
    x.x * y[1]
}

fn main() {}
