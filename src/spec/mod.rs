//! The spec: YAML -> typed, validated desired model, with positions for every diagnostic.

pub mod codes;
mod document;
pub mod load;
pub mod model;
pub mod names;
pub mod positions;
pub mod rule_names;
pub mod schema;
pub mod semantic;
pub mod structure;

pub use load::{LoadedSpec, SpecError, load, parse};
pub use model::*;
