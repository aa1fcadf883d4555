//! Human and JSON views of a [`Plan`]. Both start from the same serialized plan, so they cannot
//! disagree; sensitive fields are replaced by `(sensitive)` before either sees them.

use std::fmt::Write;

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::style::Style;
use crate::plan::{Action, Plan};

/// Field names whose values are never shown or written.
pub const SENSITIVE_FIELDS: &[&str] = &["secret_access_key", "smtp_password", "private_key"];

/// The plan as JSON with sensitive fields redacted (the `--json` and `--out` format).
pub fn json(plan: &Plan) -> String {
    let mut value = serde_json::to_value(plan).expect("plan serializes");
    redact(&mut value);
    serde_json::to_string_pretty(&value).expect("json")
}

pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if SENSITIVE_FIELDS.contains(&key.as_str()) && !v.is_null() {
                    *v = Value::from(crate::model::Sensitive::MARKER);
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Where `plan --out` saved the plan, and how to apply exactly it.
pub fn saved(path: &std::path::Path) -> String {
    let path = path.display();
    format!(
        "\nSaved the plan to {path}. Apply exactly this plan with:\n  sesform apply --plan {path}\n"
    )
}

/// The plan for people: each change with its fields, then warnings, notes, unmanaged
/// resources and the summary line.
pub fn human(plan: &Plan, style: Style) -> String {
    let mut value = serde_json::to_value(plan).expect("plan serializes");
    redact(&mut value);
    let mut out = String::new();
    let pending: Vec<&Value> = value["changes"]
        .as_array()
        .map(|c| c.iter().filter(|c| c["action"] != "no-op").collect())
        .unwrap_or_default();

    if plan.partial {
        let _ = writeln!(
            out,
            "{} only {} and what {} need{} were read and planned; the rest of the account was not looked at, and may differ from the spec.\n",
            style.bold("Partial plan (--target):"),
            plan.targets.join(", "),
            if plan.targets.len() == 1 {
                "it"
            } else {
                "they"
            },
            if plan.targets.len() == 1 { "s" } else { "" }
        );
    }
    if !pending.is_empty() {
        let _ = writeln!(
            out,
            "sesform will perform the following actions in account {}, {} (stack {}):\n",
            plan.account_id, plan.region, plan.stack
        );
    }
    // Changes come in apply order, so each kind forms one group (deletes a second one).
    let mut group = None;
    for change in &pending {
        let this = (change["kind"].as_str(), change["action"] == "delete");
        if group != Some(this) {
            group = Some(this);
            let title = group_title(this.0.unwrap_or_default());
            let title = if this.1 {
                format!("{title} to delete")
            } else {
                title.to_string()
            };
            let _ = writeln!(out, "{}\n", style.bold(&title));
        }
        render_change(&mut out, change, style);
    }

    let lists = [
        ("Errors", "errors", style.red("x")),
        ("Warnings", "warnings", style.yellow("!")),
        ("Notes", "notes", style.dim("-")),
    ];
    for (title, key, marker) in lists {
        if let Some(items) = value[key].as_array().filter(|i| !i.is_empty()) {
            let _ = writeln!(out, "{}:", style.bold(title));
            for item in items {
                let _ = writeln!(
                    out,
                    "  {marker} {}: {}",
                    item["address"].as_str().unwrap_or_default(),
                    item["message"].as_str().unwrap_or_default()
                );
            }
            out.push('\n');
        }
    }
    if !plan.unmanaged.is_empty() {
        let _ = writeln!(
            out,
            "{} ({}), left alone:",
            style.bold("Unmanaged resources"),
            plan.unmanaged.len()
        );
        const SHOWN: usize = 20;
        for address in plan.unmanaged.iter().take(SHOWN) {
            let _ = writeln!(out, "  {}", style.dim(address.as_str()));
        }
        if plan.unmanaged.len() > SHOWN {
            let _ = writeln!(
                out,
                "  ... and {} more (see --json)",
                plan.unmanaged.len() - SHOWN
            );
        }
        out.push('\n');
    }
    if !plan.errors.is_empty() {
        let _ = writeln!(
            out,
            "{} this plan cannot be applied until the errors above are fixed.",
            style.red("Error:")
        );
    } else if pending.is_empty() {
        let _ = writeln!(
            out,
            "{} Account {} in {} matches the spec ({} checked).",
            style.green_bold("No changes."),
            plan.account_id,
            plan.region,
            super::count(plan.changes.len(), "resource", "resources")
        );
    } else {
        let s = plan.summary;
        let mut line = format!("{} to create, {} to update", s.create, s.update);
        if s.replace > 0 {
            let _ = write!(line, ", {} to replace", s.replace);
        }
        let _ = writeln!(
            out,
            "{} {line}, {} to delete.",
            style.bold("Plan:"),
            s.delete
        );
    }
    out
}

/// The kind's heading, from the registry; an unknown kind (a newer plan file) by its name.
fn group_title(kind: &str) -> &str {
    serde_json::from_value::<crate::model::Kind>(Value::String(kind.to_string()))
        .map(|kind| crate::resources::def(kind).title)
        .unwrap_or(kind)
}

fn render_change(out: &mut String, change: &Value, style: Style) {
    let address = change["address"].as_str().unwrap_or_default();
    let action = change["action"].as_str().unwrap_or_default();
    let (symbol, verb) = match action {
        "create" => (style.green("+"), "will be created"),
        "update" => (style.yellow("~"), "will be updated in place"),
        "replace" => (style.red("-/+"), "must be replaced"),
        "delete" => (style.red("-"), "will be deleted"),
        _ => (String::from(" "), "is unchanged"),
    };
    let _ = writeln!(out, "  {} {address} {verb}", style.dim("#"));
    if let Some(reason) = change["replace_reason"].as_str() {
        let _ = writeln!(out, "  {} {reason}", style.dim("#"));
    }
    let _ = writeln!(out, "  {symbol} {address}");
    let before = &change["before"];
    let after = &change["after"];
    match action {
        "create" => {
            for (field, value) in flatten(after) {
                match value
                    .as_str()
                    .filter(|s| s.starts_with('{'))
                    .and_then(|s| serde_json::from_str::<Value>(s).ok())
                {
                    // JSON documents (policies) are shown one key per line.
                    Some(document) => {
                        let pretty = serde_json::to_string_pretty(&document).unwrap_or_default();
                        let _ = writeln!(
                            out,
                            "      {} {field} = {}",
                            style.green("+"),
                            pretty.replace('\n', "\n          ")
                        );
                    }
                    None => {
                        let _ =
                            writeln!(out, "      {} {field} = {}", style.green("+"), show(&value));
                    }
                }
            }
        }
        "delete" => {}
        _ => {
            for field in change["changed"].as_array().into_iter().flatten() {
                let field = field.as_str().unwrap_or_default();
                let b = lookup(before, field);
                let a = lookup(after, field);
                render_field_change(out, field, &b, &a, style);
            }
        }
    }
    out.push('\n');
}

fn render_field_change(out: &mut String, field: &str, before: &Value, after: &Value, style: Style) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let _ = writeln!(out, "      {} {field} {{", style.yellow("~"));
            let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for key in keys {
                match (b.get(key), a.get(key)) {
                    (Some(x), Some(y)) if x == y => {}
                    (Some(x), Some(y)) => {
                        let _ = writeln!(
                            out,
                            "          {} {key} = {} -> {}",
                            style.yellow("~"),
                            show(x),
                            show(y)
                        );
                    }
                    (None, Some(y)) => {
                        let _ = writeln!(out, "          {} {key} = {}", style.green("+"), show(y));
                    }
                    (Some(x), None) => {
                        let _ = writeln!(out, "          {} {key} = {}", style.red("-"), show(x));
                    }
                    (None, None) => {}
                }
            }
            let _ = writeln!(out, "        }}");
        }
        (Value::String(b), Value::String(a)) if is_long(b) || is_long(a) => {
            let _ = writeln!(out, "      {} {field}:", style.yellow("~"));
            let (b, a) = (pretty_text(b), pretty_text(a));
            for line in TextDiff::from_lines(&b, &a).iter_all_changes() {
                let text = line.value().trim_end_matches('\n');
                let _ = match line.tag() {
                    ChangeTag::Delete => {
                        writeln!(out, "          {}", style.red(&format!("- {text}")))
                    }
                    ChangeTag::Insert => {
                        writeln!(out, "          {}", style.green(&format!("+ {text}")))
                    }
                    ChangeTag::Equal => writeln!(out, "            {text}"),
                };
            }
        }
        _ => {
            let _ = writeln!(
                out,
                "      {} {field} = {} -> {}",
                style.yellow("~"),
                show(before),
                show(after)
            );
        }
    }
}

