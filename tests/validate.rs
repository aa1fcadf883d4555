//! `sesform validate` and `sesform schema`: every bad-spec class is caught, with its line.

use crate::util::{Run, TestDir, repo_file};

fn validate(dir: &TestDir, spec: &str) -> Run {
    dir.write("sesform.yaml", spec);
    Run::of(dir.sesform().args(["--color", "never", "validate"]))
}

/// Asserts one diagnostic with `code` at `line`, rendered as `sesform.yaml:LINE:COL`.
fn assert_error(run: &Run, code: &str, line: usize) {
    assert_eq!(run.code, 1, "{run:?}");
    let header = format!("error[{code}]");
    let place = format!("sesform.yaml:{line}:");
    let found = run
        .stderr
        .split("\n\n")
        .any(|block| block.contains(&header) && block.contains(&place));
    assert!(found, "expected {header} at line {line}\n{run:?}");
}

const HEADER: &str = "version: 1\nregion: eu-west-1\n";

#[test]
fn example_specs_are_valid() {
    for spec in ["specs/minimal.yaml", "specs/full.yaml"] {
        let dir = TestDir::new();
        let run = Run::of(dir.sesform().arg("validate").arg(repo_file(spec)));
        assert_eq!(run.code, 0, "{spec}: {run:?}");
        assert!(run.stdout.contains("valid spec for eu-west-1"), "{run:?}");
    }
}

#[test]
fn default_spec_path_is_sesform_yaml() {
    let dir = TestDir::new();
    let run = validate(&dir, HEADER);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("sesform.yaml: valid spec"),
        "{run:?}"
    );
}

#[test]
fn unknown_keys_suggest_the_right_one() {
    let dir = TestDir::new();
    let run = validate(
        &dir,
        "version: 1\nregion: eu-west-1\nidentites:\n  example.com: {}\nconfiguration_sets:\n  tx:\n    tsl: REQUIRE\n",
    );
    assert_error(&run, "unknown-key", 3);
    assert!(run.stderr.contains("did you mean `identities`?"), "{run:?}");
    assert_error(&run, "unknown-key", 7);
    assert!(run.stderr.contains("did you mean `tls`?"), "{run:?}");
}

#[test]
fn every_error_is_reported_in_one_run() {
    let dir = TestDir::new();
    let run = validate(
        &dir,
        r#"version: 1
region: eu-wes-1
identities:
  example.com:
    configuration_set: missing-set
configuration_sets:
  tx:
    tls: SOMETIMES
    event_destinations:
      a:
        events: [BOUNCE, bounce]
        sns_topic: nowhere
      b:
        events: [SEND]
      c:
        events: [SEND]
        sns_topic: arn:aws:sns:eu-west-1:123456789012:t
        eventbridge: {}
smtp_users:
  bad name:
    path: nopath
"#,
    );
    assert_error(&run, "unknown-region", 2);
    assert_error(&run, "unknown-reference", 5);
    assert_error(&run, "invalid-value", 8);
    assert_error(&run, "duplicate-event", 11);
    assert_error(&run, "unknown-reference", 12);
    assert_error(&run, "destination-target", 13);
    assert_error(&run, "destination-target", 15);
    // A missing required key (a shape error) does not stop the checks of its neighbours.
    assert_error(&run, "missing-key", 20);
    assert_error(&run, "invalid-name", 20);
    assert_error(&run, "invalid-value", 21);
    assert!(!run.stderr.contains("allow_from is empty"), "{run:?}");
    assert!(run.stderr.contains("10 errors found"), "{run:?}");
}

