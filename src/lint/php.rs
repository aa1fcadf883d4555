//! PHP config files (`config/mail.php`, `config/services.php`, `.env.local.php`), read with
//! tree-sitter-php and evaluated as far as a config file needs: literals, arrays, `env()`
//! with Laravel's conversions, casts, `.`, `??`, `?:` and top-level `$variables`. Anything else
//! (a function call, a constant) evaluates to [`Val::Unknown`], which rules skip.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node as TsNode, Parser, Tree};

use super::env::{Env, VarSource};
use super::files::{FileId, Origin};
use super::traced::Traced;
use super::value::{EnvOutcome, EnvUse, Node, Val};
use crate::formats::dotenv::Entry;

thread_local! {
    // The grammar is loaded once per thread; parsers are reused across files.
    static PARSER: RefCell<Parser> = RefCell::new({
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_php::LANGUAGE_PHP.into())
            .expect("tree-sitter-php matches the tree-sitter version");
        parser
    });
}

/// A PHP syntax error: where, and what the parser expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhpError {
    pub offset: usize,
    pub message: String,
}

/// The time tree-sitter may spend on a file: [`PARSE_SECONDS`], and [`PARSE_SECONDS_PER_MIB`]
/// more per MiB. Its error recovery grows faster than the input on junk (about 2.6 s for
/// 64 KiB of `)]}` and 19 s for 256 KiB in a debug build); a config file takes a few
/// milliseconds per 100 KiB in a release build.
const PARSE_SECONDS: u64 = 10;
const PARSE_SECONDS_PER_MIB: u64 = 10;

