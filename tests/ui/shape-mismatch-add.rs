use altmin_core::prelude::*;

#[objective]
fn sum_sizes(x: &SVector<f64, 3>, y: &SVector<f64, 2>) -> f64 {
    (x + y).norm_squared()
}

fn main() {}
