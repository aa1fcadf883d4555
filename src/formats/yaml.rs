//! YAML documents as trees with byte spans (yaml-rust2's event parser), for Symfony's
//! `config/packages/*.yaml`. serde_yaml keeps no positions, and every finding needs one.

use std::collections::HashMap;
use std::ops::Range;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

#[derive(Debug, Clone, PartialEq)]
pub enum YKind {
    Scalar {
        value: String,
        style: TScalarStyle,
        tag: Option<String>,
    },
    Seq(Vec<YNode>),
    /// Entries in order, with each key's span.
    Map(Vec<(String, Range<usize>, YNode)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct YNode {
    pub kind: YKind,
    pub span: Range<usize>,
}

impl YNode {
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
}

/// Parses the first document of `text`; an empty file is an empty mapping.
pub fn parse(text: &str) -> Result<YNode, YamlError> {
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
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        nodes: 0,
        too_big: None,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, false) {
        let offset = builder.byte(e.marker().index());
        return Err(YamlError {
            offset,
            message: e.info().to_string(),
        });
    }
    if let Some(error) = builder.too_big {
        return Err(error);
    }
    Ok(builder.root.unwrap_or(YNode {
        kind: YKind::Map(Vec::new()),
        span: 0..0,
    }))
}

/// At most this many nodes per document, counting every node an alias repeats: nested
/// anchors (`b: &b [*a, *a, ...]`, `c: &c [*b, *b, ...]`) grow exponentially otherwise.
const MAX_NODES: usize = 100_000;
/// At most this many nested sequences/mappings (dropping a deeper tree recurses).
const MAX_DEPTH: usize = 500;

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
    stack: Vec<Frame>,
    /// Each anchored node with its size in nodes.
    anchors: HashMap<usize, (YNode, usize)>,
    root: Option<YNode>,
    /// Nodes built so far, aliases counted at their full size.
    nodes: usize,
    /// Set when the document is over [`MAX_NODES`] or [`MAX_DEPTH`]; later events are ignored.
    too_big: Option<YamlError>,
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

    fn scalar_end(&self, start: usize, value: &str, style: TScalarStyle) -> usize {
        let bytes = self.text.as_bytes();
        match style {
            TScalarStyle::Plain => {
                let end = start + value.len();
                if self.text.get(start..end) == Some(value) {
                    end
                } else {
                    // A multi-line plain scalar: up to the end of its first line.
                    self.text[start..]
                        .find('\n')
                        .map_or(self.text.len(), |i| start + i)
                }
            }
            TScalarStyle::SingleQuoted => {
                let mut i = start + 1;
                while i < bytes.len() {
                    if bytes[i] == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        return i + 1;
                    }
                    i += 1;
                }
                self.text.len()
            }
            TScalarStyle::DoubleQuoted => {
                let mut i = start + 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => return i + 1,
                        _ => i += 1,
                    }
                }
                self.text.len()
            }
            _ => self.text[start..]
                .find('\n')
                .map_or(self.text.len(), |i| start + i),
        }
    }

    /// Counts `size` more nodes; false (and the error set) once over the budget.
    fn budget(&mut self, size: usize, at: usize) -> bool {
        self.nodes = self.nodes.saturating_add(size);
        if self.nodes > MAX_NODES {
            self.too_big = Some(YamlError {
                offset: at,
                message: format!(
                    "this document expands to more than {MAX_NODES} nodes (aliases of anchors \
                     that hold aliases); sesform stops reading it"
                ),
            });
            return false;
        }
        true
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
                    // A key: scalars name the entry; complex keys are not used by Symfony config.
                    let name = node.scalar().unwrap_or("?").to_string();
                    *key = Some((name, node.span));
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.too_big.is_some() {
            return;
        }
        let at = self.byte(mark.index());
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                if !self.budget(1, at) {
                    return;
                }
                let end = self.scalar_end(at, &value, style);
                let node = YNode {
                    kind: YKind::Scalar {
                        value,
                        style,
                        tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                    },
                    span: at..end,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                self.push_value(node, 1);
            }
            Event::Alias(id) => {
                let size = self.anchors.get(&id).map_or(1, |(_, size)| *size);
                // Checked before cloning: the clone is what would exhaust memory.
                if !self.budget(size, at) {
                    return;
                }
                let node = self
                    .anchors
                    .get(&id)
                    .map(|(n, _)| n.clone())
                    .unwrap_or(YNode {
                        kind: YKind::Scalar {
                            value: String::new(),
                            style: TScalarStyle::Plain,
                            tag: None,
                        },
                        span: at..at,
                    });
                self.push_value(node, size);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.too_big = Some(YamlError {
                    offset: at,
                    message: format!(
                        "more than {MAX_DEPTH} nested sequences or mappings; sesform stops reading \
                         this document"
                    ),
                });
            }
            // The budget is counted in the guard: over it, the event is dropped.
            Event::SequenceStart(anchor, _) if self.budget(1, at) => {
                self.stack.push(Frame::Seq {
                    start: at,
                    anchor,
                    size: 1,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, _) if self.budget(1, at) => {
                self.stack.push(Frame::Map {
                    start: at,
                    anchor,
                    size: 1,
                    entries: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
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
                        (YKind::Map(merge_keys(entries)), start, anchor, size)
                    }
                    None => return,
                };
                let end = self.text[..at].trim_end().len().max(start);
                let node = YNode {
                    kind,
                    span: start..end,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), size));
                }
                self.push_value(node, size);
            }
            _ => {}
        }
    }
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
