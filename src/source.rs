//! Reading user files (specs, PHP, YAML, dotenv) with errors a user can act on.
//!
//! Every file sesform reads goes through [`read_text`], so a directory, a missing file, a huge
//! file or binary junk all produce the same clear, typed error instead of a panic.

use std::fmt;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Files larger than this are refused: no spec or mail config comes close, and reading a
/// multi-gigabyte file by mistake should not exhaust memory.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// A file's text, kept with its display name so diagnostics can quote it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count();
        (line + 1, column + 1)
    }

    /// Byte range of a 1-based line, without its line ending.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self.line_starts[(line - 1).min(self.line_starts.len() - 1)];
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let end = if self.text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Why a file could not be read as text.
#[derive(Debug)]
pub enum SourceError {
    NotFound(PathBuf),
    IsDirectory(PathBuf),
    TooLarge {
        path: PathBuf,
        bytes: u64,
    },
    Binary {
        path: PathBuf,
    },
    NotUtf8 {
        path: PathBuf,
        line: usize,
    },
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::NotFound(path) => write!(f, "{}: no such file", path.display()),
            SourceError::IsDirectory(path) => {
                write!(f, "{}: is a directory, expected a file", path.display())
            }
            SourceError::TooLarge { path, bytes } => write!(
                f,
                "{}: file is {} MB, larger than the {} MB sesform reads; is this the right file?",
                path.display(),
                bytes / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            SourceError::Binary { path } => {
                write!(
                    f,
                    "{}: looks like a binary file, expected text",
                    path.display()
                )
            }
            SourceError::NotUtf8 { path, line } => write!(
                f,
                "{}:{line}: not valid UTF-8; save the file as UTF-8",
                path.display()
            ),
            SourceError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for SourceError {}

/// Reads a whole text file, refusing directories, oversized and binary files.
pub fn read_text(path: &Path) -> Result<SourceFile, SourceError> {
    let io_err = |error: std::io::Error| match error.kind() {
        std::io::ErrorKind::NotFound => SourceError::NotFound(path.to_path_buf()),
        std::io::ErrorKind::IsADirectory => SourceError::IsDirectory(path.to_path_buf()),
        _ => SourceError::Io {
            path: path.to_path_buf(),
            error,
        },
    };
    let metadata = std::fs::metadata(path).map_err(io_err)?;
    if metadata.is_dir() {
        return Err(SourceError::IsDirectory(path.to_path_buf()));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(SourceError::TooLarge {
            path: path.to_path_buf(),
            bytes: metadata.len(),
        });
    }
    let file = std::fs::File::open(path).map_err(io_err)?;
    // The length check above can race with a growing file; never read past the limit.
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(SourceError::TooLarge {
            path: path.to_path_buf(),
            bytes: bytes.len() as u64,
        });
    }
    let text = decode(path, bytes)?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, SourceError> {
    if bytes.contains(&0) {
        return Err(SourceError::Binary {
            path: path.to_path_buf(),
        });
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(text)
        }
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            // Mostly-invalid content is binary junk, not a mis-encoded text file.
            let invalid = String::from_utf8_lossy(&bytes)
                .chars()
                .filter(|&c| c == char::REPLACEMENT_CHARACTER)
                .count();
            if invalid * 10 > bytes.len().max(1) {
                Err(SourceError::Binary {
                    path: path.to_path_buf(),
                })
            } else {
                Err(SourceError::NotUtf8 {
                    path: path.to_path_buf(),
                    line,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let file = SourceFile::new("x", "a: 1\nnamé: 2\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(5), (2, 1));
        assert_eq!(file.line_col(11), (2, 6));
        assert_eq!(file.line_range(2), 5..12);
    }

    #[test]
    fn rejects_binary_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_text(dir.path()),
            Err(SourceError::IsDirectory(_))
        ));
        let junk = dir.path().join("junk");
        std::fs::write(&junk, [0xff, 0xfe, 0x00, 0x12, 0x80, 0x81]).unwrap();
        assert!(matches!(read_text(&junk), Err(SourceError::Binary { .. })));
        assert!(matches!(
            read_text(&dir.path().join("missing")),
            Err(SourceError::NotFound(_))
        ));
    }
}
