//! Views: turn sesform's data models (diagnostics, plans) into text for people or machines.
//! Nothing here decides anything; the same model always renders the same way.

pub mod diagnostics;
pub mod dns;
pub mod findings;
pub mod github;
pub mod plan;
pub mod sarif;
pub mod style;

/// `1 identity`, `3 identities`: a count with its noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
