#![allow(unreachable_code)]

use altmin_core::prelude::*;

#[objective]
fn early(x: f64, y: f64) -> f64 {
    let product = x * y;
    return product;
    product * product
}

fn main() {}
