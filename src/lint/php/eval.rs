//! The evaluator: a config file's `return [...]` as far as a config needs: literals, arrays,
//! casts, `.`, `??`, `?:` and top-level `$variables`; `env()` is [`super::env`]'s. Anything else
//! evaluates to [`Val::Unknown`].

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node as TsNode;

use super::parse::{PhpError, parse};
use crate::lint::env::Env;
use crate::lint::files::{FileId, Origin};
use crate::lint::traced::Traced;
use crate::lint::value::{Node, Val};

/// Evaluates a config file's `return [...]` against an app's environment.
pub fn eval_config(text: &str, file: FileId, env: &Env) -> Result<Node, PhpError> {
    let tree = parse(text)?;
    let mut eval = Eval {
        text,
        file,
        env: Some(env),
        vars: HashMap::new(),
        depth: 0,
    };
    eval.program(tree.root_node())
}

pub(super) struct Eval<'a> {
    pub(super) text: &'a str,
    pub(super) file: FileId,
    pub(super) env: Option<&'a Env>,
    pub(super) vars: HashMap<String, Node>,
    /// How many expressions enclose the one being evaluated.
    pub(super) depth: usize,
}

/// Expressions nested deeper than this (`'a' . 'a' . ...` with hundreds of terms, hundreds
/// of nested `[`) are not evaluated: the evaluator recurses, and no config file needs more.
pub const MAX_DEPTH: usize = 200;

