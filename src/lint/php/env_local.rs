//! `.env.local.php` (from `composer dump-env`): a returned array of strings, read as env
//! entries.

use std::collections::HashMap;

use super::eval::Eval;
use super::parse::{PhpError, parse};
use crate::formats::dotenv::Entry;
use crate::lint::files::{FileId, Origin};
use crate::lint::traced::Traced;
use crate::lint::value::Val;

/// `.env.local.php` (from `composer dump-env`): a returned array of strings.
pub fn eval_env_local_php(text: &str, file: FileId) -> Result<Vec<Entry>, PhpError> {
    let tree = parse(text)?;
    let mut eval = Eval {
        text,
        file,
        env: None,
        vars: HashMap::new(),
        depth: 0,
    };
    let node = eval.program(tree.root_node())?;
    let Val::Map(entries) = node.val else {
        return Err(PhpError {
            offset: node.expr.span.start,
            message: "expected `return [...]` with the environment variables".into(),
        });
    };
    Ok(entries
        .into_iter()
        .map(|(name, node)| {
            let span = match &node.key {
                Some(key) => Origin::new(file, key.span.start..node.expr.span.end),
                None => node.expr.clone(),
            };
            let value = match node.val {
                Val::Str(s) => Some(s),
                Val::Int(i) => Some(Traced::derived(i.to_string(), node.expr.clone())),
                Val::Bool(b) => Some(Traced::derived(if b { "1" } else { "" }, node.expr.clone())),
                Val::Null => Some(Traced::new()),
                _ => None,
            };
            Entry {
                name,
                name_span: node.key.clone().unwrap_or_else(|| span.clone()),
                span,
                raw_value: node.expr.clone(),
                value,
                quirks: Vec::new(),
            }
        })
        .collect())
}
