//! Parsing PHP with tree-sitter-php, within a time budget, and a syntax error where PHP itself
//! would report it.

use std::cell::RefCell;

use tree_sitter::{Node as TsNode, Parser, Tree};

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
pub(super) fn parse_tree(text: &str) -> Option<Tree> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::env::Env;
    use crate::lint::php::eval_config;

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
        let text = include_str!("../../../examples/laravel-11/config/mail.php");
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