impl Eval<'_> {
    pub(super) fn origin(&self, range: Range<usize>) -> Origin {
        Origin::new(self.file, range)
    }

    pub(super) fn src(&self, node: TsNode) -> &str {
        &self.text[node.byte_range()]
    }

    pub(super) fn program(&mut self, root: TsNode) -> Result<Node, PhpError> {
        let mut cursor = root.walk();
        for statement in root.named_children(&mut cursor) {
            match statement.kind() {
                "expression_statement" => {
                    if let Some(expr) = statement.named_child(0)
                        && expr.kind() == "assignment_expression"
                        && let (Some(left), Some(right)) = (
                            expr.child_by_field_name("left"),
                            expr.child_by_field_name("right"),
                        )
                        && left.kind() == "variable_name"
                    {
                        let value = self.expr(right);
                        self.vars.insert(self.src(left).to_string(), value);
                    }
                }
                "return_statement" => {
                    return match statement.named_child(0) {
                        Some(expr) => Ok(self.expr(expr)),
                        None => Err(PhpError {
                            offset: statement.start_byte(),
                            message: "the file returns nothing; a config file returns an array"
                                .into(),
                        }),
                    };
                }
                _ => {}
            }
        }
        Err(PhpError {
            offset: self.text.len(),
            message: "no `return [...]` found; a config file returns an array".into(),
        })
    }

    pub(super) fn unknown(&self, node: TsNode) -> Node {
        Node::new(Val::Unknown, self.origin(node.byte_range()))
    }

    pub(super) fn expr(&mut self, node: TsNode) -> Node {
        if self.depth >= MAX_DEPTH {
            return self.unknown(node);
        }
        self.depth += 1;
        let value = self.expr_at_depth(node);
        self.depth -= 1;
        value
    }

    fn expr_at_depth(&mut self, node: TsNode) -> Node {
        let expr = self.origin(node.byte_range());
        match node.kind() {
            "string" => Node::new(Val::Str(self.single_quoted(node)), expr),
            "encapsed_string" => match self.double_quoted(node) {
                Some(s) => Node::new(Val::Str(s), expr),
                None => self.unknown(node),
            },
            "integer" => match parse_int(self.src(node)) {
                Some(i) => Node::new(Val::Int(i), expr),
                None => self.unknown(node),
            },
            "float" => match self.src(node).replace('_', "").parse() {
                Ok(f) => Node::new(Val::Float(f), expr),
                Err(_) => self.unknown(node),
            },
            "boolean" => Node::new(Val::Bool(self.src(node).eq_ignore_ascii_case("true")), expr),
            "null" => Node::new(Val::Null, expr),
            "array_creation_expression" => self.array(node),
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => {
                    let mut value = self.expr(inner);
                    value.expr = expr;
                    value
                }
                None => self.unknown(node),
            },
            "unary_op_expression" => self.unary(node),
            "cast_expression" => self.cast(node),
            "binary_expression" => self.binary(node),
            "conditional_expression" => self.conditional(node),
            "variable_name" => match self.vars.get(self.src(node)) {
                Some(value) => {
                    let mut value = value.clone();
                    value.expr = expr;
                    value
                }
                None => self.unknown(node),
            },
            "function_call_expression" => {
                let name = node
                    .child_by_field_name("function")
                    .map(|f| self.src(f).trim_start_matches('\\').to_ascii_lowercase());
                match name.as_deref() {
                    Some("env") => self.env_call(node),
                    _ => self.unknown(node),
                }
            }
            "scoped_call_expression" => {
                let scope = node
                    .child_by_field_name("scope")
                    .map(|s| self.src(s).trim_start_matches('\\').to_string());
                let name = node
                    .child_by_field_name("name")
                    .map(|n| self.src(n).to_ascii_lowercase());
                let is_env = matches!(scope.as_deref(), Some("Env" | "Illuminate\\Support\\Env"))
                    && name.as_deref() == Some("get");
                if is_env {
                    self.env_call(node)
                } else {
                    self.unknown(node)
                }
            }
            _ => self.unknown(node),
        }
    }

    fn single_quoted(&self, node: TsNode) -> Traced {
        let mut out = Traced::new();
        let mut cursor = node.walk();
        for part in node.named_children(&mut cursor) {
            let range = part.byte_range();
            let raw = &self.text[range.clone()];
            match part.kind() {
                "string_content" => out.push_exact(raw, self.origin(range)),
                "escape_sequence" => {
                    let decoded = match raw {
                        "\\'" => "'",
                        "\\\\" => "\\",
                        other => other,
                    };
                    out.push_derived(decoded, self.origin(range));
                }
                _ => {}
            }
        }
        out
    }

    /// A double-quoted string without interpolation; `None` when it interpolates variables.
    fn double_quoted(&self, node: TsNode) -> Option<Traced> {
        let mut out = Traced::new();
        let mut cursor = node.walk();
        for part in node.named_children(&mut cursor) {
            let range = part.byte_range();
            let raw = &self.text[range.clone()];
            match part.kind() {
                "string_content" => out.push_exact(raw, self.origin(range)),
                "escape_sequence" => {
                    out.push_derived(&unescape_double(raw), self.origin(range));
                }
                _ => return None,
            }
        }
        Some(out)
    }

    fn array(&mut self, node: TsNode) -> Node {
        // Replaced entries are `None` until the end (removing each one would be quadratic).
        let mut entries: Vec<Option<(String, Node)>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut next_index: i64 = 0;
        let mut cursor = node.walk();
        let elements: Vec<TsNode> = node.named_children(&mut cursor).collect();
        for element in elements {
            if element.kind() != "array_element_initializer" {
                continue;
            }
            let mut c = element.walk();
            let parts: Vec<TsNode> = element
                .named_children(&mut c)
                .filter(|n| n.kind() != "comment")
                .collect();
            let (key, value) = match parts.as_slice() {
                [value] if value.kind() != "variadic_unpacking" => (None, *value),
                [key, value] => (Some(*key), *value),
                _ => continue,
            };
            let name = match key {
                None => {
                    let name = next_index.to_string();
                    next_index += 1;
                    name
                }
                Some(key) => {
                    let key_node = self.expr(key);
                    match &key_node.val {
                        Val::Str(s) => match s.as_str().parse::<i64>() {
                            Ok(i) => {
                                next_index = next_index.max(i + 1);
                                i.to_string()
                            }
                            Err(_) => s.as_str().to_string(),
                        },
                        Val::Int(i) => {
                            next_index = next_index.max(i + 1);
                            i.to_string()
                        }
                        Val::Bool(b) => (*b as i64).to_string(),
                        _ => continue,
                    }
                }
            };
            let mut value = self.expr(value);
            value.key = key.map(|k| self.origin(k.byte_range()));
            // A later duplicate key replaces the earlier one, as in PHP.
            if let Some(earlier) = index.insert(name.clone(), entries.len()) {
                entries[earlier] = None;
            }
            entries.push(Some((name, value)));
        }
        let entries = entries.into_iter().flatten().collect();
        Node::new(Val::Map(entries), self.origin(node.byte_range()))
    }

    fn unary(&mut self, node: TsNode) -> Node {
        let expr = self.origin(node.byte_range());
        let operator = node
            .child_by_field_name("operator")
            .map(|o| self.src(o).to_string());
        let Some(argument) = node
            .child_by_field_name("argument")
            .or_else(|| node.named_child(0))
        else {
            return self.unknown(node);
        };
        let inner = self.expr(argument);
        let val = match (operator.as_deref(), &inner.val) {
            (Some("-"), Val::Int(i)) => Val::Int(-i),
            (Some("-"), Val::Float(f)) => Val::Float(-f),
            (Some("+"), Val::Int(_) | Val::Float(_)) => inner.val.clone(),
            (Some("!"), _) => match inner.truthy() {
                Some(t) => Val::Bool(!t),
                None => Val::Unknown,
            },
            _ => Val::Unknown,
        };
        Node { val, expr, ..inner }
    }

    fn cast(&mut self, node: TsNode) -> Node {
        let expr = self.origin(node.byte_range());
        let (Some(ty), Some(value)) = (
            node.child_by_field_name("type"),
            node.child_by_field_name("value"),
        ) else {
            return self.unknown(node);
        };
        let ty = self.src(ty).to_ascii_lowercase();
        let inner = self.expr(value);
        let val = match ty.as_str() {
            "int" | "integer" => match &inner.val {
                Val::Str(s) => Val::Int(php_intval(s.as_str())),
                Val::Unknown | Val::Map(_) => Val::Unknown,
                _ => inner.int().map_or(Val::Unknown, Val::Int),
            },
            "bool" | "boolean" => inner.truthy().map_or(Val::Unknown, Val::Bool),
            "string" => match &inner.val {
                Val::Str(_) => inner.val.clone(),
                Val::Null => Val::Str(Traced::new()),
                _ => match inner.text() {
                    Some(t) => Val::Str(Traced::derived(t, inner.at.clone())),
                    None => Val::Unknown,
                },
            },
            "float" | "double" => match inner.text().and_then(|t| t.trim().parse().ok()) {
                Some(f) => Val::Float(f),
                None => Val::Unknown,
            },
            _ => Val::Unknown,
        };
        Node { val, expr, ..inner }
    }

    fn binary(&mut self, node: TsNode) -> Node {
        let expr = self.origin(node.byte_range());
        let (Some(left), Some(op), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("operator"),
            node.child_by_field_name("right"),
        ) else {
            return self.unknown(node);
        };
        let op = self.src(op).to_string();
        let left = self.expr(left);
        let right = self.expr(right);
        match op.as_str() {
            "??" => {
                let mut chosen = match &left.val {
                    Val::Null => right,
                    Val::Unknown => return Node::new(Val::Unknown, expr),
                    _ => left,
                };
                chosen.expr = expr;
                chosen
            }
            "." => {
                let as_traced = |n: &Node| match &n.val {
                    Val::Str(s) => Some(s.clone()),
                    Val::Null => Some(Traced::new()),
                    _ => n.text().map(|t| Traced::derived(t, n.at.clone())),
                };
                match (as_traced(&left), as_traced(&right)) {
                    (Some(mut l), Some(r)) => {
                        l.append(&r);
                        let mut out = Node::new(Val::Str(l), expr);
                        out.env = left.env.or(right.env);
                        out
                    }
                    _ => Node::new(Val::Unknown, expr),
                }
            }
            "||" | "or" | "&&" | "and" => {
                let val = match (left.truthy(), right.truthy(), op.as_str()) {
                    (Some(l), Some(r), "||" | "or") => Val::Bool(l || r),
                    (Some(l), Some(r), _) => Val::Bool(l && r),
                    _ => Val::Unknown,
                };
                Node::new(val, expr)
            }
            _ => Node::new(Val::Unknown, expr),
        }
    }

    fn conditional(&mut self, node: TsNode) -> Node {
        let expr = self.origin(node.byte_range());
        let (Some(condition), Some(alternative)) = (
            node.child_by_field_name("condition"),
            node.child_by_field_name("alternative"),
        ) else {
            return self.unknown(node);
        };
        let cond = self.expr(condition);
        let body = node.child_by_field_name("body").map(|b| self.expr(b));
        let alt = self.expr(alternative);
        let mut chosen = match (cond.truthy(), body) {
            (None, _) => return Node::new(Val::Unknown, expr),
            (Some(true), Some(body)) => body,
            (Some(true), None) => cond,
            (Some(false), _) => alt,
        };
        chosen.expr = expr;
        chosen
    }
}

