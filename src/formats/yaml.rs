//! YAML documents as trees with byte spans, read in one pass of yaml-rust2's event parser
//! (serde_yaml keeps no positions, and every message needs one). The one YAML reader with
//! positions: `lint` reads Symfony's `config/packages/*.yaml` with [`parse`] (merge keys
//! applied, as Symfony does); `spec` reads the spec with [`parse_with`] and answers "where is
//! this path" from the tree ([`crate::spec::positions`]).
//!
//! Hostile input stays bounded: events are consumed in a loop (no recursion while reading),
//! nesting is capped ([`Options::max_depth`]) and so is the number of nodes aliases expand to
//! ([`Options::max_nodes`]).

use std::collections::HashMap;
use std::ops::Range;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

#[derive(Debug, Clone, PartialEq)]
pub enum YKind {
    Scalar {
        value: String,
        style: TScalarStyle,
        tag: Option<String>,
    },
    Seq(Vec<YNode>),
    /// Entries in order (repeated keys included), with each key's span.
    Map(Vec<(String, Range<usize>, YNode)>),
}

#[derive(Debug, Clone)]
pub struct YNode {
    pub kind: YKind,
    /// Where the node is written; for a node an alias repeats, where the anchored node is.
    pub span: Range<usize>,
    /// For a node an alias repeats: where the alias (`*name`) is.
    pub alias: Option<Range<usize>>,
}

/// Nodes are equal when they hold the same thing written at the same place, whether reached
/// through an alias or not.
impl PartialEq for YNode {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.span == other.span
    }
}

impl YNode {
    fn new(kind: YKind, span: Range<usize>) -> YNode {
        YNode {
            kind,
            span,
            alias: None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&YNode> {
        match &self.kind {
            YKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, _, v)| v),
            _ => None,
        }
    }

    pub fn entry(&self, key: &str) -> Option<(&Range<usize>, &YNode)> {
        match &self.kind {
            YKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, s, v)| (s, v)),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, Range<usize>, YNode)] {
        match &self.kind {
            YKind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The text of a scalar, when the node is one.
    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            YKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn is_plain(&self) -> bool {
        matches!(
            self.kind,
            YKind::Scalar {
                style: TScalarStyle::Plain,
                ..
            }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub offset: usize,
    pub message: String,
    pub kind: ErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not YAML: the message is yaml-rust2's.
    Syntax,
    /// Nested deeper than [`Options::max_depth`]; the offset is where the container starts.
    TooDeep,
    /// More than [`Options::max_nodes`] nodes once aliases are expanded.
    TooLarge,
}

/// What a caller needs from the reader.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Sequences and mappings nested deeper than this are refused (the recursive passes after
    /// reading, and dropping the tree, recurse once per level).
    pub max_depth: usize,
    /// At most this many nodes per document, counting every node an alias repeats: nested
    /// anchors (`b: &b [*a, *a, ...]`, `c: &c [*b, *b, ...]`) grow exponentially otherwise.
    pub max_nodes: usize,
    /// Whether `<<: *anchor` merges the aliased mappings' entries (Symfony's parser does;
    /// YAML 1.2 and serde_yaml do not).
    pub merge_keys: bool,
}

/// How Symfony config is read.
pub const SYMFONY: Options = Options {
    max_depth: 500,
    max_nodes: 100_000,
    merge_keys: true,
};

/// Parses the first document of `text` as Symfony does; an empty file is an empty mapping.
pub fn parse(text: &str) -> Result<YNode, YamlError> {
    let root = parse_with(text, SYMFONY)?.root;
    Ok(root.unwrap_or(YNode::new(YKind::Map(Vec::new()), 0..0)))
}

/// The first document of a text.
#[derive(Debug, Clone)]
pub struct Document {
    /// `None` when there is none (an empty file, only comments).
    pub root: Option<YNode>,
    /// Whether a node has a tag (`!Ref x`, `!!str 1`).
    pub tagged: bool,
    /// Whether another document follows (`---`).
    pub more: bool,
}

/// Parses the first document of `text`.
pub fn parse_with(text: &str, options: Options) -> Result<Document, YamlError> {
    let char_bytes = if text.is_ascii() {
        Vec::new()
    } else {
        text.char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect()
    };
    let mut builder = Builder {
        text,
        char_bytes,
        options,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        nodes: 0,
        pending_end: None,
        tagged: false,
    };
    let mut parser = Parser::new_from_str(text);
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => break,
            Ok((Event::DocumentEnd, _)) => {
                let more = !matches!(parser.next_token(), Ok((Event::StreamEnd, _)));
                return Ok(builder.document(more));
            }
            Ok((event, mark)) => builder.on_event(event, mark)?,
            // The scanner looks ahead through flow collections and gives up past 255 levels,
            // before the parser has emitted the level that is too deep.
            Err(e) if e.info() == "recursion limit exceeded" => {
                return Err(builder.too_deep(builder.byte(e.marker().index())));
            }
            Err(e) => {
                return Err(YamlError {
                    offset: builder.byte(e.marker().index()),
                    message: e.info().to_string(),
                    kind: ErrorKind::Syntax,
                });
            }
        }
    }
    Ok(builder.document(false))
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        size: usize,
        items: Vec<YNode>,
    },
    Map {
        start: usize,
        anchor: usize,
        size: usize,
        entries: Vec<(String, Range<usize>, YNode)>,
        key: Option<(String, Range<usize>)>,
    },
}

