use altmin_core::prelude::*;

#[objective]
fn dotted(x: &SVector<f64, 3>, y: &SVector<f64, 4>) -> f64 {
    x.dot(y)
}

fn main() {}
