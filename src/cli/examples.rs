//! The "Examples:" section of each command's `--help` (and of its man page). They live here,
//! in one table, and are attached to the derived clap command by [`command`]; a test parses
//! every example line with the real CLI, so an example cannot name a flag that does not exist.

use clap::CommandFactory;

use super::Cli;

/// (command path, example lines). A line is `# comment` or a shell command whose `sesform ...`
/// part (after the last `| `) has no quotes.
pub const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "# Start a spec, check it, review the changes, apply them",
            "sesform init --domain example.com --framework laravel",
            "sesform validate",
            "sesform plan",
            "sesform apply",
        ],
    ),
    (
        "validate",
        &[
            "sesform validate",
            "sesform validate specs/prod.yaml --format json",
        ],
    ),
    (
        "schema",
        &[
            "# For editor completion (yaml-language-server)",
            "sesform schema > sesform.schema.json",
        ],
    ),
    (
        "iam-policy",
        &[
            "sesform iam-policy read-only > sesform-read-only.json",
            "sesform iam-policy apply",
            "sesform iam-policy events",
        ],
    ),
    (
        "plan",
        &[
            "sesform plan",
            "# In CI: save the plan for `apply --plan`; exit 2 when there are changes",
            "sesform plan --out plan.json --detailed-exitcode",
            "sesform plan specs/prod.yaml --json",
        ],
    ),
    (
        "apply",
        &[
            "sesform apply",
            "# Apply exactly the plan that was reviewed (refused if stale)",
            "sesform apply --plan plan.json",
            "sesform apply --auto-approve --wait-verified=10m --lock-timeout 15m",
        ],
    ),
    (
        "dns",
        &[
            "sesform dns",
            "sesform dns --format bind >> example.com.zone",
            "sesform dns --format route53 > changes.json",
        ],
    ),
    ("destroy", &["sesform destroy specs/staging.yaml"]),
    (
        "force-unlock",
        &[
            "# The ID is in the message of the run that found the lock held",
            "sesform force-unlock 3f9c0e1a7b2d4c58",
            "sesform force-unlock 3f9c0e1a7b2d4c58 --spec specs/prod.yaml --force",
        ],
    ),
    (
        "init",
        &[
            "sesform init --domain example.com",
            "sesform init --domain example.com --region eu-west-1 --framework symfony --events-webhook https://hooks.example.com/ses",
        ],
    ),
    ("status", &["sesform status", "sesform status --json"]),
    (
        "events",
        &[
            "sesform events tail --since 2h --type bounce,complaint",
            "sesform events tail --follow",
        ],
    ),
    (
        "events tail",
        &[
            "# Bounces and complaints of the last day, as they come in",
            "sesform events tail --since 1d --type bounce,complaint --follow",
            "# One recipient, as JSON lines for jq",
            "sesform events tail --recipient user@example.com --format json | jq .bounce",
            "sesform events tail --message-id 0100018c1234abcd-5678-000000 --stack prod",
            "sesform events tail --set transactional --log-group /aws/events/sesform/prod",
        ],
    ),
    (
        "why",
        &[
            "sesform why user@example.com",
            "sesform why user@example.com --from noreply@example.com --set transactional",
            "# In a script: 0 delivered, 1 not delivered (a cause found), 2 no record",
            "sesform why user@example.com --since 14d --format json | jq .verdict",
        ],
    ),
    (
        "export",
        &[
            "sesform export --region eu-west-1 -o sesform.yaml",
            "sesform export --stack prod --region eu-west-1",
        ],
    ),
    ("adopt", &["sesform adopt", "sesform adopt --auto-approve"]),
    (
        "smtp",
        &[
            "sesform smtp check --env-file .env.local",
            "sesform smtp rotate app-mailer",
        ],
    ),
    (
        "smtp password",
        &[
            "# The secret key comes on standard input, never in arguments",
            "printf %s \"$AWS_SECRET_ACCESS_KEY\" | sesform smtp password --region eu-west-1",
        ],
    ),
    (
        "smtp check",
        &[
            "sesform smtp check --env-file .env",
            "SESFORM_SMTP_DSN=ses+smtp://USER:PASS@default?region=eu-west-1 sesform smtp check",
        ],
    ),
    (
        "smtp rotate",
        &[
            "sesform smtp rotate app-mailer",
            "sesform smtp rotate app-mailer --idle-days 14",
            "sesform smtp rotate app-mailer --confirm-old-key-unused",
        ],
    ),
    (
        "local",
        &[
            "# SES on 127.0.0.1 for an app's tests, from the spec, identities verified",
            "sesform local --spec sesform.yaml",
            "sesform local --spec sesform.yaml --verified none --smtp-port 0 --smtps-port 0",
            "sesform local --idle-timeout 2 --max-messages 3",
        ],
    ),
    (
        "lint",
        &[
            "sesform lint",
            "sesform lint apps/shop apps/blog --spec sesform.yaml",
            "sesform lint --format sarif > sesform.sarif",
            "sesform lint --select ping-threshold,restart-threshold --fail-on error",
            "sesform lint --online --region eu-west-1",
        ],
    ),
    (
        "rule",
        &[
            "sesform rule ping-threshold",
            "# Spec error codes too, as `sesform validate` prints them",
            "sesform rule unknown-key",
            "sesform rule --all",
        ],
    ),
    (
        "completions",
        &[
            "sesform completions bash > ~/.local/share/bash-completion/completions/sesform",
            "sesform completions zsh > ~/.zfunc/_sesform",
            "sesform completions fish > ~/.config/fish/completions/sesform.fish",
            "sesform completions powershell >> $PROFILE",
        ],
    ),
    (
        "man",
        &[
            "sesform man | man -l -",
            "sesform man --dir /usr/local/share/man/man1",
        ],
    ),
];

