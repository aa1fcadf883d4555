//! sesform: declarative, reviewable and checkable Amazon SES setups.
//!
//! Data flows one way: `model` is the shared vocabulary; `spec` (YAML) and `aws` (the SDK) both
//! speak it; `resources` holds each resource kind (spec -> desired state, apply steps, state ->
//! spec); `live` reads AWS; `plan` diffs desired against live into a plain data model, which
//! `render` shows and `apply` executes. `layers` (a test) holds the module graph to that. `lint` checks the mail
//! configuration of Laravel and Symfony apps. Library code never prints; only `cli` talks to the user.

pub mod apply;
pub mod aws;
pub mod cli;
pub mod credentials;
pub mod diagnostic;
pub mod dkim;
pub mod dns;
pub mod emulator;
pub mod events;
pub mod export;
pub mod formats;
pub mod init;
#[cfg(test)]
mod layers;
pub mod lint;
pub mod live;
pub mod local;
pub mod lock;
pub mod model;
pub mod plan;
pub mod render;
pub mod resources;
pub mod secret;
pub mod smtp;
pub mod source;
pub mod spec;
pub mod why;
