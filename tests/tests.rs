//! sesform's integration tests: one binary, one module per capability, all sharing `util`.

mod util;

mod bootstrap;
mod ci_example;
mod cli;
mod credentials;
mod emulator_sesv2;
mod event_log;
mod events_why;
mod feedback;
mod global_flags;
mod key_issuance;
mod lint;
mod lint_online;
mod local;
mod local_clients;
mod permissions;
mod plan_apply;
mod smtp;
mod validate;
