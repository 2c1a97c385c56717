//! Integration tests: the `finnews` command line, end to end.

use crate::util::{fixture, read_records, records, run, slice};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

fn validator() -> jsonschema::Validator {
    let out = run(&["schema"], None);
    assert!(out.status.success());
    let schema: Value = serde_json::from_slice(&out.stdout).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// Every record is valid against `finnews schema`, and every offset points at its text.
fn check_records(records: &[Value]) {
    let v = validator();
    for r in records {
        let errors: Vec<String> = v
            .iter_errors(r)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "record does not match the schema: {errors:?}\n{r:#}"
        );
        let Some(text) = r["text"].as_str() else {
            continue;
        };
        for key in ["sentences", "entities"] {
            for item in r[key].as_array().unwrap() {
                let got = slice(
                    text,
                    item["start"].as_u64().unwrap(),
                    item["end"].as_u64().unwrap(),
                );
                assert_eq!(got, item["text"].as_str().unwrap(), "{key} offsets");
            }
        }
        for s in r["sentences"].as_array().unwrap() {
            let section = s["section"].as_u64().unwrap() as usize;
            assert!(section < r["sections"].as_array().unwrap().len());
            for e in s["entities"].as_array().unwrap() {
                let e = &r["entities"][e.as_u64().unwrap() as usize];
                assert!(
                    e["start"].as_u64() >= s["start"].as_u64()
                        && e["end"].as_u64() <= s["end"].as_u64()
                );
            }
        }
    }
}

fn headings(r: &Value) -> Vec<Value> {
    r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["heading"].clone())
        .collect()
}

