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

/// Lines longer than this (in bytes) are cut when shown in a code frame.
pub const LONG_LINE: usize = 300;

/// A file's text, kept with its display name so diagnostics can quote it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// Spans never to show (inline secrets), sorted, with how many leading characters may be.
    redactions: Vec<(Range<usize>, usize)>,
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
            redactions: Vec::new(),
        }
    }

    /// Hides `span` wherever the file is shown: code frames print its first `keep` characters
    /// and `…(redacted)`. Line breaks inside it are kept, so line numbers stay true.
    pub fn redact(&mut self, span: Range<usize>, keep: usize) {
        let end = span.end.min(self.text.len());
        let start = span.start.min(end);
        let (Some(slice), true) = (self.text.get(start..end), start < end) else {
            return;
        };
        let start = start + (slice.len() - slice.trim_start().len());
        let end = start + slice.trim().len();
        if start >= end {
            return;
        }
        self.redactions.push((start..end, keep));
        self.redactions.sort_by_key(|(r, _)| (r.start, r.end));
        let mut merged: Vec<(Range<usize>, usize)> = Vec::new();
        for (range, keep) in std::mem::take(&mut self.redactions) {
            match merged.last_mut() {
                Some((last, last_keep)) if range.start < last.end => {
                    last.end = last.end.max(range.end);
                    *last_keep = (*last_keep).min(keep);
                }
                _ => merged.push((range, keep)),
            }
        }
        self.redactions = merged;
    }

    /// The text as it may be shown, with redacted spans masked, and the way to move spans of
    /// the real text onto it. Lines longer than [`LONG_LINE`] that hold one of `labels` are cut
    /// a little after the last label on them (a minified or deeply nested file would print
    /// pages otherwise); what comes before a label is kept, so columns stay true.
    pub fn shown(&self, labels: &[Range<usize>]) -> Shown {
        let mut hide: Vec<(Range<usize>, Option<usize>)> = self
            .redactions
            .iter()
            .map(|(range, keep)| (range.clone(), Some(*keep)))
            .collect();
        hide.extend(self.long_line_cuts(labels).into_iter().map(|r| (r, None)));
        if hide.is_empty() {
            return Shown {
                text: self.text.clone(),
                map: Vec::new(),
            };
        }
        hide.sort_by_key(|(r, _)| (r.start, r.end));
        let mut merged: Vec<(Range<usize>, Option<usize>)> = Vec::new();
        for (range, keep) in hide {
            match merged.last_mut() {
                Some((last, last_keep)) if range.start < last.end => {
                    last.end = last.end.max(range.end);
                    // Cutting hides as well as masking does.
                    *last_keep = match (*last_keep, keep) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        _ => None,
                    };
                }
                _ => merged.push((range, keep)),
            }
        }
        let mut text = String::with_capacity(self.text.len());
        let mut map = Vec::new();
        let mut at = 0;
        for (range, keep) in &merged {
            text.push_str(&self.text[at..range.start]);
            let start = text.len();
            let hidden = &self.text[range.clone()];
            match keep {
                Some(keep) => {
                    let first_line = hidden.split('\n').next().unwrap_or_default();
                    text.extend(first_line.chars().take(*keep));
                    text.push_str("…(redacted)");
                }
                None => text.push_str(" …"),
            }
            text.extend(hidden.chars().filter(|&c| c == '\n'));
            map.push((range.clone(), start..text.len()));
            at = range.end;
        }
        text.push_str(&self.text[at..]);
        Shown { text, map }
    }

    /// The tails of long lines to leave out when showing `labels`.
    fn long_line_cuts(&self, labels: &[Range<usize>]) -> Vec<Range<usize>> {
        let mut cuts: Vec<Range<usize>> = Vec::new();
        for label in labels {
            let (line, _) = self.line_col(label.start);
            let range = self.line_range(line);
            if range.len() <= LONG_LINE {
                continue;
            }
            let keep_to = if label.end <= range.end {
                label.end.max(label.start + 1)
            } else {
                range.end
            }
            // A long value is shown by its start, not whole.
            .min(label.start + LONG_LINE);
            let cut = floor_char_boundary(&self.text, (keep_to + 80).min(range.end));
            if range.end - cut > 20 {
                match cuts.iter_mut().find(|c| c.end == range.end) {
                    Some(existing) => existing.start = existing.start.max(cut),
                    None => cuts.push(cut..range.end),
                }
            }
        }
        cuts
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

/// A file's text as shown to people (see [`SourceFile::shown`]).
#[derive(Debug, Clone)]
pub struct Shown {
    pub text: String,
    /// Each redacted span of the real text with its span in `text`, in order.
    map: Vec<(Range<usize>, Range<usize>)>,
}

impl Shown {
    /// Where a span of the real text is in the shown text.
    pub fn span(&self, span: Range<usize>) -> Range<usize> {
        let start = self.offset(span.start, false);
        start..self.offset(span.end, true).max(start)
    }

    /// Where an offset of the shown text is in the real text: an offset inside what replaced
    /// a hidden span is the start of that span.
    pub fn real_offset(&self, shown_offset: usize) -> usize {
        let mut shift: isize = 0;
        for (real, shown) in &self.map {
            if shown_offset < shown.start {
                break;
            }
            if shown_offset >= shown.end {
                shift = real.end as isize - shown.end as isize;
                continue;
            }
            return real.start;
        }
        shown_offset.saturating_add_signed(shift)
    }

    fn offset(&self, offset: usize, is_end: bool) -> usize {
        let mut shift: isize = 0;
        for (real, shown) in &self.map {
            if offset <= real.start {
                break;
            }
            if offset >= real.end {
                shift = shown.end as isize - real.end as isize;
                continue;
            }
            return if is_end { shown.end } else { shown.start };
        }
        offset.saturating_add_signed(shift)
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
        assert_eq!(file.line_range(2), 5..13);
    }

    #[test]
    fn redacted_spans_are_masked_and_spans_follow() {
        let mut file = SourceFile::new(
            "x",
            "a: \"SECRET-VALUE-1\\nMORE\"\nb: |\n  line1\n  line2\nc: 1\n",
        );
        let secret = file.text.find("SECRET").unwrap();
        let end = file.text.find("\"\nb").unwrap();
        file.redact(secret..end, 4);
        let block = file.text.find("line1").unwrap();
        let block_end = file.text.find("c: 1").unwrap();
        file.redact(block..block_end, 0);
        let shown = file.shown(&[]);
        assert_eq!(
            shown.text,
            "a: \"SECR…(redacted)\"\nb: |\n  …(redacted)\n\nc: 1\n"
        );
        assert!(!shown.text.contains("VALUE") && !shown.text.contains("line"));
        // Same number of lines, and spans after a redaction land on the same text.
        assert_eq!(shown.text.lines().count(), file.text.lines().count());
        let c = file.text.find("c: 1").unwrap();
        assert_eq!(&shown.text[shown.span(c..c + 4)], "c: 1");
        let inside = shown.span(secret + 2..secret + 5);
        assert_eq!(&shown.text[inside], "SECR…(redacted)");
    }

    #[test]
    fn long_lines_are_cut_after_their_labels() {
        let line = format!("a: {}x{}", "[".repeat(500), "]".repeat(500));
        let file = SourceFile::new("x", format!("{line}\nb: 1\n"));
        let label = 200..201;
        let shown = file.shown(std::slice::from_ref(&label));
        let first = shown.text.lines().next().unwrap();
        assert!(first.len() < 300 && first.ends_with(" …"), "{first}");
        assert_eq!(&shown.text[shown.span(label.clone())], &file.text[label]);
        assert!(shown.text.ends_with("\nb: 1\n"));
        // Short lines, and lines without labels, are shown whole.
        assert_eq!(file.shown(&[]).text, file.text);
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
