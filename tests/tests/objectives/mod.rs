//! Objectives written with `#[objective]`, each next to its twin over a
//! dual scalar, grouped by topic.

mod applications;
mod edge;
mod errors;
mod kinds;
mod language;
mod large;
mod sensitivity;
