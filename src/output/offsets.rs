//! Byte offsets -> Unicode code-point offsets.
//!
//! `CharIndex::new("é1")` then `chars(2) == 1`. ASCII text (the common case) needs no table;
//! otherwise the table holds one entry per multi-byte character, so memory follows the number
//! of non-ASCII characters, not the length of the text.

/// Converts byte offsets of one text into code-point offsets.
pub struct CharIndex {
    /// `(byte offset just after a multi-byte char, extra bytes so far)`, increasing.
    extra: Vec<(usize, usize)>,
}

impl CharIndex {
    /// Scans `text` once.
    pub fn new(text: &str) -> Self {
        let mut extra = Vec::new();
        if !text.is_ascii() {
            let mut total = 0;
            for (i, c) in text.char_indices() {
                let n = c.len_utf8();
                if n > 1 {
                    total += n - 1;
                    extra.push((i + n, total));
                }
            }
        }
        CharIndex { extra }
    }

    /// The code-point offset of a byte offset that lies on a `char` boundary.
    pub fn chars(&self, byte: usize) -> usize {
        if self.extra.is_empty() {
            return byte;
        }
        // Multi-byte chars that end at or before `byte` are fully before it.
        let k = self.extra.partition_point(|&(end, _)| end <= byte);
        if k == 0 {
            byte
        } else {
            byte - self.extra[k - 1].1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CharIndex;

    #[test]
    fn ascii_is_identity() {
        let ix = CharIndex::new("plain text");
        assert_eq!(ix.chars(0), 0);
        assert_eq!(ix.chars(5), 5);
    }

    #[test]
    fn matches_char_counting() {
        let text = "Nestlé’s €2 billion bid — approved 😀 today";
        let ix = CharIndex::new(text);
        for (b, _) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            assert_eq!(ix.chars(b), text[..b].chars().count(), "byte {b}");
        }
    }
}
