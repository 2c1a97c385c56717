//! Integration tests: load. Every input kind from `tests/fixtures/inputs`, and every kind of
//! bad input (built in a temporary directory, so no large or binary file is committed).

use crate::util::fixture;
use finnews::Error;
use finnews::document::{Document, Format};
use finnews::load::{self, Failed, Loaded};
use std::io::Cursor;
use std::path::Path;

/// A fixture path under `tests/fixtures/inputs`, as a string input.
fn input(rel: &str) -> String {
    fixture("inputs").join(rel).to_string_lossy().into_owned()
}

fn load<S: AsRef<str>>(inputs: &[S]) -> Vec<Loaded> {
    let inputs: Vec<String> = inputs.iter().map(|s| s.as_ref().to_string()).collect();
    load::articles(&inputs).collect()
}

fn one(path: &str) -> Loaded {
    let mut all = load(&[path.to_string()]);
    assert_eq!(all.len(), 1, "expected one article from {path}");
    all.pop().unwrap()
}

fn ok(loaded: Loaded) -> Document {
    loaded.unwrap_or_else(|f| panic!("{} failed: {}", f.id, f.error))
}

fn err(loaded: Loaded) -> Failed {
    match loaded {
        Ok(doc) => panic!("{} loaded but should have failed", doc.id),
        Err(failed) => failed,
    }
}

