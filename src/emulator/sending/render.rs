//! Template rendering for `SendEmail` with `Content.Template`.
//!
//! SES templates are Handlebars; the emulator renders the part every template uses:
//! `{{name}}` and dotted `{{customer.name}}` (also `{{{name}}}`) from the `TemplateData` JSON
//! object, and drops `{{! comments}}`. Values are inserted as they are (strings without
//! quotes, other JSON values as JSON text), with no HTML escaping. Not supported: block helpers
//! (`{{#if}}`, `{{#each}}`, `{{else}}`, `{{/...}}`), partials (`{{> ...}}`) and whitespace
//! control (`{{~ ~}}`): they are left in the output as written.
//!
//! Like SES, a variable that is missing (or `null`) in the data fails the render, and so does
//! data that is not JSON: the send is accepted, and a Rendering Failure event follows instead
//! of a delivery (SES developer guide, "Examples of event data": `failure.errorMessage`
//! "Attribute 'attributeName' is not present in the rendering data."). Extra data is ignored.

use serde_json::Value;

use crate::emulator::model::EmailTemplateContent;

/// Renders every part of `content` with `data` (the raw `TemplateData`; absent = `{}`), or the
/// error message of the Rendering Failure event.
pub fn render(
    content: &EmailTemplateContent,
    data: Option<&str>,
) -> Result<EmailTemplateContent, String> {
    let data: Value = match data {
        None => Value::Object(Default::default()),
        Some(text) => serde_json::from_str(text)
            .map_err(|e| format!("Template data is not valid JSON: {e}."))?,
    };
    let part = |text: &Option<String>| text.as_deref().map(|t| render_text(t, &data)).transpose();
    Ok(EmailTemplateContent {
        subject: part(&content.subject)?,
        text: part(&content.text)?,
        html: part(&content.html)?,
    })
}

fn render_text(template: &str, data: &Value) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let (open, close) = if after.starts_with("{{{") {
            ("{{{", "}}}")
        } else {
            ("{{", "}}")
        };
        let Some(end) = after[open.len()..].find(close) else {
            // An unclosed tag is text.
            out.push_str(after);
            return Ok(out);
        };
        let tag = &after[..open.len() + end + close.len()];
        let inner = after[open.len()..open.len() + end].trim();
        rest = &after[tag.len()..];
        if inner.starts_with('!') {
            continue;
        }
        if inner.is_empty()
            || inner == "else"
            || inner.starts_with(['#', '/', '>', '^', '~'])
            || inner.ends_with('~')
        {
            out.push_str(tag);
            continue;
        }
        match lookup(data, inner) {
            Some(Value::String(text)) => out.push_str(text),
            Some(value) => out.push_str(&value.to_string()),
            None => {
                return Err(format!(
                    "Attribute '{inner}' is not present in the rendering data."
                ));
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// `a.b.c` in `data`; `null` counts as absent, as SES fails the render on it.
fn lookup<'a>(data: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(data, |value, key| value.as_object()?.get(key))
        .filter(|value| !value.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(subject: &str, text: &str) -> EmailTemplateContent {
        EmailTemplateContent {
            subject: Some(subject.into()),
            text: Some(text.into()),
            html: None,
        }
    }

    #[test]
    fn replaces_simple_and_dotted_variables() {
        let out = render(
            &content(
                "Hello, {{name}}!",
                "Order {{ order.id }} for {{{name}}}: {{order.total}} {{! a comment}}done",
            ),
            Some(r#"{"name": "Ana", "order": {"id": "A-1", "total": 12.5}, "extra": 1}"#),
        )
        .unwrap();
        assert_eq!(out.subject.as_deref(), Some("Hello, Ana!"));
        assert_eq!(out.text.as_deref(), Some("Order A-1 for Ana: 12.5 done"));
        assert_eq!(out.html, None);
    }

    #[test]
    fn a_missing_or_null_variable_fails_with_the_guides_message() {
        let template = content("Hi {{name}}", "Your colour is {{favoritecolor}}.");
        assert_eq!(
            render(&template, Some(r#"{"name": "Ana"}"#)).unwrap_err(),
            "Attribute 'favoritecolor' is not present in the rendering data."
        );
        assert_eq!(
            render(&template, Some(r#"{"name": null, "favoritecolor": "red"}"#)).unwrap_err(),
            "Attribute 'name' is not present in the rendering data."
        );
        assert_eq!(
            render(&content("{{a.b}}", ""), Some(r#"{"a": {}}"#)).unwrap_err(),
            "Attribute 'a.b' is not present in the rendering data."
        );
        assert!(render(&template, None).is_err(), "no data at all");
    }

    #[test]
    fn data_that_is_not_json_fails() {
        let error = render(&content("Hi {{name}}", ""), Some("{name: Ana")).unwrap_err();
        assert!(
            error.starts_with("Template data is not valid JSON"),
            "{error}"
        );
    }

    #[test]
    fn unsupported_tags_and_unclosed_braces_stay_as_written() {
        let out = render(
            &content("{{#if vip}}VIP{{/if}} {{> footer}}", "price {{ and more"),
            Some("{}"),
        )
        .unwrap();
        assert_eq!(
            out.subject.as_deref(),
            Some("{{#if vip}}VIP{{/if}} {{> footer}}")
        );
        assert_eq!(out.text.as_deref(), Some("price {{ and more"));
    }
}
