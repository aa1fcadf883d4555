//! Where each node of a YAML document is, by path (`["configuration_sets", "tx", "tls"]`).
//!
//! serde_yaml does not keep positions, so the document is read a second time with yaml-rust2's
//! event parser, whose markers give the byte offset of every key and value.

use std::collections::HashMap;
use std::ops::Range;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A path into the document: mapping keys, and sequence indices as decimal strings.
pub type Path = Vec<String>;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodePosition {
    /// The key of a mapping entry, when the node is one.
    pub key: Option<Range<usize>>,
    /// The value (for containers, from their first to their last character).
    pub value: Range<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Positions {
    nodes: HashMap<Path, NodePosition>,
    duplicates: Vec<Range<usize>>,
}

impl Positions {
    /// Indexes a document. A document yaml-rust2 cannot read yields an empty index: callers then
    /// fall back to the start of the file, which is still a valid place to point at.
    pub fn index(text: &str) -> Positions {
        // yaml-rust2's marker index counts characters; spans are byte ranges.
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
            nodes: HashMap::new(),
            duplicates: Vec::new(),
        };
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut builder, false).is_err() {
            return Positions::default();
        }
        Positions {
            nodes: builder.nodes,
            duplicates: builder.duplicates,
        }
    }

    /// Keys that appear twice in the same mapping, in document order (the second occurrence).
    pub fn duplicate_keys(&self) -> &[Range<usize>] {
        &self.duplicates
    }

    pub fn get(&self, path: &[String]) -> Option<&NodePosition> {
        self.nodes.get(path)
    }

    /// The best span for a diagnostic about `path`: its key for keys (`key = true`), else its
    /// value; when the node does not exist (a missing key), the nearest existing ancestor's key.
    pub fn span(&self, path: &[String], key: bool) -> Range<usize> {
        if let Some(node) = self.nodes.get(path) {
            return match (&node.key, key) {
                (Some(k), true) => k.clone(),
                _ => node.value.clone(),
            };
        }
        for len in (0..path.len()).rev() {
            if let Some(node) = self.nodes.get(&path[..len]) {
                return node
                    .key
                    .clone()
                    .unwrap_or(node.value.start..node.value.start);
            }
        }
        0..0
    }
}

enum Frame {
    Map {
        path: Path,
        start: usize,
        key: Option<(String, Range<usize>)>,
    },
    Seq {
        path: Path,
        start: usize,
        next: usize,
    },
}

struct Builder<'a> {
    text: &'a str,
    /// Byte offset of each character; empty for ASCII text, where they are equal.
    char_bytes: Vec<usize>,
    stack: Vec<Frame>,
    nodes: HashMap<Path, NodePosition>,
    duplicates: Vec<Range<usize>>,
}

impl Builder<'_> {
    /// Path and key span of the node that starts now, advancing the parent; `None` when the node
    /// is itself a mapping key.
    fn child(&mut self) -> Option<(Path, Option<Range<usize>>)> {
        match self.stack.last_mut() {
            None => Some((Vec::new(), None)),
            Some(Frame::Map { path, key, .. }) => {
                let (name, span) = key.take()?;
                let mut child = path.clone();
                child.push(name);
                Some((child, Some(span)))
            }
            Some(Frame::Seq { path, next, .. }) => {
                let mut child = path.clone();
                child.push(next.to_string());
                *next += 1;
                Some((child, None))
            }
        }
    }

    fn in_map_awaiting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn scalar_end(&self, start: usize, value: &str, style: TScalarStyle) -> usize {
        let end = match style {
            TScalarStyle::Plain => start + value.len(),
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                // Escapes make the raw text longer than the value; find the closing quote.
                let quote = if style == TScalarStyle::SingleQuoted {
                    '\''
                } else {
                    '"'
                };
                self.text
                    .get(start + 1..)
                    .and_then(|rest| rest.find(quote))
                    .map_or(start + value.len() + 2, |i| start + 1 + i + 1)
            }
            _ => self.text[start..]
                .find('\n')
                .map_or(self.text.len(), |i| start + i),
        };
        end.min(self.text.len())
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let at = if self.char_bytes.is_empty() {
            mark.index()
        } else {
            self.char_bytes
                .get(mark.index())
                .copied()
                .unwrap_or(self.text.len())
        }
        .min(self.text.len());
        match event {
            Event::Scalar(value, style, ..) => {
                let span = at..self.scalar_end(at, &value, style);
                if self.in_map_awaiting_key() {
                    if let Some(Frame::Map { path, key, .. }) = self.stack.last_mut() {
                        let mut child = path.clone();
                        child.push(value.clone());
                        if self.nodes.contains_key(&child) {
                            self.duplicates.push(span.clone());
                        }
                        *key = Some((value, span));
                    }
                } else if let Some((path, key)) = self.child() {
                    self.nodes.insert(path, NodePosition { key, value: span });
                }
            }
            Event::Alias(_) => {
                if !self.in_map_awaiting_key()
                    && let Some((path, key)) = self.child()
                {
                    self.nodes.insert(
                        path,
                        NodePosition {
                            key,
                            value: at..at + 1,
                        },
                    );
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A complex (non-scalar) mapping key: index it under a placeholder name.
                let (path, key) = if self.in_map_awaiting_key() {
                    (vec!["?".to_string()], None)
                } else {
                    self.child().unwrap_or_default()
                };
                self.nodes
                    .insert(path.clone(), NodePosition { key, value: at..at });
                self.stack
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Map {
                            path,
                            start: at,
                            key: None,
                        }
                    } else {
                        Frame::Seq {
                            path,
                            start: at,
                            next: 0,
                        }
                    });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(Frame::Map { path, start, .. } | Frame::Seq { path, start, .. }) =
                    self.stack.pop()
                    && let Some(node) = self.nodes.get_mut(&path)
                {
                    let end = self.text[..at].trim_end().len().max(start);
                    node.value = start..end;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &[&str]) -> Path {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keys_and_values_have_byte_spans() {
        let text = "version: 1\nidentities:\n  'exämple.com':\n    tags: {team: \"mail\", b: 'x'}\nlist:\n  - a\n  - b\n";
        let positions = Positions::index(text);
        let version = positions.get(&path(&["version"])).unwrap();
        assert_eq!(&text[version.key.clone().unwrap()], "version");
        assert_eq!(&text[version.value.clone()], "1");
        let identity = positions
            .get(&path(&["identities", "exämple.com"]))
            .unwrap();
        assert_eq!(&text[identity.key.clone().unwrap()], "'exämple.com'");
        let team = positions
            .get(&path(&["identities", "exämple.com", "tags", "team"]))
            .unwrap();
        assert_eq!(&text[team.value.clone()], "\"mail\"");
        let second = positions.get(&path(&["list", "1"])).unwrap();
        assert_eq!(&text[second.value.clone()], "b");
    }

    #[test]
    fn missing_nodes_point_at_nearest_ancestor_key() {
        let text = "configuration_sets:\n  tx:\n    tls: REQUIRE\n";
        let positions = Positions::index(text);
        let span = positions.span(&path(&["configuration_sets", "tx", "events"]), true);
        assert_eq!(&text[span], "tx");
    }
}