fn ids(all: &[Loaded]) -> Vec<String> {
    all.iter()
        .map(|l| match l {
            Ok(doc) => doc.id.clone(),
            Err(f) => format!("ERR {}", f.id),
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

// ---- every kind of input ----

#[test]
fn txt_is_the_whole_file_without_a_title() {
    let path = input("plain.txt");
    let doc = ok(one(&path));
    assert_eq!(doc.id, path);
    assert_eq!(doc.origin.source, path);
    assert_eq!(doc.origin.line, None);
    assert_eq!(doc.format, Format::Plain);
    assert_eq!(doc.text, std::fs::read_to_string(&path).unwrap());
    assert_eq!(doc.title, None);
    assert!(doc.known_headings.is_empty());
}

#[test]
fn md_keeps_its_text_and_takes_a_level_one_title() {
    let path = input("note.md");
    let doc = ok(one(&path));
    assert_eq!(doc.format, Format::Markdown);
    assert_eq!(doc.text, std::fs::read_to_string(&path).unwrap());
    assert!(doc.text.starts_with("# Orchard Cloud"));
    assert_eq!(
        doc.title.as_deref(),
        Some("Orchard Cloud signs a supply deal")
    );
}

#[test]
fn html_extracts_the_article_with_headings_and_bullets() {
    let path = input("page.html");
    let doc = ok(one(&path));
    assert_eq!(doc.id, path);
    assert_eq!(doc.format, Format::Html);
    assert_eq!(
        doc.title.as_deref(),
        Some("Lantern Motors recalls scooters")
    );
    assert_eq!(
        doc.text,
        "Lantern Motors recalls scooters\n\n\
         Lantern Motors said on Monday it would recall 12,000 electric scooters & refund buyers.\n\n\
         What comes next\n\n\
         The company listed its next steps:\n\n\
         - Inspect every battery pack.\n\
         - Report findings by June."
    );
    let headings: Vec<&str> = doc.known_headings.iter().map(|s| doc.slice(*s)).collect();
    assert_eq!(
        headings,
        ["Lantern Motors recalls scooters", "What comes next"]
    );
    for skipped in [
        "tracking",
        "ad slot",
        "Home",
        "Daily Ledger",
        "Most read",
        "rights reserved",
    ] {
        assert!(
            !doc.text.contains(skipped),
            "{skipped:?} leaked into the text"
        );
    }
}

#[test]
fn json_is_one_record() {
    let doc = ok(one(&input("record.json")));
    assert_eq!(doc.id, "granite-bank-q2");
    assert_eq!(doc.title.as_deref(), Some("Granite Bank beats estimates"));
    assert_eq!(doc.published.as_deref(), Some("2026-04-14"));
    assert_eq!(
        doc.text,
        "Granite Bank reported second-quarter profit above analyst estimates."
    );
    assert_eq!(doc.format, Format::Plain);
    assert_eq!(doc.origin.line, None);
}

#[test]
fn json_without_id_is_named_by_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "one.json", br#"{"text": "Short note."}"#);
    assert_eq!(ok(one(&path)).id, path);
}

#[test]
fn jsonl_yields_a_record_or_an_error_for_every_line() {
    let path = input("feed.jsonl");
    let all = load(&[&path]);
    let at = |line: usize| format!("{path}:{line}");
    assert_eq!(
        ids(&all),
        [
            "first".to_string(),
            "17".into(),
            at(4),
            format!("ERR {}", at(5)),
            "ERR no-text".into(),
            format!("ERR {}", at(7)),
            "ERR blank".into(),
            "last".into(),
        ]
    );
    let docs: Vec<&Document> = all.iter().filter_map(|l| l.as_ref().ok()).collect();
    assert_eq!(docs[0].origin.line, Some(1));
    assert_eq!(docs[1].text, "Body text from a numeric id.");
    assert_eq!(docs[1].title.as_deref(), Some("Numbered"));
    assert_eq!(docs[1].origin.line, Some(3));
    assert_eq!(docs[2].text, "Content field with no id.");

    let errors: Vec<&Failed> = all.iter().filter_map(|l| l.as_ref().err()).collect();
    let sources: Vec<&str> = errors.iter().map(|f| f.source.as_str()).collect();
    assert_eq!(sources, [at(5), at(6), at(7), at(8)]);
    let message = errors[0].error.to_string();
    assert!(
        message.starts_with(&format!("{}: malformed JSON: ", at(5))),
        "{message}"
    );
    assert!(matches!(errors[1].error, Error::NoText { .. }));
    assert_eq!(
        errors[1].error.to_string(),
        format!(
            "{}: record has no text (expected a string field `text`, `body` or `content`)",
            at(6)
        )
    );
    assert!(matches!(errors[2].error, Error::NotAnObject { .. }));
    assert!(matches!(errors[3].error, Error::EmptyArticle { .. }));
}

#[test]
fn stdin_style_reader_is_json_lines() {
    let input = "{\"text\": \"From a pipe.\"}\n\n{\"id\": \"x\", \"text\": \"Second.\"}\n{oops}\n";
    let all: Vec<Loaded> = load::from_reader(Cursor::new(input), "-").collect();
    assert_eq!(ids(&all), ["-:1", "x", "ERR -:4"]);
    assert_eq!(all[0].as_ref().unwrap().origin.source, "-");
    assert!(
        err(all.into_iter().nth(2).unwrap())
            .error
            .to_string()
            .starts_with("-:4: malformed JSON")
    );
}

#[test]
fn directory_is_walked_recursively_in_path_order() {
    let root = input("tree");
    let all = load(&[&root]);
    let expected: Vec<String> = [
        "alpha/a.md",
        "alpha/deeper/c.html",
        "alpha.txt",
        "b.txt",
        "c.jsonl:1",
        "c.jsonl:2",
    ]
    .iter()
    .map(|rel| format!("{root}/{rel}"))
    .collect();
    assert_eq!(ids(&all), expected);
    let docs: Vec<Document> = all.into_iter().map(ok).collect();
    assert_eq!(docs[0].format, Format::Markdown);
    assert_eq!(docs[1].format, Format::Html);
    assert_eq!(docs[1].text, "Nested HTML from Quartz Airlines.");
    assert_eq!(docs[5].text, "Record two in the tree.");
}

#[test]
fn inputs_keep_their_order() {
    let all = load(&[
        input("record.json"),
        input("tree/b.txt"),
        input("plain.txt"),
    ]);
    assert_eq!(
        ids(&all),
        [
            "granite-bank-q2".to_string(),
            input("tree/b.txt"),
            input("plain.txt")
        ]
    );
}

#[test]
fn explicit_hidden_file_is_read() {
    let path = input("tree/.hidden.txt");
    assert_eq!(ok(one(&path)).text, "Hidden notes are not articles.\n");
}

// ---- bad input ----

#[test]
fn explicit_file_of_unknown_type_is_an_error_record() {
    let path = input("table.csv");
    let failed = err(one(&path));
    assert_eq!(failed.id, path);
    assert!(matches!(failed.error, Error::UnsupportedType { .. }));
    assert!(failed.error.to_string().starts_with(&path));
}

#[test]
fn missing_input_is_a_usage_error_before_any_work() {
    let inputs = vec![input("plain.txt"), input("no-such-file.txt")];
    match load::check_inputs(&inputs) {
        Err(Error::MissingInput { path }) => {
            assert_eq!(path.to_string_lossy(), input("no-such-file.txt"))
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(load::check_inputs(&[input("plain.txt"), input("tree"), "-".into()]).is_ok());
}

#[test]
fn binary_file_is_an_error_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write(dir.path(), "a.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    let good = write(dir.path(), "b.txt", b"Readable text.");
    let all = load(&[bin.clone(), good.clone()]);
    assert_eq!(ids(&all), [format!("ERR {bin}"), good]);
    let failed = err(all.into_iter().next().unwrap());
    assert!(matches!(failed.error, Error::Binary { .. }));
    assert_eq!(
        failed.error.to_string(),
        format!("{bin}: looks like a binary file, not text")
    );
}

#[test]
fn binary_jsonl_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "a.jsonl",
        &[0u8, 1, 2, 3, b'\n', 0, b'\n', 7, b'\n'],
    );
    let all = load(&[&path]);
    assert_eq!(ids(&all), [format!("ERR {path}")]);
    assert!(matches!(
        err(all.into_iter().next().unwrap()).error,
        Error::Binary { .. }
    ));
}

#[test]
fn invalid_utf8_is_rejected_with_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "latin1.txt", b"Caf\xe9 chain grows.");
    let failed = err(one(&path));
    assert!(
        matches!(failed.error, Error::InvalidUtf8 { offset: 3, .. }),
        "{:?}",
        failed.error
    );
    assert_eq!(
        failed.error.to_string(),
        format!("{path}: not valid UTF-8 text (first bad byte at offset 3)")
    );
}

