use altmin_core::prelude::*;

#[objective]
fn generic<T>(x: f64, y: f64) -> f64 {
    x * y
}

fn main() {}
