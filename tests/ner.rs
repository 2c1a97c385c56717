//! Integration tests: the NER head on the model path, its merge with the rule entities, and
//! its trainer.

use finnews::document::{Document, Entity, EntityType};
use finnews::entities::ner::{self, NerHead, NerModel};
use finnews::pipeline::{Config, Pipeline};
use std::sync::OnceLock;

/// The default (model) pipeline and the rules-only one, built once.
fn pipelines() -> &'static (Pipeline, Pipeline) {
    static P: OnceLock<(Pipeline, Pipeline)> = OnceLock::new();
    P.get_or_init(|| {
        (
            Pipeline::default_pipeline().expect("the model pipeline builds"),
            Pipeline::fast().expect("the rules pipeline builds"),
        )
    })
}

fn run(pipeline: &Pipeline, text: &str) -> Document {
    let mut doc = Document::from_text("t", text);
    pipeline.run(&mut doc).expect("the pipeline runs");
    doc
}

fn find<'a>(doc: &'a Document, text: &str) -> Option<&'a Entity> {
    doc.entities.iter().find(|e| doc.slice(e.span) == text)
}

#[test]
fn the_shipped_head_fits_the_shipped_encoder() {
    let model = NerModel::embedded(&ner::Config::default());
    assert!(model.is_ok(), "{:?}", model.err());
    let head = NerHead::embedded().unwrap();
    assert_eq!(head.config().labels, ner::LABELS);
    assert_eq!(head.config().extra_features, ner::EXTRA);
}

#[test]
fn unknown_firms_and_people_are_found() {
    let text = "Shares of Quillfeather Robotics jumped 8% on Tuesday after its chief executive, \
                Marisol Okafor, said the firm had won a supply contract from Brantley Freight.";
    let (model, fast) = pipelines();
    let doc = run(model, text);
    let org = find(&doc, "Quillfeather Robotics").expect("the unknown firm is found");
    assert_eq!(org.kind, EntityType::Org);
    assert_eq!(org.id, None);
    let person = find(&doc, "Marisol Okafor").expect("the unknown person is found");
    assert_eq!(person.kind, EntityType::Person);
    // The rules alone know neither firm.
    let rules = run(fast, text);
    assert!(find(&rules, "Quillfeather Robotics").is_none());
    // Values and dates come from the patterns either way.
    for (s, kind) in [("8%", EntityType::Percent), ("Tuesday", EntityType::Date)] {
        assert_eq!(find(&doc, s).map(|e| e.kind), Some(kind), "{s}");
    }
}

#[test]
fn linked_companies_tickers_and_values_stay_as_the_rules_found_them() {
    let text = "Microsoft (NASDAQ: MSFT) rose 3% to $410.20 on Wednesday, July 1, 2026, while \
                Amazon Web Services cut prices in Ireland.";
    let (model, fast) = pipelines();
    let doc = run(model, text);
    let rules = run(fast, text);
    let kept = |e: &Entity| {
        e.id.is_some() || !matches!(e.kind, EntityType::Org | EntityType::Person | EntityType::Loc)
    };
    for e in rules.entities.iter().filter(|e| kept(e)) {
        assert!(doc.entities.contains(e), "{:?} ({}) was lost", e, rules.slice(e.span));
    }
    let msft = find(&doc, "Microsoft").expect("Microsoft");
    assert_eq!(msft.id.as_deref(), Some("MSFT"));
}

#[test]
fn merged_entities_are_sorted_disjoint_and_indexed_by_sentence() {
    let text = "Harlow & Pike Capital said on Monday it had hired Tobias Wren from Corvane Bank \
                in Lisbon.\n\nThe Nordvik Group, Tesla (TSLA) and Apple each reported gains of \
                more than 5%. Analysts at Fenwick Securities expect Dana Whitfield, the chief \
                financial officer, to present in São Paulo next week.";
    let doc = run(&pipelines().0, text);
    for w in doc.entities.windows(2) {
        assert!(w[0].span.end <= w[1].span.start, "{:?} overlaps {:?}", w[0], w[1]);
    }
    let mut indexed = Vec::new();
    for s in &doc.sentences {
        for &i in &s.entities {
            assert!(s.span.contains(doc.entities[i].span));
            indexed.push(i);
        }
    }
    assert_eq!(indexed, (0..doc.entities.len()).collect::<Vec<_>>());
    // Every span lies on character boundaries and holds no surrounding space.
    for e in &doc.entities {
        let s = doc.slice(e.span);
        assert_eq!(s, s.trim(), "{e:?}");
    }
}

