//! The CI material is checked, not just written: examples/github-actions/ses.yml and the
//! README's short recipe parse as YAML and every `sesform` command line in them parses with
//! the real CLI; the release workflow builds the targets the README promises, and
//! scripts/package packages a build into an archive that unpacks and runs.

use std::collections::BTreeSet;
use std::path::Path;

use clap::Parser;
use serde_yaml::Value;
use sesform::cli::Cli;

use crate::util::{Run, TestDir, repo_file};

/// The simple commands of a shell script, as argv, with what each redirects to.
#[derive(Debug, Default, Clone, PartialEq)]
struct Simple {
    argv: Vec<String>,
    /// `> FILE` / `>> FILE` targets.
    stdout: Option<String>,
}

/// Splits a script into simple commands: quotes (single, double with `\` escapes), comments,
/// line continuations, `|| && | ; &` between commands, redirections dropped from argv.
/// `$VAR`, `${VAR}` and `$?` stay in their word, literally: they are placeholder values.
fn commands(script: &str) -> Vec<Simple> {
    #[derive(Debug, PartialEq)]
    enum Token {
        Word(String),
        Op(String),
    }
    let script = script.replace("\\\n", " ");
    let mut tokens = Vec::new();
    let mut chars = script.chars().peekable();
    let mut word: Option<String> = None;
    let end_word = |word: &mut Option<String>, tokens: &mut Vec<Token>| {
        if let Some(w) = word.take() {
            tokens.push(Token::Word(w));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    w.push(c);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        c => w.push(c),
                    }
                }
            }
            '#' if word.is_none() => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                tokens.push(Token::Op(";".into()));
            }
            '\n' | ';' => {
                end_word(&mut word, &mut tokens);
                tokens.push(Token::Op(";".into()));
            }
            ' ' | '\t' => end_word(&mut word, &mut tokens),
            '|' | '&' | '>' | '<' => {
                // `2>` is a redirection of the word `2`.
                if c == '>' && word.as_deref() == Some("2") {
                    word = None;
                }
                end_word(&mut word, &mut tokens);
                let mut op = c.to_string();
                if chars.peek() == Some(&c) {
                    op.push(chars.next().unwrap());
                }
                if c == '>' && chars.peek() == Some(&'&') {
                    chars.next();
                    op.push('&');
                }
                tokens.push(Token::Op(op));
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    end_word(&mut word, &mut tokens);

    let mut out = Vec::new();
    let mut current = Simple::default();
    let mut tokens = tokens.into_iter();
    while let Some(token) = tokens.next() {
        match token {
            Token::Word(w) => current.argv.push(w),
            Token::Op(op) if op.starts_with('>') || op == "<" => {
                let target = tokens.next();
                if op.starts_with('>')
                    && !op.ends_with('&')
                    && let Some(Token::Word(file)) = target
                {
                    current.stdout = Some(file);
                }
            }
            Token::Op(_) => out.push(std::mem::take(&mut current)),
        }
    }
    out.push(current);
    out.into_iter()
        .map(|mut c| {
            // Leading keywords and `NAME=value` assignments are not the command.
            let skip = c
                .argv
                .iter()
                .take_while(|w| {
                    ["if", "then", "else", "elif", "do", "!", "{", "("].contains(&w.as_str())
                        || w.split_once('=').is_some_and(|(name, _)| {
                            !name.is_empty()
                                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        })
                })
                .count();
            c.argv.drain(..skip);
            c
        })
        .filter(|c| !c.argv.is_empty())
        .collect()
}

/// Every `sesform` command of the `run:` steps of a workflow, by job.
fn sesform_commands(workflow: &Value) -> Vec<(String, Simple)> {
    let mut found = Vec::new();
    let jobs = workflow["jobs"].as_mapping().expect("jobs");
    for (name, job) in jobs {
        for step in job["steps"].as_sequence().expect("steps") {
            if let Some(run) = step["run"].as_str() {
                for command in commands(run) {
                    if command.argv[0] == "sesform" {
                        found.push((name.as_str().unwrap().to_string(), command));
                    }
                }
            }
        }
    }
    found
}

/// Parses each command with the real CLI; returns the subcommand names seen.
fn assert_all_parse(commands: &[(String, Simple)]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for (job, command) in commands {
        match Cli::try_parse_from(&command.argv) {
            Ok(cli) => {
                seen.insert(
                    format!("{:?}", cli.command)
                        .split('(')
                        .next()
                        .unwrap()
                        .to_string(),
                );
            }
            Err(e) => panic!(
                "job {job}: `{}` does not parse:\n{e}",
                command.argv.join(" ")
            ),
        }
    }
    seen
}

