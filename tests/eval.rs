//! Integration tests: `eval`, end to end for every format, on small files of our own.
//!
//! The stages' quality varies, so these tests check what holds for any pipeline: the keys of
//! the report, scores in `[0, 1]`, and counts that add up to the gold (`tp + fn`). The metric
//! arithmetic itself is tested on hand-built predictions in `src/eval/metrics.rs` and
//! `src/eval/gold.rs`.

use finnews::Pipeline;
use finnews::eval::{Format, evaluate};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn pipeline() -> Pipeline {
    Pipeline::default_pipeline().expect("default pipeline builds")
}

/// The code-point span of the `nth` occurrence of `needle` in `text`.
fn span(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let (byte, _) = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

/// Checks a score object: the six keys, ratios in [0, 1], and returns its `(tp, fp, fn)`.
fn score(v: &Value) -> (u64, u64, u64) {
    for key in ["p", "r", "f1"] {
        let x = v[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} missing in {v}"));
        assert!((0.0..=1.0).contains(&x), "{key} = {x}");
    }
    (
        v["tp"].as_u64().unwrap(),
        v["fp"].as_u64().unwrap(),
        v["fn"].as_u64().unwrap(),
    )
}

/// Checks a labeled-stage object and returns its `n`.
fn labeled(v: &Value) -> u64 {
    for key in ["accuracy", "macro_f1"] {
        let x = v[key].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&x), "{key} = {x}");
    }
    let n = v["n"].as_u64().unwrap();
    assert!(v["correct"].as_u64().unwrap() <= n);
    let matrix = v["confusion"]["matrix"].as_array().unwrap();
    let total: u64 = matrix
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(total, n, "the confusion matrix counts every item");
    for by_label in v["by_label"].as_object().unwrap().values() {
        score(by_label);
    }
    n
}

const LEAD: &str = "Northwind Foods said on Tuesday that quarterly revenue rose 8% to $2.1 billion. \
                    Chief executive Dana Whitlock called the result a turning point.";
const BODY: &str = "Margins widened because fuel costs fell. Analysts will watch the March 3 guidance update. \
                    Rival Crestline Grocers cut prices in Zürich, which could pressure sales.";

/// One plain article with a heading, one Markdown article; offsets computed from the texts.
fn gold_lines() -> (String, Value) {
    let text = format!("{LEAD}\n\nWhat Changed\n{BODY}");
    let sentences = [
        (
            "Northwind Foods said on Tuesday that quarterly revenue rose 8% to $2.1 billion.",
            "positive",
            "catalyst",
        ),
        (
            "Chief executive Dana Whitlock called the result a turning point.",
            "positive",
            "none",
        ),
        (
            "Margins widened because fuel costs fell.",
            "positive",
            "catalyst",
        ),
        (
            "Analysts will watch the March 3 guidance update.",
            "neutral",
            "watch_item",
        ),
        (
            "Rival Crestline Grocers cut prices in Zürich, which could pressure sales.",
            "negative",
            "risk",
        ),
    ];
    let entities = [
        ("Northwind Foods", "ORG", Some("NWF")),
        ("Tuesday", "DATE", None),
        ("8%", "PERCENT", None),
        ("$2.1 billion", "MONEY", None),
        ("Dana Whitlock", "PERSON", None),
        ("March 3", "DATE", None),
        ("Crestline Grocers", "ORG", Some("CRSG")),
        ("Zürich", "LOC", None),
    ];
    let heading = span(&text, "What Changed", 0);
    let first = json!({
        "id": "northwind",
        "title": "Northwind revenue rises",
        "text": text,
        "sections": [
            {"heading": null, "start": 0, "end": LEAD.chars().count()},
            {"heading": "What Changed", "start": heading.0, "end": text.chars().count()},
        ],
        "entities": entities.iter().map(|(t, kind, id)| {
            let (start, end) = span(&text, t, 0);
            json!({"start": start, "end": end, "text": t, "type": kind, "id": id})
        }).collect::<Vec<_>>(),
        "sentences": sentences.iter().map(|(s, sentiment, claim)| {
            let (start, end) = span(&text, s, 0);
            json!({"start": start, "end": end, "sentiment": sentiment, "claim": claim})
        }).collect::<Vec<_>>(),
        "entity_sentiment": {"NWF": "positive", "CRSG": "negative"},
    });

    let md = "Orbital Mining shares slid 4% after a mine flooded.\n\n## Next Steps\n\n- The board meets on Friday.\n";
    let (h_start, _) = span(md, "## Next Steps", 0);
    let (a, b) = span(md, "Orbital Mining shares slid 4% after a mine flooded.", 0);
    let (c, d) = span(md, "The board meets on Friday.", 0);
    let second = json!({
        "id": "orbital.md",
        "format": "markdown",
        "text": md,
        "sections": [
            {"heading": null, "start": 0, "end": b},
            {"heading": "Next Steps", "start": h_start, "end": d},
        ],
        "entities": [
            {"start": a, "end": a + 14, "text": "Orbital Mining", "type": "ORG", "id": "ORBM"},
        ],
        "sentences": [
            {"start": a, "end": b, "sentiment": "negative", "claim": "risk"},
            {"start": c, "end": d, "sentiment": "neutral", "claim": "watch_item"},
        ],
    });
    let lines = format!("{first}\n\n{second}\n");
    (
        lines,
        json!({"headings": 2, "sentences": 7, "entities": 9, "ids": 3, "pairs": 2}),
    )
}

