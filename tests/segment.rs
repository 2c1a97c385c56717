//! Integration tests: segment.
//!
//! Whole short articles (our own, written for these tests) through the section and sentence
//! stages, and the sentence splitter over every case in `corpus/sentences.jsonl`.

use finnews::document::{Format, Origin};
use finnews::segment::sections::{self, Sections};
use finnews::segment::sentences::{self, Sentences};
use finnews::{Document, Stage};

/// A section as (heading, text) and a sentence as (section index, text).
type Sec = (Option<String>, String);
type Sent = (usize, String);

/// Runs both stages; returns the sections and sentences as text.
fn segment(doc: &mut Document) -> (Vec<Sec>, Vec<Sent>) {
    Sections::new(&sections::Config::default())
        .apply(doc)
        .unwrap();
    Sentences::new(&sentences::Config::default())
        .apply(doc)
        .unwrap();
    let text = &doc.text;
    for s in &doc.sentences {
        let t = s.span.of(text);
        assert_eq!(t, t.trim(), "sentence with white space at an edge: {t:?}");
        assert!(doc.sections[s.section].span.contains(s.span));
    }
    let secs = doc
        .sections
        .iter()
        .map(|s| {
            (
                s.heading.map(|h| h.of(text).to_string()),
                s.span.of(text).to_string(),
            )
        })
        .collect();
    let sents = doc
        .sentences
        .iter()
        .map(|s| (s.section, s.span.of(text).to_string()))
        .collect();
    (secs, sents)
}

fn headings(secs: &[Sec]) -> Vec<Option<&str>> {
    secs.iter().map(|(h, _)| h.as_deref()).collect()
}

fn texts(sents: &[Sent]) -> Vec<&str> {
    sents.iter().map(|(_, s)| s.as_str()).collect()
}

#[test]
fn plain_headed_article() {
    let text = "Chipmaker Orbital Semiconductor rose 9% on Thursday after raising its outlook. \
The move lifted other chip stocks.\n\
What Happened\n\
Orbital Semiconductor (ORBS) said revenue would reach $4.1 billion this year. \
That is above the $3.8 billion analysts had expected.\n\
Why It Matters\n\
The company sells to data center builders. Demand from Acme Corp. Chief Executive Ann Lee's \
team has doubled.\n";
    let mut doc = Document::from_text("plain", text);
    let (secs, sents) = segment(&mut doc);
    assert_eq!(
        headings(&secs),
        [None, Some("What Happened"), Some("Why It Matters")]
    );
    assert_eq!(doc.sections[0].span.start, 0);
    assert!(secs[1].1.starts_with("What Happened\nOrbital"));
    assert!(secs[2].1.ends_with("has doubled."));
    assert_eq!(
        sents,
        [
            (
                0,
                "Chipmaker Orbital Semiconductor rose 9% on Thursday after raising its outlook."
                    .into()
            ),
            (0, "The move lifted other chip stocks.".into()),
            (
                1,
                "Orbital Semiconductor (ORBS) said revenue would reach $4.1 billion this year."
                    .into()
            ),
            (
                1,
                "That is above the $3.8 billion analysts had expected.".into()
            ),
            (2, "The company sells to data center builders.".into()),
            (
                2,
                "Demand from Acme Corp. Chief Executive Ann Lee's team has doubled.".into()
            ),
        ]
    );
}

#[test]
fn markdown_article() {
    let text = "# Lender Beats Estimates\n\n\
Shares of Harbor Bank rose 4% after results.\n\n\
## 1. Results\n\n\
Net income was $812 million, or $2.05 a share. The bank kept its dividend.\n\n\
## 2. Outlook ##\n\n\
Management expects:\n\n\
- loan growth of 3%\n\
- stable deposit costs\n";
    let mut doc = Document::new(
        "md",
        text,
        Origin {
            source: "md".into(),
            line: None,
        },
        Format::Markdown,
    );
    let (secs, sents) = segment(&mut doc);
    assert_eq!(
        headings(&secs),
        [
            Some("Lender Beats Estimates"),
            Some("1. Results"),
            Some("2. Outlook")
        ]
    );
    assert!(secs[0].1.starts_with("# Lender"));
    assert!(secs[2].1.ends_with("stable deposit costs"));
    assert_eq!(
        sents,
        [
            (0, "Shares of Harbor Bank rose 4% after results.".into()),
            (1, "Net income was $812 million, or $2.05 a share.".into()),
            (1, "The bank kept its dividend.".into()),
            (2, "Management expects:".into()),
            (2, "loan growth of 3%".into()),
            (2, "stable deposit costs".into()),
        ]
    );
}

