use altmin_core::prelude::*;

#[objective]
fn one_block(x: f64, y: f64) -> f64 {
    x * x
}

fn main() {}
