//! `sesform man`: man pages rendered by clap_mangen from the same clap command as `--help`,
//! with each command's examples in an EXAMPLES section kept line by line.

use std::io::Write;
use std::path::Path;

use clap_mangen::Man;

use super::examples;

/// The page of `sesform` itself.
pub fn page() -> Vec<u8> {
    let mut cmd = examples::command().disable_help_subcommand(true);
    cmd.build();
    let mut page = Vec::new();
    render(&cmd, &mut page).expect("rendering into memory cannot fail");
    page
}

/// `sesform.1` and one page per visible command (`sesform-smtp-rotate.1`, ...) in `dir`.
pub fn write_all(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    fn walk(
        cmd: &clap::Command,
        dir: &Path,
        written: &mut Vec<std::path::PathBuf>,
    ) -> std::io::Result<()> {
        let path = dir.join(Man::new(cmd.clone()).get_filename());
        let mut page = Vec::new();
        render(cmd, &mut page)?;
        std::fs::write(&path, page)?;
        written.push(path);
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, dir, written)?;
        }
        Ok(())
    }
    std::fs::create_dir_all(dir)?;
    let mut cmd = examples::command().disable_help_subcommand(true);
    cmd.build();
    let mut written = Vec::new();
    walk(&cmd, dir, &mut written)?;
    Ok(written)
}

fn render(cmd: &clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    let man = Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(out)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(out)?;
    }
    if let Some(help) = cmd.get_after_help() {
        // No-fill, so each example stays on its own line.
        writeln!(out, ".SH EXAMPLES\n.nf")?;
        for line in help.to_string().lines().skip(1) {
            writeln!(out, "{}", roff_line(line.trim_start()))?;
        }
        writeln!(out, ".fi")?;
    }
    man.render_version_section(out)
}

/// A line of literal text for roff: backslashes and minus signs escaped, and a leading `.` or
/// `'` kept from being read as a request.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_have_their_sections_and_examples() {
        let page = String::from_utf8(page()).unwrap();
        assert!(page.contains(".TH sesform 1"), "{page}");
        for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
            assert!(page.contains(section), "{section}: {page}");
        }
        assert!(page.contains(".SH EXAMPLES\n.nf\n# Start a spec"), "{page}");
        let dir = tempfile::tempdir().unwrap();
        let written = write_all(dir.path()).unwrap();
        let names: Vec<String> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        for name in [
            "sesform.1",
            "sesform-plan.1",
            "sesform-smtp-rotate.1",
            "sesform-man.1",
        ] {
            assert!(names.iter().any(|n| n == name), "{name}: {names:?}");
        }
        assert!(
            !names
                .iter()
                .any(|n| n.contains("help") || n.contains("serve")),
            "{names:?}"
        );
        let rotate = std::fs::read_to_string(dir.path().join("sesform-smtp-rotate.1")).unwrap();
        assert!(
            rotate.contains("sesform smtp rotate app\\-mailer \\-\\-idle\\-days 14"),
            "{rotate}"
        );
    }

    #[test]
    fn literal_lines_are_escaped() {
        assert_eq!(roff_line(".env -x \\n"), "\\&.env \\-x \\en");
        assert_eq!(roff_line("'q"), "\\&'q");
    }
}