#[test]
fn invalid_utf8_in_a_jsonl_line_fails_that_line_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "f.jsonl",
        b"{\"text\": \"ok\"}\n{\"text\": \"bad \xff\"}\n{\"text\": \"ok again\"}\n",
    );
    let all = load(&[&path]);
    assert_eq!(
        ids(&all),
        [
            format!("{path}:1"),
            format!("ERR {path}:2"),
            format!("{path}:3")
        ]
    );
    let failed = err(all.into_iter().nth(1).unwrap());
    assert!(
        matches!(failed.error, Error::InvalidUtf8 { offset: 14, .. }),
        "{:?}",
        failed.error
    );
}

#[test]
fn empty_articles_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("blank.txt", &b" \n\t\r\n"[..]),
        ("none.md", b""),
        (
            "bare.html",
            b"<html><head><title>T</title></head><body><script>x()</script></body></html>",
        ),
        ("blank.json", br#"{"text": "\n\n"}"#),
    ] {
        let path = write(dir.path(), name, bytes);
        let failed = err(one(&path));
        assert!(
            matches!(failed.error, Error::EmptyArticle { .. }),
            "{name}: {:?}",
            failed.error
        );
        assert_eq!(
            failed.error.to_string(),
            format!("{path}: article is empty")
        );
    }
}

#[test]
fn record_text_must_be_a_string() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "n.json", br#"{"id": "n1", "text": 12}"#);
    let failed = err(one(&path));
    assert_eq!(failed.id, "n1");
    assert!(matches!(failed.error, Error::NoText { .. }));
}

#[test]
fn malformed_json_file_is_an_error_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "bad.json", b"{\"text\": \"unterminated}");
    let failed = err(one(&path));
    assert_eq!(failed.id, path);
    assert!(
        failed
            .error
            .to_string()
            .starts_with(&format!("{path}: malformed JSON: "))
    );
}

