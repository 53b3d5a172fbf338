use altmin_core::prelude::*;

#[objective]
fn traced(x: f64, y: f64) -> f64 {
    let product = dbg!(x * y);
    product
}

fn main() {}
