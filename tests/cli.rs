//! Behaviour of the binary as a process: closed pipes and the like.

use std::process::Stdio;

use crate::util::{Run, TestDir};

#[test]
fn a_closed_pipe_is_not_a_crash() {
    let dir = TestDir::new();
    // Enough errors to overflow any pipe buffer, so writing them must meet the closed end.
    let mut spec = String::from("version: 1\nregion: eu-west-1\n");
    for i in 0..500 {
        spec.push_str(&format!("unknown_key_{i}: x\n"));
    }
    dir.write("sesform.yaml", spec);
    for closed in ["stdout", "stderr"] {
        let mut cmd = dir.sesform();
        cmd.args(["validate", "--format", "human"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let kept = if closed == "stdout" {
            drop(stdout);
            stderr.map(|s| Box::new(s) as Box<dyn std::io::Read + Send>)
        } else {
            drop(stderr);
            stdout.map(|s| Box::new(s) as Box<dyn std::io::Read + Send>)
        };
        let reader = std::thread::spawn(move || {
            let mut sink = Vec::new();
            if let Some(mut r) = kept {
                let _ = r.read_to_end(&mut sink);
            }
        });
        let status = child.wait().unwrap();
        reader.join().unwrap();
        assert_eq!(status.code(), Some(1), "closed {closed}: {status:?}");
    }
}

/// A usage error never looks like "changes present": the README's CI recipe
/// `plan --detailed-exitcode || [ $? -eq 2 ]` must fail on a broken command line.
#[test]
fn usage_errors_exit_1_except_for_lint_and_smtp() {
    let dir = TestDir::new();
    let code = |args: &[&str]| crate::util::Run::of(dir.sesform().args(args)).code;
    for args in [
        &["plan", "--detailed-exitcode", "--parallelism=abc"][..],
        &["plan", "--no-such-flag"],
        &["apply", "--max-attempts", "many"],
        &["destroy", "--bogus"],
        &["dns", "--format", "xml"],
        &["export"],
        &["init", "--domain", "example.com"],
        &["status", "--bogus"],
        &["--region", "eu-west-1", "plan", "--parallelism", "-3"],
        &["no-such-command"],
    ] {
        assert_eq!(code(args), 1, "{args:?}");
    }
    // ruff's convention for lint; `smtp` documents 2 for bad input.
    assert_eq!(code(&["lint", "--format", "xml"]), 2);
    assert_eq!(code(&["smtp", "password"]), 2);
    for args in [&["--help"][..], &["plan", "--help"], &["--version"]] {
        assert_eq!(code(args), 0, "{args:?}");
    }
}

/// Runs a bash completion script the way bash does on <TAB> and returns the candidates.
fn bash_complete(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let n = words.len();
    // Bash calls the function with the command, the word being completed and the one before.
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; _sesform sesform {} {}; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        n - 1,
        quoted[n - 1],
        quoted[n - 2],
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .env_clear()
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn completions_for_each_shell() {
    let dir = TestDir::new();
    for (shell, marker) in [
        ("bash", "complete -F _sesform"),
        ("zsh", "#compdef sesform"),
        ("fish", "complete -c sesform"),
        (
            "powershell",
            "Register-ArgumentCompleter -Native -CommandName 'sesform'",
        ),
    ] {
        let run = Run::of(dir.sesform().args(["completions", shell]));
        assert_eq!(run.code, 0, "{shell}: {run:?}");
        assert!(run.stdout.contains(marker), "{shell}: {run:?}");
        assert!(
            run.stdout.contains("wait-verified"),
            "{shell}: every command's flags"
        );
    }
    let run = Run::of(dir.sesform().args(["completions", "tcsh"]));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("possible values"), "{run:?}");

    // The bash script really completes: commands, nested commands, flags and enum values.
    let run = Run::of(dir.sesform().args(["completions", "bash"]));
    let script = dir.write("sesform.bash", &run.stdout);
    let status = std::process::Command::new("bash")
        .args(["-n"])
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success(), "bash -n");
    assert_eq!(bash_complete(&script, &["sesform", "va"]), ["validate"]);
    assert_eq!(
        bash_complete(&script, &["sesform", "smtp", "ro"]),
        ["rotate"]
    );
    assert!(
        bash_complete(&script, &["sesform", "plan", "--detailed"])
            .contains(&"--detailed-exitcode".to_string())
    );
    assert_eq!(
        bash_complete(&script, &["sesform", "completions", "p"]),
        ["powershell"]
    );
}

#[test]
fn man_page_renders_with_man() {
    let dir = TestDir::new();
    let run = Run::of(dir.sesform().arg("man"));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with(".ie"), "roff: {run:?}");
    let page = dir.write("sesform.1", &run.stdout);
    // man-db's `man -l` formats a local file; warnings from groff go to stderr.
    let out = std::process::Command::new("man")
        .arg("-l")
        .arg(&page)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("MANWIDTH", "120")
        .env("MAN_KEEP_FORMATTING", "")
        .env("PAGER", "cat")
        .env("MANPAGER", "cat")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "SYNOPSIS",
        "sesform-plan(1)",
        "EXAMPLES",
        // Examples keep their lines (no filling) and their dashes.
        "       sesform init --domain example.com --framework laravel\n",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }

    let run = Run::of(dir.sesform().args(["man", "--dir", "man1"]));
    assert_eq!(run.code, 0, "{run:?}");
    let plan = dir.read("man1/sesform-plan.1");
    assert!(plan.contains("\\-\\-detailed\\-exitcode"), "{plan}");
    assert!(plan.contains(".SH EXAMPLES"), "{plan}");
    dir.write("file", "");
    let run = Run::of(dir.sesform().args(["man", "--dir", "file/man1"]));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("error: writing man pages to file/man1"),
        "{run:?}"
    );
}