struct Builder<'a> {
    text: &'a str,
    /// Byte offset of each character (yaml-rust2 markers count characters); empty for ASCII.
    char_bytes: Vec<usize>,
    options: Options,
    stack: Vec<Frame>,
    /// Each anchored node with its size in nodes.
    anchors: HashMap<usize, (YNode, usize)>,
    root: Option<YNode>,
    /// Nodes built so far, aliases counted at their full size.
    nodes: usize,
    /// A scalar value whose end only the next event tells (block and multi-line scalars):
    /// its start and anchor. It is the last node added.
    pending_end: Option<(usize, usize)>,
    /// Whether a node had a tag.
    tagged: bool,
}

impl Builder<'_> {
    fn byte(&self, index: usize) -> usize {
        if self.char_bytes.is_empty() {
            index.min(self.text.len())
        } else {
            self.char_bytes
                .get(index)
                .copied()
                .unwrap_or(self.text.len())
        }
    }

    fn document(self, more: bool) -> Document {
        Document {
            root: self.root,
            tagged: self.tagged,
            more,
        }
    }

    fn too_deep(&self, offset: usize) -> YamlError {
        YamlError {
            offset,
            message: format!(
                "more than {} nested sequences or mappings; sesform stops reading this document",
                self.options.max_depth
            ),
            kind: ErrorKind::TooDeep,
        }
    }

    /// The end of a scalar starting at `start`, or `None` when only the next event tells.
    fn scalar_end(&self, start: usize, value: &str, style: TScalarStyle) -> Option<usize> {
        let rest = &self.text[start..];
        let end = match style {
            TScalarStyle::Plain if rest.starts_with(value) => start + value.len(),
            TScalarStyle::SingleQuoted => start + closing_quote(rest, '\'')?,
            TScalarStyle::DoubleQuoted => start + closing_quote(rest, '"')?,
            // Multi-line plain scalars and block scalars (`|`, `>`).
            _ => return None,
        };
        Some(end.min(self.text.len()))
    }

    /// Counts `size` more nodes; an error once over the budget.
    fn budget(&mut self, size: usize, at: usize) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(size);
        if self.nodes > self.options.max_nodes {
            return Err(YamlError {
                offset: at,
                message: format!(
                    "this document expands to more than {} nodes (aliases of anchors \
                     that hold aliases); sesform stops reading it",
                    self.options.max_nodes
                ),
                kind: ErrorKind::TooLarge,
            });
        }
        Ok(())
    }

    /// The node added last (a mapping value, a sequence item or the root).
    fn last_node(&mut self) -> Option<&mut YNode> {
        match self.stack.last_mut() {
            None => self.root.as_mut(),
            Some(Frame::Seq { items, .. }) => items.last_mut(),
            Some(Frame::Map { entries, .. }) => entries.last_mut().map(|(_, _, node)| node),
        }
    }

    /// Ends a scalar that was waiting for the next event, which starts at `at`.
    fn settle_pending(&mut self, at: usize) {
        let Some((start, anchor)) = self.pending_end.take() else {
            return;
        };
        let end = self.text[..at].trim_end().len().max(start);
        if let Some(node) = self.last_node() {
            node.span.end = end;
        }
        if let Some((node, _)) = self.anchors.get_mut(&anchor) {
            node.span.end = end;
        }
    }

    fn push_value(&mut self, node: YNode, size: usize) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, size: s, .. }) => {
                *s += size;
                items.push(node);
            }
            Some(Frame::Map {
                entries,
                key,
                size: s,
                ..
            }) => match key.take() {
                Some((name, span)) => {
                    *s += size;
                    entries.push((name, span, node));
                }
                None => {
                    // A key: scalars name the entry; a complex key is named `?`, and an
                    // alias `*`, at its start.
                    let (name, span) = match (&node.kind, &node.alias) {
                        (_, Some(alias)) => ("*".to_string(), alias.clone()),
                        (YKind::Scalar { value, .. }, None) => (value.clone(), node.span),
                        _ => ("?".to_string(), node.span.start..node.span.start),
                    };
                    *key = Some((name, span));
                }
            },
        }
    }

    fn on_event(&mut self, event: Event, mark: Marker) -> Result<(), YamlError> {
        let at = self.byte(mark.index());
        self.settle_pending(at);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                self.budget(1, at)?;
                self.tagged |= tag.is_some();
                let end = self.scalar_end(at, &value, style);
                let is_value = matches!(
                    self.stack.last(),
                    Some(Frame::Map { key: Some(_), .. }) | Some(Frame::Seq { .. }) | None
                );
                let node = YNode::new(
                    YKind::Scalar {
                        value,
                        style,
                        tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                    },
                    at..end.unwrap_or(at),
                );
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                if end.is_none() && is_value {
                    self.pending_end = Some((at, anchor));
                }
                self.push_value(node, 1);
            }
            Event::Alias(id) => {
                let size = self.anchors.get(&id).map_or(1, |(_, size)| *size);
                // Checked before cloning: the clone is what would exhaust memory.
                self.budget(size, at)?;
                let mut node = self.anchors.get(&id).map_or_else(
                    || {
                        let empty = YKind::Scalar {
                            value: String::new(),
                            style: TScalarStyle::Plain,
                            tag: None,
                        };
                        YNode::new(empty, at..at)
                    },
                    |(n, _)| n.clone(),
                );
                node.alias = Some(at..at + 1);
                self.push_value(node, size);
            }
            Event::SequenceStart(..) | Event::MappingStart(..)
                if self.stack.len() >= self.options.max_depth =>
            {
                return Err(self.too_deep(block_key_start(self.text, at)));
            }
            Event::SequenceStart(anchor, tag) => {
                self.budget(1, at)?;
                self.tagged |= tag.is_some();
                self.stack.push(Frame::Seq {
                    start: at,
                    anchor,
                    size: 1,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.budget(1, at)?;
                self.tagged |= tag.is_some();
                self.stack.push(Frame::Map {
                    start: at,
                    anchor,
                    size: 1,
                    entries: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => self.end_container(at),
            _ => {}
        }
        Ok(())
    }

    fn end_container(&mut self, at: usize) {
        let (kind, start, anchor, size) = match self.stack.pop() {
            Some(Frame::Seq {
                start,
                anchor,
                size,
                items,
            }) => (YKind::Seq(items), start, anchor, size),
            Some(Frame::Map {
                start,
                anchor,
                size,
                entries,
                ..
            }) => {
                // A block mapping's start event is marked after its first key.
                let start = entries
                    .first()
                    .map_or(start, |(_, key, _)| key.start.min(start));
                let entries = if self.options.merge_keys {
                    merge_keys(entries)
                } else {
                    entries
                };
                (YKind::Map(entries), start, anchor, size)
            }
            None => return,
        };
        let end = self.text[..at].trim_end().len().max(start);
        let node = YNode::new(kind, start..end);
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        self.push_value(node, size);
    }
}

/// yaml-rust2 marks a block mapping's start at the `:` after its first key; the key, at the
/// start of that line (after indentation and `- `), is the better place to point at.
fn block_key_start(text: &str, offset: usize) -> usize {
    if !text[offset..].starts_with(':') {
        return offset;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    line_start + (prefix.len() - prefix.trim_start_matches([' ', '-']).len())
}

/// Length of a quoted scalar up to and including its closing quote, honouring `\"` in double
/// quotes and `''` in single quotes.
fn closing_quote(raw: &str, quote: char) -> Option<usize> {
    let mut chars = raw.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            c if c == quote => {
                if quote == '\'' && chars.peek().map(|(_, c)| *c) == Some('\'') {
                    chars.next();
                } else {
                    return Some(i + c.len_utf8());
                }
            }
            _ => {}
        }
    }
    None
}

/// `<<: *anchor` (or a list of them) merges the aliased mappings' entries, as Symfony's YAML
/// parser does: keys the mapping sets itself win, then the first merged mapping that has
/// the key.
fn merge_keys(entries: Vec<(String, Range<usize>, YNode)>) -> Vec<(String, Range<usize>, YNode)> {
    if !entries.iter().any(|(k, _, _)| k == "<<") {
        return entries;
    }
    let (merges, mut own): (Vec<_>, Vec<_>) = entries.into_iter().partition(|(k, _, _)| k == "<<");
    for (_, _, value) in merges {
        let sources = match value.kind {
            YKind::Map(_) => vec![value],
            YKind::Seq(items) => items,
            YKind::Scalar { .. } => Vec::new(),
        };
        for source in sources {
            for entry in source.entries() {
                if !own.iter().any(|(k, _, _)| *k == entry.0) {
                    own.push(entry.clone());
                }
            }
        }
    }
    own
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keys_bring_in_the_aliased_entries() {
        let doc =
            parse("base: &b\n  dsn: 'smtp://a'\n  x: 1\nmailer:\n  <<: *b\n  x: 2\n").unwrap();
        let mailer = doc.get("mailer").unwrap();
        assert_eq!(mailer.get("dsn").and_then(YNode::scalar), Some("smtp://a"));
        assert_eq!(mailer.get("x").and_then(YNode::scalar), Some("2"));
        assert!(mailer.get("<<").is_none());
        // The merged value keeps the span where it is written.
        let dsn = mailer.get("dsn").unwrap();
        assert_eq!(dsn.span.start, "base: &b\n  dsn: ".len());
    }

    #[test]
    fn spans_of_keys_and_values() {
        let text = "framework:\n  mailer:\n    dsn: '%env(MAILER_DSN)%'\n    headers: { X-A: \"b\" }\nwhen@prod: &p\n  x: [1, 'it''s']\nother: *p\n";
        let doc = parse(text).unwrap();
        let dsn = doc
            .get("framework")
            .unwrap()
            .get("mailer")
            .unwrap()
            .get("dsn")
            .unwrap();
        assert_eq!(&text[dsn.span.clone()], "'%env(MAILER_DSN)%'");
        assert_eq!(dsn.scalar(), Some("%env(MAILER_DSN)%"));
        let (key, _) = doc.get("framework").unwrap().entry("mailer").unwrap();
        assert_eq!(&text[key.clone()], "mailer");
        let x = doc.get("when@prod").unwrap().get("x").unwrap();
        let YKind::Seq(items) = &x.kind else { panic!() };
        assert_eq!(&text[items[1].span.clone()], "'it''s'");
        assert_eq!(items[1].scalar(), Some("it's"));
        assert_eq!(doc.get("other").unwrap().get("x"), Some(x));
        let header = doc.path_for_test(&["framework", "mailer", "headers", "X-A"]);
        assert_eq!(&text[header.span.clone()], "\"b\"");
    }

    #[test]
    fn errors_have_offsets() {
        let text = "framework:\n  mailer:\n    dsn: 'open\n";
        let err = parse(text).unwrap_err();
        assert!(err.offset > 10, "{err:?}");
        assert!(parse("a: b\n c: d\n").is_err());
        assert_eq!(parse("").unwrap().entries().len(), 0);
    }

    #[test]
    fn nested_aliases_stop_at_the_node_budget() {
        // 9^9 (387 million) nodes once expanded, from about 700 bytes.
        let mut text = String::from("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\n");
        for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
            let items = vec![format!("*{prev}"); 9].join(", ");
            text.push_str(&format!("{name}: &{name} [{items}]\n"));
        }
        let started = std::time::Instant::now();
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("100000 nodes"), "{err:?}");
        assert!(err.offset > text.find("e: &e").unwrap(), "{err:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Aliases within the budget still expand.
        let doc = parse("a: &a [1, 2]\nb: [*a, *a]\n").unwrap();
        let YKind::Seq(b) = &doc.get("b").unwrap().kind else {
            panic!()
        };
        assert_eq!(b.len(), 2);
        assert_eq!(b[1], *doc.get("a").unwrap());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("a: {}{}\n", "[".repeat(5000), "]".repeat(5000));
        // yaml-rust2's own recursion limit, or ours.
        let err = parse(&text).unwrap_err();
        assert!(
            err.message.contains("recursion") || err.message.contains("nested"),
            "{err:?}"
        );
        let ok = format!("a: {}1{}\n", "[".repeat(100), "]".repeat(100));
        assert!(parse(&ok).is_ok());
    }

    impl YNode {
        fn path_for_test(&self, path: &[&str]) -> &YNode {
            path.iter().fold(self, |n, k| n.get(k).unwrap())
        }
    }
}
