//! Integration tests: claims on the model path, where one encoder pass feeds the sentiment
//! head and the learned claim head (`ModelStage`), beside the cue rules of `--fast`.
//!
//! Documents are built by hand from sentences of our own, each after a plain opening sentence
//! (the head reads where a sentence stands, and an article's lead is rarely background).

use crate::util::document_of;
use finnews::claims::model::{self, ClaimModel, FeatureGroup};
use finnews::claims::{self, Cues};
use finnews::document::{Claim, ClaimLabel};
use finnews::encoder::{self, ModelStage, SENTIMENT_WEIGHTS};
use finnews::{Document, Pipeline, Stage};
use std::sync::OnceLock;

const LEAD: &str = "The company published its quarterly report on Monday.";

/// The shipped models, loaded once for every test.
fn stage() -> &'static ModelStage {
    static STAGE: OnceLock<ModelStage> = OnceLock::new();
    STAGE.get_or_init(|| {
        ModelStage::embedded(&encoder::Config::default(), &claims::Config::default())
            .expect("the shipped models load")
    })
}

fn cues() -> Cues {
    Cues::new(&claims::Config::default()).unwrap()
}

/// A document of the lead and then `sentences`.
fn doc_of(sentences: &[&str]) -> Document {
    let mut all = vec![LEAD];
    all.extend_from_slice(sentences);
    document_of(&all)
}

/// The model path's claim of each sentence (the lead left out).
fn claims_of(sentences: &[&str]) -> Vec<Claim> {
    let mut doc = doc_of(sentences);
    stage().apply(&mut doc).unwrap();
    doc.sentences[1..]
        .iter()
        .map(|s| s.claim.expect("every sentence gets a claim"))
        .collect()
}

/// At most `misses` of `sentences` may get another label than `want`; every score is a
/// probability above chance.
fn assert_mostly(want: ClaimLabel, misses: usize, sentences: &[&str]) {
    let got = claims_of(sentences);
    let wrong: Vec<(&str, ClaimLabel)> = sentences
        .iter()
        .zip(&got)
        .filter(|(_, c)| c.label != want)
        .map(|(s, c)| (*s, c.label))
        .collect();
    assert!(wrong.len() <= misses, "expected {want:?}, got: {wrong:#?}");
    for (s, c) in sentences.iter().zip(&got) {
        assert!(c.score > 0.25 && c.score <= 1.0, "{s}: score {}", c.score);
    }
}

#[test]
fn shipped_head_is_tied_to_the_shipped_encoder() {
    let head = ClaimModel::embedded().expect("the shipped head loads");
    // A head is fitted on one encoder's embeddings: after the sentiment model changes, run
    // `finnews train claims` again (see models/claims/MODEL_CARD.md).
    assert_eq!(
        head.config().encoder,
        model::fingerprint(SENTIMENT_WEIGHTS),
        "models/claims was fitted on another sentiment model"
    );
    assert_eq!(head.config().labels, ClaimLabel::ALL);
    assert!(head.config().features.contains(&FeatureGroup::Embedding));
    assert!(head.config().temperature > 0.0);
    let dir = crate::util::root().join("models/claims");
    let size = std::fs::metadata(dir.join("head.safetensors"))
        .unwrap()
        .len();
    assert!(size < 512 * 1024, "head.safetensors is {size} bytes");
    assert!(dir.join("MODEL_CARD.md").exists());
}

#[test]
fn catalysts() {
    assert_mostly(
        ClaimLabel::Catalyst,
        1,
        &[
            "Shares of Pell Robotics jumped 11% after the company won a large warehouse contract.",
            "The new licensing deal gives the firm a steady stream of royalty income.",
            "Quarterly profit beat analyst estimates, and management raised its annual outlook.",
            "Sales rose 22%, driven by strong demand for its cooling systems.",
            "Regulators approved the drug for use in children, widening its market.",
        ],
    );
}

#[test]
fn risks() {
    assert_mostly(
        ClaimLabel::Risk,
        1,
        &[
            "The stock slid 9% after the company disclosed a federal investigation into its sales practices.",
            "Cheaper rival products could squeeze the company's margins next year.",
            "The retailer cut its profit forecast, blaming weak demand and higher freight costs.",
            "A heavy debt load leaves the group little room if interest rates stay high.",
            "Revenue fell 8% because a key customer moved its orders to a competitor.",
        ],
    );
}

#[test]
fn watch_items() {
    assert_mostly(
        ClaimLabel::WatchItem,
        1,
        &[
            "Investors will watch whether the company can keep its margins above 30%.",
            "The company is scheduled to report third-quarter results on October 28.",
            "A ruling on the antitrust case is expected before the end of the year.",
            "Shareholders will vote on the proposed merger at a meeting next month.",
            "The next thing to track is how many pilot customers sign full contracts.",
        ],
    );
}

#[test]
fn nones() {
    assert_mostly(
        ClaimLabel::None,
        1,
        &[
            "The company was founded in 1987 and is based in Denver.",
            "Shares closed at $41.20 on Thursday.",
            "Analysts at one broker kept their rating on the stock at neutral.",
            "The group employs about 12,000 people in nine countries.",
            "Revenue for the quarter was $640 million.",
        ],
    );
}