#[test]
fn json_output_lists_every_diagnostic_with_its_place() {
    let dir = TestDir::new();
    dir.write("s.yaml", "version: 1\nregion: mars-1\nstack: a b\n");
    let run = Run::of(
        dir.sesform()
            .args(["validate", "s.yaml", "--format", "json"]),
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 2, "{run:?}");
    assert_eq!(diagnostics[0]["code"], "unknown-region");
    assert_eq!(diagnostics[0]["location"]["line"], 2);
    assert_eq!(diagnostics[0]["location"]["column"], 9);
    assert_eq!(diagnostics[1]["code"], "invalid-name");
    assert_eq!(diagnostics[1]["location"]["file"], "s.yaml");
    // The shape of specs/diagnostics.md, which lint's JSON shares: versioned, each place with
    // its end, each documented code with its URL.
    assert_eq!(json["version"], 2, "{run:?}");
    assert_eq!(diagnostics[0]["location"]["end_line"], 2);
    assert_eq!(diagnostics[0]["location"]["end_column"], 15);
    assert_eq!(
        diagnostics[0]["url"],
        "https://github.com/sesform/sesform/blob/main/docs/spec-errors.md#unknown-region"
    );
}

/// Spec errors annotate pull requests: the same diagnostics as SARIF (valid under the SARIF
/// 2.1.0 schema) and as GitHub annotations.
#[test]
fn sarif_and_github_output_carry_every_diagnostic() {
    let dir = TestDir::new();
    std::fs::create_dir(dir.join(".git")).unwrap();
    dir.write("infra/s.yaml", "version: 1\nregion: mars-1\nstack: a b\n");
    let run = |format: &str, spec: &str| {
        let mut cmd = dir.sesform();
        cmd.current_dir(dir.join("infra"))
            .args(["validate", spec, "--format", format]);
        Run::of(&mut cmd)
    };
    let sarif = run("sarif", "s.yaml");
    assert_eq!(sarif.code, 1, "{sarif:?}");
    let errors = crate::util::sarif_schema_errors(&sarif.stdout);
    assert!(errors.is_empty(), "{errors:#?}");
    let json: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = json["runs"][0]["results"].as_array().unwrap();
    let rules = json["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let codes: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["unknown-region", "invalid-name"]);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        // Each code links to its own section of the error codes' documentation.
        let code = result["ruleId"].as_str().unwrap();
        let help_uri = rules[index]["helpUri"].as_str().unwrap();
        assert!(
            help_uri.ends_with(&format!("docs/spec-errors.md#{code}")),
            "{help_uri}"
        );
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], "infra/s.yaml");
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    }
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );

    let github = run("github", "s.yaml");
    assert_eq!(github.code, 1, "{github:?}");
    let lines: Vec<&str> = github.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{github:?}");
    assert!(
        lines[0].starts_with("::error file=infra/s.yaml,line=2,col=9,"),
        "{github:?}"
    );

    // A valid spec: no result, no annotation; a missing one: a result without a place.
    dir.write("infra/ok.yaml", "version: 1\nregion: eu-west-1\n");
    let ok = run("sarif", "ok.yaml");
    assert_eq!(ok.code, 0, "{ok:?}");
    assert!(crate::util::sarif_schema_errors(&ok.stdout).is_empty());
    let json: serde_json::Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(json["runs"][0]["results"], serde_json::json!([]));
    let ok = run("github", "ok.yaml");
    assert_eq!((ok.code, ok.stdout.as_str()), (0, ""), "{ok:?}");
    let missing = run("sarif", "missing.yaml");
    assert_eq!(missing.code, 1, "{missing:?}");
    assert!(crate::util::sarif_schema_errors(&missing.stdout).is_empty());
    assert!(missing.stdout.contains("file-not-found"), "{missing:?}");
}

#[test]
fn aws_naming_rules() {
    let dir = TestDir::new();
    let long = "x".repeat(65);
    let run = validate(
        &dir,
        &format!(
            "{HEADER}identities:\n  not_a_domain: {{}}\n  bad@@example.com: {{}}\nconfiguration_sets:\n  {long}: {{}}\nsmtp_users:\n  'app mailer':\n    allow_from: ['*@example.com']\n    path: nopath\n"
        ),
    );
    assert_error(&run, "invalid-identity", 4);
    assert_error(&run, "invalid-identity", 5);
    assert_error(&run, "invalid-name", 7);
    assert_error(&run, "invalid-name", 9);
    assert_error(&run, "invalid-value", 11);
}

