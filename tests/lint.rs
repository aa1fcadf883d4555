//! `sesform lint` and `sesform rule`: every rule on its fixtures (one that triggers it, one
//! clean, one near miss), output formats, exit codes, rule selection, suppressions and broken
//! input. Every run has a clean environment, so the developer's MAIL_* or AWS_* never leak in.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{Run, TestDir, repo_file};

/// `sesform` with `cwd` as working directory and only PATH in the environment.
fn sesform_in(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sesform"));
    cmd.current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

fn fixtures() -> PathBuf {
    repo_file("tests/fixtures/lint")
}

/// `sesform lint --format json FIXTURE`, run in the fixtures directory. A rule whose fixtures
/// need a spec (a client's configuration set, limits) keeps it in its own directory as
/// `sesform.yaml`, and every fixture of the rule is linted against it.
fn lint_fixture(fixture: &str) -> Command {
    let mut cmd = sesform_in(&fixtures());
    cmd.args(["lint", "--format", "json", fixture]);
    let rule_dir = fixture.split('/').next().unwrap_or_default();
    let spec = Path::new(rule_dir).join("sesform.yaml");
    if fixtures().join(&spec).is_file() {
        cmd.arg("--spec").arg(spec);
    }
    cmd
}

/// A finding of a JSON run: (rule, file, line, message).
type Finding = (String, String, u64, String);

/// A JSON run's findings, and the whole document.
fn parse_json(run: &Run) -> (Vec<Finding>, Value) {
    let json: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    let found = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["location"]["file"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                f["location"]["line"].as_u64().unwrap_or_default(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (found, json)
}

/// Runs one rule on a fixture and returns (rule, file, line) of each finding.
fn findings(rule: &str, fixture: &str) -> (i32, Vec<(String, String, u64)>) {
    let (code, found) = findings_at(rule, fixture);
    let found = found.into_iter().map(|(r, f, l, _)| (r, f, l)).collect();
    (code, found)
}

/// Runs one rule on a fixture and returns (rule, file, line, column) of each finding.
fn findings_at(rule: &str, fixture: &str) -> (i32, Vec<(String, String, u64, u64)>) {
    let mut cmd = lint_fixture(fixture);
    cmd.args(["--select", rule]);
    let run = Run::of(&mut cmd);
    let (found, json) = parse_json(&run);
    let list = found
        .into_iter()
        .zip(json["diagnostics"].as_array().expect("diagnostics"))
        .map(|((rule, file, line, _), f)| {
            (
                rule,
                file,
                line,
                f["location"]["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    (run.code, list)
}

/// The rule reports exactly these (file, line, column) places on the trigger fixture, and
/// nothing on the clean and near-miss ones.
fn rule_case(rule: &str, trigger: &str, expected: &[(&str, u64, u64)]) {
    let (code, found) = findings_at(rule, trigger);
    let places: Vec<(String, u64, u64)> = found
        .iter()
        .map(|(r, f, l, c)| {
            assert_eq!(r, rule);
            (f.clone(), *l, *c)
        })
        .collect();
    let expected: Vec<(String, u64, u64)> = expected
        .iter()
        .map(|(f, l, c)| (f.to_string(), *l, *c))
        .collect();
    assert_eq!(places, expected, "{rule} on {trigger}");
    assert_eq!(code, 1, "{rule} on {trigger}: findings exit 1");
    for case in ["clean", "near-miss"] {
        let fixture = format!("{rule}/{case}");
        let (code, found) = findings(rule, &fixture);
        assert!(found.is_empty(), "{fixture}: {found:?}");
        assert_eq!(code, 0, "{fixture}");
    }
}

#[test]
fn ping_threshold() {
    rule_case(
        "ping-threshold",
        "ping-threshold/trigger",
        &[("ping-threshold/trigger/config/mail.php", 7, 9)],
    );
    // On Symfony, a value above 9 points at the value in the env file.
    let (_, found) = findings("ping-threshold", "ping-threshold/trigger-symfony");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, "ping-threshold/trigger-symfony/.env.prod.local");
}

#[test]
fn restart_threshold() {
    rule_case(
        "restart-threshold",
        "restart-threshold/trigger",
        &[("restart-threshold/trigger/.env.prod.local", 1, 159)],
    );
}

#[test]
fn smtp_password_format() {
    rule_case(
        "smtp-password-format",
        "smtp-password-format/trigger",
        &[("smtp-password-format/trigger/.env", 4, 15)],
    );
}

#[test]
fn credential_type() {
    rule_case(
        "credential-type",
        "credential-type/trigger",
        &[("credential-type/trigger/.env.prod.local", 1, 43)],
    );
    let (_, found) = findings("credential-type", "credential-type/trigger-smtp");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].2, 3);
}

#[test]
fn hardcoded_secret() {
    rule_case(
        "hardcoded-secret",
        "hardcoded-secret/trigger",
        &[(
            "hardcoded-secret/trigger/config/packages/mailer.yaml",
            3,
            47,
        )],
    );
}

#[test]
fn smtp_endpoint() {
    rule_case(
        "smtp-endpoint",
        "smtp-endpoint/trigger",
        &[("smtp-endpoint/trigger/.env.prod.local", 1, 12)],
    );
    // Laravel 11.35.0 alone made MAIL_ENCRYPTION=tls smtps on port 587 (11.35.1 reverted it).
    let fixture = "smtp-endpoint/trigger-laravel-11.35.0";
    let (_, found) = findings_at("smtp-endpoint", fixture);
    let places: Vec<(String, u64, u64)> = found.into_iter().map(|(_, f, l, c)| (f, l, c)).collect();
    assert_eq!(places, vec![(format!("{fixture}/.env"), 5, 17)]);
}

#[test]
fn dsn_encoding() {
    rule_case(
        "dsn-encoding",
        "dsn-encoding/trigger",
        &[("dsn-encoding/trigger/.env.prod.local", 1, 54)],
    );
    let (_, found) = findings("dsn-encoding", "dsn-encoding/trigger-dotenv");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].2, 4);
}

#[test]
fn config_set_header() {
    rule_case(
        "config-set-header",
        "config-set-header/trigger",
        &[(
            "config-set-header/trigger/config/packages/mailer.yaml",
            3,
            9,
        )],
    );
}

#[test]
fn framework_version() {
    rule_case(
        "framework-version",
        "framework-version/trigger",
        &[("framework-version/trigger/.env", 5, 17)],
    );
    // Laravel 11.34.2 with symfony/mailer 7.2.0: the empty scheme MAIL_ENCRYPTION=null gives.
    let (_, found) = findings_at(
        "framework-version",
        "framework-version/trigger-empty-scheme",
    );
    let places: Vec<(String, u64, u64)> = found.into_iter().map(|(_, f, l, c)| (f, l, c)).collect();
    let expected = (
        "framework-version/trigger-empty-scheme/.env".to_string(),
        5,
        17,
    );
    assert_eq!(places, vec![expected]);
}

#[test]
fn undefined_mailer() {
    rule_case(
        "undefined-mailer",
        "undefined-mailer/trigger",
        &[("undefined-mailer/trigger/.env", 2, 13)],
    );
}

#[test]
fn undefined_mailer_checks_failover_members_and_merges_laravel_11_mailers() {
    let dir = TestDir::new();
    let mail = "<?php\nreturn ['default' => env('MAIL_MAILER', 'smtp'), 'mailers' => [\n  'smtp' => ['transport' => 'smtp', 'host' => 'localhost'],\n  'failover' => ['transport' => 'failover', 'mailers' => ['smtp', 'sess']],\n]];\n";
    for (app, version) in [("l10", "v10.48.4"), ("l11", "v11.44.0")] {
        laravel_app(&dir, app, version, mail);
        dir.write(&format!("{app}/.env"), "MAIL_MAILER=failover\n");
    }
    let (run, found, _) = json_run(&dir, &["--select", "undefined-mailer", "l10"]);
    assert_eq!(found.len(), 1, "{run:?}");
    assert_eq!(
        (found[0].1.as_str(), found[0].2),
        ("l10/config/mail.php", 4),
        "{run:?}"
    );
    assert!(
        found[0]
            .3
            .starts_with("`failover` (failover) lists a mailer, `sess`"),
        "{run:?}"
    );
    // `log` is Laravel 11's own mailer, merged into the app's; Laravel 10 has no such merge.
    dir.write("l10/.env", "MAIL_MAILER=log\n");
    dir.write("l11/.env", "MAIL_MAILER=log\n");
    let (run, found, _) = json_run(&dir, &["--select", "undefined-mailer", "l10"]);
    assert_eq!(found.len(), 1, "{run:?}");
    let (run, found, _) = json_run(&dir, &["--select", "undefined-mailer", "l11"]);
    assert!(found.is_empty(), "{run:?}");
}

#[test]
fn undefined_mailer_knows_the_framework_mailers_of_the_installed_version() {
    // Laravel 11's own config/mail.php defines `failover`, `smtp` and `sendmail`: an app
    // without config/mail.php, or one whose failover lists `sendmail`, sends.
    for fixture in [
        "undefined-mailer/near-miss-framework-mailers",
        "undefined-mailer/near-miss-failover-sendmail",
    ] {
        let (code, found) = findings("undefined-mailer", fixture);
        assert!(found.is_empty(), "{fixture}: {found:?}");
        assert_eq!(code, 0, "{fixture}");
    }
    // 11.7's has no `roundrobin` yet; the finding is at the .env line that selects it.
    let (_, found) = findings(
        "undefined-mailer",
        "undefined-mailer/trigger-framework-version",
    );
    let expected = (
        "undefined-mailer/trigger-framework-version/.env".to_string(),
        2,
    );
    let places: Vec<(String, u64)> = found.into_iter().map(|(_, f, l)| (f, l)).collect();
    assert_eq!(places, vec![expected]);
    // Each version's copy: the first release whose file has the mailer, and the one before.
    let dir = TestDir::new();
    let cases = [
        ("v11.7.9", "roundrobin", false),
        ("v11.8.0", "roundrobin", true),
        ("v11.16.1", "resend", false),
        ("v11.17.0", "resend", true),
        ("v12.64.0", "lettermint", false),
        ("v12.65.0", "lettermint", true),
    ];
    for (version, mailer, defined) in cases {
        let app = format!("{mailer}-{version}");
        dir.write(&format!("{app}/artisan"), "");
        dir.write(
            &format!("{app}/composer.lock"),
            format!(r#"{{"packages": [{{"name": "laravel/framework", "version": "{version}"}}]}}"#),
        );
        dir.write(&format!("{app}/.env"), format!("MAIL_MAILER={mailer}\n"));
        let (run, found, _) = json_run(&dir, &["--select", "undefined-mailer", &app]);
        assert_eq!(found.is_empty(), defined, "{app}: {run:?}");
    }
}

/// Every `file` of a JSON run's findings and related places, relative to `root`.
fn finding_files(json: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for f in json["diagnostics"].as_array().expect("diagnostics") {
        out.push(
            f["location"]["file"]
                .as_str()
                .unwrap_or("(none)")
                .to_string(),
        );
        for r in f["related"].as_array().into_iter().flatten() {
            out.push(r["file"].as_str().unwrap_or("(none)").to_string());
        }
    }
    out
}

#[test]
fn findings_about_the_framework_config_point_at_files_of_the_app() {
    // No config/mail.php: the `smtp` mailer is Laravel's own, selected by MAIL_MAILER.
    let fixture = "ping-threshold/trigger-framework-config";
    let (code, found) = findings_at("ping-threshold", fixture);
    assert_eq!(code, 1);
    let places: Vec<(String, u64, u64)> = found.into_iter().map(|(_, f, l, c)| (f, l, c)).collect();
    assert_eq!(places, vec![(format!("{fixture}/.env"), 1, 13)]);
    let run = Run::of(sesform_in(&fixtures()).args(["lint", "--format", "json", fixture]));
    let (_, json) = parse_json(&run);
    let notes = json["diagnostics"][0]["notes"].to_string();
    assert!(
        notes.contains("Laravel's own config/mail.php (laravel/framework 11.44.0"),
        "{run:?}"
    );
    // Every file a finding names exists, in JSON, SARIF and GitHub output, with the app's
    // directory in front like the others; with a config/mail.php whose `mailers` the
    // framework's complete, and with the framework's default mailer too.
    let dir = TestDir::new();
    laravel_app(
        &dir,
        "own",
        "v11.44.0",
        "<?php\nreturn ['mailers' => ['failover' => ['transport' => 'failover', 'mailers' => ['smtp', 'ses']]]];\n",
    );
    dir.write(
        "own/.env",
        "MAIL_MAILER=failover\nMAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_PORT=25\nAWS_DEFAULT_REGION=mars-1\n",
    );
    dir.write("bare/artisan", "");
    dir.write(
        "bare/.env",
        "MAIL_MAILER=smtp\nMAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_SCHEME=smtps\nMAIL_PORT=587\n",
    );
    let (run, found, json) = json_run(&dir, &["own", "bare"]);
    assert!(found.len() >= 3, "{run:?}");
    for file in finding_files(&json) {
        assert!(dir.join(&file).is_file(), "{file} does not exist: {run:?}");
        assert!(
            file.starts_with("own/") || file.starts_with("bare/"),
            "{file}"
        );
    }
    let run = Run::of(
        dir.sesform()
            .args(["lint", "--format", "sarif", "own", "bare"]),
    );
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        for location in result["locations"].as_array().unwrap() {
            let uri = location["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(dir.join(uri).is_file(), "{uri}: {result}");
        }
    }
    let run = Run::of(
        dir.sesform()
            .args(["lint", "--format", "github", "own", "bare"]),
    );
    for line in run.stdout.lines() {
        let file = line
            .split("file=")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .expect("a file");
        assert!(dir.join(file).is_file(), "{line}");
    }
}

/// A Laravel 10 app in `app/`: SMTP to MAIL_HOST:MAIL_PORT, its config cache `cache` (the
/// `mail` array of `php artisan config:cache`).
fn cached_laravel_app(dir: &TestDir, env: &str, port: &str) {
    let mail = "<?php\nreturn ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => env('MAIL_HOST'), 'port' => env('MAIL_PORT', 587), 'ping_threshold' => 9]]];\n";
    laravel_app(dir, "app", "v10.48.4", mail);
    dir.write("app/.env", env);
    dir.write(
        "app/bootstrap/cache/config.php",
        format!(
            "<?php return array (\n  'app' => \n  array (\n    'env' => 'production',\n  ),\n  'mail' => \n  array (\n    'default' => 'smtp',\n    'mailers' => \n    array (\n      'smtp' => \n      array (\n        'transport' => 'smtp',\n        'host' => 'email-smtp.eu-west-1.amazonaws.com',\n        'port' => {port},\n        'ping_threshold' => 9,\n      ),\n    ),\n  ),\n);\n"
        ),
    );
}

#[test]
fn a_laravel_config_cache_is_what_runs_and_is_compared_with_the_files() {
    rule_case(
        "stale-config-cache",
        "stale-config-cache/trigger",
        &[(
            "stale-config-cache/trigger/bootstrap/cache/config.php",
            17,
            19,
        )],
    );
    // The files were fixed (587), the cache still says 25: the rules check the cache, and the
    // summary says it was read.
    let dir = TestDir::new();
    cached_laravel_app(
        &dir,
        "APP_ENV=local\nMAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_PORT=587\n",
        "25",
    );
    let (run, found, json) = json_run(&dir, &["app"]);
    let rules: Vec<(&str, &str, u64)> = found
        .iter()
        .map(|(r, f, l, _)| (r.as_str(), f.as_str(), *l))
        .collect();
    let cache = "app/bootstrap/cache/config.php";
    assert_eq!(
        rules,
        vec![
            ("smtp-endpoint", cache, 15),
            ("stale-config-cache", cache, 15)
        ],
        "{run:?}"
    );
    assert_eq!(json["apps"][0]["app_env"], "production");
    let reason = json["apps"][0]["app_env_reason"].as_str().unwrap();
    assert!(
        reason.starts_with("the config cache sets app.env at app/bootstrap/cache/config.php:4"),
        "{reason}"
    );
    let run = Run::of(dir.sesform().args(["lint", "app"]));
    assert!(
        run.stdout.contains("Laravel boots from the cache and reads neither .env nor config/*.php, so the cache was checked"),
        "{run:?}"
    );
    // A cache that says what the files say: nothing to report.
    cached_laravel_app(
        &dir,
        "MAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_PORT=587\n",
        "'587'",
    );
    let (run, found, _) = json_run(&dir, &["app"]);
    assert!(found.is_empty(), "{run:?}");
}

#[test]
fn unused_suppression() {
    rule_case(
        "unused-suppression",
        "unused-suppression/trigger",
        &[("unused-suppression/trigger/.env.prod.local", 1, 149)],
    );
}

/// Every registered rule has its three fixtures (the online rules' are run by lint_online).
#[test]
fn every_registered_rule_has_trigger_clean_and_near_miss_fixtures() {
    for rule in sesform::lint::registry::RULES {
        for case in ["trigger", "clean", "near-miss"] {
            let dir = fixtures().join(rule.name).join(case);
            assert!(dir.is_dir(), "{} has no {case} fixture", rule.name);
        }
    }
}

#[test]
fn every_clean_and_near_miss_fixture_is_clean_for_every_rule() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let rule = entry.unwrap().file_name().to_string_lossy().to_string();
        if !fixtures().join(&rule).is_dir() {
            continue;
        }
        for case in ["clean", "near-miss"] {
            let run = Run::of(&mut lint_fixture(&format!("{rule}/{case}")));
            assert_eq!(run.code, 0, "{rule}/{case}: {run:?}");
        }
    }
}

// ----- the examples and output formats -----

fn lint_example(format: &str) -> Run {
    Run::of(sesform_in(&repo_file("")).args([
        "--color",
        "never",
        "lint",
        "--spec",
        "examples/sesform.yaml",
        "--format",
        format,
        "examples/laravel-9",
    ]))
}

#[test]
fn snapshot_human() {
    let run = lint_example("human");
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn snapshot_json() {
    let run = lint_example("json");
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn snapshot_sarif() {
    let run = lint_example("sarif");
    assert_eq!(run.code, 1, "{run:?}");
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    // Every result names a rule that the driver describes, and its file relative to the
    // directory lint ran in (%SRCROOT%), so code scanning maps it to the checkout.
    let root = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{result}");
        assert!(artifact["uri"].as_str().unwrap().starts_with("examples/"));
    }
    // The rule docs are long and change with wording; snapshot the results only.
    insta::assert_snapshot!(serde_json::to_string_pretty(&sarif["runs"][0]["results"]).unwrap());
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let run = lint_example("sarif");
    assert_eq!(run.code, 1, "{run:?}");
    let errors = crate::util::sarif_schema_errors(&run.stdout);
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema does catch what is wrong: a driver without a name, a relative helpUri.
    let broken = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"rules": [{"id": "x", "helpUri": "docs/lint.md"}]}}}]}"#;
    assert_eq!(crate::util::sarif_schema_errors(broken).len(), 2);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    for rule in driver["rules"].as_array().unwrap() {
        let uri = rule["helpUri"].as_str().unwrap();
        assert!(uri.contains("/docs/lint.md#"), "{uri}");
        let rated = rule["properties"]["security-severity"].as_str();
        if rule["id"] == "hardcoded-secret" {
            let score: f64 = rated.unwrap().parse().unwrap();
            assert!((0.0..=10.0).contains(&score));
            assert_eq!(rule["properties"]["tags"][0], "security");
        } else {
            assert_eq!(rated, None, "{rule}");
        }
    }
}

