use altmin_core::prelude::*;

struct Model;

impl Model {
    #[objective]
    fn loss(&self, x: f64, y: f64) -> f64 {
        x * y
    }
}

fn main() {}