#[test]
fn gold_report_has_every_stage_and_consistent_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (lines, expected) = gold_lines();
    let path = write(dir.path(), "gold.jsonl", &lines);
    let report = evaluate(&path, Format::Gold, &pipeline()).expect("evaluates");
    let v = report.to_json();

    assert_eq!(v["format"], "gold");
    assert_eq!(v["articles"], 2);
    assert!(
        v["failures"].as_array().unwrap().is_empty(),
        "{}",
        v["failures"]
    );

    let (tp, _, fn_) = score(&v["sections"]);
    assert_eq!(tp + fn_, expected["headings"].as_u64().unwrap());
    let (tp, _, fn_) = score(&v["sentences"]);
    assert_eq!(tp + fn_, expected["sentences"].as_u64().unwrap());
    let (tp, fp, fn_) = score(&v["entities"]["overall"]);
    assert_eq!(tp + fn_, expected["entities"].as_u64().unwrap());
    let by_type = v["entities"]["by_type"].as_object().unwrap();
    assert_eq!(by_type.len(), 8);
    let summed = by_type
        .values()
        .map(score)
        .fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
    assert_eq!(
        summed,
        (tp, fp, fn_),
        "per-type counts add up to the overall counts"
    );
    assert_eq!(score(&by_type["ORG"]).0 + score(&by_type["ORG"]).2, 3);
    let (tp, _, fn_) = score(&v["linked_ids"]);
    assert_eq!(tp + fn_, expected["ids"].as_u64().unwrap());

    assert_eq!(labeled(&v["sentiment"]), 7);
    assert!(v["sentiment"]["unmatched"].as_u64().unwrap() <= 7);
    assert_eq!(
        v["sentiment"]["confusion"]["predicted"],
        json!(["positive", "negative", "neutral", "none"])
    );
    assert_eq!(labeled(&v["claims"]), 7);
    assert_eq!(
        v["claims"]["confusion"]["labels"],
        json!(["catalyst", "risk", "watch_item", "none"])
    );
    let claims_by_label = v["claims"]["by_label"].as_object().unwrap();
    assert_eq!(
        claims_by_label.keys().collect::<Vec<_>>(),
        ["catalyst", "risk", "watch_item"]
    );
    let catalyst = score(&claims_by_label["catalyst"]);
    assert_eq!(catalyst.0 + catalyst.2, 2);
    let es = &v["entity_sentiment"];
    assert_eq!(es["n"], expected["pairs"]);
    assert!(es["accuracy"].as_f64().unwrap() <= 1.0);

    let mut table = Vec::new();
    report.write_table(&mut table).unwrap();
    let table = String::from_utf8(table).unwrap();
    for needle in [
        "2 articles",
        "headings",
        "boundaries",
        "linked ids",
        "macro-F1",
        "entity sentiment",
    ] {
        assert!(table.contains(needle), "table lacks {needle:?}:\n{table}");
    }
}