/// Code scanning maps SARIF files to the checkout: they are relative to the repository root
/// (`%SRCROOT%`), wherever in the repository lint ran.
#[test]
fn code_host_formats_name_files_relative_to_the_repository_root() {
    let dir = TestDir::new();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    symfony_app(&dir, SES_DSN);
    // Lint run in the app's directory, a level below the repository root.
    let mut cmd = dir.sesform();
    cmd.current_dir(dir.join("app"))
        .args(["lint", "--format", "sarif"]);
    let run = Run::of(&mut cmd);
    assert_eq!(run.code, 1, "{run:?}");
    let errors = crate::util::sarif_schema_errors(&run.stdout);
    assert!(errors.is_empty(), "{errors:#?}");
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let root = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    let expected = format!("{}/", dir.path().to_string_lossy());
    assert!(
        root.starts_with("file:///") && root.ends_with(&expected),
        "{root}"
    );
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{result}");
        assert_eq!(artifact["uri"], "app/.env.prod.local", "{result}");
    }
    // So are GitHub's annotations (against the workspace) and GitLab's issues.
    let run = |format: &str| {
        let mut cmd = dir.sesform();
        cmd.current_dir(dir.join("app"))
            .args(["lint", "--format", format]);
        Run::of(&mut cmd)
    };
    let github = run("github");
    assert!(
        github.stdout.contains("file=app/.env.prod.local,"),
        "{github:?}"
    );
    let gitlab: Value = serde_json::from_str(&run("gitlab").stdout).unwrap();
    assert_eq!(gitlab[0]["location"]["path"], "app/.env.prod.local");
}

