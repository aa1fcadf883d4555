//! sesform's integration tests: one binary, one module per capability, all sharing `util`.

mod util;

mod lint;
mod validate;
