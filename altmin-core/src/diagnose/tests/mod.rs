//! Diagnoses of hand-written objectives whose saddles and minima are known
//! in closed form.

mod fixtures;
mod matrix_free;
mod pca;
mod quartic;
mod values;
