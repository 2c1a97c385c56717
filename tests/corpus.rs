//! Integration tests: the labeled corpus is well formed (offsets, label sets, coverage, size).

use crate::util::root;
use serde_json::Value;

const SENTIMENTS: [&str; 3] = ["positive", "negative", "neutral"];
const CLAIMS: [&str; 4] = ["catalyst", "risk", "watch_item", "none"];
const TYPES: [&str; 8] = [
    "ORG", "PERSON", "LOC", "PRODUCT", "TICKER", "MONEY", "PERCENT", "DATE",
];

fn gold(split: &str) -> Vec<Value> {
    let path = root().join("corpus/gold").join(format!("{split}.jsonl"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

fn usize_of(v: &Value) -> usize {
    v.as_u64().expect("offset") as usize
}

/// What may lie between two sentences: white space, bullet markers, list numbers, headings.
fn gap_is_allowed(gap: &str, headings: &[&str]) -> bool {
    gap.lines().map(str::trim).all(|line| {
        line.is_empty()
            || matches!(line, "-" | "*" | "\u{2022}")
            || (line.len() <= 3
                && line
                    .trim_end_matches(['.', ')'])
                    .chars()
                    .all(|c| c.is_ascii_digit()))
            || headings.contains(&line.trim_start_matches('#').trim())
    })
}

fn check_article(r: &Value) {
    let id = r["id"].as_str().unwrap();
    let text = r["text"].as_str().unwrap();
    let n = text.chars().count();

    let sections = r["sections"].as_array().unwrap();
    let headings: Vec<&str> = sections
        .iter()
        .filter_map(|s| s["heading"].as_str())
        .collect();
    let mut prev_end = 0;
    for (k, s) in sections.iter().enumerate() {
        let (start, end) = (usize_of(&s["start"]), usize_of(&s["end"]));
        assert!(start <= end && end <= n, "{id}: section {k} bounds");
        assert!(
            chars(text, prev_end, start).trim().is_empty(),
            "{id}: gap before section {k}"
        );
        if let Some(h) = s["heading"].as_str() {
            let first_line = chars(text, start, end)
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            assert_eq!(
                first_line.trim_start_matches('#').trim(),
                h,
                "{id}: heading {k}"
            );
        } else {
            assert_eq!(k, 0, "{id}: only the lead has no heading");
        }
        prev_end = end;
    }
    assert!(
        chars(text, prev_end, n).trim().is_empty(),
        "{id}: text after the last section"
    );

    let sentences = r["sentences"].as_array().unwrap();
    let mut prev = 0;
    for s in sentences {
        let (start, end) = (usize_of(&s["start"]), usize_of(&s["end"]));
        assert!(
            prev <= start && start < end && end <= n,
            "{id}: sentence order"
        );
        let body = chars(text, start, end);
        assert_eq!(
            body.trim(),
            body,
            "{id}: sentence has surrounding white space"
        );
        assert!(
            gap_is_allowed(&chars(text, prev, start), &headings),
            "{id}: uncovered text before {body:?}"
        );
        assert!(
            SENTIMENTS.contains(&s["sentiment"].as_str().unwrap()),
            "{id}: sentiment"
        );
        assert!(
            CLAIMS.contains(&s["claim"].as_str().unwrap()),
            "{id}: claim"
        );
        prev = end;
    }
    assert!(
        chars(text, prev, n).trim().is_empty(),
        "{id}: text after the last sentence"
    );

    let mut prev = 0;
    for e in r["entities"].as_array().unwrap() {
        let (start, end) = (usize_of(&e["start"]), usize_of(&e["end"]));
        assert!(
            prev <= start && start < end,
            "{id}: mentions in order, not overlapping"
        );
        assert_eq!(
            chars(text, start, end),
            e["text"].as_str().unwrap(),
            "{id}: mention offsets"
        );
        assert!(TYPES.contains(&e["type"].as_str().unwrap()), "{id}: type");
        assert!(e["id"].is_null() || e["id"].is_string(), "{id}: id");
        assert!(
            sentences
                .iter()
                .any(|s| usize_of(&s["start"]) <= start && end <= usize_of(&s["end"])),
            "{id}: mention {} outside every sentence",
            e["text"]
        );
        prev = end;
    }
    if let Some(es) = r.get("entity_sentiment").and_then(Value::as_object) {
        for v in es.values() {
            assert!(
                SENTIMENTS.contains(&v.as_str().unwrap()),
                "{id}: entity sentiment"
            );
        }
    }
}

#[test]
fn gold_is_valid() {
    for split in ["train", "dev"] {
        for r in gold(split) {
            check_article(&r);
        }
    }
}

#[test]
fn corpus_meets_its_counts() {
    let (train, dev) = (gold("train"), gold("dev"));
    assert!(dev.len() >= 15, "dev holds at least 15 articles");
    assert!(train.len() + dev.len() >= 60, "at least 60 articles");
    let sentences: usize = train
        .iter()
        .chain(&dev)
        .map(|r| r["sentences"].as_array().unwrap().len())
        .sum();
    assert!(
        sentences >= 900,
        "at least 900 labeled sentences, got {sentences}"
    );
    let ids = |rs: &[Value]| {
        rs.iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let (t, d) = (ids(&train), ids(&dev));
    assert!(
        t.iter().all(|id| !d.contains(id)),
        "train and dev are disjoint"
    );
    // Every article of the gold files is in corpus/articles, unchanged.
    for r in train.iter().chain(&dev) {
        let id = r["id"].as_str().unwrap();
        let dir = root().join("corpus/articles");
        let text = ["txt", "md"]
            .iter()
            .find_map(|ext| std::fs::read_to_string(dir.join(format!("{id}.{ext}"))).ok())
            .unwrap_or_else(|| panic!("corpus/articles/{id}.txt or .md"));
        assert_eq!(
            text,
            r["text"].as_str().unwrap(),
            "{id}: gold text differs from the article file"
        );
    }
}