/// Sentences with each kind of hedging evidence, and sentences with none.
const HEDGED: [&str; 8] = [
    "The timing of the expansion remains uncertain.",
    "Management believes orders have reached a floor.",
    "The new line could add $200 million in annual sales.",
    "Margins may improve in the second half.",
    "The company is reportedly weighing a sale of its software unit.",
    "According to people familiar with the talks, the deal has stalled.",
    "Profit will rise if steel prices keep falling.",
    "Unless traffic recovers, the airline will cut routes.",
];
const UNHEDGED: [&str; 5] = [
    "Revenue rose 6% to $3.4 billion.",
    "The plant opened in May 2023.",
    "Shares gained nearly 4% to approximately $88.",
    "The filing lists several risks.",
    "The board approved a buyback of $500 million.",
];

#[test]
fn hedged_as_the_cue_stage_reports_it() {
    let c = cues();
    for (list, want) in [(&HEDGED[..], true), (&UNHEDGED[..], false)] {
        for (s, claim) in list.iter().zip(claims_of(list)) {
            assert_eq!(claim.hedged, want, "{s}");
            assert_eq!(c.hedge(s).is_some(), want, "{s}");
        }
    }
}

#[test]
fn model_and_fast_paths_agree_on_hedging() {
    let all: Vec<&str> = HEDGED.iter().chain(&UNHEDGED).copied().collect();
    let model = claims_of(&all);
    let mut doc = doc_of(&all);
    finnews::sentiment::Lexicon::new(&Default::default())
        .unwrap()
        .apply(&mut doc)
        .unwrap();
    cues().apply(&mut doc).unwrap();
    for ((s, m), f) in all.iter().zip(&model).zip(&doc.sentences[1..]) {
        assert_eq!(m.hedged, f.claim.unwrap().hedged, "{s}");
    }
}

#[test]
fn one_pass_gives_sentiment_and_claims() {
    let sentences = [
        "Net profit doubled on record orders.",
        "The company faces a costly product recall.",
    ];
    let mut doc = doc_of(&sentences);
    stage().apply(&mut doc).unwrap();
    let alone = stage().sentiment().predict(&sentences).unwrap();
    for (s, a) in doc.sentences[1..].iter().zip(&alone) {
        let got = s.sentiment.expect("sentiment is set");
        assert!(s.claim.is_some());
        assert_eq!(got.label, a.label);
        let (p, q) = (got.probs.unwrap(), a.probs.unwrap());
        assert!((p.positive - q.positive).abs() < 1e-4);
        assert!((p.negative - q.negative).abs() < 1e-4);
    }
}

#[test]
fn claims_do_not_depend_on_the_batch() {
    let a = [
        "Orders surged after the launch of the new model.",
        "The chief executive will step down in March.",
    ];
    let b = ["Rising costs could erode the margin gains of last year."];
    let (mut one, mut two) = (doc_of(&a), doc_of(&b));
    stage().apply(&mut one).unwrap();
    stage().apply(&mut two).unwrap();
    let (mut one_b, mut two_b) = (doc_of(&a), doc_of(&b));
    let results = stage().apply_batch(&mut [&mut one_b, &mut two_b]);
    assert!(results.iter().all(|r| r.is_ok()));
    for (x, y) in one
        .sentences
        .iter()
        .chain(&two.sentences)
        .zip(one_b.sentences.iter().chain(&two_b.sentences))
    {
        let (x, y) = (x.claim.unwrap(), y.claim.unwrap());
        assert_eq!(x.label, y.label);
        assert!((x.score - y.score).abs() < 1e-3);
    }
}

#[test]
fn empty_documents_pass() {
    let mut doc = Document::from_text("empty", "");
    stage().apply(&mut doc).unwrap();
    assert!(doc.sentences.is_empty());
}

#[test]
fn the_default_pipeline_runs_the_head_and_fast_the_cues() {
    let model = Pipeline::default_pipeline().unwrap();
    let fast = Pipeline::fast().unwrap();
    assert!(model.stage_names().contains(&"sentiment+claims"));
    assert!(!model.stage_names().contains(&"claims"));
    assert!(fast.stage_names().contains(&"claims"));
    assert!(!fast.stage_names().contains(&"sentiment+claims"));

    let text = "Risks\n\nA price war could hurt margins.\n\nWhat To Watch\n\nThe company reports results on May 5.";
    let mut doc = Document::from_text("headed", text);
    model.run(&mut doc).unwrap();
    assert_eq!(doc.sentences.len(), 2);
    for s in &doc.sentences {
        let c = s.claim.expect("every sentence gets a claim");
        assert!(c.score > 0.25 && c.score <= 1.0);
        assert!(s.sentiment.and_then(|m| m.probs).is_some());
    }
    // Each sentence knows its section heading.
    let (places, headings) = model::layout(&doc);
    assert_eq!(headings.len(), 2);
    assert_eq!(places[0].heading, Some(0));
    assert_eq!(places[1].heading, Some(1));
    assert!(places[1].opens_section);
}
