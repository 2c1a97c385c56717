//! Integration tests: sentiment.
//!
//! Sentences of our own through the `Lexicon` stage, built by hand as the sentence splitter
//! would leave them (no sections).

use crate::util::document_of;
use finnews::Stage;
use finnews::document::{Polarity, Sentiment};
use finnews::sentiment::{Config, Lexicon};

/// The sentiment of each sentence, run through the stage.
fn judge(sentences: &[&str]) -> Vec<Sentiment> {
    let mut doc = document_of(sentences);
    Lexicon::new(&Config::default())
        .unwrap()
        .apply(&mut doc)
        .unwrap();
    doc.sentences
        .iter()
        .map(|s| s.sentiment.expect("every sentence is scored"))
        .collect()
}

fn labels(sentences: &[&str]) -> Vec<Polarity> {
    judge(sentences).iter().map(|s| s.label).collect()
}

fn assert_all(want: Polarity, sentences: &[&str]) {
    for (s, got) in sentences.iter().zip(labels(sentences)) {
        assert_eq!(got, want, "{s}");
    }
}

#[test]
fn news_verbs_and_list_words() {
    assert_all(
        Polarity::Positive,
        &[
            "Shares of Corvid Labs surged 14% in early trading.",
            "Quarterly earnings beat estimates for the fifth straight quarter.",
            "The utility reported record revenue.",
            "Demand for the new scooters remained robust.",
        ],
    );
    assert_all(
        Polarity::Negative,
        &[
            "The stock plunged after the announcement.",
            "The brewer issued a profit warning on Monday.",
            "The airline missed analyst forecasts again.",
            "The chain announced layoffs at two warehouses.",
        ],
    );
}

#[test]
fn neutral_facts() {
    assert_all(
        Polarity::Neutral,
        &[
            "The company is headquartered in Leeds.",
            "The annual meeting takes place on 4 June.",
            "Shares closed at $31.20 on Friday.",
            "Net sales totalled EUR 84 million in the period.",
            "Financial terms of the agreement were not disclosed.",
            "The order book stood at EUR 1.1 billion at the end of March.",
        ],
    );
}

#[test]
fn direction_follows_the_metric() {
    assert_all(
        Polarity::Positive,
        &[
            "Brightline cut costs by 12% last year.",
            "The net loss narrowed to $4 million.",
            "Operating profit rose to EUR 9.3 mn from EUR 7.0 mn.",
            "Order intake increased by 22%.",
            "The miner reduced its debt by half.",
            "EBIT was EUR 2.0 mn, up from a loss of EUR 0.4 mn a year earlier.",
        ],
    );
    assert_all(
        Polarity::Negative,
        &[
            "Brightline cut its full-year forecast.",
            "Operating costs rose 9% in the quarter.",
            "Profit before taxes fell to EUR 3.1 mn.",
            "The operating loss widened to $12 million.",
            "The group will reduce its workforce by 300 people.",
        ],
    );
    // A quantity with no direction of its own stays neutral.
    assert_all(
        Polarity::Neutral,
        &["Copper prices were higher on Tuesday."],
    );
}

#[test]
fn negation() {
    let [missed, not_missed, profitable, no_longer] = labels(&[
        "Northwind missed estimates this quarter.",
        "Northwind did not miss estimates this quarter.",
        "The bakery chain is profitable.",
        "The bakery chain is no longer profitable.",
    ])[..] else {
        unreachable!()
    };
    assert_eq!(missed, Polarity::Negative);
    assert_ne!(not_missed, Polarity::Negative, "did not miss estimates");
    assert_eq!(profitable, Polarity::Positive);
    assert_eq!(no_longer, Polarity::Negative);
    assert_ne!(
        labels(&["The retailer did not cut its dividend."])[0],
        Polarity::Negative
    );
    assert_eq!(
        labels(&["The firm failed to increase sales."])[0],
        Polarity::Negative
    );
}

