//! Views of `sesform init` and `sesform export`: which spec was written, and what comes next.

use std::path::Path;

use crate::spec::Spec;

/// After `init`: the file, and the commands to run next.
pub fn written(path: &Path) -> String {
    format!(
        "Wrote {}. Next: read it, then `sesform validate`, `sesform plan`, `sesform apply`.\n",
        path.display()
    )
}

/// After `export --output`: the file and what the exported spec declares.
pub fn exported(path: &Path, spec: &Spec) -> String {
    format!("Wrote {}: {}.\n", path.display(), super::spec_counts(spec))
}
