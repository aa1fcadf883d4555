//! `env('KEY', default)` in a config file, with `Illuminate\Support\Env::get`'s semantics:
//! where the value comes from (process, env file, default) and Laravel's conversions of it.

use tree_sitter::Node as TsNode;

use super::eval::Eval;
use crate::lint::env::VarSource;
use crate::lint::traced::Traced;
use crate::lint::value::{EnvOutcome, EnvUse, Node, Val};

impl Eval<'_> {
    /// `env('KEY', default)` / `Env::get(...)`, with `Illuminate\Support\Env::get` semantics.
    pub(super) fn env_call(&mut self, node: TsNode) -> Node {
        let expr = self.origin(node.byte_range());
        let Some(arguments) = node.child_by_field_name("arguments") else {
            return self.unknown(node);
        };
        let mut cursor = arguments.walk();
        let args: Vec<TsNode> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind() == "argument")
            .filter_map(|a| a.named_child(a.named_child_count().saturating_sub(1) as u32))
            .collect();
        let Some(name) = args.first().map(|a| self.expr(*a)) else {
            return self.unknown(node);
        };
        let Some(name) = name.str().map(str::to_string) else {
            return self.unknown(node);
        };
        let default = args.get(1).map(|a| self.expr(*a));
        let Some(env) = self.env else {
            return self.unknown(node);
        };
        let found = env.get(&name);
        let Some(var) = found else {
            let (mut value, outcome) = match default {
                Some(default) => (default, EnvOutcome::Default),
                None => (Node::new(Val::Null, expr.clone()), EnvOutcome::Unset),
            };
            value.expr = expr;
            value.env = Some(EnvUse { name, outcome });
            return value;
        };
        let outcome = match var.source {
            VarSource::Process => EnvOutcome::Process,
            VarSource::File { .. } => EnvOutcome::File,
        };
        let at = var.value_origin().unwrap_or_else(|| expr.clone());
        let val = match &var.value {
            None => Val::Unknown,
            Some(value) => laravel_env_value(value),
        };
        Node {
            val,
            at,
            expr,
            key: None,
            env: Some(EnvUse { name, outcome }),
        }
    }
}

/// `Illuminate\Support\Env::get`'s conversions of the raw string.
pub fn laravel_env_value(value: &Traced) -> Val {
    let text = value.as_str();
    match text.to_ascii_lowercase().as_str() {
        "true" | "(true)" => return Val::Bool(true),
        "false" | "(false)" => return Val::Bool(false),
        "empty" | "(empty)" => return Val::Str(value.slice(0..0)),
        "null" | "(null)" => return Val::Null,
        _ => {}
    }
    let bytes = text.as_bytes();
    if bytes.len() >= 2
        && matches!(bytes[0], b'"' | b'\'')
        && bytes[bytes.len() - 1] == bytes[0]
        && !text.contains('\n')
    {
        return Val::Str(value.slice(1..text.len() - 1));
    }
    Val::Str(value.clone())
}

#[cfg(test)]
mod tests {
    use super::super::eval::tests::{eval, eval_with_env};
    use crate::lint::value::{EnvOutcome, Val};

    #[test]
    fn env_semantics_match_laravel() {
        let php = "<?php return [
            'host' => env('MAIL_HOST', 'smtp.mailgun.org'),
            'port' => env('MAIL_PORT', 587),
            'enc' => env('MAIL_ENCRYPTION', 'tls'),
            'user' => env('MAIL_USERNAME'),
            'quoted' => env('Q'),
            'empty' => env('E'),
            'missing' => env('NOPE'),
            'fallback' => env('NOPE') ?: 'fb',
            'cast' => (int) env('MAIL_PORT'),
            'proc' => \\Illuminate\\Support\\Env::get('FROM_PROCESS', 'd'),
        ];";
        let (node, _) = eval_with_env(
            php,
            "MAIL_HOST=email-smtp.eu-west-1.amazonaws.com\nMAIL_PORT=2587\nMAIL_ENCRYPTION=null\nMAIL_USERNAME=(true)\nQ='\"inner\"'\nE=empty\nFROM_PROCESS=file\n",
            &[("FROM_PROCESS", "process")],
        );
        let get = |k: &str| node.get(k).unwrap();
        assert_eq!(
            get("host").str(),
            Some("email-smtp.eu-west-1.amazonaws.com")
        );
        assert_eq!(get("host").env.as_ref().unwrap().outcome, EnvOutcome::File);
        // env() returns strings: "2587", not 2587.
        assert_eq!(get("port").str(), Some("2587"));
        assert_eq!(get("enc").val, Val::Null);
        assert_eq!(get("user").val, Val::Bool(true));
        assert_eq!(get("quoted").str(), Some("inner"));
        assert_eq!(get("empty").str(), Some(""));
        assert_eq!(get("missing").val, Val::Null);
        assert_eq!(
            get("missing").env.as_ref().unwrap().outcome,
            EnvOutcome::Unset
        );
        assert_eq!(get("fallback").str(), Some("fb"));
        assert_eq!(get("cast").val, Val::Int(2587));
        assert_eq!(get("proc").str(), Some("process"));
        assert_eq!(
            get("proc").env.as_ref().unwrap().outcome,
            EnvOutcome::Process
        );
    }

    #[test]
    fn env_values_point_at_the_dotenv_line() {
        let (node, dotenv) = eval_with_env(
            "<?php return ['p' => env('MAIL_PASSWORD', 'x')];",
            "A=1\nMAIL_PASSWORD=s3cret\n",
            &[],
        );
        let p = node.get("p").unwrap();
        assert_eq!(p.at.file, 0);
        assert_eq!(&dotenv[p.at.span.clone()], "s3cret");
        assert_eq!(p.expr.file, 9);
        let default = eval("<?php return ['p' => env('MAIL_PASSWORD', 'x')];");
        let p = default.get("p").unwrap();
        assert_eq!(p.env.as_ref().unwrap().outcome, EnvOutcome::Default);
        assert!(p.is_literal());
    }
}
