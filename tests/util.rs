//! Helpers shared by the integration tests.

#![allow(dead_code)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root (tests never read outside it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture file under `tests/fixtures`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// The built `finnews` binary.
pub fn finnews() -> Command {
    Command::new(env!("CARGO_BIN_EXE_finnews"))
}

/// Runs the binary with `args`, feeding `stdin`; returns its output.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = finnews();
    cmd.args(args).stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start finnews");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(bytes).unwrap();
    }
    child.wait_with_output().expect("finnews runs")
}

/// The JSON Lines records of a run's standard output.
pub fn records(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .expect("output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Reads JSON Lines from a file.
pub fn read_records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The code-point slice `[start, end)` of `text`, as the output record's offsets mean it.
pub fn slice(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

/// Asserts equality and prints both sides as pretty JSON when they differ.
#[macro_export]
macro_rules! assert_json_eq {
    ($left:expr, $right:expr) => {{
        let (l, r) = (&$left, &$right);
        if l != r {
            panic!(
                "JSON differs\n--- left\n{}\n--- right\n{}",
                serde_json::to_string_pretty(l).unwrap(),
                serde_json::to_string_pretty(r).unwrap()
            );
        }
    }};
}

/// A plain-text document of `sentences` joined by single spaces, with one `Sentence` per
/// entry (section 0, nothing else filled in), as the sentence splitter would leave it.
pub fn document_of(sentences: &[&str]) -> finnews::Document {
    let text = sentences.join(" ");
    let mut doc = finnews::Document::from_text("test", &text);
    let mut start = 0;
    for s in sentences {
        let span = finnews::Span::new(start, start + s.len());
        doc.sentences.push(finnews::document::Sentence {
            span,
            section: 0,
            sentiment: None,
            claim: None,
            entities: vec![],
        });
        start += s.len() + 1;
    }
    doc
}
