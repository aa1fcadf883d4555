//! The files one app's lint read, and places in them.
//!
//! Every value sesform evaluates remembers where it was written as an [`Origin`] (file id and
//! byte span), so a finding can point at the `.env` line or config line that set it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Label;
use crate::source::{self, SourceError, SourceFile};

pub use crate::formats::span::{FileId, Origin};

/// The files read for one app, by id.
#[derive(Debug, Default)]
pub struct Files {
    files: Vec<SourceFile>,
    paths: Vec<PathBuf>,
    by_path: HashMap<PathBuf, FileId>,
    /// Files that are not on disk: sesform's copies of a framework's own config.
    builtin: Vec<FileId>,
}

impl Files {
    /// Reads a file once; later calls with the same path return the same id.
    pub fn read(&mut self, path: &Path) -> Result<FileId, SourceError> {
        if let Some(&id) = self.by_path.get(path) {
            return Ok(id);
        }
        let mut file = source::read_text(path)?;
        file.name = display_path(path);
        Ok(self.add(path, file))
    }

    /// Adds a file that is not on disk (built-in defaults), or already read.
    pub fn add(&mut self, path: &Path, file: SourceFile) -> FileId {
        let id = self.files.len();
        self.files.push(file);
        self.paths.push(path.to_path_buf());
        self.by_path.insert(path.to_path_buf(), id);
        id
    }

    /// Adds sesform's copy of a file the framework ships (`path` is where the installed copy
    /// would be): findings must not point into it, as it is not a file of the app.
    pub fn add_builtin(&mut self, path: &Path, file: SourceFile) -> FileId {
        let id = self.add(path, file);
        self.builtin.push(id);
        id
    }

    pub fn is_builtin(&self, id: FileId) -> bool {
        self.builtin.contains(&id)
    }

    /// The id of the file shown as `name`.
    pub fn by_name(&self, name: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.name == name)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    /// Hides the text at `origin` wherever the file is shown, but its first `keep`
    /// characters (see [`SourceFile::redact`]).
    pub fn redact(&mut self, origin: &Origin, keep: usize) {
        if let Some(file) = self.files.get_mut(origin.file) {
            file.redact(origin.span.clone(), keep);
        }
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.paths[id]
    }

    pub fn name(&self, id: FileId) -> &str {
        &self.files[id].name
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.files[id].text
    }

    pub fn label(&self, origin: &Origin, message: impl Into<String>) -> Label {
        Label::new(&self.files[origin.file], origin.span.clone(), message)
    }

    /// `file:line`, for notes.
    pub fn place(&self, origin: &Origin) -> String {
        let file = &self.files[origin.file];
        let (line, _) = file.line_col(origin.span.start);
        format!("{}:{line}", file.name)
    }

    pub fn line_of(&self, origin: &Origin) -> usize {
        self.files[origin.file].line_col(origin.span.start).0
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> {
        0..self.files.len()
    }

    pub fn into_sources(self) -> Vec<SourceFile> {
        self.files
    }
}

/// How a path is shown to users: as given, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let shown = path.display().to_string();
    match shown.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => shown,
    }
}
