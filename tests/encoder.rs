//! Integration tests: the encoder, the model sentiment stage and the trainer.

use crate::util;
use finnews::document::{Document, Polarity, Sentence, Sentiment, Span};
use finnews::encoder::{Checkpoint, Config, SentimentModel};
use finnews::{Stage, train};
use std::sync::OnceLock;

/// The shipped model, loaded once for every test.
fn model() -> &'static SentimentModel {
    static MODEL: OnceLock<SentimentModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        SentimentModel::embedded(&Config::default()).expect("the shipped model loads")
    })
}

fn probs(s: &Sentiment) -> [f32; 3] {
    let p = s.probs.expect("the model gives probabilities");
    [p.positive, p.negative, p.neutral]
}

fn assert_close(a: &Sentiment, b: &Sentiment, tol: f32) {
    assert_eq!(a.label, b.label);
    for (x, y) in probs(a).iter().zip(probs(b)) {
        assert!((x - y).abs() <= tol, "{:?} vs {:?}", probs(a), probs(b));
    }
}

/// A document whose sentences are the given texts, one a line.
fn doc(id: &str, sentences: &[&str]) -> Document {
    let mut doc = Document::from_text(id, &sentences.join("\n"));
    let mut start = 0;
    for s in sentences {
        doc.sentences.push(Sentence {
            span: Span::new(start, start + s.len()),
            section: 0,
            sentiment: None,
            claim: None,
            entities: vec![],
        });
        start += s.len() + 1;
    }
    doc
}

#[test]
fn shipped_model_loads_and_fits_in_the_repository() {
    let m = model();
    assert_eq!(m.encoder().hidden_size(), 384);
    assert_eq!(m.head().labels().len(), 3);
    let dir = util::root().join("models/sentiment");
    for name in [
        "model.safetensors",
        "config.json",
        "tokenizer.json",
        "MODEL_CARD.md",
    ] {
        let size = std::fs::metadata(dir.join(name))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(size > 0 && size <= 50 * 1024 * 1024, "{name}: {size} bytes");
    }
    let tokenizer = std::fs::read_to_string(dir.join("tokenizer.json")).unwrap();
    let tokenizer: serde_json::Value = serde_json::from_str(&tokenizer).unwrap();
    assert!(
        tokenizer["padding"].is_null(),
        "the shipped tokenizer must not pad"
    );
}

#[test]
fn obvious_sentences_get_the_right_label() {
    let texts = [
        "Quarterly net profit more than doubled and the company raised its full-year outlook.",
        "Record orders lifted revenue 25% above analyst estimates.",
        "The company swung to a heavy loss and cut 2,000 jobs as sales collapsed.",
        "Shares plunged after the lender warned of rising bad loans and suspended its dividend.",
        "The annual general meeting will be held in Helsinki on 14 April.",
    ];
    let want = [
        Polarity::Positive,
        Polarity::Positive,
        Polarity::Negative,
        Polarity::Negative,
        Polarity::Neutral,
    ];
    let got = model().predict(&texts).unwrap();
    for ((t, w), g) in texts.iter().zip(want).zip(&got) {
        assert_eq!(g.label, w, "{t}: {g:?}");
        let sum: f32 = probs(g).iter().sum();
        assert!((sum - 1.0).abs() < 1e-4, "{sum}");
        assert!((g.score - probs(g).iter().cloned().fold(0.0, f32::max)).abs() < 1e-6);
    }
}

#[test]
fn batching_does_not_change_results() {
    let target = "Operating profit fell to EUR 3.1 mn from EUR 5.6 mn a year earlier.";
    let alone = model().predict(&[target]).unwrap().remove(0);
    let mut others = vec![
        "Costs rose.",
        "The group expects its net sales in 2026 to stay at last year's level, the board said in a statement on Tuesday after markets closed.",
        target,
        "Orders were flat.",
    ];
    // Enough sentences for several batches, so the target shares one with strangers.
    let filler: Vec<String> = (0..40)
        .map(|i| format!("Sales in region {i} grew by {i} percent."))
        .collect();
    others.extend(filler.iter().map(String::as_str));
    let batched = model().predict(&others).unwrap();
    assert_close(&alone, &batched[2], 1e-4);
    // The embeddings themselves agree too.
    let e1 = model().encoder().embed(&[target]).unwrap();
    let e2 = model().encoder().embed(&others).unwrap();
    for (a, b) in e1[0].iter().zip(&e2[2]) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
}

