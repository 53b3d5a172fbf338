use altmin_core::prelude::*;

#[objective]
fn nothing(x: f64, y: f64) {
    x * y
}

fn main() {}
