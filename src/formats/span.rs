//! Places in text: a byte span in one of the files being read, by file id. Every reader in
//! `formats` that keeps positions reports them as [`Origin`]s.

use std::ops::Range;

pub type FileId = usize;

/// A byte span in one of an app's files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: FileId,
    pub span: Range<usize>,
}

impl Origin {
    pub fn new(file: FileId, span: Range<usize>) -> Self {
        Origin { file, span }
    }

    /// The smallest span covering both, when they are in the same file.
    pub fn join(&self, other: &Origin) -> Option<Origin> {
        (self.file == other.file).then(|| Origin {
            file: self.file,
            span: self.span.start.min(other.span.start)..self.span.end.max(other.span.end),
        })
    }
}
