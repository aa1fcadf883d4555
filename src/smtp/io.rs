//! Byte-stream plumbing shared by the client and the server: one boxed stream type that can be
//! plain TCP or TLS (so STARTTLS can swap it), and a line reader with a length cap.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncWrite};

/// A bidirectional byte stream: TCP, or TLS over TCP.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub type BoxIo = Box<dyn Io>;

/// Reads one line up to and including `\n`, at most `max` bytes (an `InvalidData` error past
/// that, so a peer cannot make us buffer without bound). `Ok(None)` on a clean end of stream.
pub async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    max: usize,
) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    loop {
        let buf = reader.fill_buf().await?;
        if buf.is_empty() {
            return if line.is_empty() {
                Ok(None)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "stream ended in the middle of a line",
                ))
            };
        }
        let (taken, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        line.extend_from_slice(&buf[..taken]);
        reader.consume(taken);
        if line.len() > max {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
        }
        if done {
            return Ok(Some(line));
        }
    }
}

/// Whether an error from [`read_line`] is the length cap.
pub fn is_line_too_long(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::InvalidData && e.to_string() == "line too long"
}

/// A line without its `\r\n` / `\n`, decoded leniently (peers may send anything).
pub fn trim_eol(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    String::from_utf8_lossy(line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::BufReader;

    #[tokio::test]
    async fn lines_and_eof() {
        let mut r = BufReader::with_capacity(4, &b"ab\r\ncdefgh\nij"[..]);
        assert_eq!(read_line(&mut r, 100).await.unwrap().unwrap(), b"ab\r\n");
        assert_eq!(read_line(&mut r, 100).await.unwrap().unwrap(), b"cdefgh\n");
        let err = read_line(&mut r, 100).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(read_line(&mut r, 100).await.unwrap(), None);
    }

    #[tokio::test]
    async fn cap() {
        let mut r = BufReader::with_capacity(4, &b"0123456789\n"[..]);
        let err = read_line(&mut r, 5).await.unwrap_err();
        assert!(is_line_too_long(&err));
    }

    #[test]
    fn trims() {
        assert_eq!(trim_eol(b"250 ok\r\n"), "250 ok");
        assert_eq!(trim_eol(b"250 ok\n"), "250 ok");
        assert_eq!(trim_eol(b"250 ok"), "250 ok");
    }
}
