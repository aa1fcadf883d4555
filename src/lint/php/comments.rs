//! The comments of a PHP file, for suppressions (`// sesform: ignore ...`), also in a file with
//! syntax errors.

use std::ops::Range;

use super::parse::parse_tree;

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
