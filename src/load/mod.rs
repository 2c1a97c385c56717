//! Loading: input paths (files, directories, `-` for stdin) -> a stream of [`Loaded`] articles.
//!
//! Nothing is read ahead: a multi-gigabyte JSON Lines dump is read a line at a time, and a
//! directory is listed only as the walk reaches it.
//!
//! ```text
//! ["notes/q3.md", "feed.jsonl", "-"]
//!     -> Ok(Document { id: "notes/q3.md", format: Markdown, .. })
//!        Ok(Document { id: "feed.jsonl:1", .. }), Err(Failed { id: "feed.jsonl:2", .. }), ...
//!        Ok(Document { id: "-:1", .. }), ...
//! ```
//!
//! | input | articles | id without one in the record |
//! |---|---|---|
//! | `.txt`, `.md` | the whole file (its text as is: offsets refer to it) | the path |
//! | `.html`, `.htm` | the extracted article text (see [`html`]) | the path |
//! | `.json` | one record | the path |
//! | `.jsonl`, `-` | one record a non-blank line | `PATH:LINE` |
//! | directory | every such file under it, in path order, hidden ones skipped | |
//!
//! Whatever goes wrong with one article (unreadable file, binary data, invalid UTF-8, bad
//! JSON, no text) becomes a [`Failed`] in its place and the stream goes on.

pub mod html;
pub mod json;
pub mod text;
pub mod walk;

pub use json::JsonLines;

use crate::document::{Document, Format, Origin};
use crate::error::{Error, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// An article that could not be loaded: its id (or where it came from), its source and why.
#[derive(Debug)]
pub struct Failed {
    /// The record's own id where it could be read, else where it came from.
    pub id: String,
    /// The path as given (`PATH:LINE` for a JSON Lines record, `-:LINE` for standard input).
    pub source: String,
    /// Why, naming the file (and line) in its message.
    pub error: Error,
}

/// What the loader yields for each article, in input order.
pub type Loaded = std::result::Result<Document, Failed>;

/// The kinds of input file, by extension (any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Markdown,
    Html,
    Json,
    JsonLines,
}

impl Kind {
    /// The kind of a file from its extension, or `None` for any other file.
    pub fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => Kind::Text,
            "md" => Kind::Markdown,
            "html" | "htm" => Kind::Html,
            "json" => Kind::Json,
            "jsonl" => Kind::JsonLines,
            _ => return None,
        })
    }
}

/// Checks that every input exists, before any work starts (a missing path is a usage error).
///
/// A path that exists but cannot be read is left to [`articles`], which reports it as a
/// failed article.
pub fn check_inputs(inputs: &[String]) -> Result<()> {
    for input in inputs {
        if input == "-" {
            continue;
        }
        if let Err(e) = std::fs::metadata(input)
            && e.kind() == std::io::ErrorKind::NotFound
        {
            return Err(Error::MissingInput { path: input.into() });
        }
    }
    Ok(())
}

/// Streams the articles of every input, in order.
pub fn articles(inputs: &[String]) -> Articles {
    let inputs: Vec<String> = inputs.to_vec();
    Articles {
        inputs: inputs.into_iter(),
        walk: None,
        lines: None,
    }
}

/// Streams the records of a JSON Lines reader (standard input, or anything else), naming
/// them `SOURCE:LINE` where a record has no id.
pub fn from_reader<R: BufRead>(reader: R, source: &str) -> JsonLines<R> {
    JsonLines::new(reader, source)
}

/// The articles of a list of inputs; see [`articles`].
pub struct Articles {
    inputs: std::vec::IntoIter<String>,
    walk: Option<walk::Walk>,
    lines: Option<JsonLines<Box<dyn BufRead + Send>>>,
}

/// The buffer size for JSON Lines input.
const READ_BUFFER: usize = 64 * 1024;

