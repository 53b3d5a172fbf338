use altmin_core::prelude::*;

#[objective]
fn nested(x: f64, y: f64) -> f64 {
    fn helper() {}
    x * y
}

fn main() {}
