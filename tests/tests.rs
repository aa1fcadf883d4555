//! sesform's integration tests: one binary, one module per capability, all sharing `util`.

mod util;

mod smtp;
mod validate;
