//! Runnable examples of altmin; see the `[[example]]` targets.
