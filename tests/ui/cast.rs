use altmin_core::prelude::*;

#[objective]
fn casted(x: f64, y: f64) -> f64 {
    x * y * (2 as f64)
}

fn main() {}
