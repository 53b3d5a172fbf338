use altmin_core::prelude::*;

#[objective]
fn unused_closure(x: f64, y: f64) -> f64 {
    let _square = |t: f64| t * t;
    x * y
}

fn main() {}