#[test]
fn gitlab_code_quality() {
    let run = lint_example("gitlab");
    assert_eq!(run.code, 1, "{run:?}");
    let (found, _) = parse_json(&lint_example("json"));
    let issues: Value = serde_json::from_str(&run.stdout).unwrap();
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), found.len());
    let mut fingerprints = std::collections::HashSet::new();
    for (issue, (rule, file, line, message)) in issues.iter().zip(&found) {
        assert_eq!(issue["check_name"], rule.as_str());
        // Relative to the repository root: lint ran there, so as lint prints them.
        assert_eq!(issue["location"]["path"], file.as_str());
        assert_eq!(issue["location"]["lines"]["begin"], *line);
        assert!(
            issue["description"]
                .as_str()
                .unwrap()
                .starts_with(message.as_str())
        );
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap()),
            "{issue}"
        );
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
    }
    // Fingerprints are stable from run to run.
    assert_eq!(lint_example("gitlab").stdout, run.stdout);
}

#[test]
fn concise_is_a_line_per_finding() {
    let run = lint_example("concise");
    assert_eq!(run.code, 1, "{run:?}");
    let (found, json) = parse_json(&lint_example("json"));
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), found.len(), "{}", run.stdout);
    for ((line, (rule, file, number, message)), finding) in lines
        .iter()
        .zip(&found)
        .zip(json["diagnostics"].as_array().unwrap())
    {
        let expected = format!(
            "{file}:{number}:{}: {}[{rule}] {message}",
            finding["location"]["column"],
            finding["severity"].as_str().unwrap()
        );
        assert_eq!(*line, expected);
    }
}

#[test]
fn github_annotations() {
    let run = lint_example("github");
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "::warning file=examples/laravel-9/config/mail.php,line=18,col=36,endColumn=39,title=sesform restart-threshold::restart_threshold is 500"
        ),
        "{run:?}"
    );
    assert!(run.stdout.lines().all(|l| l.starts_with("::")), "{run:?}");
}

#[test]
fn the_spec_clients_are_the_default_targets() {
    let run = Run::of(sesform_in(&repo_file("examples")).args(["lint", "--format", "json"]));
    assert_eq!(run.code, 1, "{run:?}");
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["summary"]["apps"], 5);
    let rules: std::collections::BTreeSet<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    // Together the examples show every offline rule.
    for rule in [
        "ping-threshold",
        "restart-threshold",
        "smtp-password-format",
        "credential-type",
        "hardcoded-secret",
        "smtp-endpoint",
        "dsn-encoding",
        "config-set-header",
        "framework-version",
    ] {
        assert!(rules.contains(rule), "{rule} not shown by the examples");
    }
    // The clean app has nothing.
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !f["location"]["file"]
                .as_str()
                .unwrap()
                .starts_with("clean/")),
        "{run:?}"
    );
}

// ----- exit codes, selection, severity -----

const SES_DSN: &str = "ses+smtp://AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@default?region=eu-west-1";

/// A Symfony app with MAILER_DSN in .env.prod.local.
fn symfony_app(dir: &TestDir, dsn: &str) {
    dir.write(
        "app/config/packages/mailer.yaml",
        "framework:\n    mailer:\n        dsn: '%env(MAILER_DSN)%'\n",
    );
    dir.write("app/.env", "APP_ENV=dev\nMAILER_DSN=null://null\n");
    dir.write("app/.env.prod.local", format!("MAILER_DSN={dsn}\n"));
}