/// Parses PHP, giving up after the time [`PARSE_SECONDS`] allows.
fn parse_tree(text: &str) -> Option<Tree> {
    let mib = (text.len() as u64).div_ceil(1024 * 1024);
    let limit = std::time::Duration::from_secs(PARSE_SECONDS + PARSE_SECONDS_PER_MIB * mib);
    let start = std::time::Instant::now();
    let mut progress = |_: &tree_sitter::ParseState| {
        if start.elapsed() > limit {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
    let bytes = text.as_bytes();
    PARSER.with(|p| {
        p.borrow_mut().parse_with_options(
            &mut |at: usize, _| bytes.get(at..).unwrap_or_default(),
            None,
            Some(options),
        )
    })
}

pub fn parse(text: &str) -> Result<Tree, PhpError> {
    let tree = parse_tree(text).ok_or_else(|| PhpError {
        offset: 0,
        message: "the PHP parser gave up on this file: recovering from its syntax errors \
                  takes too long (is it PHP?)"
            .into(),
    })?;
    let root = tree.root_node();
    if root.has_error() {
        if let Some(deep) = too_deep(root) {
            return Err(PhpError {
                offset: deep.start_byte(),
                message: format!(
                    "syntax error in code nested more than {MAX_ERROR_DEPTH} levels deep \
                     (sesform stops looking for the exact place here)"
                ),
            });
        }
        return Err(first_error(root, text));
    }
    Ok(tree)
}

/// Nesting beyond which a syntax error is reported where the nesting gets too deep: finding
/// PHP's exact place walks up the tree from nodes, which costs the depth each step.
pub const MAX_ERROR_DEPTH: usize = 256;

/// The first node nested deeper than [`MAX_ERROR_DEPTH`], if any (iteratively).
fn too_deep(root: TsNode) -> Option<TsNode> {
    let mut cursor = root.walk();
    let mut depth = 0;
    loop {
        if depth > MAX_ERROR_DEPTH {
            return Some(cursor.node());
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return None;
            }
            depth -= 1;
        }
    }
}

/// The byte ranges of the `comment` nodes, also in a file with syntax errors.
pub fn comments(text: &str) -> Vec<Range<usize>> {
    let Some(tree) = parse_tree(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // Iterative: a deeply nested file must not overflow the stack.
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.kind() == "comment" {
            out.push(node.byte_range());
        } else if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// Where PHP itself would stop: tree-sitter recovers by wrapping text in ERROR nodes, which
/// can start well before the token PHP rejects (a whole array whose `]` is missing, an element
/// followed by no `,`). The first innermost error decides:
/// - a MISSING token: reported where it belongs;
/// - brackets in the ERROR that do not pair up: the `]` closing too early, or the token after
///   an unclosed `[`;
/// - an ERROR wrapping a complete construct: the token after that construct;
/// - an ERROR running from `<?php` to the end: the end of the file;
/// - else the ERROR's own first token.
fn first_error(root: TsNode, text: &str) -> PhpError {
    let Some(n) = innermost_error(root) else {
        return PhpError {
            offset: root.start_byte(),
            message: "syntax error".into(),
        };
    };
    if n.is_missing() {
        return PhpError {
            offset: n.start_byte(),
            message: format!("syntax error: missing `{}`", n.kind()),
        };
    }
    if let Some(error) = bracket_error(n, text) {
        return error;
    }
    let first = n.child(0);
    if let Some(done) = first.filter(|f| f.is_named() && f.child_count() > 0 && !f.has_error()) {
        return unexpected(next_leaf(done), text, String::new());
    }
    if first.is_some_and(|f| f.kind() == "php_tag") && next_leaf(n).is_none() {
        let last = children(n).filter(|c| c.kind() != "comment").last();
        let statement_open = last.is_some_and(|l| l.is_named() && l.kind() != "php_tag");
        let rest = if statement_open {
            ", expecting `;`"
        } else {
            ""
        };
        return unexpected(None, text, rest.into());
    }
    let leaf = first_leaf(n);
    // A value right where one is expected (`$x = 1`) was accepted: PHP stops at what follows.
    if let Some(value) = leaf.filter(|l| is_value_start(*l) && is_token(*l))
        && prev_leaf(value).is_some_and(|p| EXPECTS_VALUE.contains(&p.kind()))
    {
        let after = next_leaf(value);
        if let Some(a) = after
            && a.start_position().row > value.end_position().row
            && list_of(a).is_none()
        {
            let line = value.end_position().row + 1;
            let rest = format!(": is a `;` missing at the end of line {line}?");
            return unexpected(after, text, rest);
        }
        return unexpected(after, text, String::new());
    }
    unexpected(leaf, text, String::new())
}

/// Tokens after which PHP expects a value.
const EXPECTS_VALUE: [&str; 10] = ["=", "=>", "(", ",", "[", ".", "??", "?", ":", "return"];

fn is_value_start(node: TsNode) -> bool {
    matches!(
        node.kind(),
        "string" | "encapsed_string" | "integer" | "float" | "boolean" | "null" | "variable_name"
    )
}

/// Brackets among the ERROR's children that do not pair up.
fn bracket_error(n: TsNode, text: &str) -> Option<PhpError> {
    let line = |node: TsNode| node.start_position().row + 1;
    let mut open: Vec<TsNode> = Vec::new();
    let kids: Vec<TsNode> = children(n).filter(|c| c.kind() != "comment").collect();
    for (i, kid) in kids.iter().enumerate() {
        if closer(kid.kind()).is_some() {
            open.push(*kid);
            continue;
        }
        let Some(expected) = opener(kid.kind()) else {
            continue;
        };
        // A stray closer: tree-sitter keeps the one it later needs, so not decisive.
        let Some(o) = open.pop() else { continue };
        if o.kind() != expected {
            let rest = format!(", expecting `{}`", closer(o.kind()).unwrap_or_default());
            return Some(unexpected(Some(*kid), text, rest));
        }
        // The ERROR's own first bracket closed, and more follows: PHP stops there.
        if open.is_empty() && i + 1 < kids.len() && o.id() == kids[0].id() {
            let rest = format!(
                " (the `{}` on line {} closes the `{expected}` on line {})",
                kid.kind(),
                line(*kid),
                line(o)
            );
            return Some(unexpected(next_leaf(*kid), text, rest));
        }
    }
    let o = open.last()?;
    let rest = format!(
        ", expecting `{}` (the `{}` on line {} is not closed)",
        closer(o.kind()).unwrap_or_default(),
        o.kind(),
        line(*o)
    );
    Some(unexpected(next_leaf(n), text, rest))
}

/// "syntax error, unexpected `token`" at `at` (the end of the file when `None`), with a hint
/// when the token before makes the mistake likely: a string that ends right there (a quote
/// missing), or a complete value in a list (a `,` missing).
fn unexpected(at: Option<TsNode>, text: &str, rest: String) -> PhpError {
    let Some(at) = at else {
        return PhpError {
            offset: text.len(),
            message: format!("syntax error, unexpected end of file{rest}"),
        };
    };
    // A string the parser split into its quotes and words: show it whole.
    let range = match at.kind() {
        q @ ("'" | "\"") => {
            let tail = &text[at.end_byte()..];
            let end = tail.find(['\n', q.chars().next().unwrap_or('\'')]);
            at.start_byte()..at.end_byte() + end.map_or(0, |e| e + 1)
        }
        _ => at.byte_range(),
    };
    let snippet: String = text[range].chars().take(30).collect();
    let snippet = snippet.lines().next().unwrap_or_default().trim();
    let mut message = if snippet.is_empty() {
        format!("syntax error{rest}")
    } else {
        format!("syntax error, unexpected `{snippet}`{rest}")
    };
    if rest.is_empty()
        && let Some(hint) = prev_leaf(at).and_then(|before| hint(before, at))
    {
        message.push_str(&hint);
    }
    PhpError {
        offset: at.start_byte(),
        message,
    }
}

fn hint(before: TsNode, at: TsNode) -> Option<String> {
    let is_string = |n: TsNode| matches!(n.kind(), "string" | "encapsed_string");
    if is_string(before) && before.end_byte() == at.start_byte() {
        let from = before.start_position();
        return Some(format!(
            ": is a quote missing? The string from line {} column {} ends here",
            from.row + 1,
            from.column + 1
        ));
    }
    let value_start = is_string(at)
        || matches!(
            at.kind(),
            "integer" | "float" | "name" | "variable_name" | "boolean" | "null" | "[" | "'" | "\""
        );
    let value_end = is_string(before)
        || matches!(
            before.kind(),
            "integer" | "float" | "name" | "variable_name" | "boolean" | "null" | "]" | ")"
        );
    let list = list_of(at).filter(|_| value_start && value_end)?;
    let line = before.end_position().row + 1;
    Some(if at.start_position().row + 1 > line {
        format!(": is a `,` missing at the end of line {line}?")
    } else if list == "arguments" {
        ": is a `,` missing before it?".into()
    } else {
        ": is a `,` (or `=>`) missing before it?".into()
    })
}

/// The first ERROR or MISSING node, in source order, with no error inside it.
fn innermost_error(root: TsNode) -> Option<TsNode> {
    let mut node = root;
    'descend: loop {
        if node.is_missing() {
            return Some(node);
        }
        for child in children(node) {
            if child.is_error() || child.is_missing() || child.has_error() {
                node = child;
                continue 'descend;
            }
        }
        return node.is_error().then_some(node);
    }
}

/// The children of `node`, with a cursor: `child(i)` walks from the first child, so taking
/// each by index would be quadratic in a node with many children (an ERROR wrapping a file).
fn children(node: TsNode<'_>) -> impl Iterator<Item = TsNode<'_>> {
    let mut cursor = node.walk();
    let kids: Vec<TsNode> = node.children(&mut cursor).collect();
    kids.into_iter()
}

/// Whether the parser reads `node` as one token: a leaf, or a string with its quotes.
fn is_token(node: TsNode) -> bool {
    node.child_count() == 0 || TOKENS.contains(&node.kind())
}

/// Comments and zero-width (MISSING) nodes are not what the parser sees.
fn is_seen(node: TsNode) -> bool {
    node.kind() != "comment" && !node.is_missing() && !node.byte_range().is_empty()
}

fn first_leaf(node: TsNode) -> Option<TsNode> {
    if is_token(node) {
        return is_seen(node).then_some(node);
    }
    children(node).find_map(first_leaf)
}

fn last_leaf(node: TsNode) -> Option<TsNode> {
    if is_token(node) {
        return is_seen(node).then_some(node);
    }
    let kids: Vec<TsNode> = children(node).collect();
    kids.into_iter().rev().find_map(last_leaf)
}

/// The first token after `node`: what the parser sees next.
fn next_leaf(node: TsNode) -> Option<TsNode> {
    let mut at = node;
    loop {
        while let Some(next) = at.next_sibling() {
            if let Some(leaf) = first_leaf(next) {
                return Some(leaf);
            }
            at = next;
        }
        at = at.parent()?;
    }
}

/// The token before `node`.
fn prev_leaf(node: TsNode) -> Option<TsNode> {
    let mut at = node;
    loop {
        while let Some(prev) = at.prev_sibling() {
            if let Some(leaf) = last_leaf(prev) {
                return Some(leaf);
            }
            at = prev;
        }
        at = at.parent()?;
    }
}

/// Nodes that are one token to PHP, though tree-sitter gives them children (quotes, parts).
const TOKENS: [&str; 7] = [
    "string",
    "encapsed_string",
    "heredoc",
    "nowdoc",
    "variable_name",
    "qualified_name",
    "cast_type",
];

/// The array or argument list `node` is in (`array_creation_expression` or `arguments`),
/// where elements need a `,`; tree-sitter's recovery may have put it in an odd expression.
fn list_of(node: TsNode) -> Option<&'static str> {
    let mut at = node.parent();
    while let Some(n) = at {
        match n.kind() {
            "array_creation_expression" => return Some("array_creation_expression"),
            "arguments" => return Some("arguments"),
            k if k == "program" || k.ends_with("_statement") => return None,
            _ => at = n.parent(),
        }
    }
    None
}

fn closer(open: &str) -> Option<&'static str> {
    match open {
        "[" => Some("]"),
        "(" => Some(")"),
        "{" => Some("}"),
        _ => None,
    }
}

fn opener(close: &str) -> Option<&'static str> {
    match close {
        "]" => Some("["),
        ")" => Some("("),
        "}" => Some("{"),
        _ => None,
    }
}

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