#[test]
fn bom_is_stripped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let txt = write(dir.path(), "b.txt", b"\xEF\xBB\xBFOpening words.");
    let md = write(dir.path(), "b.md", b"\xEF\xBB\xBF# Heading line\n\nBody.");
    let json = write(dir.path(), "b.json", b"\xEF\xBB\xBF{\"text\": \"J\"}");
    let jsonl = write(dir.path(), "b.jsonl", b"\xEF\xBB\xBF{\"text\": \"L\"}\n");
    let html = write(dir.path(), "b.html", b"\xEF\xBB\xBF<p>H</p>");
    let texts: Vec<String> = load(&[txt, md, json, jsonl, html])
        .into_iter()
        .map(|l| ok(l).text)
        .collect();
    assert_eq!(
        texts,
        ["Opening words.", "# Heading line\n\nBody.", "J", "L", "H"]
    );
}

#[test]
fn crlf_text_is_kept_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "w.md",
        b"# Windows title\r\n\r\nLine one.\r\nLine two.\r\n",
    );
    let doc = ok(one(&path));
    assert_eq!(
        doc.text,
        "# Windows title\r\n\r\nLine one.\r\nLine two.\r\n"
    );
    assert_eq!(doc.title.as_deref(), Some("Windows title"));
}

#[test]
fn unreadable_file_is_an_error_record() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = write(dir.path(), "locked.txt", b"Secret.");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // A superuser reads a file whatever its permissions; nobody can read a socket.
    let socket = dir.path().join("socket.txt");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let mut unreadable = vec![socket.to_string_lossy().into_owned()];
    if std::fs::read(&locked).is_err() {
        unreadable.push(locked);
    }
    for path in unreadable {
        assert!(
            load::check_inputs(std::slice::from_ref(&path)).is_ok(),
            "{path} exists: not a usage error"
        );
        let failed = err(one(&path));
        assert_eq!(failed.id, path);
        assert!(
            matches!(failed.error, Error::Io { .. }),
            "{:?}",
            failed.error
        );
        assert!(failed.error.to_string().starts_with(&path));
    }
}

#[test]
fn long_article_and_long_lines_load_whole() {
    let dir = tempfile::tempdir().unwrap();
    let sentence = "Delta Grain shipped more wheat than expected this season. ";
    let big: String = sentence.repeat(20 * 1024 * 1024 / sentence.len() + 1);
    let txt = write(dir.path(), "big.txt", big.as_bytes());
    let line = serde_json::json!({"id": "big", "text": big}).to_string();
    let jsonl = write(
        dir.path(),
        "big.jsonl",
        format!("{line}\n{{\"text\": \"after\"}}\n").as_bytes(),
    );
    let all = load(&[txt, jsonl]);
    assert_eq!(all.len(), 3);
    let docs: Vec<Document> = all.into_iter().map(ok).collect();
    assert!(docs[0].text.len() > 20 * 1024 * 1024);
    assert_eq!(docs[0].text, big);
    assert_eq!(docs[1].text, big);
    assert_eq!(docs[2].text, "after");
}

#[test]
fn long_html_article_loads() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = String::from("<html><body><article><h2>Heading</h2>");
    while page.len() < 20 * 1024 * 1024 {
        page.push_str("<p>Ridge Power <b>added</b> capacity.</p><ul><li>One more item</li></ul>");
    }
    page.push_str("</article></body></html>");
    let path = write(dir.path(), "big.html", page.as_bytes());
    let doc = ok(one(&path));
    assert_eq!(doc.known_headings.len(), 1);
    assert!(doc.text.ends_with("- One more item"));
}

#[test]
fn the_stream_can_move_to_another_thread() {
    fn assert_send<T: Send>(_: &T) {}
    let articles = load::articles(&[input("plain.txt")]);
    assert_send(&articles);
    let handle = std::thread::spawn(move || articles.count());
    assert_eq!(handle.join().unwrap(), 1);
}