#[test]
fn non_ascii_text_and_long_sentences_are_safe() {
    let mut text = String::from("Zoë Brandt of Ærø Holdings met Müller-Weiß in Zürich. ");
    // One sentence far beyond the encoder's window: the words past it get no model tags.
    for i in 0..400 {
        text.push_str(&format!("Kestrel{i} "));
    }
    text.push('.');
    let doc = run(&pipelines().0, &text);
    for e in &doc.entities {
        assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
    }
}

#[test]
fn the_head_can_be_switched_off() {
    let text = "Shares of Quillfeather Robotics jumped after the deal.";
    let mut config = Config::default();
    config.ner.enabled = false;
    let pipeline = Pipeline::new(&config).unwrap();
    let doc = run(&pipeline, text);
    assert!(find(&doc, "Quillfeather Robotics").is_none());
}

/// A FiNER-ORD-style token CSV of our own sentences.
fn finer_csv(sentences: &[&[(&str, u8)]]) -> String {
    let mut csv = String::from("gold_label,gold_token,doc_idx,sent_idx\n");
    for (k, s) in sentences.iter().enumerate() {
        for (token, label) in s.iter() {
            let token = if token.contains(',') {
                format!("\"{token}\"")
            } else {
                token.to_string()
            };
            csv.push_str(&format!("{label},{token},{},{k}\n", k / 2));
        }
    }
    csv
}

#[test]
fn the_trainer_writes_a_head_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("finer-ord")).unwrap();
    let s1: &[(&str, u8)] = &[
        ("Talbot", 5),
        ("Mining", 6),
        ("hired", 0),
        ("Ines", 1),
        ("Varga", 2),
        ("in", 0),
        ("Perth", 3),
        (".", 0),
    ];
    let s2: &[(&str, u8)] = &[
        ("Profit", 0),
        ("rose", 0),
        (",", 0),
        ("said", 0),
        ("Omar", 1),
        ("Lind", 2),
        (".", 0),
    ];
    let csv = finer_csv(&[s1, s2, s1, s2]);
    std::fs::write(data.join("finer-ord/train.csv"), &csv).unwrap();
    std::fs::write(data.join("finer-ord/val.csv"), &csv).unwrap();
    let config = finnews::train::ner::Config {
        data_dir: data,
        encoder: crate::util::root().join("models/sentiment"),
        out: dir.path().join("ner"),
        cache: dir.path().join("cache"),
        held_out: 0.5,
        epochs: 2,
        batch_size: 8,
        verbose: false,
        ..Default::default()
    };
    let report = finnews::train::ner::train(&config).unwrap();
    assert_eq!(report.documents, [1, 1, 2]);
    assert_eq!(report.epochs.len(), 2);
    for f in ["head.safetensors", "config.json", "MODEL_CARD.md", "report.json"] {
        assert!(config.out.join(f).exists(), "{f}");
    }
    let weights = std::fs::read(config.out.join("head.safetensors")).unwrap();
    let head_config = std::fs::read(config.out.join("config.json")).unwrap();
    let head = NerHead::from_bytes(&weights, &head_config).unwrap();
    assert_eq!(head.config().encoder_fingerprint, report.encoder_fingerprint);
    let card = std::fs::read_to_string(config.out.join("MODEL_CARD.md")).unwrap();
    assert!(card.contains("CC BY-NC 4.0"));
    // A second run reads the cached hidden states.
    let again = finnews::train::ner::train(&config).unwrap();
    assert_eq!(again.feature_seconds, 0.0);
    assert_eq!(again.held, report.held);
}
