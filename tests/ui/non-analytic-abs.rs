use altmin_core::prelude::*;

#[objective]
fn absolute(x: f64, y: f64) -> f64 {
    (x - y).abs()
}

fn main() {}
