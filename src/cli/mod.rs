//! The command line: argument definitions, and the only code that prints. Each command parses
//! its flags, loads its inputs (the spec through one `session::load_spec`), calls the library
//! and hands the result to a view in [`crate::render`]; formatting output is the views' job.

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;

/// `eprint!` that never panics: a closed standard error (`2>&1 | head`) is no reason to crash.
macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprintln!` that never panics (see `eprint!`).
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod apply;
pub mod args;
mod bootstrap;
mod dns;
pub mod events;
pub mod examples;
pub mod lint;
mod local;
mod log;
mod man;
mod plan;
mod progress;
mod rotate;
mod session;
mod smtp;
mod validate;
pub mod why;

pub use args::{Cli, ColorChoice, Command, GlobalArgs};

/// Exit codes shared by every command (documented in the README).
pub mod exit {
    pub const SUCCESS: u8 = 0;
    /// Findings, an invalid spec, or a failed apply.
    pub const FAILURE: u8 = 1;
    /// Usage or I/O error (lint, like ruff); `plan --detailed-exitcode`: changes present.
    pub const ERROR_OR_CHANGES: u8 = 2;
}

pub fn main() -> ExitCode {
    let parsed = examples::command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(usage_exit_code(&error, std::env::args_os()));
        }
    };
    if let Err(e) = log::init(&cli.global) {
        eprintln!("error: {e}");
        return ExitCode::from(exit::FAILURE);
    }
    let code = match &cli.command {
        Command::Validate(args) => validate::run(&cli.global, args),
        Command::Plan(args) => plan::run(&cli.global, args),
        Command::Apply(args) => apply::run(&cli.global, args),
        Command::Destroy(args) => apply::run_destroy(&cli.global, args),
        Command::ForceUnlock(args) => apply::run_force_unlock(&cli.global, args),
        Command::Dns(args) => dns::run(&cli.global, args),
        Command::Init(args) => bootstrap::run_init(&cli.global, args),
        Command::Status(args) => bootstrap::run_status(&cli.global, args),
        Command::Export(args) => bootstrap::run_export(&cli.global, args),
        Command::Adopt(args) => apply::run_adopt(&cli.global, args),
        Command::Smtp(args) => smtp::run(&cli.global, args),
        Command::Lint(args) => lint::run(&cli.global, args),
        Command::Local(args) => local::run(&cli.global, args),
        Command::Rule(args) => lint::rule(args),
        Command::Events(args) => events::run(&cli.global, args),
        Command::Why(args) => why::run(&cli.global, args),
        Command::IamPolicy(args) => {
            use crate::aws::permissions;
            let policy = match args.policy {
                args::IamPolicyKind::ReadOnly => permissions::read_only_policy(),
                args::IamPolicyKind::Apply => permissions::apply_policy(),
                args::IamPolicyKind::Events => permissions::events_policy(),
            };
            print_stdout(&crate::render::pretty_json(&policy))
        }
        Command::Completions(args) => {
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut examples::command(), "sesform", &mut script);
            print_stdout(&String::from_utf8_lossy(&script))
        }
        Command::Man(args) => man(args),
        Command::Schema => print_stdout(&crate::render::pretty_json(
            crate::spec::schema::json_schema(),
        )),
    };
    ExitCode::from(code)
}

/// The exit code of a command line clap refused. `--help` and `--version` succeed. A usage
/// error must never look like "changes present" (`plan --detailed-exitcode` exits 2 for that),
/// so it exits 1, except where 2 is the documented code for bad input: `lint` (as ruff) and
/// `smtp`; and `why`, whose 0, 1 and 2 are verdicts, exits 3 as for any failed diagnosis.
fn usage_exit_code(error: &clap::Error, args: impl IntoIterator<Item = std::ffi::OsString>) -> u8 {
    if error.exit_code() == 0 {
        return exit::SUCCESS;
    }
    let command = <Cli as clap::CommandFactory>::command();
    let subcommand = args.into_iter().skip(1).find_map(|arg| {
        let arg = arg.to_str()?;
        command
            .get_subcommands()
            .find(|sub| sub.get_name() == arg || sub.get_all_aliases().any(|a| a == arg))
            .map(|sub| sub.get_name().to_string())
    });
    match subcommand.as_deref() {
        Some("lint" | "smtp") => exit::ERROR_OR_CHANGES,
        Some("why") => why::COULD_NOT_DIAGNOSE,
        _ => exit::FAILURE,
    }
}

/// Whether to color output on a stream: `--color always|never`, else anstream's rules
/// (NO_COLOR off, CLICOLOR_FORCE on, CLICOLOR=0 off, then a terminal whose TERM is not
/// `dumb`).
fn use_color(global: &GlobalArgs, stream: &impl anstream::stream::RawStream) -> bool {
    match global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
    }
}

pub fn stderr_color(global: &GlobalArgs) -> bool {
    use_color(global, &std::io::stderr())
}

pub fn stdout_color(global: &GlobalArgs) -> bool {
    use_color(global, &std::io::stdout())
}

/// `sesform man`: the man page on standard output, or every command's page in a directory.
fn man(args: &args::ManArgs) -> u8 {
    let Some(dir) = &args.dir else {
        return print_stdout(&String::from_utf8_lossy(&man::page()));
    };
    match man::write_all(dir) {
        Ok(_) => exit::SUCCESS,
        Err(e) => {
            eprintln!("error: writing man pages to {}: {e}", dir.display());
            exit::FAILURE
        }
    }
}

/// Writes to standard output; a closed pipe (`sesform schema | head`) is not an error.
pub fn print_stdout(text: &str) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => exit::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::SUCCESS,
        Err(e) => {
            eprintln!("error: writing to standard output: {e}");
            exit::FAILURE
        }
    }
}