#[test]
fn intensity() {
    let s = judge(&[
        "Bookings rose slightly.",
        "Bookings rose.",
        "Bookings rose sharply.",
        "Bookings were significantly higher.",
    ]);
    let pos: Vec<f32> = s.iter().map(|x| x.probs.unwrap().positive).collect();
    assert!(pos[0] < pos[1] && pos[1] < pos[2], "{pos:?}");
    assert!(pos[3] > pos[1], "{pos:?}");
    assert_eq!(
        s[0].label,
        Polarity::Neutral,
        "a slight rise is weak evidence"
    );
    let neg = judge(&["Margins fell slightly.", "Margins fell steeply."]);
    assert!(neg[0].probs.unwrap().negative < neg[1].probs.unwrap().negative);
}

#[test]
fn contrast() {
    assert_eq!(
        labels(&["Quarterly sales climbed, but the operating loss widened sharply."]),
        [Polarity::Negative]
    );
    assert_eq!(
        labels(&["The operating loss widened, but sales climbed strongly."]),
        [Polarity::Positive]
    );
    assert_eq!(
        labels(&["Although margins narrowed, revenue surged."]),
        [Polarity::Positive]
    );
    assert_eq!(
        labels(&["Despite record deliveries, the carmaker swung to a loss."]),
        [Polarity::Negative]
    );
    assert_eq!(
        labels(&["While orders rose, the net loss widened."]),
        [Polarity::Negative]
    );
}

#[test]
fn scores_are_the_label_probability() {
    let all = judge(&[
        "Revenue jumped 30%.",
        "The factory is in Ohio.",
        "The company cut 400 jobs.",
        "",
    ]);
    for s in all {
        let p = s.probs.unwrap();
        assert!((p.positive + p.negative + p.neutral - 1.0).abs() < 1e-4);
        let want = match s.label {
            Polarity::Positive => p.positive,
            Polarity::Negative => p.negative,
            Polarity::Neutral => p.neutral,
        };
        assert_eq!(s.score, want);
        assert!(s.score >= 1.0 / 3.0);
    }
}

#[test]
fn spans_into_non_ascii_text() {
    // Curly quotes, accents and dashes around the words do not disturb scoring.
    let got = labels(&[
        "Café Noir\u{2019}s revenue rose 12% \u{2014} a record.",
        "\u{201c}We didn\u{2019}t miss our targets,\u{201d} the CEO said.",
    ]);
    assert_eq!(got[0], Polarity::Positive);
    assert_ne!(got[1], Polarity::Negative);
}

#[test]
fn custom_lists() {
    let lex = Lexicon::from_lists(
        &Config::default(),
        "splendid\n",
        "dismal\n",
        "pol\tmeh\t-0.2\n",
    )
    .unwrap();
    assert_eq!(lex.score("A splendid year.").label, Polarity::Positive);
    assert_eq!(lex.score("A dismal year.").label, Polarity::Negative);
    assert_eq!(lex.score("A meh year.").label, Polarity::Neutral);
    assert!(Lexicon::from_lists(&Config::default(), "", "", "pol\tmeh").is_err());
}

#[test]
fn companies_are_read_from_the_sentences_about_them() {
    use finnews::Pipeline;
    let text = "Nvidia raised its full-year forecast after data center sales jumped 40%. \
                Nvidia said demand for its chips remained strong. \
                The market for such chips also includes Advanced Micro Devices and Intel.";
    let mut doc = finnews::Document::from_text("t", text);
    Pipeline::fast().unwrap().run(&mut doc).unwrap();
    let company = |id: &str| {
        doc.companies
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("{id} not linked: {:?}", doc.companies))
    };
    // The main company, named most, takes the article's reading.
    assert_eq!(company("NVDA").sentiment, doc.sentiment);
    assert_eq!(doc.sentiment.unwrap().label, Polarity::Positive);
    // Named only inside a sentence about something else: neutral, without probabilities.
    for id in ["AMD", "INTC"] {
        let s = company(id).sentiment.unwrap();
        assert_eq!((s.label, s.probs), (Polarity::Neutral, None), "{id}");
    }
}
