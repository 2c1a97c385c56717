//! The library's one error type.
//!
//! Errors that concern a single article (bad JSON on one line, no text, invalid UTF-8) become
//! that article's error record and the run goes on; errors that concern the run (a missing
//! input path, an unwritable output) stop it.

use std::path::PathBuf;

/// Everything the library can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    StdIo(#[from] std::io::Error),
    #[error("{path}: no such file or directory")]
    MissingInput { path: PathBuf },
    #[error("{location}: malformed JSON: {source}")]
    Json {
        location: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{location}: record has no text (expected a string field `text`, `body` or `content`)")]
    NoText { location: String },
    #[error("{location}: article is empty")]
    EmptyArticle { location: String },
    #[error("{location}: not valid UTF-8 text (first bad byte at offset {offset})")]
    InvalidUtf8 { location: String, offset: usize },
    #[error("{location}: looks like a binary file, not text")]
    Binary { location: String },
    #[error("{location}: unsupported file type (expected .txt, .md, .html, .htm, .json or .jsonl)")]
    UnsupportedType { location: String },
    #[error("{location}: expected a JSON object (a record with a `text` field)")]
    NotAnObject { location: String },
    #[error("{location}: field `{field}` must be a string or a number")]
    BadField {
        location: String,
        field: &'static str,
    },
    #[error("{what}: {message}")]
    Model { what: String, message: String },
    #[error("{what}: {source}")]
    Tensor {
        what: String,
        #[source]
        source: Box<candle_core::Error>,
    },
    #[error("{what}: {source}")]
    Tokenizer {
        what: String,
        #[source]
        source: tokenizers::Error,
    },
    #[error("{0}")]
    Serialize(#[from] serde_json::Error),
    #[error("{0}")]
    Invalid(String),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
