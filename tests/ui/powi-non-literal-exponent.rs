use altmin_core::prelude::*;

#[objective]
fn power(x: f64, y: f64) -> f64 {
    let k = 3;
    (x * y).powi(k)
}

fn main() {}