#[test]
fn gold_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = pipeline();

    let path = write(
        dir.path(),
        "bad.jsonl",
        "{\"text\": \"Fine.\"}\n{\"text\": oops}\n",
    );
    let err = evaluate(&path, Format::Gold, &p).unwrap_err().to_string();
    assert!(err.contains("bad.jsonl:2"), "{err}");

    let record = json!({"text": "Acme rose.", "entities": [{"start": 0, "end": 3, "text": "Acme", "type": "ORG"}]});
    let path = write(dir.path(), "span.jsonl", &format!("{record}\n"));
    let err = evaluate(&path, Format::Gold, &p).unwrap_err().to_string();
    assert!(
        err.contains("span.jsonl:1") && err.contains("\"Acm\""),
        "{err}"
    );

    let record = json!({"text": "Acme rose.", "sentences": [{"start": 0, "end": 10, "sentiment": "upbeat"}]});
    let path = write(dir.path(), "label.jsonl", &format!("{record}\n"));
    assert!(evaluate(&path, Format::Gold, &p).is_err());

    let missing = dir.path().join("missing.jsonl");
    assert!(matches!(
        evaluate(&missing, Format::Gold, &p),
        Err(finnews::Error::MissingInput { .. })
    ));
}

#[test]
fn stages_missing_from_the_gold_are_not_scored() {
    let dir = tempfile::tempdir().unwrap();
    let record = json!({"id": "bare", "text": "Acme Corp raised its outlook. Shares rose 3%."});
    let path = write(dir.path(), "bare.jsonl", &format!("{record}\n"));
    let v = evaluate(&path, Format::Gold, &pipeline())
        .unwrap()
        .to_json();
    assert_eq!(v["articles"], 1);
    for key in ["sections", "sentences", "linked_ids"] {
        let (tp, _, fn_) = score(&v[key]);
        assert_eq!(tp + fn_, 0, "{key}");
        assert_eq!(
            v[key]["fp"], 0,
            "{key}: nothing to compare with, nothing counted"
        );
    }
    assert_eq!(labeled(&v["sentiment"]), 0);
    assert_eq!(v["entity_sentiment"]["n"], 0);
}

#[test]
fn phrasebank_reports_all_and_full_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = "text\tlabel\tagree\n\
               Operating profit rose to EUR 12 million from EUR 9 million .\tpositive\t100\n\
               The company will hold its annual meeting in April .\tneutral\t100\n\
               Net sales fell 20 % as demand weakened .\tnegative\t75\n\
               \n\
               The plant employs about 300 people .\tneutral\t50\n";
    let path = write(dir.path(), "fpb.tsv", tsv);
    let report = evaluate(&path, Format::Phrasebank, &pipeline()).unwrap();
    let v = report.to_json();
    assert_eq!(v["format"], "phrasebank");
    assert_eq!(v["articles"], 4);
    assert_eq!(labeled(&v["sentiment"]), 4);
    assert_eq!(labeled(&v["sentiment_agree_100"]), 2);
    for key in ["sections", "entities", "claims"] {
        assert!(v.get(key).is_none(), "{key} is not scored on PhraseBank");
    }
    let mut table = Vec::new();
    report.write_table(&mut table).unwrap();
    assert!(
        String::from_utf8(table)
            .unwrap()
            .contains("sentiment (agree 100)")
    );

    let path = write(
        dir.path(),
        "bad.tsv",
        "text\tlabel\tagree\nProfit rose .\tupbeat\t100\n",
    );
    let err = evaluate(&path, Format::Phrasebank, &pipeline())
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.tsv:2") && err.contains("upbeat"), "{err}");
}

#[test]
fn phrasebank_held_out_scores_the_sentences_the_trainer_holds_out() {
    use finnews::eval::{HeldOut, evaluate_held_out};
    use finnews::train::data::{label_index, load_phrasebank, stratified_split};
    let dir = tempfile::tempdir().unwrap();
    let mut tsv = String::from("text\tlabel\tagree\n");
    for i in 0..60 {
        let (label, agree) = [("positive", 100), ("negative", 75), ("neutral", 50)][i % 3];
        tsv.push_str(&format!("Line {i} of the test file .\t{label}\t{agree}\n"));
    }
    let path = write(dir.path(), "fpb.tsv", &tsv);
    let split = HeldOut {
        fraction: 0.15,
        seed: 2014,
    };
    let v = evaluate_held_out(&path, split, &pipeline())
        .unwrap()
        .to_json();
    let (_, held) = stratified_split(load_phrasebank(&path).unwrap(), 0.15, 2014);
    assert_eq!(held.len(), 9);
    assert_eq!(v["articles"], 9);
    // Per gold label, as many lines scored as the trainer held out.
    for (i, label) in ["positive", "negative", "neutral"].into_iter().enumerate() {
        let expected = held
            .iter()
            .filter(|e| label_index(e.label) == i as u32)
            .count();
        let row = &v["sentiment"]["by_label"][label];
        let gold = row["tp"].as_u64().unwrap() + row["fn"].as_u64().unwrap();
        assert_eq!(gold, expected as u64, "{label}");
    }
    assert_eq!(labeled(&v["sentiment_agree_100"]), 3);
}

