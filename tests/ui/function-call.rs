use altmin_core::prelude::*;

#[objective]
fn called(x: f64, y: f64) -> f64 {
    f64::exp(x) * y
}

fn main() {}
