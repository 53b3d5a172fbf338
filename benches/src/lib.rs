//! Benchmarks of altmin against hand-written code; see `benches/`.
