//! lint: checks Laravel and Symfony mail configuration for what breaks with SES.

pub mod dotenv;
pub mod files;
pub mod traced;
pub mod version;
pub mod env;
pub mod php;
pub mod value;
pub mod yaml;
pub mod dsn;
pub mod composer;
pub mod app;
pub mod frameworks;