#[test]
fn all_caps_and_numbered_headings() {
    let text = "Retailer Northwind Stores cut its forecast on Tuesday. Its shares fell 11%.\n\n\
RISKS AND OUTLOOK\n\
Inventories are high. Margins may shrink in the U.S. The company did not comment.\n\n\
1. Background\n\
Northwind has 900 stores in the U.S. and Canada.\n\
2) What To Watch\n\
Results are due on Nov. 19.\n";
    let mut doc = Document::from_text("caps", text);
    let (secs, sents) = segment(&mut doc);
    assert_eq!(
        headings(&secs),
        [
            None,
            Some("RISKS AND OUTLOOK"),
            Some("1. Background"),
            Some("2) What To Watch")
        ]
    );
    assert_eq!(
        texts(&sents),
        [
            "Retailer Northwind Stores cut its forecast on Tuesday.",
            "Its shares fell 11%.",
            "Inventories are high.",
            "Margins may shrink in the U.S.",
            "The company did not comment.",
            "Northwind has 900 stores in the U.S. and Canada.",
            "Results are due on Nov. 19.",
        ]
    );
    assert_eq!(sents[6].0, 3);
}

#[test]
fn wire_story_hard_wrapped_with_indented_paragraphs() {
    let text = "NEW YORK, March 3 (Newswire) -\n\
Shares of freight carrier Meridian Logistics Inc. jumped 14% on\n\
Monday after the company said it would sell its trucking unit to\n\
a rival for $2.2 billion.\n\
\x20   The deal, which needs approval from U.S. regulators, is\n\
expected to close in the third quarter. Meridian said the\n\
proceeds would go toward paying down debt.\n\
\x20   \"We are focusing on the business we do best,\" Chief\n\
Executive Dana Ortiz said in a statement.\n";
    let mut doc = Document::from_text("wire", text);
    let (secs, sents) = segment(&mut doc);
    assert_eq!(headings(&secs), [None]);
    assert_eq!(
        texts(&sents),
        [
            "NEW YORK, March 3 (Newswire) -\nShares of freight carrier Meridian Logistics Inc. jumped 14% on\n\
Monday after the company said it would sell its trucking unit to\na rival for $2.2 billion.",
            "The deal, which needs approval from U.S. regulators, is\nexpected to close in the third quarter.",
            "Meridian said the\nproceeds would go toward paying down debt.",
            "\"We are focusing on the business we do best,\" Chief\nExecutive Dana Ortiz said in a statement.",
        ]
    );
}

#[test]
fn wire_story_with_blank_line_paragraphs_and_a_heading() {
    let text = "The euro fell against the dollar on Friday as traders bet the\n\
central bank would cut rates again before the summer.\n\n\
Rates Outlook\n\n\
Economists at one bank said inflation had slowed faster than\n\
expected. They now see two more cuts this year.\n";
    let mut doc = Document::from_text("blank", text);
    let (secs, sents) = segment(&mut doc);
    assert_eq!(headings(&secs), [None, Some("Rates Outlook")]);
    assert_eq!(
        sents,
        [
            (
                0,
                "The euro fell against the dollar on Friday as traders bet the\n\
central bank would cut rates again before the summer."
                    .into()
            ),
            (
                1,
                "Economists at one bank said inflation had slowed faster than\nexpected.".into()
            ),
            (1, "They now see two more cuts this year.".into()),
        ]
    );
}

#[test]
fn bullets_byline_and_lead_without_heading() {
    let text = "By Sam Patel\n\
Quarterly results from cloud vendor Stratus Systems beat forecasts.\n\
Key Numbers\n\
Highlights from the report:\n\
• Revenue: $1.9 billion, up 22%\n\
• Operating margin: 18.5%\n\
- Customers: 41,000\n\
The shares rose 6% after hours.\n";
    let mut doc = Document::from_text("bullets", text);
    let (secs, sents) = segment(&mut doc);
    assert_eq!(headings(&secs), [None, Some("Key Numbers")]);
    assert_eq!(
        texts(&sents),
        [
            "By Sam Patel",
            "Quarterly results from cloud vendor Stratus Systems beat forecasts.",
            "Highlights from the report:",
            "Revenue: $1.9 billion, up 22%",
            "Operating margin: 18.5%",
            "Customers: 41,000",
            "The shares rose 6% after hours.",
        ]
    );
}