fn parse_int(text: &str) -> Option<i64> {
    let t = text.replace('_', "");
    let lower = t.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(bin) = lower.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()
    } else if let Some(oct) = lower.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if lower.len() > 1 && lower.starts_with('0') {
        i64::from_str_radix(&lower[1..], 8).ok()
    } else {
        lower.parse().ok()
    }
}

/// PHP `(int) "587abc"` is 587, `(int) "abc"` is 0.
fn php_intval(text: &str) -> i64 {
    let t = text.trim_start();
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<i64>().map_or(0, |n| sign * n)
}

fn unescape_double(raw: &str) -> String {
    match raw {
        "\\n" => "\n".into(),
        "\\t" => "\t".into(),
        "\\r" => "\r".into(),
        "\\v" => "\x0B".into(),
        "\\e" => "\x1B".into(),
        "\\f" => "\x0C".into(),
        "\\\\" => "\\".into(),
        "\\$" => "$".into(),
        "\\\"" => "\"".into(),
        _ => {
            if let Some(hex) = raw.strip_prefix("\\x")
                && let Ok(b) = u8::from_str_radix(hex, 16)
            {
                return (b as char).to_string();
            }
            if let Some(code) = raw.strip_prefix("\\u{").and_then(|r| r.strip_suffix('}'))
                && let Some(c) = u32::from_str_radix(code, 16).ok().and_then(char::from_u32)
            {
                return c.to_string();
            }
            if let Some(oct) = raw.strip_prefix('\\')
                && let Ok(b) = u8::from_str_radix(oct, 8)
            {
                return (b as char).to_string();
            }
            raw.to_string()
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::lint::env::{AppEnv, AppEnvSource, load_laravel};
    use crate::lint::files::Files;

    pub(in crate::lint::php) fn eval_with_env(
        php: &str,
        dotenv: &str,
        process: &[(&str, &str)],
    ) -> (Node, String) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), dotenv).unwrap();
        let mut files = Files::default();
        let process: HashMap<String, String> = process
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let app_env = AppEnv {
            name: "production".into(),
            source: AppEnvSource::Default { ignored: None },
        };
        let env = load_laravel(
            dir.path(),
            &mut files,
            &app_env,
            Default::default(),
            &process,
            &mut Vec::new(),
        );
        let text = dotenv.to_string();
        (eval_config(php, 9, &env).unwrap(), text)
    }

    pub(in crate::lint::php) fn eval(php: &str) -> Node {
        eval_with_env(php, "", &[]).0
    }

    #[test]
    fn literals_and_arrays() {
        let node = eval(
            "<?php\n$x = 'y';\nreturn ['a' => 'it\\'s', 'b' => [1, 5 => true, null, -3, 0x1F], 'c' => \"q\\n\" . $x, 'd' => (int) '587abc', 'e' => 1.5];",
        );
        assert_eq!(node.path("a").unwrap().str(), Some("it's"));
        let b = node.get("b").unwrap();
        let keys: Vec<&str> = b.entries().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, vec!["0", "5", "6", "7", "8"]);
        assert_eq!(b.get("7").unwrap().val, Val::Int(-3));
        assert_eq!(b.get("8").unwrap().val, Val::Int(31));
        assert_eq!(node.path("c").unwrap().str(), Some("q\ny"));
        assert_eq!(node.path("d").unwrap().val, Val::Int(587));
        assert_eq!(node.path("e").unwrap().val, Val::Float(1.5));
    }

    #[test]
    fn unknown_calls_are_unknown_not_guessed() {
        let node = eval("<?php return ['a' => storage_path('x'), 'b' => PHP_EOL, 'c' => \"$x\"];");
        assert!(node.get("a").unwrap().is_unknown());
        assert!(node.get("b").unwrap().is_unknown());
        assert!(node.get("c").unwrap().is_unknown());
    }

    #[test]
    fn deep_nesting_is_not_evaluated_and_does_not_overflow() {
        let concat = vec!["\"a\""; 5000].join(" . ");
        let nested = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
        let php = format!("<?php return ['x' => {concat}, 'y' => {nested}, 'z' => 'ok'];");
        let short = format!("<?php return ['x' => {}];", vec!["'a'"; 50].join(" . "));
        // On a thread with the default 2 MiB stack, as the workers of `par_map` had.
        std::thread::spawn(move || {
            let node = eval_config(&php, 0, &Env::default()).unwrap();
            assert!(node.get("x").unwrap().is_unknown());
            let mut y = node.get("y").unwrap();
            let mut levels = 0;
            while let Some(inner) = y.get("0") {
                y = inner;
                levels += 1;
            }
            assert!(y.is_unknown() && levels < MAX_DEPTH, "{levels}");
            assert_eq!(node.get("z").unwrap().str(), Some("ok"));
            let node = eval_config(&short, 0, &Env::default()).unwrap();
            assert_eq!(node.get("x").unwrap().str(), Some("a".repeat(50).as_str()));
        })
        .join()
        .unwrap();
    }
}
