//! Lint settings per app: which rules run and which findings fail the run. They come from the
//! spec's client (`clients.<name>.lint`), else from the app's own `composer.json`
//! (`extra.sesform.lint`, for apps linted without a spec); `--select`, `--ignore` and
//! `--fail-on` override each setting they give.
//!
//! composer.json rather than a file of sesform's own: every Laravel and Symfony app has one,
//! `extra` is where PHP packages keep their settings (`extra.laravel`, `extra.symfony`), and
//! Composer keeps it as is, so the settings live with the app and need no new file.

use std::path::Path;

use super::files::{Files, Origin};
use super::registry::Rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::spec::LintSettings;

/// The code of findings about lint settings sesform could not use.
pub const LINT_CONFIG: &str = "lint-config";

/// What the command line gives: each one set overrides the app's setting.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<Severity>,
    pub online: bool,
}

/// How one app is linted.
#[derive(Clone)]
pub struct AppLint {
    pub rules: Vec<&'static Rule>,
    pub fail_on: Severity,
}

/// The app's settings: the client's in the spec, else composer.json's `extra.sesform.lint`
/// (read into `files`, so findings can point at it). Problems with composer.json's are
/// findings; the app is then linted as if it had none.
pub fn app_settings(
    root: &Path,
    client: Option<&LintSettings>,
    files: &mut Files,
    found: &mut Vec<Diagnostic>,
) -> Option<(LintSettings, Option<Origin>)> {
    if let Some(settings) = client {
        return Some((settings.clone(), None));
    }
    let path = root.join("composer.json");
    if !path.is_file() {
        return None;
    }
    // Unreadable or not JSON: Composer reports that; lint has nothing to read. Only a file
    // with settings joins the app's files.
    let text = crate::source::read_text(&path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text.text).ok()?;
    let lint = value.get("extra")?.get("sesform")?.get("lint")?;
    let id = files.read(&path).ok()?;
    let at = files
        .text(id)
        .find("\"sesform\"")
        .map(|start| Origin::new(id, start..start + "\"sesform\"".len()))
        .unwrap_or_else(|| Origin::new(id, 0..0));
    match serde_json::from_value::<LintSettings>(lint.clone()) {
        Ok(settings) => Some((settings, Some(at))),
        Err(e) => {
            found.push(
                Diagnostic::error(
                    LINT_CONFIG,
                    format!("extra.sesform.lint in composer.json is not valid: {e}"),
                )
                .at(files.label(&at, "read here"))
                .with_help(
                    "give `select` and `ignore` as lists of rule names, `fail_on` as info, \
                     warning or error; the app is linted with the defaults",
                ),
            );
            None
        }
    }
}

/// The rules and the failing severity for an app: each flag given wins over the app's
/// setting. Unknown rule names in the app's composer.json are findings (at `at`) and skipped;
/// online rules it selects run only with `--online`.
pub fn resolve(
    flags: &Flags,
    app: Option<&LintSettings>,
    at: Option<(&Files, &Origin)>,
    found: &mut Vec<Diagnostic>,
) -> AppLint {
    let empty = LintSettings::default();
    let app = app.unwrap_or(&empty);
    let mut known = |name: &String| match super::registry::find(name) {
        Some(rule) => Some(rule),
        None => {
            if let Some((files, origin)) = at {
                let mut d = Diagnostic::error(
                    LINT_CONFIG,
                    format!("extra.sesform.lint names `{name}`, which is not a lint rule"),
                )
                .at(files.label(origin, "read here"));
                if let Some(s) = super::registry::suggest(name) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                found.push(d);
            }
            None
        }
    };
    let ignore: Vec<String> = if flags.ignore.is_empty() {
        app.ignore
            .iter()
            .filter(|n| known(n).is_some())
            .cloned()
            .collect()
    } else {
        flags.ignore.clone()
    };
    let select: Vec<String> = if flags.select.is_empty() {
        app.select
            .iter()
            .filter(|n| known(n).is_some_and(|r| flags.online || !r.online()))
            .cloned()
            .collect()
    } else {
        flags.select.clone()
    };
    // An app that selects only rules that cannot run here checks nothing, not everything.
    let rules = if flags.select.is_empty() && !app.select.is_empty() && select.is_empty() {
        Vec::new()
    } else {
        // Every name is known and no online rule is selected without --online (the command
        // line's were checked before linting started), so this does not fail.
        super::select_rules(&select, &ignore, flags.online).unwrap_or_default()
    };
    AppLint {
        rules,
        fail_on: flags.fail_on.or(app.fail_on).unwrap_or(Severity::Warning),
    }
}
