//! `--debug` and `SESFORM_LOG`: a log of every AWS request on standard error, through `tracing`.
//! What is logged about a request is chosen in [`crate::aws`] (never a header, body or answer).

use tracing_subscriber::EnvFilter;

use super::GlobalArgs;

/// The levels that, alone in `SESFORM_LOG`, mean sesform's own log (not the SDK's).
const LEVELS: [&str; 6] = ["trace", "debug", "info", "warn", "error", "off"];

/// The filter directives from `--debug` and `SESFORM_LOG`, if logging is on. A bare level
/// (`SESFORM_LOG=debug`) applies to sesform; `target=level` directives (`aws_smithy_runtime=debug`)
/// reach other crates, as in `RUST_LOG`.
pub fn directives(debug: bool, env: Option<&str>) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if debug {
        parts.push("sesform=debug".into());
    }
    for part in env.unwrap_or_default().split(',').map(str::trim) {
        if part.is_empty() {
            continue;
        }
        if LEVELS.contains(&part.to_ascii_lowercase().as_str()) {
            parts.push(format!("sesform={part}"));
        } else {
            parts.push(part.to_string());
        }
    }
    (!parts.is_empty()).then(|| parts.join(","))
}

/// Whether the request log is on, so a spinner keeps out of its way.
pub fn enabled(global: &GlobalArgs) -> bool {
    directives(global.debug, std::env::var("SESFORM_LOG").ok().as_deref()).is_some()
}

/// Installs the log on standard error; an unreadable `SESFORM_LOG` is an error.
pub fn init(global: &GlobalArgs) -> Result<(), String> {
    let env = std::env::var("SESFORM_LOG").ok();
    let Some(directives) = directives(global.debug, env.as_deref()) else {
        return Ok(());
    };
    let filter = EnvFilter::builder()
        .parse(&directives)
        .map_err(|e| format!("SESFORM_LOG=`{}`: {e}", env.unwrap_or_default()))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(super::stderr_color(global))
        .try_init()
        .map_err(|e| format!("starting the log: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_levels_mean_sesform() {
        assert_eq!(directives(false, None), None);
        assert_eq!(directives(false, Some(" ")), None);
        assert_eq!(directives(true, None).as_deref(), Some("sesform=debug"));
        assert_eq!(
            directives(false, Some("debug")).as_deref(),
            Some("sesform=debug")
        );
        assert_eq!(
            directives(true, Some("aws_smithy_runtime=debug")).as_deref(),
            Some("sesform=debug,aws_smithy_runtime=debug")
        );
    }
}
