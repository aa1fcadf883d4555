//! Where each node of a YAML document is, by path (`["configuration_sets", "tx", "tls"]`).
//!
//! serde_yaml does not keep positions, so the document is read a second time with yaml-rust2's
//! pull parser, whose markers give the byte offset of every key and value. The events are
//! consumed in a loop, never recursively, so this pass is also where nesting too deep for the
//! recursive passes that follow (serde_yaml, the schema check) is refused.

use std::collections::HashMap;
use std::ops::Range;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A path into the document: mapping keys, and sequence indices as decimal strings.
pub type Path = Vec<String>;

/// How deeply mappings and sequences may nest. The deepest key of a spec is 7 levels down; the
/// limit keeps the recursive passes (serde_yaml, the schema check) far from the stack's end.
pub const MAX_DEPTH: usize = 64;

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
    duplicates: Vec<(Range<usize>, Path)>,
}

/// A mapping or sequence nested deeper than [`MAX_DEPTH`]: the byte offset where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub offset: usize,
}

impl Positions {
    /// Indexes a document. A document yaml-rust2 cannot read, or nested deeper than
    /// [`MAX_DEPTH`], yields an empty index: callers then fall back to the start of the file,
    /// which is still a valid place to point at.
    pub fn index(text: &str) -> Positions {
        Self::index_limited(text, MAX_DEPTH).unwrap_or_default()
    }

    /// Like [`Positions::index`], but refuses containers nested more than `max_depth` deep.
    pub fn index_limited(text: &str, max_depth: usize) -> Result<Positions, TooDeep> {
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
            path: Vec::new(),
            pending_end: None,
            nodes: HashMap::new(),
            duplicates: Vec::new(),
        };
        let mut parser = Parser::new_from_str(text);
        loop {
            match parser.next_token() {
                Ok((Event::StreamEnd | Event::DocumentEnd, _)) => break,
                Ok((event, mark)) => {
                    if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..))
                        && builder.stack.len() >= max_depth
                    {
                        return Err(TooDeep {
                            offset: block_key_start(text, builder.offset(mark)),
                        });
                    }
                    builder.on_event(event, mark);
                }
                // The scanner looks ahead through flow collections and gives up past 255
                // levels, before the parser has emitted the level that is too deep.
                Err(error) if error.info() == "recursion limit exceeded" => {
                    return Err(TooDeep {
                        offset: builder.offset(*error.marker()),
                    });
                }
                Err(_) => return Ok(Positions::default()),
            }
        }
        Ok(Positions {
            nodes: builder.nodes,
            duplicates: builder.duplicates,
        })
    }

    /// Keys that appear twice in the same mapping, in document order (the second occurrence).
    pub fn duplicate_keys(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.duplicates.iter().map(|(span, _)| span.clone())
    }

    /// The last repeated key not inside the value of another repeated key, and the span of its
    /// whole entry (key and value): what to set aside so the rest of the document can be read.
    pub fn last_outer_duplicate(&self) -> Option<Range<usize>> {
        let (key, path) = self.duplicates.iter().rev().find(|(_, path)| {
            !self
                .duplicates
                .iter()
                .any(|(_, other)| other.len() < path.len() && path.starts_with(other))
        })?;
        // The node at `path` is its last occurrence, which is this one.
        let end = self.nodes.get(path).map_or(key.end, |n| n.value.end);
        Some(key.start..end.max(key.end))
    }

    pub fn get(&self, path: &[String]) -> Option<&NodePosition> {
        self.nodes.get(path)
    }

    /// The best span for a diagnostic about `path`: its key for keys (`key = true`), else its
    /// value; when the node does not exist (a missing key), the nearest existing ancestor's key,
    /// or the start of the document for keys missing at the top level.
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
        start: usize,
        key: Option<(String, Range<usize>)>,
        /// Whether this container added a segment to the builder's path (all but the root).
        pushed: bool,
        first_key: bool,
    },
    Seq {
        start: usize,
        next: usize,
        pushed: bool,
    },
}

