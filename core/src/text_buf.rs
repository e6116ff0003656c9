//! An append-only text buffer in a message's arena, for the canonical string and its paths.
//!
//! The canonical text is written as some hundred short pieces (keys, `:`, values of a few
//! bytes). Appending each with `memcpy` costs a library call per piece, more than the copy
//! itself; this buffer keeps [`SLACK`] spare bytes past its end so a piece of up to 32 bytes is
//! copied with two fixed-size moves instead.

use bumpalo::Bump;

/// Spare bytes always kept past the end, so a short piece can be written in fixed-size moves.
const SLACK: usize = 32;

/// Text built from whole `str` pieces (so it is always valid UTF-8), living in an arena.
pub(crate) struct TextBuf<'b> {
    bytes: &'b mut [u8],
    len: usize,
    bump: &'b Bump,
}

impl<'b> TextBuf<'b> {
    /// An empty buffer with room for `capacity` bytes before it grows.
    pub(crate) fn with_capacity_in(capacity: usize, bump: &'b Bump) -> TextBuf<'b> {
        TextBuf {
            bytes: bump.alloc_slice_fill_copy(capacity.max(64) + SLACK, 0u8),
            len: 0,
            bump,
        }
    }

    /// Appends a string.
    #[inline(always)]
    pub(crate) fn push_str(&mut self, s: &str) {
        self.push_bytes(s.as_bytes());
    }

    /// Appends another buffer's text.
    #[inline(always)]
    pub(crate) fn push_buf(&mut self, other: &TextBuf<'_>) {
        self.push_bytes(other.as_bytes());
    }

    /// Appends one ASCII byte.
    #[inline(always)]
    pub(crate) fn push_ascii(&mut self, b: u8) {
        debug_assert!(b.is_ascii());
        if self.len + 1 + SLACK > self.bytes.len() {
            self.grow(1);
        }
        self.bytes[self.len] = b;
        self.len += 1;
    }

    /// The bytes written so far.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// The text written so far.
    pub(crate) fn as_str(&self) -> &str {
        // Every piece was a whole `str` and truncation only returns to earlier lengths, so this
        // cannot fail; the check is kept for the slow paths that need a `str`.
        std::str::from_utf8(self.as_bytes()).expect("built from whole str pieces")
    }

    /// Bytes written so far.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Drops everything after `len` (an earlier [`TextBuf::len`]).
    pub(crate) fn truncate(&mut self, len: usize) {
        debug_assert!(len <= self.len);
        self.len = self.len.min(len);
    }

    /// Appends bytes of whole `str` pieces: up to 32 in two overlapping fixed-size moves.
    #[inline(always)]
    fn push_bytes(&mut self, s: &[u8]) {
        let n = s.len();
        if self.len + n + SLACK > self.bytes.len() {
            self.grow(n);
        }
        let d = &mut self.bytes[self.len..];
        match n {
            0 => {}
            1..=3 => {
                d[0] = s[0];
                d[n / 2] = s[n / 2];
                d[n - 1] = s[n - 1];
            }
            4..=7 => {
                d[..4].copy_from_slice(&s[..4]);
                d[n - 4..n].copy_from_slice(&s[n - 4..]);
            }
            8..=16 => {
                d[..8].copy_from_slice(&s[..8]);
                d[n - 8..n].copy_from_slice(&s[n - 8..]);
            }
            17..=32 => {
                d[..16].copy_from_slice(&s[..16]);
                d[n - 16..n].copy_from_slice(&s[n - 16..]);
            }
            _ => d[..n].copy_from_slice(s),
        }
        self.len += n;
    }

    #[cold]
    fn grow(&mut self, more: usize) {
        let want = (self.bytes.len() * 2).max(self.len + more + SLACK);
        let bigger = self.bump.alloc_slice_fill_copy(want, 0u8);
        bigger[..self.len].copy_from_slice(&self.bytes[..self.len]);
        self.bytes = bigger;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_of_every_length_append_exactly() {
        let bump = Bump::new();
        // A tiny buffer, so growth is exercised many times on the way.
        let mut buf = TextBuf::with_capacity_in(0, &bump);
        let mut expected = String::new();
        let alphabet = "abcdefghijklmnopqrstuvwxyzé€𝄞0123456789";
        for round in 0..40 {
            for n in 0..70 {
                let piece: String = alphabet.chars().cycle().skip(round + n).take(n).collect();
                buf.push_str(&piece);
                expected.push_str(&piece);
                if n % 7 == 0 {
                    buf.push_ascii(b':');
                    expected.push(':');
                }
            }
            assert_eq!(buf.as_bytes(), expected.as_bytes());
            if round % 5 == 4 {
                let keep = buf.len() / 3;
                let keep = (0..=keep)
                    .rev()
                    .find(|&k| expected.is_char_boundary(k))
                    .unwrap();
                buf.truncate(keep);
                expected.truncate(keep);
            }
        }
        assert_eq!(buf.as_str(), expected);
        assert!(
            expected.len() > 1_000,
            "grew well past the initial capacity"
        );
    }
}