#[test]
fn at_most_ten_event_destinations() {
    let dir = TestDir::new();
    let mut spec = format!("{HEADER}configuration_sets:\n  tx:\n    event_destinations:\n");
    for i in 0..11 {
        spec.push_str(&format!(
            "      d{i}: {{events: [SEND], eventbridge: {{}}}}\n"
        ));
    }
    let run = validate(&dir, &spec);
    assert_error(&run, "too-many", 5);
    assert!(run.stderr.contains("11 event destinations"), "{run:?}");

    let ten: String = spec.lines().take(15).map(|l| format!("{l}\n")).collect();
    assert_eq!(validate(&dir, &ten).code, 0);
}

#[test]
fn v1_event_names_are_accepted_and_compared_as_a_set() {
    let dir = TestDir::new();
    let run = validate(
        &dir,
        &format!(
            "{HEADER}configuration_sets:\n  tx:\n    event_destinations:\n      d:\n        events: [renderingFailure, deliveryDelay, BOUNCE]\n        eventbridge: {{}}\n"
        ),
    );
    assert_eq!(run.code, 0, "{run:?}");
    let run = validate(
        &dir,
        &format!(
            "{HEADER}configuration_sets:\n  tx:\n    event_destinations:\n      d:\n        events: [DELIVERY_DELAY, deliveryDelay]\n        eventbridge: {{}}\n"
        ),
    );
    assert_error(&run, "duplicate-event", 7);
}

/// Asserts that no part of `secret` longer than 8 characters reaches stdout or stderr.
fn assert_hidden(run: &Run, secret: &str) {
    let all = run.all();
    let chars: Vec<char> = secret.chars().collect();
    for window in chars.windows(8.min(chars.len())) {
        let piece: String = window.iter().collect();
        assert!(
            !all.contains(&piece),
            "`{piece}` of a secret is shown\n{run:?}"
        );
    }
}

