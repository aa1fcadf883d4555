//! `sesform validate`

use super::args::{DiagnosticFormat, ValidateArgs};
use super::{GlobalArgs, exit, print_stdout, stderr_color};
use crate::render;
use crate::spec::{self, SpecError};

pub fn run(global: &GlobalArgs, args: &ValidateArgs) -> u8 {
    match spec::load(&args.spec) {
        Ok(loaded) => {
            let s = &loaded.spec;
            let summary = format!(
                "{}: valid spec for {}{}: {} identities, {} configuration sets, {} SNS topics, {} SMTP users, {} clients\n",
                loaded.source.name,
                s.region,
                s.stack.as_ref().map(|st| format!(" (stack {st})")).unwrap_or_default(),
                s.identities.len(),
                s.configuration_sets.len(),
                s.sns_topics.len(),
                s.smtp_users.len(),
                s.clients.len(),
            );
            match args.format {
                DiagnosticFormat::Human if global.quiet => exit::SUCCESS,
                DiagnosticFormat::Human => print_stdout(&summary),
                DiagnosticFormat::Json => print_stdout(&format!("{}\n", render::diagnostics::json(&[]))),
            }
        }
        Err(SpecError::Read(error)) => {
            eprintln!("error: {error}");
            exit::FAILURE
        }
        Err(SpecError::Invalid { source, diagnostics }) => {
            match args.format {
                DiagnosticFormat::Human => {
                    let text = render::diagnostics::human(&diagnostics, &[&source], stderr_color(global));
                    let n = diagnostics.len();
                    eprint!("{text}");
                    eprintln!(
                        "{}: {n} error{} found",
                        source.name,
                        if n == 1 { "" } else { "s" }
                    );
                }
                DiagnosticFormat::Json => {
                    print_stdout(&format!("{}\n", render::diagnostics::json(&diagnostics)));
                }
            }
            exit::FAILURE
        }
    }
}
