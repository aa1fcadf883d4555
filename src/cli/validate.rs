//! `sesform validate`: loads the spec (with `--region` checked against it) and passes the
//! result to the views in [`crate::render::validate`].

use super::args::{DiagnosticFormat, ValidateArgs};
use super::{GlobalArgs, exit, print_stdout, stderr_color};
use crate::diagnostic::{Diagnostic, Label};
use crate::render;
use crate::render::paths::Paths;
use crate::source::SourceFile;
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
        Ok(loaded) => match args.format {
            DiagnosticFormat::Human if global.quiet => exit::SUCCESS,
            DiagnosticFormat::Human => print_stdout(&render::validate::valid(&loaded)),
            format => print_stdout(&machine(format, &[], &[])),
        },
        Err(error @ SpecError::Read(_)) => {
            match (args.format, &error) {
                (DiagnosticFormat::Human, _) => eprintln!("error: {error}"),
                (format, SpecError::Read(read)) => {
                    let diagnostic = SpecError::read_diagnostic(read);
                    print_stdout(&machine(format, &[diagnostic], &[]));
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
                    eprint!("{text}");
                    eprint!("{}", render::validate::invalid(&source, diagnostics.len()));
                }
                format => {
                    print_stdout(&machine(format, &diagnostics, &[&source]));
                }
            }
            exit::FAILURE
        }
    }
}

/// The diagnostics in a format for machines, with the renderers lint uses: JSON, SARIF,
/// GitHub annotations (nothing when the spec is valid).
fn machine(
    format: DiagnosticFormat,
    diagnostics: &[Diagnostic],
    sources: &[&SourceFile],
) -> String {
    match format {
        DiagnosticFormat::Human | DiagnosticFormat::Json => {
            render::validate::json(diagnostics, sources)
        }
        DiagnosticFormat::Github => {
            render::github::github(diagnostics, sources, &Paths::discover())
        }
        DiagnosticFormat::Sarif => {
            render::validate::sarif(diagnostics, sources, &Paths::discover())
        }
    }
}