#[test]
fn runs_are_deterministic() {
    let texts = [
        "Revenue rose 8%.",
        "The bank cut its forecast.",
        "The meeting is on Friday.",
    ];
    let a = model().predict(&texts).unwrap();
    let b = model().predict(&texts).unwrap();
    assert_eq!(a, b);
}

#[test]
fn worker_threads_do_not_change_results() {
    // Batches run one per worker thread; the number of workers must not show in the output.
    let texts: Vec<String> = (0..100)
        .map(|i| format!("Quarterly sales in unit {i} fell {} percent.", i % 7))
        .collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            (
                model().predict(&texts).unwrap(),
                model().encoder().embed(&texts).unwrap(),
            )
        })
    };
    let (one, one_emb) = run(1);
    let (three, three_emb) = run(3);
    assert_eq!(one, three);
    assert_eq!(one_emb, three_emb);
}

#[test]
fn very_long_sentences_are_cut_not_fatal() {
    let long = "profit ".repeat(5_000) + "fell.";
    let out = model().predict(&[long.as_str(), "", "   "]).unwrap();
    assert_eq!(out.len(), 3);
    for s in &out {
        let sum: f32 = probs(s).iter().sum();
        assert!((sum - 1.0).abs() < 1e-4);
    }
    assert!(
        model().encoder().tokenize(&long).unwrap().len() <= model().encoder().config().max_tokens
    );
}

#[test]
fn stage_scores_every_sentence_of_every_document() {
    let mut a = doc(
        "a",
        &[
            "Net sales increased 15% to EUR 40 mn.",
            "The plant will be closed.",
        ],
    );
    let mut b = doc("b", &[]);
    let mut c = doc(
        "c",
        &["Profit warning: earnings will fall short of guidance."],
    );
    let mut alone = a.clone();
    let results = model().apply_batch(&mut [&mut a, &mut b, &mut c]);
    assert!(results.iter().all(|r| r.is_ok()));
    assert!(
        a.sentences
            .iter()
            .chain(&c.sentences)
            .all(|s| s.sentiment.is_some())
    );
    model().apply(&mut alone).unwrap();
    for (x, y) in a.sentences.iter().zip(&alone.sentences) {
        assert_close(
            x.sentiment.as_ref().unwrap(),
            y.sentiment.as_ref().unwrap(),
            1e-4,
        );
    }
    assert_eq!(model().name(), "sentiment");
}

/// Writes a tiny Financial PhraseBank-style data folder of our own sentences.
fn tiny_data(dir: &std::path::Path) {
    let mut tsv = String::from("text\tlabel\tagree\n");
    let rows = [
        ("Net sales rose {} percent .", "positive"),
        ("Operating loss widened to EUR {} mn .", "negative"),
        ("The company has {} employees .", "neutral"),
    ];
    for i in 0..12 {
        for (t, l) in rows {
            tsv.push_str(&format!(
                "{}\t{l}\t{}\n",
                t.replace("{}", &(i + 2).to_string()),
                if i % 2 == 0 { 100 } else { 66 }
            ));
        }
    }
    std::fs::create_dir_all(dir.join("fpb")).unwrap();
    std::fs::write(dir.join("fpb/train.tsv"), tsv).unwrap();
}

#[test]
fn training_is_reproducible_and_writes_a_loadable_model() {
    let tmp = tempfile::tempdir().unwrap();
    tiny_data(&tmp.path().join("data"));
    let run = |out: &str| {
        let config = train::Config {
            data_dir: tmp.path().join("data"),
            // The shipped model serves as the base: any BERT-family checkpoint does.
            base_model: util::root().join("models/sentiment"),
            out: tmp.path().join(out),
            epochs: 1,
            batch_size: 4,
            max_tokens: 16,
            max_steps: Some(2),
            verbose: false,
            ..train::Config::default()
        };
        train::train(&config).unwrap()
    };
    let first = run("a");
    let second = run("b");
    assert_eq!(first.epochs[0].train_loss, second.epochs[0].train_loss);
    assert_eq!(first.best, second.best);
    assert_eq!(first.validation_sentences, 6);
    let weights = |d: &str| std::fs::read(tmp.path().join(d).join("model.safetensors")).unwrap();
    assert!(weights("a") == weights("b"), "same seed, same weights");

    let card = std::fs::read_to_string(tmp.path().join("a/MODEL_CARD.md")).unwrap();
    assert!(card.contains("CC BY-NC-SA 3.0") && card.contains("finnews train sentiment"));
    let trained = SentimentModel::new(
        &Checkpoint::from_dir(&tmp.path().join("a")).unwrap(),
        &Config::default(),
    )
    .unwrap();
    assert_eq!(trained.predict(&["Sales rose."]).unwrap().len(), 1);
}
