//! Readers of the text formats sesform reads from apps and users, shared by `spec`, `lint` and
//! `smtp` (none of which they depend on). Each parses exactly as the library the app uses,
//! keeps byte positions for messages, and stays linear and bounded on hostile input.
//!
//! - [`dotenv`]: `.env` files in the phpdotenv (v3, v4, v5: Laravel) and symfony/dotenv
//!   dialects, with expansion caps; `lint` reads every env file of an app with it, `sesform
//!   smtp check --env-file` the one file it is given.
//! - [`dsn`]: PHP `parse_url`, `parse_str` and Symfony's mailer DSN (`failover(...)` too),
//!   as byte ranges: `lint` explains DSNs, `smtp` takes its SMTP settings from them.
//! - [`url`]: PHP's `rawurlencode`/`urlencode` and their decoders.
//! - [`yaml`]: YAML as a tree with byte spans (yaml-rust2's event parser, one pass, depth and
//!   size limits): Symfony config for `lint`; the spec, its positions and its document for
//!   `spec`.
//! - [`span`], [`traced`]: positions in files, and strings that keep them piece by piece.

pub mod dotenv;
pub mod dsn;
pub mod span;
pub mod traced;
pub mod url;
pub mod yaml;
