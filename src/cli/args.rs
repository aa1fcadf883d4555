//! clap definitions. Help text here is the user documentation of each command and flag.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// sesform: declare an Amazon SES setup in one YAML file, plan and apply it, and lint the
/// Laravel and Symfony apps that send through it.
#[derive(Debug, Parser)]
#[command(name = "sesform", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// AWS region; overrides the spec's `region` for commands that call AWS.
    #[arg(long, global = true, env = "SESFORM_REGION")]
    pub region: Option<String>,
    /// Named AWS profile from ~/.aws/config.
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Send every AWS call to this endpoint (an emulator, say). AWS_ENDPOINT_URL and the
    /// per-service AWS_ENDPOINT_URL_SESV2 / _SNS / _IAM variables are honoured too.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// When to color output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print less: only errors and results.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: each AWS call, timings. Repeat for more.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a spec: YAML syntax, unknown keys, types, references and AWS naming rules.
    /// Reports every error with file:line:column; exits 0 when valid, 1 when not.
    Validate(ValidateArgs),
    /// Print the JSON Schema of the spec, for editor completion and checks.
    Schema,
    /// Check Laravel and Symfony mail configuration for what breaks with Amazon SES.
    /// Exits 0 when clean, 1 on findings at or above --fail-on, 2 on usage or I/O errors.
    Lint(super::lint::LintArgs),
    /// Print a lint rule's documentation, or list the rules with --all.
    Rule(super::lint::RuleArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The spec file.
    #[arg(default_value = "sesform.yaml")]
    pub spec: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    Human,
    Json,
}
