//! Behaviour of the binary as a process: closed pipes and the like.

use std::process::Stdio;

use crate::util::TestDir;

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
