//! Raw bytes -> checked text: binary sniffing, UTF-8 validation, byte order marks, and the
//! title of a Markdown article.
//!
//! ```text
//! b"\xEF\xBB\xBF# Results day\n\nSales rose."  -> text "# Results day\n\nSales rose."
//!                                                 markdown title "Results day"
//! b"PK\x03\x04\x00..."                          -> Error::Binary
//! ```

use crate::error::{Error, Result};

/// How many leading bytes [`looks_binary`] inspects.
pub const SNIFF_LEN: usize = 8 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether the start of a file looks like binary data rather than text: any NUL byte, or
/// more than one control character in ten among the first [`SNIFF_LEN`] bytes.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(SNIFF_LEN)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    controls * 10 > sample.len()
}

/// Whether the bytes start with a UTF-16 byte order mark.
fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF")
}

/// The text of a whole file: rejects binary data and invalid UTF-8 (never converts lossily),
/// strips a leading byte order mark, and reuses the buffer when it can.
///
/// Offsets in errors are byte offsets into the file, byte order mark included.
pub fn decode(mut bytes: Vec<u8>, location: &str) -> Result<String> {
    if is_utf16(&bytes) {
        return Err(Error::InvalidUtf8 {
            location: location.to_string(),
            offset: 0,
        });
    }
    if looks_binary(&bytes) {
        return Err(Error::Binary {
            location: location.to_string(),
        });
    }
    let bom = if bytes.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    if let Err(e) = std::str::from_utf8(&bytes[bom..]) {
        return Err(Error::InvalidUtf8 {
            location: location.to_string(),
            offset: bom + e.valid_up_to(),
        });
    }
    bytes.drain(..bom);
    // Checked just above; `from_utf8` on the owned buffer would validate it a second time.
    Ok(String::from_utf8(bytes).expect("validated as UTF-8"))
}

/// Fails with [`Error::EmptyArticle`] when the text holds nothing but white space.
pub fn require_content(text: &str, location: &str) -> Result<()> {
    if text.trim().is_empty() {
        Err(Error::EmptyArticle {
            location: location.to_string(),
        })
    } else {
        Ok(())
    }
}

/// The title of a Markdown article: a first line that is a level-1 ATX heading (`# Title`),
/// followed by a blank line (or nothing). Closing `#`s and surrounding white space are
/// left out. The heading stays in the text; this only names the article.
pub fn markdown_title(text: &str) -> Option<String> {
    let (first, rest) = match text.find('\n') {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    };
    let first = first.strip_suffix('\r').unwrap_or(first);
    let heading = first.strip_prefix('#')?;
    if !(heading.starts_with(' ') || heading.starts_with('\t')) {
        return None; // `##` is a lower level, `#tag` is no heading at all
    }
    let second = rest.split('\n').next().unwrap_or("");
    if !second.trim().is_empty() {
        return None;
    }
    let heading = heading.trim();
    // A closing sequence of `#`s counts only after white space ("# C#" keeps its `#`).
    let without_closing = heading.trim_end_matches('#');
    let heading = if without_closing.is_empty() {
        without_closing
    } else if without_closing.ends_with([' ', '\t']) || without_closing.len() == heading.len() {
        without_closing.trim_end()
    } else {
        heading
    };
    (!heading.is_empty()).then(|| heading.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bytes_are_binary() {
        assert!(looks_binary(b"abc\0def"));
        assert!(!looks_binary(b"Plain words.\r\n\tIndented.\n"));
    }

    #[test]
    fn many_control_characters_are_binary() {
        let mut bytes = b"text".to_vec();
        bytes.extend([0x01, 0x02, 0x03, 0x04, 0x05]);
        assert!(looks_binary(&bytes));
    }

    #[test]
    fn only_the_start_is_sniffed() {
        let mut bytes = vec![b'a'; SNIFF_LEN];
        bytes.push(0);
        assert!(!looks_binary(&bytes));
    }

    #[test]
    fn bom_is_stripped() {
        let text = decode(b"\xEF\xBB\xBFHello".to_vec(), "f.txt").unwrap();
        assert_eq!(text, "Hello");
    }

    #[test]
    fn invalid_utf8_reports_file_offset() {
        match decode(b"\xEF\xBB\xBFab\xFFcd".to_vec(), "f.txt") {
            Err(Error::InvalidUtf8 { offset, .. }) => assert_eq!(offset, 5),
            other => panic!("unexpected {other:?}"),
        }
        match decode(b"abc\xC3".to_vec(), "f.txt") {
            Err(Error::InvalidUtf8 { offset, .. }) => assert_eq!(offset, 3),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn utf16_is_not_utf8() {
        assert!(matches!(
            decode(b"\xFF\xFEa\0b\0".to_vec(), "f.txt"),
            Err(Error::InvalidUtf8 { offset: 0, .. })
        ));
    }

    #[test]
    fn white_space_only_is_empty() {
        assert!(require_content(" \n\t\r\n", "f.txt").is_err());
        assert!(require_content(" x ", "f.txt").is_ok());
    }

    #[test]
    fn markdown_title_needs_level_one_and_a_blank_line() {
        assert_eq!(
            markdown_title("# Chip sales climb\n\nBody."),
            Some("Chip sales climb".into())
        );
        assert_eq!(
            markdown_title("# Chip sales climb ##\r\n\r\nBody."),
            Some("Chip sales climb".into())
        );
        assert_eq!(
            markdown_title("# Only a title"),
            Some("Only a title".into())
        );
        assert_eq!(markdown_title("# Why C#\n\nBody."), Some("Why C#".into()));
        assert_eq!(markdown_title("## Section\n\nBody."), None);
        assert_eq!(markdown_title("# Heading\nBody right below."), None);
        assert_eq!(markdown_title("#hashtag\n\nBody."), None);
        assert_eq!(markdown_title("Plain first line\n\nBody."), None);
        assert_eq!(markdown_title("#   \n\nBody."), None);
    }
}
