//! JSON input records -> documents; JSON Lines streams -> one document (or failure) a line.
//!
//! ```text
//! {"id": 7, "title": "Bank lifts outlook", "text": "The bank raised ..."}
//!     -> Document { id: "7", title: Some("Bank lifts outlook"), text: "The bank raised ..." }
//! {"headline": "no text here"}     (line 3 of feed.jsonl)
//!     -> Failed { id: "feed.jsonl:3", error: NoText }
//! ```
//!
//! The text is taken from `text`, else `body`, else `content` (the first that is a string).
//! `id`, `title` and `published` may be strings or numbers; other fields are ignored.

use super::text::{SNIFF_LEN, looks_binary, require_content};
use super::{Failed, Loaded};
use crate::document::{Document, Format, Origin};
use crate::error::{Error, Result};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use std::io::BufRead;

/// A line buffer that grew past this is shrunk back after use, so one huge record does not
/// pin its memory for the rest of the stream.
const KEEP_CAPACITY: usize = 1 << 20;

/// The fields of an input record that the loader reads.
#[derive(Deserialize)]
struct Record {
    id: Option<Value>,
    title: Option<Value>,
    published: Option<Value>,
    text: Option<Value>,
    body: Option<Value>,
    content: Option<Value>,
    format: Option<Value>,
}

/// A scalar field as a string: strings as they are, numbers in their JSON form, `null` as absent.
fn scalar(value: Option<Value>, field: &'static str, location: &str) -> Result<Option<String>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(Error::BadField {
            location: location.to_string(),
            field,
        }),
    }
}

/// Parses one record. `origin` says where it came from; its display form is the default id.
///
/// On failure the id is the record's own id where it could be read, and the source is
/// where the record came from (`FILE:LINE` for JSON Lines), as for a loaded record.
pub fn parse_record(json: &str, origin: Origin) -> Loaded {
    let location = origin.to_string();
    let fail = |id: Option<String>, error: Error| Failed {
        id: id.unwrap_or_else(|| location.clone()),
        source: location.clone(),
        error,
    };
    // A derived struct would also accept a JSON array; only objects are records.
    if !json.trim_start().starts_with('{') {
        let error = match serde_json::from_str::<IgnoredAny>(json) {
            Ok(_) => Error::NotAnObject {
                location: location.clone(),
            },
            Err(source) => Error::Json {
                location: location.clone(),
                source,
            },
        };
        return Err(fail(None, error));
    }
    let record: Record = match serde_json::from_str(json) {
        Ok(record) => record,
        Err(source) => {
            return Err(fail(
                None,
                Error::Json {
                    location: location.clone(),
                    source,
                },
            ));
        }
    };
    let id = match scalar(record.id, "id", &location) {
        Ok(id) => id,
        Err(error) => return Err(fail(None, error)),
    };
    let text = [record.text, record.body, record.content]
        .into_iter()
        .flatten()
        .find_map(|v| match v {
            Value::String(s) => Some(s),
            _ => None,
        });
    let Some(text) = text else {
        return Err(fail(
            id,
            Error::NoText {
                location: location.clone(),
            },
        ));
    };
    if let Err(error) = require_content(&text, &location) {
        return Err(fail(id, error));
    }
    let title = scalar(record.title, "title", &location);
    let published = scalar(record.published, "published", &location);
    let (title, published) = match (title, published) {
        (Ok(t), Ok(p)) => (t, p),
        (Err(error), _) | (_, Err(error)) => return Err(fail(id, error)),
    };
    let format = match record.format {
        Some(Value::String(f))
            if f.eq_ignore_ascii_case("markdown") || f.eq_ignore_ascii_case("md") =>
        {
            Format::Markdown
        }
        _ => Format::Plain,
    };
    let id = id.unwrap_or_else(|| location.clone());
    let mut doc = Document::new(id, text, origin, format);
    doc.title = title;
    doc.published = published;
    Ok(doc)
}

/// Records from a JSON Lines stream, one per non-blank line, read a line at a time into one
/// reused buffer. Every line yields a document or a failure; an I/O error ends the stream.
pub struct JsonLines<R> {
    reader: R,
    source: String,
    buf: Vec<u8>,
    line: usize,
    done: bool,
}

impl<R: BufRead> JsonLines<R> {
    /// Reads `reader`, naming it `source` in ids and messages (`-` for standard input).
    pub fn new(reader: R, source: impl Into<String>) -> Self {
        JsonLines {
            reader,
            source: source.into(),
            buf: Vec::new(),
            line: 0,
            done: false,
        }
    }

    fn failed(&self, error: Error) -> Failed {
        Failed {
            id: self.location(),
            source: self.location(),
            error,
        }
    }

    fn location(&self) -> String {
        format!("{}:{}", self.source, self.line)
    }

    /// Checks the start of the stream once: binary data is one failure for the whole stream
    /// rather than one per line.
    fn sniff(&mut self) -> Option<Failed> {
        let start = match self.reader.fill_buf() {
            Ok(start) => start,
            Err(source) => return Some(self.io_failed(source)),
        };
        let start = &start[..start.len().min(SNIFF_LEN)];
        let error = if start.starts_with(b"\xFF\xFE") || start.starts_with(b"\xFE\xFF") {
            Error::InvalidUtf8 {
                location: self.source.clone(),
                offset: 0,
            }
        } else if looks_binary(start) {
            Error::Binary {
                location: self.source.clone(),
            }
        } else {
            return None;
        };
        Some(Failed {
            id: self.source.clone(),
            source: self.source.clone(),
            error,
        })
    }

