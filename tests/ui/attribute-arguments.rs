use altmin_core::prelude::*;

#[objective(fast)]
fn quick(x: f64, y: f64) -> f64 {
    x * y
}

fn main() {}
