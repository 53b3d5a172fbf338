use altmin_core::prelude::*;

#[objective]
fn lonely(x: f64) -> f64 {
    x * x
}

fn main() {}
