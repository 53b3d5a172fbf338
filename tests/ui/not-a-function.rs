use altmin_core::prelude::*;

#[objective]
struct Objective {
    weight: f64,
}

fn main() {}
