//! `sesform validate`

use super::args::{DiagnosticFormat, ValidateArgs};
use super::{GlobalArgs, exit, print_stdout, stderr_color};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::render;
use crate::render::count;
use crate::render::paths::Paths;
use crate::render::sarif::{self, SarifRule};
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
                format => print_stdout(&machine(format, &[], &[])),
            }
        }
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
                    let n = diagnostics.len();
                    eprint!("{text}");
                    eprintln!(
                        "{}: {n} error{} found",
                        source.name,
                        if n == 1 { "" } else { "s" }
                    );
                }
                format => {
                    print_stdout(&machine(format, &diagnostics, &[&source]));
                }
            }
            exit::FAILURE
        }
    }
}

/// The diagnostics in a format for machines, with the renderers lint uses: JSON, SARIF (a
/// rule per code found), GitHub annotations (nothing when the spec is valid).
fn machine(
    format: DiagnosticFormat,
    diagnostics: &[Diagnostic],
    sources: &[&SourceFile],
) -> String {
    match format {
        DiagnosticFormat::Human | DiagnosticFormat::Json => {
            format!("{}\n", render::diagnostics::json(diagnostics))
        }
        DiagnosticFormat::Github => {
            render::github::github(diagnostics, sources, &Paths::discover())
        }
        DiagnosticFormat::Sarif => {
            let mut codes: Vec<(&str, Severity)> = Vec::new();
            for d in diagnostics {
                if !codes.iter().any(|(c, _)| *c == d.code) {
                    codes.push((&d.code, d.severity));
                }
            }
            // Each code's section of docs/spec-errors.md (the registry `sesform rule CODE`
            // prints); a code without one links to the keys' reference.
            let documented: Vec<(String, String, String)> = codes
                .iter()
                .map(|(code, _)| match crate::spec::codes::find(code) {
                    Some(doc) => (
                        doc.summary(),
                        doc.doc.trim().to_string(),
                        sarif::docs_uri(ERROR_DOCS, Some(code)),
                    ),
                    None => (
                        "a problem in the sesform spec".to_string(),
                        "The spec's keys are documented in specs/README.md.".to_string(),
                        sarif::docs_uri(SPEC_DOCS, None),
                    ),
                })
                .collect();
            let rules: Vec<SarifRule> = codes
                .iter()
                .zip(&documented)
                .map(|((code, severity), (summary, help, uri))| SarifRule {
                    id: code,
                    summary,
                    help: help.clone(),
                    level: *severity,
                    help_uri: uri.clone(),
                    security_severity: None,
                })
                .collect();
            format!(
                "{}\n",
                sarif::sarif(diagnostics, sources, &rules, &Paths::discover())
            )
        }
    }
}

/// The spec's reference.
const SPEC_DOCS: &str = "specs/README.md";
/// The spec's error codes, one `## code` section each.
const ERROR_DOCS: &str = "docs/spec-errors.md";