    fn io_failed(&self, source: std::io::Error) -> Failed {
        let error = Error::Io {
            path: self.source.clone().into(),
            source,
        };
        Failed {
            id: self.source.clone(),
            source: self.source.clone(),
            error,
        }
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Loaded;

    fn next(&mut self) -> Option<Loaded> {
        if self.done {
            return None;
        }
        if self.line == 0
            && let Some(failed) = self.sniff()
        {
            self.done = true;
            return Some(Err(failed));
        }
        loop {
            if self.buf.capacity() > KEEP_CAPACITY {
                self.buf = Vec::new();
            }
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => {
                    self.done = true;
                    return None;
                }
                Ok(_) => {}
                Err(source) => {
                    self.done = true;
                    self.line += 1;
                    let error = Error::Io {
                        path: self.location().into(),
                        source,
                    };
                    return Some(Err(self.failed(error)));
                }
            }
            self.line += 1;
            let mut bytes = self.buf.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
            let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            let line = match std::str::from_utf8(bytes) {
                Ok(line) => line,
                Err(e) => {
                    let error = Error::InvalidUtf8 {
                        location: self.location(),
                        offset: e.valid_up_to(),
                    };
                    return Some(Err(self.failed(error)));
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            let origin = Origin {
                source: self.source.clone(),
                line: Some(self.line),
            };
            return Some(parse_record(line, origin));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin {
            source: "in.json".into(),
            line: None,
        }
    }

    #[test]
    fn text_body_and_content_are_accepted_in_that_order() {
        let doc = parse_record(
            r#"{"body": "From body.", "content": "From content."}"#,
            origin(),
        )
        .unwrap();
        assert_eq!(doc.text, "From body.");
        let doc = parse_record(r#"{"text": 5, "content": "From content."}"#, origin()).unwrap();
        assert_eq!(doc.text, "From content.");
    }

    #[test]
    fn numbers_become_strings() {
        let doc = parse_record(r#"{"id": 42, "published": 2026, "text": "x"}"#, origin()).unwrap();
        assert_eq!(doc.id, "42");
        assert_eq!(doc.published.as_deref(), Some("2026"));
    }

    #[test]
    fn default_id_is_the_location() {
        let doc = parse_record(r#"{"text": "x", "id": null}"#, origin()).unwrap();
        assert_eq!(doc.id, "in.json");
        let line = Origin {
            source: "in.jsonl".into(),
            line: Some(4),
        };
        assert_eq!(
            parse_record(r#"{"text": "x"}"#, line).unwrap().id,
            "in.jsonl:4"
        );
    }

    #[test]
    fn arrays_are_not_records() {
        let failed = parse_record(r#"["text", "x"]"#, origin()).unwrap_err();
        assert!(
            matches!(failed.error, Error::NotAnObject { .. }),
            "{:?}",
            failed.error
        );
        let failed = parse_record(r#"["text", "#, origin()).unwrap_err();
        assert!(
            matches!(failed.error, Error::Json { .. }),
            "{:?}",
            failed.error
        );
    }

    #[test]
    fn failures_keep_the_record_id() {
        let failed = parse_record(r#"{"id": "a1", "text": "  "}"#, origin()).unwrap_err();
        assert_eq!(failed.id, "a1");
        assert!(matches!(failed.error, Error::EmptyArticle { .. }));
        let failed = parse_record(r#"{"id": {"x": 1}, "text": "y"}"#, origin()).unwrap_err();
        assert_eq!(failed.id, "in.json");
        assert!(matches!(failed.error, Error::BadField { field: "id", .. }));
    }

    #[test]
    fn markdown_format_is_honoured() {
        let doc =
            parse_record(r##"{"text": "# A\n\nB", "format": "Markdown"}"##, origin()).unwrap();
        assert_eq!(doc.format, Format::Markdown);
    }

    #[test]
    fn lines_count_blank_lines_and_strip_crlf() {
        let input = "\u{feff}{\"text\": \"one\"}\r\n\r\n   \n{\"text\": \"two\"}";
        let docs: Vec<_> = JsonLines::new(input.as_bytes(), "s.jsonl")
            .map(Result::unwrap)
            .collect();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id, "s.jsonl:1");
        assert_eq!(docs[1].id, "s.jsonl:4");
        assert_eq!(docs[1].origin.line, Some(4));
    }

    #[test]
    fn huge_line_buffer_is_released() {
        let big = format!(
            "{{\"text\": \"{}\"}}\n{{\"text\": \"small\"}}\n",
            "a".repeat(2 * KEEP_CAPACITY)
        );
        let mut lines = JsonLines::new(big.as_bytes(), "s.jsonl");
        assert_eq!(lines.next().unwrap().unwrap().text.len(), 2 * KEEP_CAPACITY);
        assert_eq!(lines.next().unwrap().unwrap().text, "small");
        assert!(lines.buf.capacity() <= KEEP_CAPACITY);
    }
}