fn is_long(s: &str) -> bool {
    s.contains('\n') || s.len() > 80
}

/// JSON documents (policies) one key per line, so their diff reads line by line.
fn pretty_text(s: &str) -> String {
    let mut text = match serde_json::from_str::<Value>(s) {
        Ok(v) if v.is_object() => {
            serde_json::to_string_pretty(&v).unwrap_or_else(|_| s.to_string())
        }
        _ => s.to_string(),
    };
    text.push('\n');
    text
}

/// `(dotted field, value)` leaves of a state, except its kind tag; tag maps stay whole.
fn flatten(value: &Value) -> Vec<(String, Value)> {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
        match value {
            Value::Object(map) if prefix != "tags" && !prefix.ends_with(".tags") => {
                for (k, v) in map {
                    if prefix.is_empty() && k == "kind" {
                        continue;
                    }
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&path, v, out);
                }
            }
            Value::Null => {}
            other => out.push((prefix.to_string(), other.clone())),
        }
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}

fn lookup(value: &Value, dotted: &str) -> Value {
    dotted
        .split('.')
        .try_fold(value, |v, key| v.get(key))
        .cloned()
        .unwrap_or(Value::Null)
}

fn show(value: &Value) -> String {
    match value {
        Value::Null => "(none)".into(),
        Value::String(s) if s == crate::model::Sensitive::MARKER => s.clone(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k} = {}", show(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// Short description of what an action does, for apply progress lines.
pub fn progress_verb(action: Action) -> &'static str {
    match action {
        Action::Create => "created",
        Action::Update => "updated",
        Action::Replace => "replaced",
        Action::Delete => "deleted",
        Action::NoOp => "unchanged",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, CredentialsTarget, Kind, Sensitive, SmtpUserState, State};
    use crate::plan::{Change, PlanOptions, SpecRef, Summary};

    fn plan(changes: Vec<Change>) -> Plan {
        Plan {
            format_version: crate::plan::FORMAT_VERSION.into(),
            sesform_version: "test".into(),
            region: "eu-west-1".into(),
            account_id: "123456789012".into(),
            partial: false,
            targets: Vec::new(),
            stack: "test".into(),
            spec: SpecRef {
                path: "sesform.yaml".into(),
                sha256: "sha256:0".into(),
            },
            live_fingerprint: "sha256:0".into(),
            options: PlanOptions::default(),
            summary: Summary::of(&changes),
            changes,
            errors: Vec::new(),
            warnings: Vec::new(),
            notes: Vec::new(),
            unmanaged: vec![Address::identity("other.example.org")],
        }
    }

    fn user_create() -> Change {
        let user = State::SmtpUser(SmtpUserState {
            name: "mailer".into(),
            path: "/sesform/".into(),
            policy: None,
            tags: Default::default(),
            access_key: Some("active".into()),
            credentials: Some(CredentialsTarget {
                dotenv: Some(".env.ses".into()),
                stdout: false,
                preset: "laravel".into(),
                vars: Default::default(),
                smtp_password: Sensitive,
            }),
        });
        Change {
            address: user.address(),
            kind: Kind::SmtpUser,
            action: Action::Create,
            before: None,
            after: Some(user),
            changed: Vec::new(),
            replace_reason: None,
            arn: None,
        }
    }

    #[test]
    fn the_smtp_password_is_marked_sensitive_in_both_views() {
        let p = plan(vec![user_create()]);
        let text = human(&p, Style::new(false));
        assert!(
            text.contains("+ credentials.smtp_password = (sensitive)"),
            "{text}"
        );
        let value: Value = serde_json::from_str(&json(&p)).unwrap();
        assert_eq!(
            value["changes"][0]["after"]["credentials"]["smtp_password"],
            "(sensitive)"
        );
    }

    #[test]
    fn redaction_replaces_every_sensitive_field_at_any_depth() {
        let mut value = serde_json::json!({
            "a": {"secret_access_key": "wJalr", "b": [{"private_key": "MIIE"}]},
            "smtp_password": null,
            "name": "kept"
        });
        redact(&mut value);
        assert_eq!(value["a"]["secret_access_key"], "(sensitive)");
        assert_eq!(value["a"]["b"][0]["private_key"], "(sensitive)");
        assert!(
            value["smtp_password"].is_null(),
            "nothing to hide stays null"
        );
        assert_eq!(value["name"], "kept");
    }

    #[test]
    fn changes_are_grouped_by_kind_with_a_summary_line() {
        let mut delete = user_create();
        delete.address = Address::smtp_user("old");
        delete.action = Action::Delete;
        delete.before = delete.after.take();
        let p = plan(vec![user_create(), delete]);
        let text = human(&p, Style::new(false));
        let created = text.find("SMTP users\n").expect(&text);
        let deleted = text.find("SMTP users to delete\n").expect(&text);
        assert!(created < deleted, "{text}");
        assert!(text.contains("# smtp_user.old will be deleted"), "{text}");
        assert!(
            text.contains("Plan: 1 to create, 0 to update, 1 to delete."),
            "{text}"
        );
        assert!(
            text.contains("Unmanaged resources (1), left alone:"),
            "{text}"
        );
    }

    #[test]
    fn nothing_to_do_says_why() {
        let mut noop = user_create();
        noop.action = Action::NoOp;
        let text = human(&plan(vec![noop]), Style::new(false));
        assert!(
            text.contains("No changes. Account 123456789012 in eu-west-1 matches the spec (1 resource checked)."),
            "{text}"
        );
        assert!(!text.contains("will perform"), "{text}");
    }

    #[test]
    fn long_values_are_diffed_line_by_line() {
        let mut out = String::new();
        let before = Value::from(r#"{"Statement":[{"Action":"ses:SendRawEmail","Resource":"*"}]}"#);
        let after = Value::from(
            r#"{"Statement":[{"Action":"ses:SendRawEmail","Resource":"arn:aws:ses:eu-west-1:1:identity/example.com"}]}"#,
        );
        render_field_change(&mut out, "policy", &before, &after, Style::new(false));
        assert!(out.contains("- ") && out.contains("+ "), "{out}");
        assert!(out.contains("\"Resource\": \"*\""), "{out}");
    }
}