struct Builder<'a> {
    text: &'a str,
    /// Byte offset of each character; empty for ASCII text, where they are equal.
    char_bytes: Vec<usize>,
    stack: Vec<Frame>,
    /// Path of the innermost open container: one shared vector, so each node costs one copy of
    /// its path (its key in `nodes`), not one per level.
    path: Path,
    /// A scalar whose end is only known when the next event starts (block and multi-line scalars).
    pending_end: Option<(Path, usize)>,
    nodes: HashMap<Path, NodePosition>,
    duplicates: Vec<(Range<usize>, Path)>,
}

/// Where a node sits in its parent.
enum Place {
    /// The root node.
    Root,
    /// A mapping key (not a node of its own).
    Key,
    /// A mapping value or sequence item: its path segment and, for values, the key's span.
    Child(String, Option<Range<usize>>),
}

impl Builder<'_> {
    fn offset(&self, mark: Marker) -> usize {
        if self.char_bytes.is_empty() {
            mark.index()
        } else {
            self.char_bytes
                .get(mark.index())
                .copied()
                .unwrap_or(self.text.len())
        }
        .min(self.text.len())
    }

    /// Where the node that starts now goes, advancing the parent.
    fn place(&mut self) -> Place {
        match self.stack.last_mut() {
            None => Place::Root,
            Some(Frame::Map { key, .. }) => match key.take() {
                Some((name, span)) => Place::Child(name, Some(span)),
                None => Place::Key,
            },
            Some(Frame::Seq { next, .. }) => {
                *next += 1;
                Place::Child((*next - 1).to_string(), None)
            }
        }
    }

    /// Records a node at the current path plus `segment`.
    fn insert(&mut self, segment: Option<String>, position: NodePosition) {
        match segment {
            Some(segment) => {
                self.path.push(segment);
                self.nodes.insert(self.path.clone(), position);
                self.path.pop();
            }
            None => {
                self.nodes.insert(self.path.clone(), position);
            }
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

    fn on_event(&mut self, event: Event, mark: Marker) {
        let at = self.offset(mark);
        if let Some((path, start)) = self.pending_end.take()
            && let Some(node) = self.nodes.get_mut(&path)
        {
            node.value.end = self.text[..at].trim_end().len().max(start);
        }
        match event {
            Event::Scalar(value, style, ..) => {
                let end = self.scalar_end(at, &value, style);
                let span = at..end.unwrap_or(at);
                match self.place() {
                    Place::Key => {
                        self.path.push(value);
                        if self.nodes.contains_key(&self.path) {
                            self.duplicates.push((span.clone(), self.path.clone()));
                        }
                        let value = self.path.pop().unwrap_or_default();
                        if let Some(Frame::Map {
                            start,
                            key,
                            first_key,
                            ..
                        }) = self.stack.last_mut()
                        {
                            // A block mapping's start event comes after its first key.
                            if *first_key {
                                *first_key = false;
                                *start = (*start).min(span.start);
                            }
                            *key = Some((value, span));
                        }
                    }
                    place => {
                        let (segment, key) = match place {
                            Place::Child(segment, key) => (Some(segment), key),
                            _ => (None, None),
                        };
                        if end.is_none() {
                            let mut path = self.path.clone();
                            path.extend(segment.clone());
                            self.pending_end = Some((path, at));
                        }
                        self.insert(segment, NodePosition { key, value: span });
                    }
                }
            }
            Event::Alias(_) => match self.place() {
                Place::Key => {
                    if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                        *key = Some(("*".to_string(), at..at + 1));
                    }
                }
                Place::Root => self.insert(
                    None,
                    NodePosition {
                        key: None,
                        value: at..at + 1,
                    },
                ),
                Place::Child(segment, key) => self.insert(
                    Some(segment),
                    NodePosition {
                        key,
                        value: at..at + 1,
                    },
                ),
            },
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let (segment, key) = match self.place() {
                    Place::Root => (None, None),
                    // A complex (non-scalar) mapping key: index it under a placeholder name.
                    Place::Key => (Some("?".to_string()), None),
                    Place::Child(segment, key) => (Some(segment), key),
                };
                let pushed = segment.is_some();
                self.path.extend(segment);
                self.nodes
                    .insert(self.path.clone(), NodePosition { key, value: at..at });
                self.stack
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Map {
                            start: at,
                            key: None,
                            pushed,
                            first_key: true,
                        }
                    } else {
                        Frame::Seq {
                            start: at,
                            next: 0,
                            pushed,
                        }
                    });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(Frame::Map { start, pushed, .. } | Frame::Seq { start, pushed, .. }) =
                    self.stack.pop()
                {
                    if let Some(node) = self.nodes.get_mut(&self.path) {
                        let end = self.text[..at].trim_end().len().max(start);
                        node.value = start..end;
                    }
                    if pushed {
                        let segment = self.path.pop();
                        // The value after a complex key is indexed under the same placeholder.
                        if segment.as_deref() == Some("?")
                            && let Some(Frame::Map {
                                key: key @ None, ..
                            }) = self.stack.last_mut()
                        {
                            *key = Some(("?".to_string(), start..start));
                        }
                    }
                }
            }
            _ => {}
        }
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
    fn nesting_beyond_the_limit_is_refused_where_it_starts() {
        let text = "a:\n  b:\n    c: [1, {d: 2}]\n";
        assert!(Positions::index_limited(text, 5).is_ok());
        let deep = Positions::index_limited(text, 3).unwrap_err();
        assert_eq!(&text[deep.offset..deep.offset + 1], "[");
        let deep = Positions::index_limited(text, 1).unwrap_err();
        assert_eq!(&text[deep.offset..deep.offset + 1], "b");
        // Very deep documents are refused without recursion, in linear time.
        let text = "- ".repeat(200_000);
        assert_eq!(
            Positions::index_limited(&text, MAX_DEPTH).unwrap_err(),
            TooDeep {
                offset: 2 * MAX_DEPTH
            }
        );
        // The plain index has the same limit: too deep a document has no positions.
        assert!(Positions::index(&text).get(&[]).is_none());
        let text = format!("{}x{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(
            Positions::index(&text)
                .get(&path(&["0", "0", "0"]))
                .is_some()
        );
    }

    #[test]
    fn mappings_start_at_their_first_key() {
        let text = "# comment\nregion: x\nnested:\n  a: 1\n";
        let positions = Positions::index(text);
        assert_eq!(
            positions.span(&[], false).start,
            text.find("region").unwrap()
        );
        let nested = positions.get(&path(&["nested"])).unwrap();
        assert_eq!(&text[nested.value.clone()], "a: 1");
        assert_eq!(positions.span(&path(&["version"]), true).start, 10);
    }

    #[test]
    fn quoted_and_block_scalars_have_their_whole_span() {
        let text = "a: \"x\\\"y\"\nb: 'it''s'\nc: |\n  one\n  two\nd: plain\n  folded\ne: 1\n";
        let positions = Positions::index(text);
        let value = |k: &str| &text[positions.get(&path(&[k])).unwrap().value.clone()];
        assert_eq!(value("a"), "\"x\\\"y\"");
        assert_eq!(value("b"), "'it''s'");
        assert_eq!(value("c"), "one\n  two");
        assert_eq!(value("d"), "plain\n  folded");
        assert_eq!(value("e"), "1");
    }

    #[test]
    fn missing_nodes_point_at_nearest_ancestor_key() {
        let text = "configuration_sets:\n  tx:\n    tls: REQUIRE\n";
        let positions = Positions::index(text);
        let span = positions.span(&path(&["configuration_sets", "tx", "events"]), true);
        assert_eq!(&text[span], "tx");
    }
}