impl Articles {
    /// Opens one file: a JSON Lines file becomes the current line stream (`None`); any other
    /// file is read whole into one article. `named` says whether the user named the file
    /// (then an unknown type is an error) rather than the walk finding it.
    fn open(&mut self, path: &Path, named: bool) -> Option<Loaded> {
        let source = path.to_string_lossy().into_owned();
        let Some(kind) = Kind::of(path) else {
            let error = Error::UnsupportedType {
                location: source.clone(),
            };
            return named.then(|| {
                Err(Failed {
                    id: source.clone(),
                    source,
                    error,
                })
            });
        };
        if kind == Kind::JsonLines {
            match std::fs::File::open(path) {
                Ok(file) => {
                    let reader: Box<dyn BufRead + Send> =
                        Box::new(BufReader::with_capacity(READ_BUFFER, file));
                    self.lines = Some(JsonLines::new(reader, source));
                    return None;
                }
                Err(e) => {
                    let error = Error::Io {
                        path: path.to_path_buf(),
                        source: e,
                    };
                    return Some(Err(Failed {
                        id: source.clone(),
                        source,
                        error,
                    }));
                }
            }
        }
        Some(load_file(path, source, kind))
    }
}

impl Iterator for Articles {
    type Item = Loaded;

    fn next(&mut self) -> Option<Loaded> {
        loop {
            if let Some(lines) = &mut self.lines {
                match lines.next() {
                    Some(loaded) => return Some(loaded),
                    None => self.lines = None,
                }
            }
            if let Some(walk) = &mut self.walk {
                match walk.next() {
                    Some(Ok(path)) => match self.open(&path, false) {
                        Some(loaded) => return Some(loaded),
                        None => continue,
                    },
                    Some(Err((dir, error))) => {
                        let source = dir.to_string_lossy().into_owned();
                        let error = Error::Io {
                            path: dir,
                            source: error,
                        };
                        return Some(Err(Failed {
                            id: source.clone(),
                            source,
                            error,
                        }));
                    }
                    None => self.walk = None,
                }
                continue;
            }
            let input = self.inputs.next()?;
            if input == "-" {
                let stdin: Box<dyn BufRead + Send> =
                    Box::new(BufReader::with_capacity(READ_BUFFER, std::io::stdin()));
                self.lines = Some(JsonLines::new(stdin, "-"));
                continue;
            }
            let path = PathBuf::from(&input);
            if path.is_dir() {
                self.walk = Some(walk::Walk::new(&path));
                continue;
            }
            if let Some(loaded) = self.open(&path, true) {
                return Some(loaded);
            }
        }
    }
}

/// Reads one whole-file article (anything but JSON Lines).
fn load_file(path: &Path, source: String, kind: Kind) -> Loaded {
    let fail = |error: Error| Failed {
        id: source.clone(),
        source: source.clone(),
        error,
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Err(fail(Error::Io {
                path: path.to_path_buf(),
                source: e,
            }));
        }
    };
    let content = match text::decode(bytes, &source) {
        Ok(content) => content,
        Err(error) => return Err(fail(error)),
    };
    let origin = Origin {
        source: source.clone(),
        line: None,
    };
    let doc = match kind {
        Kind::Json => return json::parse_record(&content, origin),
        // JSON Lines files never get here: `Articles::open` streams them.
        Kind::Text | Kind::Markdown | Kind::JsonLines => {
            let format = if kind == Kind::Markdown {
                Format::Markdown
            } else {
                Format::Plain
            };
            let title = if kind == Kind::Markdown {
                text::markdown_title(&content)
            } else {
                None
            };
            let mut doc = Document::new(source.clone(), content, origin, format);
            doc.title = title;
            doc
        }
        Kind::Html => {
            let extracted = html::extract(&content);
            drop(content);
            let mut doc = Document::new(source.clone(), extracted.text, origin, Format::Html);
            doc.title = extracted.title;
            doc.known_headings = extracted.headings;
            doc
        }
    };
    match text::require_content(&doc.text, &source) {
        Ok(()) => Ok(doc),
        Err(error) => Err(fail(error)),
    }
}