#[test]
fn secrets_are_never_inline() {
    let dir = TestDir::new();
    let spec = format!(
        "{HEADER}identities:\n  example.com:\n    dkim:\n      byodkim:\n        selector: s1\n        private_key: \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\"\n    tags:\n      note: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    );
    let run = validate(&dir, &spec);
    // A string where a {file:|env:} source belongs is a type error, and the PEM is flagged too.
    assert_error(&run, "invalid-type", 8);
    assert_error(&run, "inline-secret", 8);
    assert_error(&run, "inline-secret", 10);
    assert!(run.stderr.contains("wJal…(redacted)"), "{run:?}");
    assert_hidden(&run, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
    assert_hidden(&run, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    let json = Run::of(dir.sesform().args(["validate", "--format", "json"]));
    assert_eq!(json.code, 1, "{json:?}");
    assert_hidden(&json, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
    assert_hidden(&json, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
}

#[test]
fn secrets_in_block_scalars_and_broken_values_are_hidden() {
    let dir = TestDir::new();
    let run = validate(
        &dir,
        &format!(
            "{HEADER}identities:\n  example.com:\n    dkim:\n      byodkim:\n        selector: s1\n        private_key: |\n          -----BEGIN RSA PRIVATE KEY-----\n          MIIEowIBAAKCAQEAx4ZGcXYZabc\n          -----END RSA PRIVATE KEY-----\nconfiguration_sets:\n  tx:\n    tls: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        ),
    );
    // A block scalar's value starts on the line after the `|`.
    assert_error(&run, "inline-secret", 9);
    // The enum error quotes the value; it is masked there too.
    assert_error(&run, "invalid-value", 14);
    assert_error(&run, "inline-secret", 14);
    assert_hidden(&run, "MIIEowIBAAKCAQEAx4ZGcXYZabc");
    assert_hidden(&run, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
}

#[test]
fn passwords_in_urls_are_inline_secrets() {
    let dir = TestDir::new();
    let spec = format!(
        "{HEADER}sns_topics:\n  events:\n    subscriptions:\n      - protocol: https\n        endpoint: \"https://hookuser:S3cr3tP4ssw0rd@hooks.example.com/ses\"\naccount:\n  production_access:\n    mail_type: TRANSACTIONAL\n    website_url: https://admin:hunter2pass@example.com\n"
    );
    let run = validate(&dir, &spec);
    assert_error(&run, "inline-secret", 7);
    assert_error(&run, "inline-secret", 11);
    assert!(run.stderr.contains("URL with a password"), "{run:?}");
    assert!(run.stderr.contains("remove `user:password@`"), "{run:?}");
    assert!(
        run.stderr
            .contains("https://hookuser:…(redacted)@hooks.example.com"),
        "{run:?}"
    );
    assert_hidden(&run, "S3cr3tP4ssw0rd");
    assert_hidden(&run, "hunter2pass");
    // plan refuses the spec before it prints anything from it.
    let plan = Run::of(dir.sesform().args(["--color", "never", "plan"]));
    assert_eq!(plan.code, 1, "{plan:?}");
    assert_hidden(&plan, "S3cr3tP4ssw0rd");
    // A user name alone is no secret.
    let run = validate(
        &dir,
        &format!(
            "{HEADER}sns_topics:\n  events:\n    subscriptions:\n      - protocol: https\n        endpoint: https://hookuser@hooks.example.com/ses\n"
        ),
    );
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn github_and_slack_tokens_are_inline_secrets() {
    let dir = TestDir::new();
    let ghp = format!("ghp_{}", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A");
    let pat = format!(
        "github_pat_11ABCDEFG0{}",
        "abcdefghij1234567890ABCDEFGHIJ_klmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS"
    );
    let slack = "xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
    let run = validate(
        &dir,
        &format!(
            "{HEADER}identities:\n  example.com:\n    tags:\n      ci: {ghp}\n      deploy: \"token {pat}\"\n      chat: {slack}\n      plain: ghp_is_not_a_token\n      team: xoxb-team\n"
        ),
    );
    assert_error(&run, "inline-secret", 6);
    assert_error(&run, "inline-secret", 7);
    assert_error(&run, "inline-secret", 8);
    assert!(run.stderr.contains("3 errors found"), "{run:?}");
    assert_hidden(&run, &ghp[4..]);
    assert_hidden(&run, &pat[11..]);
    assert_hidden(&run, &slack[5..]);
}

#[test]
fn bad_files_get_clear_errors_never_panics() {
    let dir = TestDir::new();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.yaml", Vec::new(), "the spec is empty"),
        ("comment.yaml", b"# nothing\n".to_vec(), "the spec is empty"),
        (
            "malformed.yaml",
            b"version: 1\nregion: [eu-west-1\n  x: : :\n".to_vec(),
            "invalid YAML",
        ),
        (
            "tabs.yaml",
            b"version: 1\n\tregion: eu-west-1\n".to_vec(),
            "invalid YAML",
        ),
        ("list.yaml", b"- a\n- b\n".to_vec(), "a spec is a mapping"),
        (
            "junk.bin",
            (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(),
            "binary",
        ),
        (
            "latin1.yaml",
            b"version: 1\nregion: caf\xe9\n".to_vec(),
            "not valid UTF-8",
        ),
        (
            "tagged.yaml",
            b"version: 1\nregion: !Ref eu-west-1\n".to_vec(),
            "YAML tags",
        ),
    ];
    for (name, contents, expected) in cases {
        dir.write(name, contents);
        let run = Run::of(dir.sesform().args(["validate", name]));
        assert_eq!(run.code, 1, "{name}: {run:?}");
        assert!(run.stderr.contains(expected), "{name}: {run:?}");
        assert!(!run.stderr.contains("panicked"), "{name}: {run:?}");
    }

    let run = Run::of(dir.sesform().args(["validate", "missing.yaml"]));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("missing.yaml: no such file"), "{run:?}");
    assert!(run.stderr.contains("sesform init"), "{run:?}");
    let run = Run::of(dir.sesform().arg("validate"));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("sesform.yaml: no such file"), "{run:?}");
    assert!(run.stderr.contains("pass the spec's path"), "{run:?}");

    std::fs::create_dir(dir.join("adir")).unwrap();
    let run = Run::of(dir.sesform().args(["validate", "adir"]));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is a directory"), "{run:?}");
    assert!(run.stderr.contains("`adir/sesform.yaml`"), "{run:?}");
    let run = Run::of(dir.sesform().args(["validate", "junk.bin"]));
    assert!(run.stderr.contains("pass the YAML spec"), "{run:?}");

    // With --format json, a file that cannot be read is still a JSON document on stdout.
    for (name, code) in [
        ("missing.yaml", "file-not-found"),
        ("adir", "is-a-directory"),
        ("junk.bin", "binary-file"),
        ("latin1.yaml", "not-utf8"),
    ] {
        let run = Run::of(dir.sesform().args(["validate", name, "--format", "json"]));
        assert_eq!(run.code, 1, "{name}: {run:?}");
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        let diagnostics = json["diagnostics"].as_array().unwrap();
        assert_eq!(diagnostics.len(), 1, "{name}: {run:?}");
        assert_eq!(diagnostics[0]["code"], code, "{name}: {run:?}");
        assert_eq!(diagnostics[0]["severity"], "error", "{name}: {run:?}");
        assert!(diagnostics[0]["message"].as_str().unwrap().contains(name));
    }

    let big = dir.join("big.yaml");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let run = Run::of(dir.sesform().args(["validate", "big.yaml"]));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("50 MB"), "{run:?}");
}

#[test]
fn schema_is_valid_json_schema_and_matches_the_committed_copy() {
    let dir = TestDir::new();
    let run = Run::of(dir.sesform().arg("schema"));
    assert_eq!(run.code, 0, "{run:?}");
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(schema["additionalProperties"], false);
    assert!(schema["properties"]["configuration_sets"].is_object());
    assert!(jsonschema::meta::is_valid(&schema));
    // The documented default IAM path of SMTP users is the one sesform uses.
    let path = schema["$defs"]["SmtpUser"]["properties"]["path"]["description"]
        .as_str()
        .unwrap();
    assert!(
        path.contains(&format!("Default: `{}`", sesform::model::SMTP_USER_PATH)),
        "{path}"
    );
    // Editors read the committed copy through the `$schema` line of the example specs.
    let committed = std::fs::read_to_string(repo_file("specs/sesform.schema.json")).unwrap();
    assert_eq!(
        committed, run.stdout,
        "run `sesform schema > specs/sesform.schema.json`"
    );
    for spec in ["specs/minimal.yaml", "specs/full.yaml"] {
        let text = std::fs::read_to_string(repo_file(spec)).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=./sesform.schema.json\n"),
            "{spec}"
        );
    }
}

/// Every key of the schema (through mappings, not lists) is documented in specs/README.md.
#[test]
fn spec_reference_documents_every_key() {
    fn walk(
        root: &serde_json::Value,
        node: &serde_json::Value,
        prefix: &str,
        out: &mut Vec<String>,
    ) {
        let node = match node.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => root.pointer(r.trim_start_matches('#')).unwrap(),
            None => node,
        };
        if let Some(props) = node.get("properties").and_then(|p| p.as_object()) {
            for (key, child) in props {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.push(path.clone());
                walk(root, child, &path, out);
            }
        }
        if let Some(child) = node.get("additionalProperties").filter(|c| c.is_object()) {
            walk(root, child, &format!("{prefix}.<name>"), out);
        }
    }
    let dir = TestDir::new();
    let schema: serde_json::Value =
        serde_json::from_str(&Run::of(dir.sesform().arg("schema")).stdout).unwrap();
    let mut keys = Vec::new();
    walk(&schema, &schema, "", &mut keys);
    assert!(keys.len() > 60, "{keys:?}");
    let reference = std::fs::read_to_string(repo_file("specs/README.md")).unwrap();
    let missing: Vec<&String> = keys
        .iter()
        .filter(|k| !reference.contains(&format!("`{k}`")))
        .collect();
    assert!(missing.is_empty(), "undocumented spec keys: {missing:?}");
}

/// Nesting far deeper than any spec is refused before anything recursive reads it.
#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let dir = TestDir::new();
    let mut block_maps = String::from("version: 1\nregion: eu-west-1\nidentities:\n");
    for depth in 1..3000 {
        block_maps.push_str(&" ".repeat(depth));
        block_maps.push_str("k:\n");
    }
    let cases = [
        ("sequences.yaml", format!("{}x\n", "- ".repeat(10_000)), 1),
        ("maps.yaml", block_maps, 67),
        (
            "flow.yaml",
            format!("a: {}x{}\n", "{b: ".repeat(20_000), "}".repeat(20_000)),
            1,
        ),
        ("flow-lists.yaml", format!("{}\n", "[".repeat(100_000)), 1),
    ];
    for (name, text, line) in cases {
        dir.write(name, text);
        let run = Run::of(dir.sesform().args(["--color", "never", "validate", name]));
        assert_eq!(run.code, 1, "{name}: {run:?}");
        assert!(run.stderr.contains("error[too-deep]"), "{name}: {run:?}");
        assert!(
            run.stderr.contains(&format!("{name}:{line}:")),
            "{name}: {run:?}"
        );
        assert!(
            run.stderr.contains("nested more than 64 levels"),
            "{name}: {run:?}"
        );
        assert!(run.stderr.contains("1 error found"), "{name}: {run:?}");
        // The code frame cuts the 20-100 KB line a little after the place it points at.
        assert!(run.stderr.len() < 2_000, "{name}: {run:?}");
    }
}

#[test]
fn shape_errors_do_not_hide_semantic_errors() {
    let dir = TestDir::new();
    // A mistyped value next to an unknown reference.
    let run = validate(
        &dir,
        &format!(
            "{HEADER}configuration_sets:\n  tx:\n    event_destinations:\n      d:\n        events: BOUNCE\n        sns_topic: nosuchset\n"
        ),
    );
    assert_error(&run, "invalid-type", 7);
    assert_error(&run, "unknown-reference", 8);
    assert!(!run.stderr.contains("at least one event type"), "{run:?}");
    assert!(run.stderr.contains("2 errors found"), "{run:?}");

    // A mistyped version next to an unknown region.
    let run = validate(&dir, "version: \"1\"\nregion: eu-west-9\n");
    assert_error(&run, "invalid-type", 1);
    assert_error(&run, "unknown-region", 2);
    assert!(run.stderr.contains("2 errors found"), "{run:?}");

    // A number too large for its field is placed, too.
    let run = validate(&dir, "version: 99999999999\nregion: eu-west-9\n");
    assert_error(&run, "invalid-value", 1);
    assert!(run.stderr.contains("sesform.yaml:1:10"), "{run:?}");
    assert_error(&run, "unknown-region", 2);
    assert!(run.stderr.contains("2 errors found"), "{run:?}");

    // A missing required key next to a bad identity name; the missing key is placed at the
    // start of the mapping it belongs in.
    let run = validate(&dir, "region: eu-west-1\nidentities:\n  not_a_domain: {}\n");
    assert_error(&run, "missing-key", 1);
    assert!(run.stderr.contains("sesform.yaml:1:1"), "{run:?}");
    assert_error(&run, "invalid-identity", 3);
    assert!(run.stderr.contains("2 errors found"), "{run:?}");
}

#[test]
fn removed_list_items_neither_cascade_nor_shift_positions() {
    let dir = TestDir::new();
    let run = validate(
        &dir,
        &format!(
            "{HEADER}configuration_sets:\n  tx:\n    event_destinations:\n      only-bad:\n        events: [BOUNCES]\n        eventbridge: {{}}\n      dupes:\n        events:\n          - BOUNCES\n          - SEND\n          - SEND\n        eventbridge: {{}}\n"
        ),
    );
    assert_error(&run, "invalid-value", 7);
    assert!(
        run.stderr
            .contains("\"BOUNCES\" is not a valid value for `events[0]`"),
        "{run:?}"
    );
    assert_error(&run, "invalid-value", 11);
    // The repeated SEND is the third item in the file, not the second of the pruned list.
    assert_error(&run, "duplicate-event", 13);
    assert!(!run.stderr.contains("at least one event type"), "{run:?}");
    assert!(run.stderr.contains("3 errors found"), "{run:?}");
}

#[test]
fn a_misspelled_required_key_is_one_error() {
    let dir = TestDir::new();
    let run = validate(
        &dir,
        &format!(
            "{HEADER}sns_topics:\n  events:\n    subscriptions:\n      - protcol: https\n        endpoint: https://hooks.example.com/ses\n"
        ),
    );
    assert_error(&run, "unknown-key", 6);
    assert!(
        run.stderr
            .contains("unknown key `protcol` in `sns_topics.events.subscriptions[0]`"),
        "{run:?}"
    );
    assert!(run.stderr.contains("did you mean `protocol`?"), "{run:?}");
    assert!(!run.stderr.contains("missing-key"), "{run:?}");
    assert!(run.stderr.contains("1 error found"), "{run:?}");

    // A named entry with the wrong shape still counts as declared for references.
    let run = validate(
        &dir,
        &format!(
            "{HEADER}identities:\n  example.com:\n    configuration_set: tx\nconfiguration_sets:\n  tx: 5\n"
        ),
    );
    assert_error(&run, "invalid-type", 7);
    assert!(!run.stderr.contains("unknown-reference"), "{run:?}");
    assert!(run.stderr.contains("1 error found"), "{run:?}");

    // ... and its name is still checked.
    let run = validate(
        &dir,
        &format!("{HEADER}configuration_sets:\n  'bad name': 5\n"),
    );
    assert_error(&run, "invalid-type", 4);
    assert_error(&run, "invalid-name", 4);
    assert!(run.stderr.contains("2 errors found"), "{run:?}");
}

#[test]
fn an_unclosed_bracket_is_reported_at_the_bracket() {
    let dir = TestDir::new();
    let run = validate(&dir, "version: 1\nregion: [eu-west-1\n\n\nstack: x\n");
    assert_error(&run, "yaml-syntax", 2);
    assert!(run.stderr.contains("sesform.yaml:2:9"), "{run:?}");
    assert!(run.stderr.contains("never closed"), "{run:?}");
}

#[test]
fn region_flag_must_match_the_spec() {
    let dir = TestDir::new();
    dir.write("sesform.yaml", HEADER);
    let run =
        Run::of(
            dir.sesform()
                .args(["--color", "never", "--region", "us-east-1", "validate"]),
        );
    assert_error(&run, "region-mismatch", 2);
    assert!(
        run.stderr
            .contains("--region us-east-1 does not match the spec's region eu-west-1"),
        "{run:?}"
    );
    let run =
        Run::of(
            dir.sesform()
                .args(["--region", "us-east-1", "validate", "--format", "json"]),
        );
    assert_eq!(run.code, 1, "{run:?}");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(json["diagnostics"][0]["code"], "region-mismatch");
    assert_eq!(json["diagnostics"][0]["location"]["line"], 2);
    // The same region, given twice, is fine.
    let run = Run::of(dir.sesform().args(["--region", "eu-west-1", "validate"]));
    assert_eq!(run.code, 0, "{run:?}");
}

/// Every code validate prints is documented: `sesform rule CODE` shows what it means, an
/// example and the fix, like a lint rule.
#[test]
fn rule_documents_the_codes_validate_prints() {
    let dir = TestDir::new();
    dir.write(
        "s.yaml",
        "version: 1\nregion: eu-wes-1\nstak: a\nidentities:\n  example.com:\n    configuration_set: tx\n",
    );
    let run = Run::of(
        dir.sesform()
            .args(["validate", "s.yaml", "--format", "json"]),
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["unknown-region", "unknown-key", "unknown-reference"],
        "{run:?}"
    );
    for code in codes {
        let doc = Run::of(dir.sesform().args(["rule", code]));
        assert_eq!(doc.code, 0, "{doc:?}");
        assert!(doc.stdout.starts_with(&format!("# {code}\n")), "{doc:?}");
        assert!(doc.stdout.contains("\n## Example\n"), "{doc:?}");
        assert!(doc.stdout.contains("\n## Fix\n"), "{doc:?}");
    }
    let doc = Run::of(
        dir.sesform()
            .args(["rule", "unknown-key", "--format", "json"]),
    );
    let json: serde_json::Value = serde_json::from_str(&doc.stdout).expect("json");
    assert_eq!(json["kind"], "spec-error", "{doc:?}");
    assert!(
        json["documentation"]
            .as_str()
            .unwrap()
            .contains("stak: prod")
    );
    let all = Run::of(dir.sesform().args(["rule", "--all"]));
    assert!(all.stdout.contains("\nunknown-reference "), "{all:?}");
    let typo = Run::of(dir.sesform().args(["rule", "unknown-refrence"]));
    assert_eq!(typo.code, 2, "{typo:?}");
    assert!(
        typo.stderr.contains("did you mean `unknown-reference`?"),
        "{typo:?}"
    );
}

#[test]
fn event_log_is_checked_against_cloudwatch_and_the_spec() {
    let dir = TestDir::new();
    let run = validate(
        &dir,
        "version: 1\nregion: eu-west-1\nstack: prod\nconfiguration_sets:\n  transactional: {}\n\
         event_log:\n  retention_days: 31\n  configuration_sets: [transactionl, transactional, transactional]\n\
         \x20 events: [BOUNCE, bounce]\n  log_group: \"bad name\"\n",
    );
    assert_error(&run, "invalid-value", 7);
    assert!(
        run.stderr.contains("the nearest value it accepts is 30"),
        "{run:?}"
    );
    assert_error(&run, "unknown-reference", 8);
    assert!(
        run.stderr.contains("did you mean `transactional`?"),
        "{run:?}"
    );
    assert_error(&run, "duplicate-name", 8);
    assert_error(&run, "duplicate-event", 9);
    assert_error(&run, "invalid-name", 10);

    let run = validate(
        &dir,
        "version: 1\nregion: eu-west-1\nconfiguration_sets:\n  tx: {}\nevent_log:\n  configuration_sets: al\n",
    );
    assert_error(&run, "invalid-value", 6);
    assert!(run.stderr.contains("expected `all`, or a list"), "{run:?}");

    // Without a configuration set there is nothing to record.
    let run = validate(&dir, "version: 1\nregion: eu-west-1\nevent_log: {}\n");
    assert_error(&run, "invalid-value", 3);

    // The destination the log adds counts toward the set's ten, and its name is taken.
    let mut spec = String::from(
        "version: 1\nregion: eu-west-1\nevent_log: {}\nconfiguration_sets:\n  tx:\n    event_destinations:\n",
    );
    for i in 0..9 {
        spec.push_str(&format!(
            "      d{i}: {{events: [SEND], eventbridge: {{}}}}\n"
        ));
    }
    spec.push_str("      sesform-event-log: {events: [SEND], eventbridge: {}}\n");
    let run = validate(&dir, &spec);
    assert_error(&run, "too-many", 6);
    assert_error(&run, "duplicate-name", 16);

    let run = validate(
        &dir,
        "version: 1\nregion: eu-west-1\nconfiguration_sets:\n  tx: {}\nevent_log:\n  retention_days: 90\n",
    );
    assert_eq!(run.code, 0, "{run:?}");
}
