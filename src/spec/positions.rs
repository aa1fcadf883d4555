//! Where each node of a YAML document is, by path (`["configuration_sets", "tx", "tls"]`).
//!
//! serde_yaml does not keep positions, so the spec is also read with the shared YAML reader
//! ([`crate::formats::yaml`]), whose tree has the byte span of every key and value; this
//! indexes that tree by path. The reader never recurses, so it is also where nesting too deep
//! for the recursive passes that follow (serde_yaml, the schema check) is refused.

use std::collections::HashMap;
use std::ops::Range;

use crate::formats::yaml::{self, ErrorKind, YKind, YNode};

/// A path into the document: mapping keys, and sequence indices as decimal strings.
pub type Path = Vec<String>;

/// How deeply mappings and sequences may nest. The deepest key of a spec is 7 levels down; the
/// limit keeps the recursive passes (serde_yaml, the schema check) far from the stack's end.
pub const MAX_DEPTH: usize = 64;

/// At most this many nodes, aliases expanded: a spec has a few hundred.
const MAX_NODES: usize = 100_000;

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
    /// Indexes a document. A document the reader cannot read, or nested deeper than
    /// [`MAX_DEPTH`], yields an empty index: callers then fall back to the start of the file,
    /// which is still a valid place to point at.
    pub fn index(text: &str) -> Positions {
        Self::index_limited(text, MAX_DEPTH).unwrap_or_default()
    }

    /// Like [`Positions::index`], but refuses containers nested more than `max_depth` deep.
    pub fn index_limited(text: &str, max_depth: usize) -> Result<Positions, TooDeep> {
        Ok(Self::read(text, max_depth)?.0)
    }

    /// Reads a document once: its positions, and its tree when the reader could read it
    /// (`None` for YAML it rejects: the positions are then empty).
    pub fn read(
        text: &str,
        max_depth: usize,
    ) -> Result<(Positions, Option<yaml::Document>), TooDeep> {
        let options = yaml::Options {
            max_depth,
            max_nodes: MAX_NODES,
            // serde_yaml keeps `<<` as a key: so do the paths.
            merge_keys: false,
        };
        match yaml::parse_with(text, options) {
            Ok(document) => {
                let positions = document.root.as_ref().map(Self::of).unwrap_or_default();
                Ok((positions, Some(document)))
            }
            Err(e) if e.kind == ErrorKind::TooDeep => Err(TooDeep { offset: e.offset }),
            Err(_) => Ok((Positions::default(), None)),
        }
    }

    /// Indexes a tree read by [`yaml::parse_with`].
    pub fn of(root: &YNode) -> Positions {
        let mut positions = Positions::default();
        // Depth first with an explicit stack, children pushed in reverse: document order,
        // so duplicates are listed in the order they are written.
        let mut todo: Vec<Visit> = vec![Visit {
            path: Vec::new(),
            key: None,
            repeated: false,
            node: root,
        }];
        while let Some(Visit {
            path,
            key,
            repeated,
            node,
        }) = todo.pop()
        {
            if let (true, Some(key)) = (repeated, &key) {
                positions.duplicates.push((key.clone(), path.clone()));
            }
            // A node an alias repeats is one node, at the alias: errors inside it are the
            // anchor's.
            if let Some(alias) = &node.alias {
                let value = alias.clone();
                positions.nodes.insert(path, NodePosition { key, value });
                continue;
            }
            let mut children = Vec::new();
            match &node.kind {
                YKind::Scalar { .. } => {}
                YKind::Seq(items) => {
                    children.extend(items.iter().enumerate().map(|(i, item)| Visit {
                        path: child(&path, i.to_string()),
                        key: None,
                        repeated: false,
                        node: item,
                    }));
                }
                YKind::Map(entries) => {
                    let mut seen = std::collections::HashSet::new();
                    children.extend(entries.iter().map(|(name, span, value)| Visit {
                        path: child(&path, name.clone()),
                        key: Some(span.clone()),
                        repeated: !seen.insert(name.as_str()),
                        node: value,
                    }));
                }
            }
            let value = node.span.clone();
            positions.nodes.insert(path, NodePosition { key, value });
            todo.extend(children.into_iter().rev());
        }
        positions
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

/// A node to index, and where it sits.
struct Visit<'a> {
    path: Path,
    key: Option<Range<usize>>,
    /// Whether its key repeats an earlier key of the same mapping.
    repeated: bool,
    node: &'a YNode,
}

fn child(path: &[String], segment: String) -> Path {
    let mut path = path.to_vec();
    path.push(segment);
    path
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
