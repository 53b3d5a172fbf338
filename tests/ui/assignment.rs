use altmin_core::prelude::*;

#[objective]
fn accumulate(x: f64, y: f64) -> f64 {
    let mut total = x * y;
    total += x;
    total
}

fn main() {}
