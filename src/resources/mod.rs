//! One module per resource kind (in progress): how the spec's pieces become desired state.

pub mod desired;