struct Eval<'a> {
    text: &'a str,
    file: FileId,
    env: Option<&'a Env>,
    vars: HashMap<String, Node>,
    /// How many expressions enclose the one being evaluated.
    depth: usize,
}

/// Expressions nested deeper than this (`'a' . 'a' . ...` with hundreds of terms, hundreds
/// of nested `[`) are not evaluated: the evaluator recurses, and no config file needs more.
pub const MAX_DEPTH: usize = 200;

impl Eval<'_> {
    fn origin(&self, range: Range<usize>) -> Origin {
        Origin::new(self.file, range)
    }

    fn src(&self, node: TsNode) -> &str {
        &self.text[node.byte_range()]
    }

    fn program(&mut self, root: TsNode) -> Result<Node, PhpError> {
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

    fn unknown(&self, node: TsNode) -> Node {
        Node::new(Val::Unknown, self.origin(node.byte_range()))
    }

    fn expr(&mut self, node: TsNode) -> Node {
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

    /// `env('KEY', default)` / `Env::get(...)`, with `Illuminate\Support\Env::get` semantics.
    fn env_call(&mut self, node: TsNode) -> Node {
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
mod tests {
    use super::*;
    use crate::lint::env::{AppEnv, AppEnvSource, load_laravel};
    use crate::lint::files::Files;

    fn eval_with_env(php: &str, dotenv: &str, process: &[(&str, &str)]) -> (Node, String) {
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

    fn eval(php: &str) -> Node {
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

    /// (line, column, message) of the syntax error in `text`.
    fn error_at(text: &str) -> (usize, usize, String) {
        let err = parse(text).unwrap_err();
        let before = &text[..err.offset];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        (line, column, err.message)
    }

    #[test]
    fn syntax_errors_are_where_php_reports_them() {
        let array = |body: &str| format!("<?php\nreturn [\n    'a' => 1,\n{body}];\n");
        for (text, line, column, message) in [
            // A missing `,` between elements: PHP rejects the next element.
            (
                array("    'b' => env('B')\n    'c' => 2,\n"),
                5,
                5,
                "unexpected `'c'`: is a `,` missing at the end of line 4?",
            ),
            (
                array("    'b' => env('B' 'x'),\n"),
                4,
                20,
                "unexpected `'x'`: is a `,` missing before it?",
            ),
            (
                array("    'b' 'x',\n"),
                4,
                9,
                "unexpected `'x'`: is a `,` (or `=>`) missing before it?",
            ),
            // A `]` missing inside: PHP reads on to the `;`.
            (
                array("    'b' => [\n        'c' => 2,\n"),
                6,
                2,
                "missing `]`",
            ),
            // One `]` too many: the array closes early.
            (array("    ],\n    'b' => 2,\n"), 4, 6, "unexpected `,`"),
            (
                "<?php\nreturn [\n    'a' => env('A'),\n    ],\n    'b' => ['c' => 1],\n];\n"
                    .to_string(),
                4,
                6,
                "unexpected `,` (the `]` on line 4 closes the `[` on line 2)",
            ),
            // An unterminated string swallows the next quote.
            (
                array("    'b' => 'x,\n    'c' => 2,\n"),
                5,
                6,
                "unexpected `c`: is a quote missing? The string from line 4 column 12 ends here",
            ),
            (array("    'b' => 1),\n"), 4, 13, "unexpected `)`"),
            (array("    'b' => [1, 2),\n"), 4, 17, "unexpected `)`"),
            // Truncated files.
            (
                "<?php\nreturn [\n    'a' => [\n".to_string(),
                4,
                1,
                "unexpected end of file, expecting `]` (the `[` on line 3 is not closed)",
            ),
            (
                "<?php\nreturn ['a' => 1]\n".to_string(),
                2,
                18,
                "missing `;`",
            ),
            (
                "<?php\nreturn [\n    'a' => env('A'),\n]\n".to_string(),
                5,
                1,
                "unexpected end of file, expecting `;`",
            ),
            (
                "<?php\n$x = 1\nreturn [];\n".to_string(),
                3,
                1,
                "unexpected `return`: is a `;` missing at the end of line 2?",
            ),
        ] {
            let (l, c, m) = error_at(&text);
            assert_eq!((l, c), (line, column), "{m}\n{text}");
            assert_eq!(
                m,
                format!("syntax error, {message}").replace("error, missing", "error: missing"),
                "{text}"
            );
        }
    }

    /// Every prefix of a real config file, and the file with any one character deleted, is
    /// either valid or a positioned error inside the text: no panic, no offset past the end.
    #[test]
    fn broken_files_never_panic() {
        let text = include_str!("../../examples/laravel-11/config/mail.php");
        let mut variants: Vec<String> = text
            .char_indices()
            .map(|(i, _)| text[..i].to_string())
            .collect();
        variants.extend(text.char_indices().map(|(i, c)| {
            let mut t = text.to_string();
            t.replace_range(i..i + c.len_utf8(), "");
            t
        }));
        for t in &variants {
            if let Err(e) = parse(t) {
                assert!(e.offset <= t.len() && t.is_char_boundary(e.offset), "{e:?}");
                assert!(e.message.starts_with("syntax error"), "{e:?}");
            }
        }
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("<?php\nreturn [\n  'a' => 'b'\n  'c' => 'd',\n];\n").unwrap_err();
        let line = "<?php\nreturn [\n  'a' => 'b'\n".len();
        assert!(err.offset >= line - 2 && err.offset <= line + 4, "{err:?}");
        assert!(err.message.starts_with("syntax error"), "{err:?}");
        let err = eval_config("<?php\n$a = 1;\n", 0, &Env::default()).unwrap_err();
        assert!(err.message.contains("no `return"), "{err:?}");
    }
}
