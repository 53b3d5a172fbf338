use altmin_core::prelude::*;

#[objective]
fn looped(x: &Vector3<f64>, y: &Vector3<f64>) -> f64 {
    let mut total = 0.0;
    for i in 0..3 {
        total += x[i] * y[i];
    }
    total
}

fn main() {}
