use altmin_core::prelude::*;

#[objective]
fn empty(x: &SVector<f64, 0>, y: f64) -> f64 {
    x.sum() * y
}

fn main() {}
