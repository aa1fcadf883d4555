//! The command line: argument definitions, and the only code that prints.

use std::process::ExitCode;

use clap::Parser;

pub mod args;

pub use args::{Cli, Command, GlobalArgs};

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        _ => ExitCode::SUCCESS,
    }
}