fn workflow(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn uses(job: &Value) -> Vec<(&str, &Value)> {
    job["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| Some((s["uses"].as_str()?, &s["with"])))
        .collect()
}

#[test]
fn the_shell_splitter() {
    let argv = |script: &str| -> Vec<Vec<String>> {
        commands(script).into_iter().map(|c| c.argv).collect()
    };
    assert_eq!(
        argv("code=0\nsesform plan --out 'a b.json' > plan.txt || code=$?"),
        [vec!["sesform", "plan", "--out", "a b.json"]]
    );
    let c = commands("X=1 sesform lint --format sarif > out.sarif 2>&1 | tee x # note");
    assert_eq!(c[0].argv, ["sesform", "lint", "--format", "sarif"]);
    assert_eq!(c[0].stdout.as_deref(), Some("out.sarif"));
    assert_eq!(c[1].argv, ["tee", "x"]);
    assert_eq!(c.len(), 2, "{c:?}");
    assert_eq!(
        argv("printf %s \"$KEY\" | sesform smtp password --region \"${R}\" \\\n  -q"),
        [
            vec!["printf", "%s", "$KEY"],
            vec!["sesform", "smtp", "password", "--region", "${R}", "-q"]
        ]
    );
    assert_eq!(
        argv("if [ x ]; then sesform plan; fi")[1],
        ["sesform", "plan"]
    );
}

#[test]
fn every_sesform_command_in_the_example_workflow_parses() {
    let workflow = workflow(&repo_file("examples/github-actions/ses.yml"));
    let commands = sesform_commands(&workflow);
    let seen = assert_all_parse(&commands);
    for command in ["Validate", "Lint", "Plan", "Apply"] {
        assert!(seen.contains(command), "{command} missing: {seen:?}");
    }

    // Triggers, one run at a time, OIDC.
    assert!(
        workflow["on"]["pull_request"].is_null() || workflow["on"]["pull_request"].is_mapping()
    );
    assert!(
        workflow["on"]
            .as_mapping()
            .unwrap()
            .contains_key("pull_request")
    );
    assert_eq!(workflow["on"]["push"]["branches"][0], "main");
    assert!(
        workflow["concurrency"]["group"]
            .as_str()
            .unwrap()
            .contains("github.ref")
    );
    let jobs = &workflow["jobs"];

    // lint --format sarif goes to the file upload-sarif uploads.
    let (_, lint) = commands.iter().find(|(_, c)| c.argv[1] == "lint").unwrap();
    assert!(
        lint.argv.windows(2).any(|w| w == ["--format", "sarif"]),
        "{lint:?}"
    );
    let sarif = lint
        .stdout
        .as_deref()
        .expect("lint's SARIF is redirected to a file");
    let lint_job = commands
        .iter()
        .find(|(_, c)| c.argv[1] == "lint")
        .unwrap()
        .0
        .as_str();
    let upload = uses(&jobs[lint_job])
        .into_iter()
        .find(|(u, _)| u.starts_with("github/codeql-action/upload-sarif@"))
        .expect("upload-sarif");
    assert_eq!(upload.1["sarif_file"], sarif);
    assert_eq!(jobs[lint_job]["permissions"]["security-events"], "write");

    // plan --out FILE: in the step summary, uploaded; apply --plan FILE: downloaded, applied.
    let (plan_job, plan) = commands.iter().find(|(_, c)| c.argv[1] == "plan").unwrap();
    let out = plan
        .argv
        .iter()
        .position(|a| a == "--out")
        .map(|i| &plan.argv[i + 1]);
    let out = out.expect("plan --out");
    assert!(plan.argv.contains(&"--detailed-exitcode".to_string()));
    let plan_steps = jobs[plan_job.as_str()]["steps"].as_sequence().unwrap();
    assert!(
        plan_steps
            .iter()
            .filter_map(|s| s["run"].as_str())
            .any(|r| r.contains("$GITHUB_STEP_SUMMARY") && r.contains("sesform plan")),
        "the plan goes to the step summary"
    );
    let artifact = uses(&jobs[plan_job.as_str()])
        .into_iter()
        .find(|(u, _)| u.starts_with("actions/upload-artifact@"))
        .expect("upload-artifact");
    assert!(
        artifact.1["path"]
            .as_str()
            .unwrap()
            .lines()
            .any(|l| l.trim() == out)
    );
    let (apply_job, apply) = commands.iter().find(|(_, c)| c.argv[1] == "apply").unwrap();
    assert!(
        apply
            .argv
            .windows(2)
            .any(|w| w[0] == "--plan" && &w[1] == out),
        "{apply:?}"
    );
    let apply_job = &jobs[apply_job.as_str()];
    assert!(
        apply_job["if"]
            .as_str()
            .unwrap()
            .contains("refs/heads/main")
    );
    let download = uses(apply_job)
        .into_iter()
        .find(|(u, _)| u.starts_with("actions/download-artifact@"))
        .expect("download-artifact");
    assert_eq!(download.1["name"], artifact.1["name"]);

    // AWS credentials by OIDC in every job that calls AWS, never stored keys.
    for job in [&jobs[plan_job.as_str()], apply_job] {
        let aws = uses(job)
            .into_iter()
            .find(|(u, _)| u.starts_with("aws-actions/configure-aws-credentials@"))
            .expect("configure-aws-credentials");
        assert!(aws.1["role-to-assume"].is_string());
        assert!(aws.1.get("aws-access-key-id").is_none());
        assert_eq!(job["permissions"]["id-token"], "write");
    }
}

/// The README's short recipe is true too, and points at the full example.
#[test]
fn the_readme_ci_recipe_parses() {
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
    let section = readme.split("## CI usage").nth(1).unwrap();
    assert!(
        section.contains("examples/github-actions/"),
        "README points at the example"
    );
    let yaml = section
        .split("```yaml\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let workflow: Value = serde_yaml::from_str(yaml).unwrap();
    let commands = sesform_commands(&workflow);
    let seen = assert_all_parse(&commands);
    assert!(seen.contains("Plan") && seen.contains("Apply"), "{seen:?}");
}

#[test]
fn the_release_workflow_builds_the_documented_targets() {
    let workflow = workflow(&repo_file(".github/workflows/release.yml"));
    let matrix = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap();
    let targets: BTreeSet<&str> = matrix
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    let expected = [
        "aarch64-apple-darwin",
        "aarch64-unknown-linux-gnu",
        "x86_64-apple-darwin",
        "x86_64-unknown-linux-gnu",
    ];
    assert_eq!(targets, expected.into_iter().collect());
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
    for target in expected {
        assert!(
            readme.contains(target),
            "README's install section names {target}"
        );
    }
    let runs: Vec<&str> = workflow["jobs"]["build"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        runs.iter().any(|r| r.contains("scripts/package --target")),
        "{runs:?}"
    );
}

/// scripts/package on the test build: an archive named by version and target, its checksum,
/// and inside the binaries, completions, man pages and licenses; the binary runs.
#[test]
fn package_script_packages_a_build() {
    let dir = TestDir::new();
    // The test build without its debug info (500 MB), so that gzip takes seconds, not a minute.
    let bin_dir = dir.join("bin");
    std::fs::create_dir(&bin_dir).unwrap();
    for (name, exe) in [
        ("sesform", env!("CARGO_BIN_EXE_sesform")),
        ("sesform-emulator", env!("CARGO_BIN_EXE_sesform-emulator")),
    ] {
        let strip = Run::of(
            std::process::Command::new("strip")
                .arg("-o")
                .arg(bin_dir.join(name))
                .arg(exe),
        );
        assert_eq!(strip.code, 0, "{strip:?}");
    }
    let out = dir.join("dist");
    let target = "x86_64-unknown-linux-gnu";
    let run = Run::of(
        std::process::Command::new(repo_file("scripts/package"))
            .args(["--target", target, "--bin-dir"])
            .arg(&bin_dir)
            .arg("--out")
            .arg(&out),
    );
    assert_eq!(run.code, 0, "{run:?}");
    let name = format!("sesform-{}-{target}", env!("CARGO_PKG_VERSION"));
    let archive = out.join(format!("{name}.tar.gz"));
    assert_eq!(run.stdout.trim(), archive.display().to_string(), "{run:?}");
    assert!(run.stderr.contains("sesform binary: "), "{run:?}");

    let check = Run::of(
        std::process::Command::new("sha256sum")
            .args(["-c", &format!("{name}.tar.gz.sha256")])
            .current_dir(&out),
    );
    assert_eq!(check.code, 0, "{check:?}");

    let list = Run::of(std::process::Command::new("tar").arg("tzf").arg(&archive));
    let entries: BTreeSet<&str> = list.stdout.lines().collect();
    for file in [
        "sesform",
        "sesform-emulator",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "completions/sesform.bash",
        "completions/_sesform",
        "completions/sesform.fish",
        "completions/_sesform.ps1",
        "man/sesform.1",
        "man/sesform-plan.1",
    ] {
        let path = format!("{name}/{file}");
        assert!(entries.contains(path.as_str()), "{path} in {entries:?}");
    }
    let unpack = Run::of(
        std::process::Command::new("tar")
            .arg("xzf")
            .arg(&archive)
            .current_dir(dir.path()),
    );
    assert_eq!(unpack.code, 0, "{unpack:?}");
    let version =
        Run::of(std::process::Command::new(dir.join(&format!("{name}/sesform"))).arg("--version"));
    assert_eq!(
        version.stdout,
        format!("sesform {}\n", env!("CARGO_PKG_VERSION"))
    );

    // Binaries that are not there are an error, not an empty archive.
    let run = Run::of(
        std::process::Command::new(repo_file("scripts/package"))
            .args(["--bin-dir", "/nonexistent", "--out"])
            .arg(dir.path()),
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("is missing"), "{run:?}");
}
