//! The spec: YAML -> typed, validated desired model, with positions for every diagnostic.

pub mod model;

pub use model::*;