fn company_ids(r: &Value) -> Vec<String> {
    let mut ids: Vec<String> = r["companies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn headed_article_end_to_end() {
    let path = fixture("articles/headed.txt");
    let out = run(&["analyze", path.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    check_records(&recs);
    let r = &recs[0];
    assert_eq!(r["schema_version"], "1");
    assert_eq!(r["id"], path.to_str().unwrap());
    assert_eq!(
        headings(r),
        vec![
            Value::Null,
            json!("What Happened"),
            json!("Why It Matters"),
            json!("What To Watch")
        ]
    );
    assert_eq!(r["sentences"].as_array().unwrap().len(), 9);
    assert_eq!(company_ids(r), ["AMZN", "GOOGL", "MSFT"]);
    let azure = r["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["text"] == "Azure")
        .expect("Azure found");
    assert_eq!(
        (azure["type"].as_str(), azure["id"].as_str()),
        (Some("PRODUCT"), Some("MSFT"))
    );
    for s in r["sentences"].as_array().unwrap() {
        assert!(s["sentiment"]["label"].is_string());
        assert!(s["claim"]["label"].is_string());
    }
    assert!(r["sentiment"]["label"].is_string());
}

#[test]
fn every_input_kind() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    let body = "Shares of Apple Inc. rose 3% on Monday. The company said iPhone demand held up.";
    std::fs::write(p("a.txt"), body).unwrap();
    std::fs::write(
        p("b.md"),
        format!("# Apple rallies\n\n## What Happened\n\n{body}\n"),
    )
    .unwrap();
    std::fs::write(
        p("c.html"),
        format!("<html><head><title>Apple</title><script>var x = 1;</script></head><body><article><h2>What Happened</h2><p>{body}</p></article></body></html>"),
    )
    .unwrap();
    std::fs::write(
        p("d.json"),
        json!({"id": "d1", "title": "T", "published": "2026-03-02", "body": body}).to_string(),
    )
    .unwrap();
    std::fs::write(
        p("e.jsonl"),
        format!(
            "{}\n{}\n",
            json!({"text": body}),
            json!({"id": "e2", "content": body})
        ),
    )
    .unwrap();
    let sub = p("nested/deeper");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("f.txt"), body).unwrap();

    let s = |name: &str| p(name).to_str().unwrap().to_string();
    let out = run(
        &[
            "analyze",
            &s("a.txt"),
            &s("b.md"),
            &s("c.html"),
            &s("d.json"),
            &s("e.jsonl"),
            &s("nested"),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    check_records(&recs);
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let e1 = format!("{}:1", s("e.jsonl"));
    let f = sub.join("f.txt");
    assert_eq!(
        ids,
        [
            s("a.txt").as_str(),
            &s("b.md"),
            &s("c.html"),
            "d1",
            &e1,
            "e2",
            f.to_str().unwrap()
        ]
    );
    for r in &recs {
        assert_eq!(company_ids(r), ["AAPL"], "{}", r["id"]);
        assert!(r["sentences"].as_array().unwrap().len() >= 2, "{}", r["id"]);
    }
    assert_eq!(recs[3]["title"], "T");
    assert_eq!(recs[3]["published"], "2026-03-02");
    assert!(
        headings(&recs[2]).contains(&json!("What Happened")),
        "HTML heading: {:?}",
        headings(&recs[2])
    );
    assert!(
        !recs[2]["text"].as_str().unwrap().contains("var x"),
        "script text leaked"
    );
    assert!(headings(&recs[1]).contains(&json!("What Happened")));

    // Standard input: JSON Lines, ids from "-:LINE".
    let stdin = format!(
        "{}\n{}\n",
        json!({"text": body}),
        json!({"id": "x", "text": body})
    );
    let out = run(&["analyze", "-"], Some(stdin.as_bytes()));
    assert!(out.status.success());
    let recs = records(&out);
    assert_eq!(
        recs.iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["-:1", "x"]
    );
    // No input named and a pipe on standard input: read it.
    let out = run(&["analyze"], Some(stdin.as_bytes()));
    assert!(out.status.success());
    assert_eq!(records(&out).len(), 2);
}

#[test]
fn bad_input_gets_error_records_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    let good = json!({"id": "ok", "text": "Tesla shares fell 4% after the recall."}).to_string();
    let jsonl = format!(
        "{good}\n{{\"id\": \"broken\", \"text\": \n{}\n{}\n   \n{good}\n",
        json!({"id": "nt", "title": "no text"}),
        json!({"id": "empty", "text": "  \n "})
    );
    std::fs::write(p("mixed.jsonl"), jsonl).unwrap();
    std::fs::write(p("binary.txt"), [0u8, 159, 146, 150, 0, 0, 1, 2, 3, 0, 255]).unwrap();
    std::fs::write(
        p("latin1.txt"),
        b"Soci\xe9t\xe9 G\xe9n\xe9rale shares rose.",
    )
    .unwrap();
    std::fs::write(p("empty.txt"), "").unwrap();
    let s = |name: &str| p(name).to_str().unwrap().to_string();

    let out = run(
        &[
            "analyze",
            &s("mixed.jsonl"),
            &s("binary.txt"),
            &s("latin1.txt"),
            &s("empty.txt"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "some articles failed: exit 1");
    let recs = records(&out);
    check_records(&recs);
    let summary: Vec<(String, bool)> = recs
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r.get("error").is_some(),
            )
        })
        .collect();
    let mixed = s("mixed.jsonl");
    assert_eq!(
        summary,
        [
            ("ok".to_string(), false),
            (format!("{mixed}:2"), true),
            ("nt".to_string(), true),
            ("empty".to_string(), true),
            ("ok".to_string(), false),
            (s("binary.txt"), true),
            (s("latin1.txt"), true),
            (s("empty.txt"), true),
        ]
    );
    let error = |i: usize| recs[i]["error"].as_str().unwrap().to_string();
    assert!(
        error(1).contains(&format!("{mixed}:2")) && error(1).contains("JSON"),
        "{}",
        error(1)
    );
    assert!(error(2).contains("text"), "{}", error(2));
    assert!(error(3).contains("empty"), "{}", error(3));
    assert!(error(5).contains("binary"), "{}", error(5));
    assert!(error(6).contains("UTF-8"), "{}", error(6));
    for r in recs.iter().filter(|r| r.get("error").is_some()) {
        assert_eq!(
            r.as_object().unwrap().len(),
            3,
            "error records hold id, source and error only: {r}"
        );
    }
}

#[test]
fn missing_path_is_a_usage_error_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.jsonl");
    let good = fixture("articles/headed.txt");
    let out = run(
        &[
            "analyze",
            good.to_str().unwrap(),
            "/no/such/file.txt",
            "-o",
            out_path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.txt"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
    // An unknown flag is a usage error too.
    assert_eq!(
        run(&["analyze", "--no-such-flag"], None).status.code(),
        Some(2)
    );
    // So is a held-out split of a file that has none.
    let out = run(&["eval", "--held-out", "corpus/gold/dev.jsonl"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format phrasebank"));
}

#[test]
fn output_file_is_written_whole_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    let lines: String = (0..500)
        .map(|i| json!({"id": format!("n{i}"), "text": format!("Article {i}. Nvidia shares rose {i}% on Friday.")}).to_string() + "\n")
        .collect();
    std::fs::write(&input, lines).unwrap();
    let out_path = dir.path().join("out.jsonl");
    let out = run(
        &[
            "analyze",
            input.to_str().unwrap(),
            "-o",
            out_path.to_str().unwrap(),
            "--threads",
            "2",
            "--no-text",
            "-q",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let recs = read_records(&out_path);
    let ids: Vec<String> = recs
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, (0..500).map(|i| format!("n{i}")).collect::<Vec<_>>());
    assert!(
        recs.iter().all(|r| r.get("text").is_none()),
        "--no-text leaves text out"
    );
    check_records(&recs);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file left behind: {names:?}");
}

#[test]
fn missing_output_folders_are_created() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out/nested/corpus.jsonl");
    let input = fixture("articles/headed.txt");
    let out = run(
        &[
            "analyze",
            input.to_str().unwrap(),
            "-o",
            out_path.to_str().unwrap(),
            "-q",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read_records(&out_path).len(), 1);
}

#[test]
fn unwritable_output_fails_cleanly() {
    // The output's folder cannot exist: a file of that name is in the way.
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "a file, not a folder").unwrap();
    let out_path = blocker.join("out.jsonl");
    let input = fixture("articles/headed.txt");
    let out = run(
        &[
            "analyze",
            input.to_str().unwrap(),
            "-o",
            out_path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("blocker"), "{stderr}");
    // One line, the cause said once.
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing written"
    );

    // The output path is a folder: the system's reason is said once, on one line.
    let out = run(
        &[
            "analyze",
            input.to_str().unwrap(),
            "-o",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert_eq!(stderr.matches("os error").count(), 1, "{stderr}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn large_article_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    let paragraph = "Intel Corp. said on Monday that revenue rose 3.5% to $12.1 billion. Analysts at the bank expect margins to recover next year, although costs remain high.\n\n";
    let big: String = paragraph.repeat(20 * 1024 * 1024 / paragraph.len() + 1);
    std::fs::write(&path, &big).unwrap();
    let out = run(
        &["analyze", path.to_str().unwrap(), "--no-text", "--fast"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    let n = recs[0]["sentences"].as_array().unwrap().len();
    assert_eq!(n, 2 * big.matches("Intel Corp.").count());
}

#[test]
fn closed_pipe_is_a_clean_exit() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    let line = json!({"text": "Boeing shares rose 1% on Tuesday after the delivery update."})
        .to_string()
        + "\n";
    std::fs::write(&input, line.repeat(20_000)).unwrap();
    let mut child = crate::util::finnews()
        .args(["analyze", input.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('{'));
    // The reader is gone: the next writes hit a closed pipe.
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "exit {status:?}, stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn schema_command_prints_the_schema() {
    let out = run(&["schema"], None);
    assert!(out.status.success());
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        schema["$defs"]["article"]["properties"]["schema_version"]["const"],
        "1"
    );
    // The schema rejects what analyze never writes.
    let v = validator();
    assert!(!v.is_valid(&json!({"id": "x", "source": "y"})));
    assert!(!v.is_valid(&json!({"id": "x", "source": "y", "error": "e", "extra": 1})));
    assert!(v.is_valid(&json!({"id": "x", "source": "y", "error": "e"})));
}
