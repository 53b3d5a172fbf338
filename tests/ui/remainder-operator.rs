use altmin_core::prelude::*;

#[objective]
fn periodic(x: f64, y: f64) -> f64 {
    (x % y) * y
}

fn main() {}