#[test]
fn article_starting_with_a_heading_has_no_lead() {
    let text = "What Happened\nShares of Acme rose 3% in early trading on Monday.\n";
    let mut doc = Document::from_text("nolead", text);
    let (secs, sents) = segment(&mut doc);
    assert_eq!(headings(&secs), [Some("What Happened")]);
    assert_eq!(doc.sections[0].span.start, 0);
    assert_eq!(
        texts(&sents),
        ["Shares of Acme rose 3% in early trading on Monday."]
    );
}

#[test]
fn empty_and_blank_documents() {
    for text in ["", "   ", "\n\n\t\n"] {
        let mut doc = Document::from_text("empty", text);
        let (secs, sents) = segment(&mut doc);
        assert!(secs.is_empty() && sents.is_empty());
    }
}

#[test]
fn sentences_without_the_sections_stage() {
    let mut doc = Document::from_text("solo", "Stocks rose. Bonds fell.");
    Sentences::new(&sentences::Config::default())
        .apply(&mut doc)
        .unwrap();
    assert_eq!(doc.sections.len(), 1);
    assert_eq!(doc.sentences.len(), 2);
}

#[test]
fn offsets_are_bytes_with_multibyte_text() {
    let text = "The company’s shares rose 5% to €12.40. Analysts – mostly bullish – agreed.";
    let mut spans = Vec::new();
    sentences::split(text, &mut spans);
    assert_eq!(spans.len(), 2);
    assert_eq!(spans[0].of(text), "The company’s shares rose 5% to €12.40.");
    assert_eq!(spans[1].of(text), "Analysts – mostly bullish – agreed.");
}

#[test]
fn large_article_is_linear() {
    // A 20 MB article of wrapped paragraphs, headings and bullets goes through in one pass.
    let unit = "Outlook\nShares of Acme Inc. rose 3.5% to $12.40 after the U.S. company\n\
said demand was strong. \"We grew.\" Analysts agreed.\n- Margins widened\n\n";
    let text = unit.repeat(20_000_000 / unit.len());
    let mut doc = Document::from_text("big", &text);
    Sections::new(&sections::Config::default())
        .apply(&mut doc)
        .unwrap();
    Sentences::new(&sentences::Config::default())
        .apply(&mut doc)
        .unwrap();
    let per_unit = 20_000_000 / unit.len();
    assert_eq!(doc.sentences.len(), 4 * per_unit);
}

#[derive(serde::Deserialize)]
struct Case {
    text: String,
    sentences: Vec<String>,
}

/// Every case in `corpus/sentences.jsonl`: the splitter must find exactly its sentences.
#[test]
fn sentence_corpus_pass_rate() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/sentences.jsonl");
    let data = std::fs::read_to_string(path).expect("corpus/sentences.jsonl");
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut total = 0;
    let mut spans = Vec::new();
    for (n, line) in data
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let case: Case =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        total += 1;
        spans.clear();
        sentences::split(&case.text, &mut spans);
        let got: Vec<&str> = spans.iter().map(|s| s.of(&case.text)).collect();
        // The expected sentences must be substrings in order; compare spans, not just texts.
        let mut at = 0;
        let mut want = Vec::new();
        for s in &case.sentences {
            let start = at
                + case.text[at..].find(s.as_str()).unwrap_or_else(|| {
                    panic!("line {}: {s:?} is not in the text after byte {at}", n + 1)
                });
            at = start + s.len();
            want.push((start, at));
        }
        let got_spans: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
        if got_spans == want {
            passed += 1;
        } else {
            failures.push(format!(
                "line {}: {:?}\n  want {:?}\n  got  {:?}",
                n + 1,
                case.text,
                case.sentences,
                got
            ));
        }
    }
    let rate = passed as f64 / total as f64;
    println!("sentence cases: {passed}/{total} ({:.1}%)", 100.0 * rate);
    for f in &failures {
        println!("{f}");
    }
    assert!(total >= 120, "only {total} cases");
    assert!(
        rate >= 0.98,
        "pass rate {:.3} below 0.98:\n{}",
        rate,
        failures.join("\n")
    );
}
