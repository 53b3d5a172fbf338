//! The derivatives and block solvers `#[objective]` generates, checked
//! against hyper-dual numbers evaluated on a hand-written twin of each
//! objective.

mod common;
mod objectives;
