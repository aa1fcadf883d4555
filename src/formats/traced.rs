//! Strings that remember where each of their characters was written.
//!
//! A DSN may be assembled from a YAML literal and two `.env` lines, and its password may sit in
//! the middle of one of them. Keeping provenance per piece lets a finding about the password
//! point at exactly the password in the `.env` line, whatever file it came from.

use std::ops::Range;

use super::span::Origin;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    /// Byte range in the traced text.
    range: Range<usize>,
    /// Where the piece was written.
    origin: Origin,
    /// Whether byte `i` of the piece is byte `origin.span.start + i` of the file. Escapes,
    /// interpolation and decoding break that, and then the whole origin is used.
    exact: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traced {
    text: String,
    pieces: Vec<Piece>,
}

impl Traced {
    pub fn new() -> Self {
        Traced::default()
    }

    /// Text written verbatim at `start` of `file`.
    pub fn exact(text: impl Into<String>, origin: Origin) -> Self {
        let mut traced = Traced::new();
        traced.push_exact(&text.into(), origin);
        traced
    }

    /// Text derived from (not copied from) the bytes at `origin`.
    pub fn derived(text: impl Into<String>, origin: Origin) -> Self {
        let mut traced = Traced::new();
        traced.push_derived(&text.into(), origin);
        traced
    }

    /// Text with no place in any file (a built-in default).
    pub fn detached(text: impl Into<String>) -> Self {
        Traced {
            text: text.into(),
            pieces: Vec::new(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Appends `text`, copied verbatim from the file at `origin.span.start`.
    pub fn push_exact(&mut self, text: &str, origin: Origin) {
        self.push(text, origin, true);
    }

    /// Appends `text`, which the bytes at `origin` produce (an escape, a variable).
    pub fn push_derived(&mut self, text: &str, origin: Origin) {
        self.push(text, origin, false);
    }

    fn push(&mut self, text: &str, origin: Origin, exact: bool) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        let range = start..self.text.len();
        // Merge with the previous piece when it continues it, to keep pieces few.
        if let Some(last) = self.pieces.last_mut()
            && exact
            && last.exact
            && last.origin.file == origin.file
            && last.origin.span.end == origin.span.start
            && last.range.end == start
        {
            last.range.end = range.end;
            last.origin.span.end = origin.span.end;
            return;
        }
        self.pieces.push(Piece {
            range,
            origin,
            exact,
        });
    }

    pub fn push_str_detached(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub fn append(&mut self, other: &Traced) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.pieces.reserve(other.pieces.len());
        for (i, piece) in other.pieces.iter().enumerate() {
            let range = piece.range.start + offset..piece.range.end + offset;
            // Text appended a character at a time stays one piece (slicing is then cheap).
            if i == 0
                && piece.exact
                && let Some(last) = self.pieces.last_mut()
                && last.exact
                && last.range.end == range.start
                && last.origin.file == piece.origin.file
                && last.origin.span.end == piece.origin.span.start
            {
                last.range.end = range.end;
                last.origin.span.end = piece.origin.span.end;
                continue;
            }
            self.pieces.push(Piece {
                range,
                origin: piece.origin.clone(),
                exact: piece.exact,
            });
        }
    }

    /// The sub-string at `range` (byte offsets, on char boundaries), keeping provenance.
    pub fn slice(&self, range: Range<usize>) -> Traced {
        let mut out = Traced {
            text: self.text[range.clone()].to_string(),
            pieces: Vec::new(),
        };
        // Pieces are in text order: skip to the first that ends after the start.
        let first = self.pieces.partition_point(|p| p.range.end <= range.start);
        for piece in &self.pieces[first..] {
            if piece.range.start >= range.end {
                break;
            }
            let start = piece.range.start.max(range.start);
            let end = piece.range.end.min(range.end);
            if start >= end {
                continue;
            }
            let origin = if piece.exact {
                let base = piece.origin.span.start;
                Origin::new(
                    piece.origin.file,
                    base + (start - piece.range.start)..base + (end - piece.range.start),
                )
            } else {
                piece.origin.clone()
            };
            out.pieces.push(Piece {
                range: start - range.start..end - range.start,
                origin,
                exact: piece.exact,
            });
        }
        out
    }

    /// Replaces the text keeping the provenance of the whole (for decoded values).
    pub fn map_text(&self, text: String) -> Traced {
        let mut out = Traced {
            text,
            pieces: Vec::new(),
        };
        if let Some(origin) = self.origin() {
            let len = out.text.len();
            if len > 0 {
                out.pieces.push(Piece {
                    range: 0..len,
                    origin,
                    exact: false,
                });
            }
        }
        out
    }

    /// Where the whole text was written: the span covering its pieces in the first piece's
    /// file. `None` for detached text.
    pub fn origin(&self) -> Option<Origin> {
        let first = self.pieces.first()?;
        let mut origin = first.origin.clone();
        for piece in &self.pieces[1..] {
            if let Some(joined) = origin.join(&piece.origin) {
                origin = joined;
            }
        }
        Some(origin)
    }

    /// Where the bytes at `range` were written.
    pub fn origin_of(&self, range: Range<usize>) -> Option<Origin> {
        if range.is_empty() {
            let at = self.slice(range.start..(range.start + 1).min(self.text.len()));
            return at
                .origin()
                .map(|o| Origin::new(o.file, o.span.start..o.span.start));
        }
        self.slice(range).origin()
    }

    /// Whether every byte maps one-to-one to the file (no escapes or interpolation).
    pub fn is_exact(&self) -> bool {
        !self.pieces.is_empty()
            && self.pieces.iter().all(|p| p.exact)
            && self.pieces.iter().map(|p| p.range.len()).sum::<usize>() == self.text.len()
    }

    /// Files the text came from, in order.
    pub fn files(&self) -> Vec<usize> {
        let mut files: Vec<usize> = Vec::new();
        for piece in &self.pieces {
            if !files.contains(&piece.origin.file) {
                files.push(piece.origin.file);
            }
        }
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_map_back_to_the_file() {
        // "smtp://" from file 0 at 10, "user:p/w" from file 1 at 20.
        let mut t = Traced::exact("smtp://", Origin::new(0, 10..17));
        t.append(&Traced::exact("user:p/w", Origin::new(1, 20..28)));
        assert_eq!(t.as_str(), "smtp://user:p/w");
        assert_eq!(t.origin_of(12..15), Some(Origin::new(1, 25..28)));
        assert_eq!(t.origin_of(0..4), Some(Origin::new(0, 10..14)));
        assert_eq!(t.origin(), Some(Origin::new(0, 10..17)));
    }

    #[test]
    fn derived_pieces_point_at_their_whole_source() {
        let mut t = Traced::exact("ab", Origin::new(0, 0..2));
        t.push_derived("\n", Origin::new(0, 2..4));
        t.push_exact("c", Origin::new(0, 4..5));
        assert_eq!(t.origin_of(2..3), Some(Origin::new(0, 2..4)));
        assert_eq!(t.origin(), Some(Origin::new(0, 0..5)));
        assert!(!t.is_exact());
        assert!(Traced::exact("abc", Origin::new(0, 0..3)).is_exact());
    }

    #[test]
    fn adjacent_exact_pieces_merge() {
        let mut t = Traced::new();
        t.push_exact("ab", Origin::new(0, 0..2));
        t.push_exact("cd", Origin::new(0, 2..4));
        assert_eq!(t.pieces.len(), 1);
    }
}
