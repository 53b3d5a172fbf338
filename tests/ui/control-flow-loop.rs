use altmin_core::prelude::*;

#[objective]
fn spin(x: f64, y: f64) -> f64 {
    loop {
        break x * y;
    }
}

fn main() {}
