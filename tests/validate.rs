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
"#,
    );
    assert_error(&run, "unknown-region", 2);
    assert_error(&run, "unknown-reference", 5);
    assert_error(&run, "invalid-value", 8);
    assert_error(&run, "duplicate-event", 11);
    assert_error(&run, "unknown-reference", 12);
    assert_error(&run, "destination-target", 13);
    assert_error(&run, "destination-target", 15);
    assert!(run.stderr.contains("7 errors found"), "{run:?}");
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

#[test]
fn secrets_are_never_inline() {
    let dir = TestDir::new();
    let run = validate(
        &dir,
        &format!(
            "{HEADER}identities:\n  example.com:\n    dkim:\n      byodkim:\n        selector: s1\n        private_key: \"-----BEGIN PRIVATE KEY-----\\nMIIE\"\n    tags:\n      note: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        ),
    );
    // A string where a {file:|env:} source belongs is a type error, and the PEM is flagged too.
    assert_error(&run, "invalid-type", 8);
    assert_error(&run, "inline-secret", 8);
    assert_error(&run, "inline-secret", 10);
    assert!(!run.stderr.contains("MIIE\n"), "{run:?}");
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

    std::fs::create_dir(dir.join("adir")).unwrap();
    let run = Run::of(dir.sesform().args(["validate", "adir"]));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is a directory"), "{run:?}");

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