/// The clap command of [`Cli`] with every command's examples attached.
pub fn command() -> clap::Command {
    EXAMPLES.iter().fold(Cli::command(), |cmd, (path, lines)| {
        let path: Vec<&str> = path.split_whitespace().collect();
        attach(cmd, &path, &section(lines))
    })
}

fn section(lines: &[&str]) -> String {
    let mut text = String::from("Examples:");
    for line in lines {
        text.push_str("\n  ");
        text.push_str(line);
    }
    text
}

fn attach(cmd: clap::Command, path: &[&str], text: &str) -> clap::Command {
    match path {
        [] => cmd.after_help(text.to_string()),
        [first, rest @ ..] => cmd.mut_subcommand(*first, |sub| attach(sub, rest, text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// The `sesform ...` argv of an example line, `None` for a comment.
    fn argv(line: &str) -> Option<Vec<&str>> {
        if line.starts_with('#') {
            return None;
        }
        let command = line
            .split("| ")
            .find(|part| part.contains("sesform "))
            .expect("an example runs sesform");
        let start = command.find("sesform ").expect("an example runs sesform");
        let command = &command[start..];
        // Redirections end the argv.
        let command = command.split(['>', '<']).next().unwrap();
        assert!(!command.contains(['"', '\'']), "no quotes in {line}");
        Some(command.split_whitespace().collect())
    }

    #[test]
    fn every_example_parses_with_the_real_cli() {
        let mut count = 0;
        for (path, lines) in EXAMPLES {
            for line in *lines {
                let Some(argv) = argv(line) else { continue };
                let cli = Cli::try_parse_from(&argv)
                    .unwrap_or_else(|e| panic!("`{line}` does not parse: {e}"));
                count += 1;
                // An example of `smtp rotate` runs `smtp rotate`.
                let words: Vec<&str> = argv[1..]
                    .iter()
                    .copied()
                    .filter(|w| !w.starts_with('-'))
                    .collect();
                let wanted: Vec<&str> = path.split_whitespace().collect();
                assert!(
                    words.starts_with(&wanted),
                    "`{line}` is listed under `{path}`: {cli:?}"
                );
            }
        }
        assert!(count > 30, "{count}");
    }

    #[test]
    fn every_visible_command_has_examples() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            if cmd.get_after_help().is_none() {
                missing.push(path.to_string());
            }
            let visible = cmd
                .get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help");
            for sub in visible {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&command(), "sesform", &mut missing);
        assert_eq!(missing, Vec::<String>::new());
    }

    #[test]
    fn help_shows_the_examples() {
        let mut cmd = command();
        let help = cmd
            .find_subcommand_mut("plan")
            .unwrap()
            .render_help()
            .to_string();
        assert!(help.contains("Examples:\n  sesform plan\n"), "{help}");
    }
}
