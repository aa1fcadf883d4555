//! `sesform validate`

use super::args::{DiagnosticFormat, ValidateArgs};
use super::{GlobalArgs, exit, print_stdout, stderr_color};
use crate::diagnostic::{Diagnostic, Label};
use crate::render;
use crate::render::count;
use crate::spec::{self, SpecError};

pub fn run(global: &GlobalArgs, args: &ValidateArgs) -> u8 {
    let loaded = spec::load(&args.spec).and_then(|loaded| match &global.region {
        // Like plan and apply: a spec manages one region, and --region may only confirm it.
        Some(flag) if flag != &loaded.spec.region => {
            let place = loaded.positions.span(&["region".to_string()], false);
            let diagnostic = Diagnostic::error(
                "region-mismatch",
                format!(
                    "--region {flag} does not match the spec's region {}",
                    loaded.spec.region
                ),
            )
            .at(Label::new(&loaded.source, place, ""))
            .with_help(
                "a spec manages one region: drop --region (and SESFORM_REGION), or change `region:` here",
            );
            Err(SpecError::Invalid {
                source: Box::new(loaded.source),
                diagnostics: vec![diagnostic],
            })
        }
        _ => Ok(loaded),
    });
    match loaded {
        Ok(loaded) => {
            let s = &loaded.spec;
            let summary = format!(
                "{}: valid spec for {}{}: {}, {}\n",
                loaded.source.name,
                s.region,
                s.stack
                    .as_ref()
                    .map(|st| format!(" (stack {st})"))
                    .unwrap_or_default(),
                crate::render::spec_counts(s),
                count(s.clients.len(), "client", "clients"),
            );
            match args.format {
                DiagnosticFormat::Human if global.quiet => exit::SUCCESS,
                DiagnosticFormat::Human => print_stdout(&summary),
                DiagnosticFormat::Json => {
                    print_stdout(&format!("{}\n", render::diagnostics::json(&[])))
                }
            }
        }
        Err(error @ SpecError::Read(_)) => {
            match (args.format, &error) {
                (DiagnosticFormat::Json, SpecError::Read(read)) => {
                    let diagnostic = SpecError::read_diagnostic(read);
                    print_stdout(&format!("{}\n", render::diagnostics::json(&[diagnostic])));
                }
                _ => eprintln!("error: {error}"),
            }
            exit::FAILURE
        }
        Err(SpecError::Invalid {
            source,
            diagnostics,
        }) => {
            match args.format {
                DiagnosticFormat::Human => {
                    let text =
                        render::diagnostics::human(&diagnostics, &[&source], stderr_color(global));
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