#[test]
fn a_cut_note_goes_only_on_findings_about_the_cut_text() {
    let dir = TestDir::new();
    symfony_app(
        &dir,
        "smtp://AKIAIOSFODNN7EXAMPLE:short@email-smtp.eu-west-1.amazonaws.com:587?ping_threshold=9 #Xy7kQ2pLm9a",
    );
    let run = Run::of(dir.sesform().args(["--color", "never", "lint", "app"]));
    assert!(
        run.stdout
            .contains("error[dsn-encoding]: MAILER_DSN is cut"),
        "{run:?}"
    );
    let password = &run.stdout[run
        .stdout
        .find("warning[smtp-password-format]")
        .expect("found")..];
    let password = &password[..password.find("\n\n").unwrap_or(password.len())];
    assert!(!password.contains("was cut at"), "{password}");
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = TestDir::new();
    symfony_app(&dir, &format!("{SES_DSN}&ping_threshold=9"));
    assert_eq!(Run::of(dir.sesform().args(["lint", "app"])).code, 0);
    symfony_app(&dir, SES_DSN);
    let run = Run::of(dir.sesform().args(["--color", "never", "lint", "app"]));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("warning[ping-threshold]"), "{run:?}");
    assert!(
        run.stdout.contains("Found 1 problem (1 warning) in 1 app."),
        "{run:?}"
    );
    // Only errors fail the run with --fail-on error.
    let run = Run::of(dir.sesform().args(["lint", "--fail-on", "error", "app"]));
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn select_and_ignore() {
    let dir = TestDir::new();
    symfony_app(&dir, SES_DSN);
    let run = Run::of(
        dir.sesform()
            .args(["lint", "--ignore", "ping-threshold", "app"]),
    );
    assert_eq!(run.code, 0, "{run:?}");
    let run =
        Run::of(
            dir.sesform()
                .args(["lint", "--select", "dsn-encoding,smtp-endpoint", "app"]),
        );
    assert_eq!(run.code, 0, "{run:?}");
    let run = Run::of(
        dir.sesform()
            .args(["lint", "--select", "ping-treshold", "app"]),
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("unknown rule `ping-treshold`; did you mean `ping-threshold`?"),
        "{run:?}"
    );
    let run = Run::of(dir.sesform().args(["lint", "--ignore", "nope", "app"]));
    assert_eq!(run.code, 2, "{run:?}");
    let run = Run::of(dir.sesform().args(["lint", "--select", "sandbox", "app"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("add --online"), "{run:?}");
}

#[test]
fn online_without_credentials_is_a_clear_error() {
    // The harness environment has no AWS credentials (the online rules themselves are tested
    // over the emulators in tests/lint_online.rs).
    let dir = TestDir::new();
    symfony_app(&dir, SES_DSN);
    let run = Run::of(
        dir.sesform()
            .args(["lint", "--online", "--region", "eu-west-1", "app"]),
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("no AWS credentials"), "{run:?}");
}

// ----- suppressions -----

#[test]
fn suppressions_on_the_line_or_the_line_above() {
    let dir = TestDir::new();
    symfony_app(&dir, SES_DSN);
    dir.write(
        "app/.env.prod.local",
        format!("# sesform: ignore ping-threshold -- the worker restarts every 5 s\nMAILER_DSN={SES_DSN}\n"),
    );
    let run = Run::of(dir.sesform().args(["lint", "app"]));
    assert_eq!(run.code, 0, "{run:?}");
    // On the config line that reads the variable (.env files are often not committed).
    dir.write("app/.env.prod.local", format!("MAILER_DSN={SES_DSN}\n"));
    dir.write(
        "app/config/packages/mailer.yaml",
        "framework:\n    mailer:\n        dsn: '%env(MAILER_DSN)%' # sesform: ignore ping-threshold\n",
    );
    let run = Run::of(dir.sesform().args(["lint", "app"]));
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn unused_and_unknown_suppressions_are_reported() {
    let dir = TestDir::new();
    symfony_app(&dir, &format!("{SES_DSN}&ping_threshold=9"));
    dir.write(
        "app/.env.prod.local",
        format!(
            "MAILER_DSN={SES_DSN}&ping_threshold=9 # sesform: ignore ping-threshold, dns-encoding\n"
        ),
    );
    let run = Run::of(dir.sesform().args(["lint", "--format", "json", "app"]));
    assert_eq!(run.code, 1, "{run:?}");
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let messages: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["code"], "unused-suppression");
            assert_eq!(f["location"]["line"], 1);
            f["message"].as_str().unwrap()
        })
        .collect();
    assert_eq!(messages.len(), 2, "{run:?}");
    assert!(
        messages[0].contains("`ping-threshold` reports nothing"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("unknown rule `dns-encoding`"),
        "{messages:?}"
    );
    assert_eq!(
        json["diagnostics"][1]["help"].as_str(),
        Some("did you mean `dsn-encoding`?")
    );
    // Not reported for rules that were not run, nor when unused-suppression is not run.
    let select = |rules: &str| {
        let run = Run::of(
            dir.sesform()
                .args(["lint", "--select", rules, "--format", "json", "app"]),
        );
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        json["diagnostics"].as_array().unwrap().len()
    };
    assert_eq!(select("dsn-encoding,unused-suppression"), 1);
    assert_eq!(select("dsn-encoding"), 0);
}

#[test]
fn suppression_in_php_comments() {
    let dir = TestDir::new();
    dir.write(
        "app/composer.lock",
        r#"{"packages": [{"name": "laravel/framework", "version": "v10.48.4"}]}"#,
    );
    dir.write(
        "app/config/mail.php",
        "<?php\nreturn [\n    'default' => 'smtp',\n    'mailers' => [\n        // sesform: ignore ping-threshold\n        'smtp' => ['transport' => 'smtp', 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 587],\n    ],\n];\n",
    );
    let run = Run::of(dir.sesform().args(["lint", "app"]));
    assert_eq!(run.code, 0, "{run:?}");
}

// ----- bad input -----

#[test]
fn a_missing_directory_is_a_usage_error() {
    let dir = TestDir::new();
    let run = Run::of(dir.sesform().args(["lint", "nope"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("nope: no such directory"), "{run:?}");
    dir.write("empty/readme.txt", "not an app");
    let run = Run::of(dir.sesform().args(["lint", "empty"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("no Laravel or Symfony app found"),
        "{run:?}"
    );
}

#[test]
fn malformed_php_is_reported_with_its_line() {
    let dir = TestDir::new();
    dir.write(
        "app/config/mail.php",
        "<?php\n\nreturn [\n    'default' => 'smtp'\n    'mailers' => [],\n];\n",
    );
    let run = Run::of(dir.sesform().args(["--color", "never", "lint", "app"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("error[syntax-error]"), "{run:?}");
    assert!(run.stdout.contains("app/config/mail.php:"), "{run:?}");
    let json = Run::of(dir.sesform().args(["lint", "--format", "json", "app"]));
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    // Where PHP reports it: the element after the missing `,`.
    assert_eq!(json["diagnostics"][0]["location"]["line"], 5, "{json}");
    assert_eq!(json["diagnostics"][0]["location"]["column"], 5, "{json}");
    assert_eq!(
        json["diagnostics"][0]["message"],
        "syntax error, unexpected `'mailers'`: is a `,` missing at the end of line 4?",
        "{json}"
    );
}

#[test]
fn malformed_env_and_yaml_files_name_the_line() {
    let dir = TestDir::new();
    symfony_app(&dir, SES_DSN);
    dir.write("app/.env.prod.local", "MAILER_DSN=has spaces\n");
    let run = Run::of(dir.sesform().args(["--color", "never", "lint", "app"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("app/.env.prod.local:1:12"), "{run:?}");
    assert!(
        run.stdout
            .contains("A value containing spaces must be surrounded by quotes"),
        "{run:?}"
    );

    symfony_app(&dir, SES_DSN);
    dir.write(
        "app/config/packages/mailer.yaml",
        "framework:\n  mailer:\n    dsn: 'open\n",
    );
    let run = Run::of(dir.sesform().args(["--color", "never", "lint", "app"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("error[syntax-error]"), "{run:?}");
    assert!(
        run.stdout.contains("app/config/packages/mailer.yaml"),
        "{run:?}"
    );
}

#[test]
fn a_binary_config_file_is_an_error_not_a_skip() {
    let dir = TestDir::new();
    dir.write("app/artisan", "#!/usr/bin/env php\n");
    dir.write(
        "app/config/mail.php",
        [0x7f, b'E', b'L', b'F', 0, 0, 0x80, 0xff, 0xfe],
    );
    let run = Run::of(dir.sesform().args(["lint", "app"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("looks like a binary file"), "{run:?}");
}

#[test]
fn an_invalid_spec_is_a_usage_error() {
    let dir = TestDir::new();
    symfony_app(&dir, SES_DSN);
    dir.write(
        "sesform.yaml",
        "version: 1\nregion: eu-west-1\nclients:\n  app: {pth: app}\n",
    );
    let run = Run::of(dir.sesform().args(["--color", "never", "lint"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("invalid spec"), "{run:?}");
}

// ----- environments -----

/// A Laravel app in the directory `app` at `version` (composer.lock), with `mail` as its
/// config/mail.php.
fn laravel_app(dir: &TestDir, app: &str, version: &str, mail: &str) {
    dir.write(
        &format!("{app}/composer.lock"),
        format!(r#"{{"packages": [{{"name": "laravel/framework", "version": "{version}"}}]}}"#),
    );
    dir.write(&format!("{app}/config/mail.php"), mail);
}

/// A Laravel 10 app in `app/` sending through SMTP to MAIL_HOST:MAIL_PORT (default 587).
fn laravel_10_smtp_app() -> TestDir {
    let dir = TestDir::new();
    let mail = "<?php\nreturn ['default' => env('MAIL_MAILER', 'smtp'), 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => env('MAIL_HOST'), 'port' => env('MAIL_PORT', 587), 'ping_threshold' => 9]]];\n";
    laravel_app(&dir, "app", "v10.48.4", mail);
    dir
}

#[test]
fn laravel_env_files_are_replaced_not_cascaded() {
    let dir = laravel_10_smtp_app();
    dir.write(
        "app/.env",
        "MAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_PORT=25\n",
    );
    dir.write(
        "app/.env.staging",
        "MAIL_HOST=email-smtp.eu-west-1.amazonaws.com\n",
    );
    // production: no .env.production, so .env is read: port 25 is reported.
    let run = Run::of(dir.sesform().args([
        "--color",
        "never",
        "lint",
        "--select",
        "smtp-endpoint",
        "app",
    ]));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("port 25"), "{run:?}");
    // staging: .env.staging replaces .env entirely, so MAIL_PORT falls back to 587.
    let run = Run::of(dir.sesform().args([
        "lint",
        "--select",
        "smtp-endpoint",
        "--env",
        "staging",
        "app",
    ]));
    assert_eq!(run.code, 0, "{run:?}");
    // The process environment wins over the files.
    let run = Run::of(dir.sesform().env("MAIL_PORT", "587").args([
        "lint",
        "--select",
        "smtp-endpoint",
        "app",
    ]));
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn laravel_reads_env_dot_app_env_only_when_app_env_is_set_before_boot() {
    let dir = laravel_10_smtp_app();
    dir.write(
        "app/.env",
        "APP_ENV=production\nMAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_PORT=587\n",
    );
    dir.write(
        "app/.env.production",
        "MAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_PORT=25\n",
    );
    dir.write("app/.env.example", "MAIL_PORT=25\n");
    let lint = |cmd: &mut std::process::Command, extra: &[&str]| {
        let args = [
            "--color",
            "never",
            "lint",
            "--select",
            "smtp-endpoint",
            "app",
        ];
        Run::of(cmd.args(args).args(extra))
    };
    // APP_ENV=production in .env does not choose a file: Laravel reads it after choosing .env.
    let run = lint(&mut dir.sesform(), &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(
            "Checked app as APP_ENV=production: nothing sets APP_ENV before boot, so Laravel \
             loads .env, which sets it at app/.env:1 (--env production loads .env.production \
             instead).\n"
        ),
        "{run:?}"
    );
    // Set before boot (the real environment, --env, or the client's env), it does.
    for run in [
        lint(dir.sesform().env("APP_ENV", "production"), &[]),
        lint(&mut dir.sesform(), &["--env", "production"]),
    ] {
        assert_eq!(run.code, 1, "{run:?}");
        assert!(run.stdout.contains("app/.env.production:2"), "{run:?}");
    }
    // Without APP_ENV anywhere, the app is production (config/app.php's default) on `.env`.
    dir.write(
        "app/.env",
        "MAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_PORT=587\n",
    );
    let run = lint(&mut dir.sesform(), &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("config/app.php defaults to production"),
        "{run:?}"
    );
}

#[test]
fn each_laravel_reads_env_files_with_its_own_phpdotenv() {
    let dir = TestDir::new();
    for (app, version) in [("l6", "v6.20.44"), ("l8", "v8.83.27")] {
        let mail = "<?php\nreturn ['driver' => 'smtp', 'password' => env('MAIL_PASSWORD')];\n";
        laravel_app(&dir, app, version, mail);
        // `\n` is an escape from phpdotenv v4 on; v3 (Laravel 6) refuses it.
        dir.write(
            &format!("{app}/.env"),
            "APP_NAME=x\nMAIL_PASSWORD=\"a\\nb\"\n",
        );
    }
    let run = Run::of(dir.sesform().args(["--color", "never", "lint", "l6"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("error[syntax-error]: Failed to parse dotenv file due to an unexpected escape sequence. Failed at [MAIL_PASSWORD=\"a\\nb\"]."), "{run:?}");
    assert!(run.stdout.contains("l6/.env:2:"), "{run:?}");
    assert!(run.stdout.contains("phpdotenv v3 refuses it"), "{run:?}");
    let run = Run::of(dir.sesform().args(["--color", "never", "lint", "l8"]));
    assert!(!run.stdout.contains("syntax-error"), "{run:?}");
}

#[test]
fn laravel_6_flat_config_and_7_mailers_config() {
    let dir = TestDir::new();
    // 6.x: a flat `driver` config; `ses` reads only services.ses.
    dir.write(
        "l6/composer.lock",
        r#"{"packages": [{"name": "laravel/framework", "version": "v6.20.44"}]}"#,
    );
    dir.write("l6/config/mail.php", "<?php\nreturn ['driver' => env('MAIL_DRIVER', 'smtp'), 'from' => ['address' => 'a@example.com']];\n");
    dir.write(
        "l6/config/services.php",
        "<?php\nreturn ['ses' => ['key' => 'AKIAIOSFODNN7EXAMPLE', 'secret' => 'BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2', 'region' => 'eu-west-1']];\n",
    );
    dir.write("l6/.env", "MAIL_DRIVER=ses\n");
    // 7.x: `mailers`, with the default chosen by MAIL_MAILER.
    dir.write(
        "l7/composer.lock",
        r#"{"packages": [{"name": "laravel/framework", "version": "v7.30.6"}]}"#,
    );
    dir.write(
        "l7/config/mail.php",
        "<?php\nreturn ['default' => env('MAIL_MAILER', 'smtp'), 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => env('MAIL_HOST'), 'port' => 465, 'encryption' => 'tls']]];\n",
    );
    dir.write("l7/.env", "MAIL_HOST=email-smtp.eu-west-1.amazonaws.com\n");
    let run = Run::of(dir.sesform().args(["lint", "--format", "json", "l6", "l7"]));
    assert_eq!(run.code, 1, "{run:?}");
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["location"]["file"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        found.contains(&("credential-type", "l6/config/services.php")),
        "{found:?}"
    );
    assert!(
        found.contains(&("hardcoded-secret", "l6/config/services.php")),
        "{found:?}"
    );
    // Swift Mailer sends STARTTLS for `tls`, which port 465 does not expect.
    assert!(
        found.contains(&("smtp-endpoint", "l7/config/mail.php")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(r, _)| *r == "ping-threshold"),
        "{found:?}"
    );
}

#[test]
fn symfony_when_blocks_and_env_cascade() {
    let dir = TestDir::new();
    dir.write(
        "app/config/packages/mailer.yaml",
        "framework:\n    mailer:\n        dsn: 'null://null'\n\nwhen@prod:\n    framework:\n        mailer:\n            dsn: '%env(MAILER_DSN)%'\n",
    );
    dir.write(
        "app/.env",
        format!("MAILER_DSN={SES_DSN}&ping_threshold=9\n"),
    );
    dir.write(
        "app/.env.local",
        format!("MAILER_DSN={SES_DSN}&ping_threshold=60\n"),
    );
    let run = Run::of(dir.sesform().args(["--color", "never", "lint", "app"]));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("app/.env.local:1:"), "{run:?}");
    assert!(run.stdout.contains("ping_threshold is 60 s"), "{run:?}");
    assert!(run.stdout.contains("which wins over app/.env:1"), "{run:?}");
    // In dev, the when@prod block does not apply.
    let run = Run::of(dir.sesform().args(["lint", "--env", "dev", "app"]));
    assert_eq!(run.code, 0, "{run:?}");
}

/// `sesform lint --format json ARGS` in `dir`: the run and its (rule, file, line, message).
fn json_run(dir: &TestDir, args: &[&str]) -> (Run, Vec<Finding>, Value) {
    let run = Run::of(dir.sesform().args(["lint", "--format", "json"]).args(args));
    let (found, json) = parse_json(&run);
    (run, found, json)
}

#[test]
fn symfony_app_env_follows_env_local_not_the_committed_env() {
    let dir = TestDir::new();
    dir.write(
        "app/config/packages/mailer.yaml",
        "framework:\n    mailer:\n        dsn: '%env(MAILER_DSN)%'\n",
    );
    dir.write("app/.env", "APP_ENV=dev\nMAILER_DSN=null://null\n");
    // The deploy override, read again by Dotenv::loadEnv after .env.local.
    dir.write("app/.env.local", "APP_ENV=staging\n");
    dir.write("app/.env.staging", format!("MAILER_DSN={SES_DSN}\n"));
    let run = Run::of(dir.sesform().args(["--color", "never", "lint", "app"]));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("warning[ping-threshold]"), "{run:?}");
    assert!(run.stdout.contains("app/.env.staging:1:"), "{run:?}");
    assert!(
        run.stdout
            .contains("Checked app as APP_ENV=staging: set in app/.env.local:1.\n"),
        "{run:?}"
    );
    let (_, found, json) = json_run(&dir, &["--select", "ping-threshold", "app"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "app/.env.staging");
    assert_eq!(json["apps"][0]["app_env"], "staging");
    assert_eq!(json["apps"][0]["app_env_reason"], "set in app/.env.local:1");
    // --env wins over the files.
    let run = Run::of(dir.sesform().args(["lint", "--env", "dev", "app"]));
    assert_eq!(run.code, 0, "{run:?}");
    // Without a deploy override, the committed APP_ENV=dev is not followed, and it says so.
    dir.write("app/.env.local", "");
    dir.write("app/.env.prod.local", format!("MAILER_DSN={SES_DSN}\n"));
    let run = Run::of(dir.sesform().args(["--color", "never", "lint", "app"]));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("app/.env.prod.local:1:"), "{run:?}");
    assert!(
        run.stdout.contains(
            "Checked app as APP_ENV=prod: the production default; app/.env:1 sets APP_ENV=dev, a \
             committed development default lint does not follow (--env dev checks dev).\n"
        ),
        "{run:?}"
    );
}

#[test]
fn a_suppression_next_to_a_losing_definition_does_not_apply() {
    let dir = TestDir::new();
    symfony_app(&dir, SES_DSN);
    // .env.local loses to .env.prod.local: its comment must not silence the finding there.
    dir.write(
        "app/.env.local",
        format!("# sesform: ignore ping-threshold\nMAILER_DSN={SES_DSN}&ping_threshold=9\n"),
    );
    let (run, found, _) = json_run(&dir, &["app"]);
    assert_eq!(run.code, 1, "{run:?}");
    let places: Vec<(&str, &str, u64)> = found
        .iter()
        .map(|(r, f, l, _)| (r.as_str(), f.as_str(), *l))
        .collect();
    assert_eq!(
        places,
        vec![
            ("unused-suppression", "app/.env.local", 1),
            ("ping-threshold", "app/.env.prod.local", 1),
        ],
        "{run:?}"
    );
    // Next to the winning definition, it does.
    dir.write(
        "app/.env.prod.local",
        format!("# sesform: ignore ping-threshold\nMAILER_DSN={SES_DSN}\n"),
    );
    dir.write("app/.env.local", "");
    let (run, found, _) = json_run(&dir, &["app"]);
    assert_eq!(run.code, 0, "{run:?} {found:?}");
}

/// The smtp-endpoint messages for a Symfony app with this DSN (and extra .env lines).
fn smtp_endpoint_messages(dir: &TestDir, dsn: &str, extra: &str) -> Vec<String> {
    symfony_app(dir, dsn);
    dir.write("app/.env.prod.local", format!("MAILER_DSN={dsn}\n{extra}"));
    let (_, found, _) = json_run(dir, &["--select", "smtp-endpoint", "app"]);
    found.into_iter().map(|f| f.3).collect()
}

#[test]
fn smtp_endpoint_sub_cases() {
    let dir = TestDir::new();
    let smtp =
        "smtp://AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@email-smtp";
    let one = |dsn: &str, extra: &str, expected: &str| {
        let found = smtp_endpoint_messages(&dir, dsn, extra);
        assert_eq!(found.len(), 1, "{dsn}: {found:?}");
        assert!(found[0].contains(expected), "{dsn}: {found:?}");
    };
    one(
        &format!("{smtp}.eu-west-1.amazonaws.com:25?ping_threshold=9"),
        "",
        "port 25 is throttled",
    );
    one(
        &format!("{smtp}.eu-west-1.amazonaws.com:587?verify_peer=0"),
        "",
        "certificate verification is off",
    );
    one(
        &format!("{smtp}.eu-west-1.amazonaws.com:587?auto_tls=false"),
        "",
        "the connection is not encrypted (auto_tls=false",
    );
    one(
        &format!("{smtp}.eu-west-1.amazonaws.com:587"),
        "AWS_DEFAULT_REGION=us-east-1\n",
        "sends through SES in eu-west-1, but AWS_DEFAULT_REGION is us-east-1",
    );
    one(
        &format!("{smtp}.eu-west-9.amazonaws.com:587"),
        "",
        "SES has no endpoint in `eu-west-9`",
    );
    one(
        "ses+smtp://AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@default?region=ireland",
        "",
        "`ireland` is not an AWS region",
    );
    // No port: Symfony Mailer connects to 465 with TLS from the start, which SES serves.
    assert!(
        smtp_endpoint_messages(
            &dir,
            &format!("{smtp}.eu-west-1.amazonaws.com?ping_threshold=9"),
            ""
        )
        .is_empty()
    );
    // Matching regions and a STARTTLS port: nothing.
    assert!(
        smtp_endpoint_messages(
            &dir,
            &format!("{smtp}.eu-west-1.amazonaws.com:587"),
            "AWS_DEFAULT_REGION=eu-west-1\n"
        )
        .is_empty()
    );
    // With a spec, its region is the one to match (AWS_DEFAULT_REGION no longer counts).
    dir.write(
        "sesform.yaml",
        "version: 1\nregion: us-east-1\nclients:\n  app: {path: app, framework: symfony}\n",
    );
    let found = smtp_endpoint_messages(
        &dir,
        &format!("{smtp}.eu-west-1.amazonaws.com:587"),
        "AWS_DEFAULT_REGION=eu-west-1\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("but the spec sets up SES in us-east-1"),
        "{found:?}"
    );
}

#[test]
fn a_laravel_smtp_mailer_without_a_port_uses_465_with_tls_from_laravel_9() {
    let dir = TestDir::new();
    let mail = "<?php\nreturn ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'ping_threshold' => 9]]];\n";
    for (app, version, clean) in [("l10", "v10.48.4", true), ("l8", "v8.83.27", false)] {
        laravel_app(&dir, app, version, mail);
        let (run, found, _) = json_run(&dir, &["--select", "smtp-endpoint", app]);
        // Swift Mailer (Laravel 8) connects to 25 in plain text instead.
        assert_eq!(found.is_empty(), clean, "{app}: {run:?}");
    }
}

#[test]
fn an_unused_laravel_ses_mailer_is_not_held_to_the_spec_region() {
    let dir = TestDir::new();
    dir.write(
        "app/composer.lock",
        r#"{"packages": [{"name": "laravel/framework", "version": "v10.48.4"}]}"#,
    );
    // The skeleton: an `ses` mailer whose region is AWS_DEFAULT_REGION, here set for S3.
    dir.write(
        "app/config/mail.php",
        "<?php\nreturn ['default' => env('MAIL_MAILER', 'smtp'), 'mailers' => [\n  'smtp' => ['transport' => 'smtp', 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 587, 'ping_threshold' => 9],\n  'ses' => ['transport' => 'ses'],\n]];\n",
    );
    dir.write(
        "app/config/services.php",
        "<?php\nreturn ['ses' => ['key' => env('AWS_ACCESS_KEY_ID'), 'secret' => env('AWS_SECRET_ACCESS_KEY'), 'region' => env('AWS_DEFAULT_REGION', 'us-east-1')]];\n",
    );
    dir.write("app/.env", "AWS_DEFAULT_REGION=ap-southeast-2\n");
    dir.write("sesform.yaml", "version: 1\nregion: eu-west-1\n");
    let (run, found, _) = json_run(&dir, &["--select", "smtp-endpoint", "app"]);
    assert!(found.is_empty(), "{run:?}");
    // Sending through it by default, the mismatch is an error.
    dir.write(
        "app/.env",
        "AWS_DEFAULT_REGION=ap-southeast-2\nMAIL_MAILER=ses\n",
    );
    let (run, found, _) = json_run(&dir, &["--select", "smtp-endpoint", "app"]);
    assert_eq!(found.len(), 1, "{run:?}");
    assert!(
        found[0]
            .3
            .contains("sends through SES in ap-southeast-2, but the spec sets up SES in eu-west-1"),
        "{run:?}"
    );
}

#[test]
fn swift_mailer_stream_options_count_only_before_laravel_9() {
    let dir = TestDir::new();
    let mail = "<?php\nreturn ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 587, 'encryption' => 'tls', 'ping_threshold' => 9, 'stream' => ['ssl' => ['verify_peer' => false]]]]];\n";
    for (app, version, reported) in [("l8", "v8.83.27", true), ("l9", "v9.52.16", false)] {
        laravel_app(&dir, app, version, mail);
        let (run, found, _) = json_run(&dir, &["--select", "smtp-endpoint", app]);
        let off = found
            .iter()
            .any(|f| f.3.contains("certificate verification is off"));
        assert_eq!(off, reported, "{app}: {run:?}");
    }
}

#[test]
fn a_hardcoded_ses_secret_is_told_to_move_to_aws_secret_access_key() {
    let dir = TestDir::new();
    dir.write(
        "app/composer.lock",
        r#"{"packages": [{"name": "laravel/framework", "version": "v10.48.4"}]}"#,
    );
    dir.write(
        "app/config/mail.php",
        "<?php\nreturn ['default' => 'ses', 'mailers' => ['ses' => ['transport' => 'ses']]];\n",
    );
    dir.write(
        "app/config/services.php",
        "<?php\nreturn ['ses' => ['key' => 'AKIAIOSFODNN7EXAMPLE', 'secret' => 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'region' => 'eu-west-1']];\n",
    );
    let (run, _, json) = json_run(&dir, &["--select", "hardcoded-secret", "app"]);
    let help = json["diagnostics"][0]["help"].as_str().unwrap_or_default();
    assert!(
        help.starts_with("read it with env('AWS_SECRET_ACCESS_KEY')"),
        "{run:?}"
    );
}

#[test]
fn readme_shows_a_current_run() {
    let run = Run::of(sesform_in(&repo_file("examples")).args(["--color", "never", "lint"]));
    assert_eq!(run.code, 1, "{run:?}");
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
    // README shows the start of the run and its summary; both must be what lint prints now.
    let start = readme
        .find("$ sesform lint\n")
        .expect("README shows a `sesform lint` run");
    let shown = &readme[start + "$ sesform lint\n".len()..];
    let shown = &shown[..shown.find("```").expect("the run ends its code block")];
    for line in shown
        .lines()
        .filter(|l| !l.trim().is_empty() && l.trim() != "...")
    {
        assert!(
            run.stdout.lines().any(|l| l == line),
            "README.md shows a line `sesform lint` in examples/ no longer prints:\n{line}\n\nthe run:\n{}",
            run.stdout
        );
    }
    let summary = run.stdout.lines().last().unwrap();
    assert!(
        shown.lines().any(|l| l == summary),
        "README.md's run must end with the current summary: {summary}"
    );
}

// ----- sesform rule -----

#[test]
fn rule_prints_the_rule_documentation() {
    let dir = TestDir::new();
    let run = Run::of(dir.sesform().args(["rule", "ping-threshold"]));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("# ping-threshold\n"), "{run:?}");
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## References",
    ] {
        assert!(run.stdout.contains(section), "{run:?}");
    }
    let run = Run::of(dir.sesform().args(["rule", "--all"]));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("smtp-endpoint"), "{run:?}");
    assert!(run.stdout.contains("unused-suppression"), "{run:?}");
    let run = Run::of(dir.sesform().args(["rule", "pingthreshold"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("did you mean `ping-threshold`?"),
        "{run:?}"
    );
}

#[test]
fn the_documented_example_run_is_current() {
    let run = Run::of(sesform_in(&repo_file("examples")).args(["--color", "never", "lint"]));
    assert_eq!(run.code, 1, "{run:?}");
    let docs = std::fs::read_to_string(repo_file("docs/lint.md")).unwrap();
    assert!(
        docs.contains(&format!("$ sesform lint\n{}$ echo $?\n1\n", run.stdout)),
        "docs/lint.md shows an old run of `sesform lint` in examples/; paste this one:\n{}",
        run.stdout
    );
}

#[test]
fn an_alias_bomb_is_a_syntax_error_not_a_hang() {
    let dir = TestDir::new();
    symfony_app(&dir, SES_DSN);
    let mut yaml = String::from("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\n");
    for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        let items = vec![format!("*{prev}"); 9].join(", ");
        yaml.push_str(&format!("{name}: &{name} [{items}]\n"));
    }
    yaml.push_str("framework:\n  mailer:\n    dsn: '%env(MAILER_DSN)%'\n");
    dir.write("app/config/packages/mailer.yaml", yaml);
    let run = Run::of(dir.sesform().args(["--color", "never", "lint", "app"]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("error[syntax-error]"), "{run:?}");
    assert!(run.stdout.contains("100000 nodes"), "{run:?}");
    assert!(
        run.stdout.contains("app/config/packages/mailer.yaml:6:"),
        "{run:?}"
    );
}

/// A Laravel mail.php whose password is a 5,000-term concatenation and whose `deep` key holds
/// 5,000 nested arrays.
fn deep_laravel_app(dir: &TestDir, name: &str) {
    let concat = vec!["\"a\""; 5000].join(" . ");
    let nested = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    dir.write(
        &format!("{name}/config/mail.php"),
        format!(
            "<?php\nreturn [\n    'default' => 'smtp',\n    'mailers' => [\n        'smtp' => [\n            'transport' => 'smtp',\n            'host' => 'email-smtp.eu-west-1.amazonaws.com',\n            'port' => 587,\n            'password' => {concat},\n            'deep' => {nested},\n        ],\n    ],\n];\n"
        ),
    );
}

#[test]
fn deeply_nested_php_does_not_crash_one_app_or_several() {
    let dir = TestDir::new();
    deep_laravel_app(&dir, "one");
    let run = Run::of(dir.sesform().args(["lint", "--format", "json", "one"]));
    assert!(matches!(run.code, 0 | 1), "{run:?}");
    serde_json::from_str::<Value>(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    for name in ["two", "three", "four"] {
        deep_laravel_app(&dir, name);
    }
    let run = Run::of(
        dir.sesform()
            .args(["lint", "--format", "json", "one", "two", "three", "four"]),
    );
    assert!(matches!(run.code, 0 | 1), "{run:?}");
    let json: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    assert!(json["diagnostics"].is_array(), "{json}");
}

/// `lint --format json --select RULE --env prod app` in `dir`.
fn select_json(dir: &TestDir, rule: &str) -> Run {
    Run::of(dir.sesform().args([
        "lint", "--format", "json", "--select", rule, "--env", "prod", "app",
    ]))
}

#[test]
fn a_committed_secret_is_reported_even_when_a_local_file_overrides_it() {
    let dir = TestDir::new();
    dir.write(
        "app/config/packages/mailer.yaml",
        "framework:\n    mailer:\n        dsn: '%env(MAILER_DSN)%'\n",
    );
    dir.write("app/.env", format!("APP_ENV=dev\nMAILER_DSN={SES_DSN}\n"));
    dir.write("app/.env.local", "MAILER_DSN=null://null\n");
    let (found, _) = parse_json(&select_json(&dir, "hardcoded-secret"));
    let places: Vec<(&str, u64)> = found.iter().map(|f| (f.1.as_str(), f.2)).collect();
    assert_eq!(places, vec![("app/.env", 2)], "{found:?}");
    // A committed .env.prod that .env.prod.local overrides.
    dir.write("app/.env", "APP_ENV=prod\nMAILER_DSN=null://null\n");
    std::fs::remove_file(dir.path().join("app/.env.local")).unwrap();
    dir.write("app/.env.prod", format!("MAILER_DSN={SES_DSN}\n"));
    dir.write("app/.env.prod.local", "MAILER_DSN=null://null\n");
    let run = select_json(&dir, "hardcoded-secret");
    assert_eq!(run.code, 1, "{run:?}");
    let (found, _) = parse_json(&run);
    let places: Vec<(&str, u64)> = found.iter().map(|f| (f.1.as_str(), f.2)).collect();
    assert_eq!(places, vec![("app/.env.prod", 1)], "{found:?}");
    // Only in .env.prod.local (not committed): nothing.
    dir.write("app/.env.prod", "MAILER_DSN=null://null\n");
    dir.write("app/.env.prod.local", format!("MAILER_DSN={SES_DSN}\n"));
    dir.write("app/.env.local", "MAILER_DSN=null://null\n");
    let run = Run::of(
        dir.sesform()
            .args(["lint", "--select", "hardcoded-secret", "app"]),
    );
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn a_symfony_dsn_cut_at_space_hash_or_rejected_is_reported() {
    let dir = TestDir::new();
    symfony_app(
        &dir,
        "smtp://AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORx #lVa7XPaz91aGWdfHxvkOZdWZ2@email-smtp.eu-west-1.amazonaws.com:587",
    );
    let run = select_json(&dir, "dsn-encoding");
    assert_eq!(run.code, 1, "{run:?}");
    let (found, json) = parse_json(&run);
    assert!(
        found
            .iter()
            .any(|f| f.1 == "app/.env.prod.local" && f.3.contains("cut at ` #`")),
        "{json}"
    );
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["location"]["column"].as_u64() == Some(60)),
        "{json}"
    );
    for garbage in ["garbage", "smtp:foo"] {
        symfony_app(&dir, garbage);
        let run = select_json(&dir, "dsn-encoding");
        assert_eq!(run.code, 1, "{run:?}");
        let (found, _) = parse_json(&run);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].1.as_str(), found[0].2),
            ("app/.env.prod.local", 1)
        );
        assert!(found[0].3.contains("Symfony rejects this DSN"), "{found:?}");
    }
    // A trailing comment with spaces is a comment, and a valid DSN is fine.
    symfony_app(
        &dir,
        &format!("{SES_DSN}&ping_threshold=9 # production key"),
    );
    let run =
        Run::of(
            dir.sesform()
                .args(["lint", "--select", "dsn-encoding", "--env", "prod", "app"]),
        );
    assert_eq!(run.code, 0, "{run:?}");
}

// ----- untrusted input: bounded expansion, masked secrets -----

/// `A0` and 24 lines each doubling the one before (`A1="${A0}${A0}"`): 457 bytes that would
/// expand to gigabytes.
fn doubling_env() -> String {
    let mut text = String::from("A0=abcdefghijklmnop\n");
    for i in 1..=24 {
        text.push_str(&format!("A{i}=\"${{A{p}}}${{A{p}}}\"\n", p = i - 1));
    }
    text
}

#[test]
fn exponential_expansion_is_a_located_finding_not_an_abort() {
    let dir = TestDir::new();
    // Symfony: the DSN reads the last, largest value.
    symfony_app(&dir, "${A24}");
    dir.write("app/.env", format!("APP_ENV=dev\n{}", doubling_env()));
    // Laravel 6 (phpdotenv v3) and 10 (v5): MAIL_HOST reads it.
    let mail = "<?php\nreturn ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => env('A24'), 'port' => 587]]];\n";
    laravel_app(&dir, "laravel-6", "v6.20.44", mail);
    laravel_app(&dir, "laravel-10", "v10.48.4", mail);
    dir.write("laravel-6/.env", doubling_env());
    dir.write("laravel-10/.env", doubling_env());
    for (app, line) in [("app", 15), ("laravel-6", 14), ("laravel-10", 14)] {
        let run = Run::of(dir.sesform().args(["lint", "--format", "json", app]));
        // A finding (exit 1), never a signal (Run::of gives -1 for one) or a broken app (2).
        assert_eq!(run.code, 1, "{app}: {run:?}");
        let (found, _) = parse_json(&run);
        let limit: Vec<&Finding> = found.iter().filter(|f| f.0 == "expansion-limit").collect();
        assert_eq!(limit.len(), 1, "{app}: {found:?}");
        let file = if app == "app" {
            "app/.env"
        } else {
            &format!("{app}/.env")
        };
        assert_eq!((limit[0].1.as_str(), limit[0].2), (file, line), "{app}");
        assert!(
            limit[0].3.contains("grows past 64 KiB after expansion"),
            "{found:?}"
        );
    }
}

#[test]
fn human_output_masks_secrets_in_code_frames() {
    let dir = TestDir::new();
    let iam_secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let smtp_password = "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2";
    let mail = "<?php\nreturn ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 587, 'username' => env('MAIL_USERNAME'), 'password' => env('MAIL_PASSWORD')]]];\n";
    laravel_app(&dir, "laravel", "v8.83.27", mail);
    dir.write(
        "laravel/.env",
        format!("MAIL_USERNAME=AKIAIOSFODNN7EXAMPLE\nMAIL_PASSWORD={iam_secret}\n"),
    );
    symfony_app(&dir, SES_DSN);
    dir.write("app/.env", format!("APP_ENV=dev\nMAILER_DSN={SES_DSN}\n"));
    for format in ["human", "concise", "json", "sarif", "github", "gitlab"] {
        let run = Run::of(dir.sesform().args([
            "--color", "never", "lint", "--format", format, "laravel", "app",
        ]));
        assert_eq!(run.code, 1, "{run:?}");
        // SARIF carries the rules' documentation, whose examples are AWS's sample keys.
        let output = if format == "sarif" {
            let json: Value = serde_json::from_str(&run.stdout).unwrap();
            json["runs"][0]["results"].to_string()
        } else {
            run.all()
        };
        for secret in [iam_secret, smtp_password] {
            // Not whole, and not the part after the 4 characters kept.
            assert!(!output.contains(&secret[4..12]), "{format}: {output}");
        }
        if format == "human" {
            assert!(run.stdout.contains("wJal…(redacted)"), "{run:?}");
            assert!(run.stdout.contains("BMXh…(redacted)"), "{run:?}");
            assert!(run.stdout.contains("smtp-password-format"), "{run:?}");
        }
    }
}

/// The spec client's `lint` settings; each flag given overrides the setting it names.
#[test]
fn lint_settings_in_the_spec_client() {
    let dir = TestDir::new();
    symfony_app(&dir, SES_DSN);
    dir.write(
        "sesform.yaml",
        "version: 1\nregion: eu-west-1\nclients:\n  app:\n    path: app\n    lint:\n      ignore: [ping-threshold]\n      fail_on: error\n",
    );
    let lint = |flags: &[&str]| {
        let mut cmd = dir.sesform();
        cmd.args(["lint", "--format", "json"]).args(flags);
        let run = Run::of(&mut cmd);
        let (found, _) = parse_json(&run);
        let rules: Vec<String> = found.into_iter().map(|f| f.0).collect();
        (run.code, rules)
    };
    let (code, rules) = lint(&[]);
    assert!(!rules.contains(&"ping-threshold".to_string()), "{rules:?}");
    assert_eq!(code, 0, "{rules:?}");
    // --ignore replaces the client's list; --fail-on its fail_on.
    let (code, rules) = lint(&["--ignore", "restart-threshold"]);
    assert!(rules.contains(&"ping-threshold".to_string()), "{rules:?}");
    assert_eq!(code, 0);
    let (code, _) = lint(&["--ignore", "restart-threshold", "--fail-on", "warning"]);
    assert_eq!(code, 1);
    // An unknown rule in the client's settings is a spec error.
    dir.write(
        "bad.yaml",
        "version: 1\nregion: eu-west-1\nclients:\n  app:\n    path: app\n    lint:\n      select: [ping-treshold]\n",
    );
    let run = Run::of(
        dir.sesform()
            .args(["--color", "never", "validate", "bad.yaml"]),
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("error[unknown-rule]"), "{run:?}");
    assert!(run.stderr.contains("bad.yaml:7:"), "{run:?}");
    assert!(
        run.stderr.contains("did you mean `ping-threshold`?"),
        "{run:?}"
    );
}

/// Without a spec, the app's composer.json `extra.sesform.lint`.
#[test]
fn lint_settings_in_composer_json() {
    let dir = TestDir::new();
    symfony_app(&dir, SES_DSN);
    dir.write(
        "app/composer.json",
        r#"{"name": "acme/app", "extra": {"sesform": {"lint": {"select": ["ping-threshold", "sandbox"], "fail_on": "error"}}}}"#,
    );
    let lint = || {
        let run = Run::of(dir.sesform().args(["lint", "--format", "json", "app"]));
        (parse_json(&run).0, run)
    };
    let (found, run) = lint();
    let rules: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    // The online rule it selects runs only with --online; the warning does not fail.
    assert_eq!(rules, ["ping-threshold"], "{run:?}");
    assert_eq!(run.code, 0, "{run:?}");
    let run = Run::of(dir.sesform().args([
        "lint",
        "--format",
        "json",
        "--select",
        "dsn-encoding",
        "app",
    ]));
    let (found, _) = parse_json(&run);
    assert!(found.iter().all(|f| f.0 == "dsn-encoding"), "{run:?}");

    // Unknown names and a bad shape are findings at composer.json; the rest still applies.
    dir.write(
        "app/composer.json",
        r#"{"extra": {"sesform": {"lint": {"ignore": ["ping-treshold"]}}}}"#,
    );
    let (found, run) = lint();
    let config: Vec<&Finding> = found.iter().filter(|f| f.0 == "lint-config").collect();
    assert_eq!(config.len(), 1, "{run:?}");
    assert_eq!(config[0].1, "app/composer.json");
    assert!(config[0].3.contains("`ping-treshold`"), "{run:?}");
    assert!(found.iter().any(|f| f.0 == "ping-threshold"), "{run:?}");
    assert_eq!(run.code, 1);
    dir.write(
        "app/composer.json",
        r#"{"extra": {"sesform": {"lint": {"fail_on": "sometimes"}}}}"#,
    );
    let (found, run) = lint();
    assert!(found.iter().any(|f| f.0 == "lint-config"), "{run:?}");
    assert!(found.iter().any(|f| f.0 == "ping-threshold"), "{run:?}");
    // Broken JSON is Composer's to report: linted with the defaults.
    dir.write("app/composer.json", "{");
    let (found, run) = lint();
    assert!(found.iter().any(|f| f.0 == "ping-threshold"), "{run:?}");
}

/// `--diff` shows the fixes (secrets masked) and writes nothing; `--fix` writes them, and the
/// app then lints clean for the rule.
fn assert_fixes(dir: &TestDir, rule: &str, file: &str, added: &str, args: &[&str]) {
    assert_fixes_shown(dir, rule, file, (added, added), args);
}

/// [`assert_fixes`] where the diff shows `added.0` and the file gets `added.1` (a secret).
fn assert_fixes_shown(dir: &TestDir, rule: &str, file: &str, added: (&str, &str), args: &[&str]) {
    let before = dir.read(file);
    let mut cmd = dir.sesform();
    cmd.args(["lint", "--diff", "--select", rule]).args(args);
    let diff = Run::of(&mut cmd);
    assert_eq!(diff.code, 1, "{diff:?}");
    assert!(diff.stdout.contains(&format!("+++ b/{file}")), "{diff:?}");
    assert!(diff.stdout.contains(added.0), "{diff:?}");
    assert!(
        !diff.stdout.contains("XVQORxlVa7XPaz91"),
        "a secret in the diff: {diff:?}"
    );
    assert_eq!(dir.read(file), before, "--diff wrote the file");

    let mut cmd = dir.sesform();
    cmd.args(["lint", "--fix", "--format", "json", "--select", rule])
        .args(args);
    let fixed = Run::of(&mut cmd);
    assert!(
        fixed.stderr.contains("Fixed 1 finding in 1 file."),
        "{fixed:?}"
    );
    assert!(dir.read(file).contains(added.1), "{}", dir.read(file));
    let (found, _) = parse_json(&fixed);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(fixed.code, 0, "{fixed:?}");
    // Nothing left to fix.
    let mut cmd = dir.sesform();
    cmd.args(["lint", "--diff", "--select", rule]).args(args);
    let again = Run::of(&mut cmd);
    assert_eq!((again.code, again.stdout.as_str()), (0, ""), "{again:?}");
}

/// `rule` finds something in `app`, and `--diff` has no fix for it.
fn assert_found_but_not_fixed(dir: &TestDir, rule: &str) {
    let run = Run::of(dir.sesform().args(["lint", "--select", rule, "app"]));
    assert_eq!(run.code, 1, "{run:?}");
    let run = Run::of(
        dir.sesform()
            .args(["lint", "--diff", "--select", rule, "app"]),
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{run:?}");
}

const LARAVEL_10_SES_SMTP: &str = "<?php\nreturn [\n    'default' => 'smtp',\n    'mailers' => [\n        'smtp' => [\n            'transport' => 'smtp',\n            'host' => 'email-smtp.eu-west-1.amazonaws.com',\n            'port' => 465,\n            'username' => env('MAIL_USERNAME'),\n            'password' => env('MAIL_PASSWORD')\n        ],\n    ],\n];\n";

#[test]
fn fix_adds_ping_threshold() {
    // To a Symfony DSN written in an env file.
    let dir = TestDir::new();
    symfony_app(&dir, SES_DSN);
    assert_fixes(
        &dir,
        "ping-threshold",
        "app/.env.prod.local",
        "&ping_threshold=9",
        &["app"],
    );
    // To a Laravel mailer array, on its own line after the last entry.
    let dir = TestDir::new();
    laravel_app(&dir, "app", "v10.48.4", LARAVEL_10_SES_SMTP);
    dir.write("app/.env", "MAIL_USERNAME=AKIAIOSFODNN7EXAMPLE\nMAIL_PASSWORD=BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2\n");
    assert_fixes(
        &dir,
        "ping-threshold",
        "app/config/mail.php",
        "'ping_threshold' => 9,",
        &["app"],
    );
    assert!(
        dir.read("app/config/mail.php")
            .contains("env('MAIL_PASSWORD'),\n            'ping_threshold' => 9,\n        ],")
    );
    // A DSN put together from variables is not rewritten.
    let dir = TestDir::new();
    symfony_app(
        &dir,
        "ses+smtp://${KEY}:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@default?region=eu-west-1",
    );
    dir.write("app/.env.local", "KEY=AKIAIOSFODNN7EXAMPLE\n");
    assert_found_but_not_fixed(&dir, "ping-threshold");
}

#[test]
fn fix_adds_restart_threshold() {
    // A client that allows 50 messages per connection, below Symfony Mailer's default 100.
    let spec = "version: 1\nregion: eu-west-1\nclients:\n  app:\n    path: app\n    restart_threshold: 50\n";
    let dir = TestDir::new();
    laravel_app(&dir, "app", "v10.48.4", LARAVEL_10_SES_SMTP);
    dir.write("sesform.yaml", spec);
    assert_fixes(
        &dir,
        "restart-threshold",
        "app/config/mail.php",
        "'restart_threshold' => 50,",
        &[],
    );
    let dir = TestDir::new();
    symfony_app(
        &dir,
        "smtp://AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@email-smtp.eu-west-1.amazonaws.com:465",
    );
    dir.write("sesform.yaml", spec);
    assert_fixes(
        &dir,
        "restart-threshold",
        "app/.env.prod.local",
        "?restart_threshold=50",
        &[],
    );
}

#[test]
fn fix_url_encodes_the_dsn_password() {
    // `/` breaks the DSN, `+` is a space to older symfony/mailer: both encoded, `%2B` kept.
    let password = "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfH/xv%2BkOZd+Z2";
    let dir = TestDir::new();
    symfony_app(
        &dir,
        &format!("ses+smtp://AKIAIOSFODNN7EXAMPLE:{password}@default?region=eu-west-1"),
    );
    assert_fixes_shown(
        &dir,
        "dsn-encoding",
        "app/.env.prod.local",
        (
            "AKIAIOSFODNN7EXAMPLE:BMXh…(redacted, URL-encoded)@default",
            "AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfH%2Fxv%2BkOZd%2BZ2@default",
        ),
        &["app"],
    );
    // Laravel's MAIL_URL, quoted.
    let dir = TestDir::new();
    laravel_app(
        &dir,
        "app",
        "v10.48.4",
        "<?php\nreturn ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'url' => env('MAIL_URL')]]];\n",
    );
    dir.write(
        "app/.env",
        format!("MAIL_URL=\"smtp://AKIAIOSFODNN7EXAMPLE:{password}@email-smtp.eu-west-1.amazonaws.com:465?ping_threshold=9\"\n"),
    );
    assert_fixes_shown(
        &dir,
        "dsn-encoding",
        "app/.env",
        (
            "BMXh…(redacted, URL-encoded)@email-smtp",
            "aGWdfH%2Fxv%2BkOZd%2BZ2@email-smtp",
        ),
        &["app"],
    );
}

/// A mailer array on one line gets the option on that line; one whose last entry ends in a
/// comment is not edited (the comma would go into the comment).
#[test]
fn fix_edits_mailer_arrays_only_where_it_is_safe() {
    let env = "MAIL_USERNAME=AKIAIOSFODNN7EXAMPLE\nMAIL_PASSWORD=BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2\n";
    let dir = TestDir::new();
    laravel_app(
        &dir,
        "app",
        "v10.48.4",
        "<?php\nreturn ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 465, 'username' => env('MAIL_USERNAME'), 'password' => env('MAIL_PASSWORD')]]];\n",
    );
    dir.write("app/.env", env);
    assert_fixes(
        &dir,
        "ping-threshold",
        "app/config/mail.php",
        "'password' => env('MAIL_PASSWORD'), 'ping_threshold' => 9]]];",
        &["app"],
    );
    let dir = TestDir::new();
    laravel_app(
        &dir,
        "app",
        "v10.48.4",
        &LARAVEL_10_SES_SMTP.replace(
            "env('MAIL_PASSWORD')\n",
            "env('MAIL_PASSWORD') // from the vault\n",
        ),
    );
    dir.write("app/.env", env);
    assert_found_but_not_fixed(&dir, "ping-threshold");
}
