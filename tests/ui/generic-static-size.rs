use altmin_core::prelude::*;

const N: usize = 3;

#[objective]
fn sized(x: &SVector<f64, N>, y: f64) -> f64 {
    x.sum() * y
}

fn main() {}