#[test]
fn finer_ord_counts_gold_entities_as_seqeval_does() {
    let dir = tempfile::tempdir().unwrap();
    // Document 0: "Maria Lopez joined Harbor Bank in Lisbon , Portugal ." / "Harbor Bank rose ."
    // Document 1: "Shares of Pinecrest Energy fell ." with an I- tag and no B- (one entity).
    let csv = "gold_label,gold_token,doc_idx,sent_idx\n\
               1,Maria,0,0\n2,Lopez,0,0\n0,joined,0,0\n5,Harbor,0,0\n6,Bank,0,0\n0,in,0,0\n\
               3,Lisbon,0,0\n0,\",\",0,0\n3,Portugal,0,0\n0,.,0,0\n\
               5,Harbor,0,1\n6,Bank,0,1\n0,rose,0,1\n0,.,0,1\n\
               0,Shares,1,0\n0,of,1,0\n6,Pinecrest,1,0\n6,Energy,1,0\n0,fell,1,0\n0,.,1,0\n";
    let path = write(dir.path(), "finer.csv", csv);
    let v = evaluate(&path, Format::FinerOrd, &pipeline())
        .unwrap()
        .to_json();
    assert_eq!(v["format"], "finer-ord");
    assert_eq!(v["articles"], 2);
    let by_type = v["entities"]["by_type"].as_object().unwrap();
    let gold = |t: &str| {
        let (tp, _, fn_) = score(&by_type[t]);
        tp + fn_
    };
    assert_eq!((gold("PER"), gold("LOC"), gold("ORG")), (1, 2, 3));
    let (tp, _, fn_) = score(&v["entities"]["overall"]);
    assert_eq!(tp + fn_, 6);
    assert!(v.get("sentiment").is_none());

    let path = write(
        dir.path(),
        "bad.csv",
        "gold_label,gold_token,doc_idx,sent_idx\n9,Acme,0,0\n",
    );
    let err = evaluate(&path, Format::FinerOrd, &pipeline())
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.csv:2"), "{err}");
}

#[test]
fn sentences_format_scores_the_splitter() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        json!({"text": "Revenue rose 5%. Costs fell.", "sentences": ["Revenue rose 5%.", "Costs fell."]}),
        json!({"text": "The firm, based in St. Louis, grew. It hired 40 people.",
               "sentences": ["The firm, based in St. Louis, grew.", "It hired 40 people."]}),
        json!({"text": "Déjà vu for Café Ltd. Its shares dipped again!",
               "sentences": ["Déjà vu for Café Ltd.", "Its shares dipped again!"]}),
    ];
    let lines: String = cases.iter().map(|c| format!("{c}\n")).collect();
    let path = write(dir.path(), "split.jsonl", &lines);
    // The splitter needs no pipeline; any pipeline is accepted.
    let v = evaluate(&path, Format::Sentences, &pipeline())
        .unwrap()
        .to_json();
    assert_eq!(v["format"], "sentences");
    assert_eq!(v["articles"], 3);
    let (tp, _, fn_) = score(&v["sentences"]);
    assert_eq!(tp + fn_, 6);
    let exact = &v["exact_splits"];
    assert_eq!(exact["n"], 3);
    assert!(exact["correct"].as_u64().unwrap() <= 3);

    let bad = json!({"text": "Revenue rose.", "sentences": ["Costs fell."]});
    let path = write(dir.path(), "bad.jsonl", &format!("{bad}\n"));
    let err = evaluate(&path, Format::Sentences, &pipeline())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad.jsonl:1") && err.contains("not found"),
        "{err}"
    );
}

#[test]
fn format_names_round_trip() {
    for f in Format::ALL {
        assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
    }
    assert!("conll".parse::<Format>().is_err());
}
