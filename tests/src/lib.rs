//! Integration tests of altmin live in `tests/`.
