//! Integration tests: claims.
//!
//! Sentences of our own through the sentiment stage and then the `Cues` stage, as the
//! pipeline runs them, with documents built by hand (no sections).

use crate::util::document_of;
use finnews::claims::{self, Cues, Hedge};
use finnews::document::{Claim, ClaimLabel, Entity, EntityType};
use finnews::sentiment::{self, Lexicon};
use finnews::{Document, Span, Stage};

fn run(doc: &mut Document) {
    Lexicon::new(&sentiment::Config::default())
        .unwrap()
        .apply(doc)
        .unwrap();
    Cues::new(&claims::Config::default())
        .unwrap()
        .apply(doc)
        .unwrap();
}

/// The claim of each sentence, after sentiment, as in the pipeline.
fn claims_of(sentences: &[&str]) -> Vec<Claim> {
    let mut doc = document_of(sentences);
    run(&mut doc);
    doc.sentences
        .iter()
        .map(|s| s.claim.expect("every sentence gets a claim"))
        .collect()
}

fn assert_all(want: ClaimLabel, sentences: &[&str]) {
    for (s, got) in sentences.iter().zip(claims_of(sentences)) {
        assert_eq!(got.label, want, "{s}");
        assert!(
            got.score > 0.25 && got.score <= 1.0,
            "{s}: score {}",
            got.score
        );
    }
}

#[test]
fn catalysts() {
    assert_all(
        ClaimLabel::Catalyst,
        &[
            "Dunmore Foods shares jumped 9% after the grocer raised its full-year guidance.",
            "The company launched a subscription tier that could become a new revenue stream.",
            "Revenue grew 18%, driven by strong demand for its battery packs.",
            "Orbis signed a ten-year supply deal with a major carmaker.",
            "Quarterly earnings beat analyst estimates by a wide margin.",
            "The drug maker received approval to sell the treatment in Europe.",
        ],
    );
}

#[test]
fn risks() {
    assert_all(
        ClaimLabel::Risk,
        &[
            "The stock fell 7% after regulators opened a probe into its billing practices.",
            "Rising competition from low-cost rivals could hurt margins.",
            "The lender faces a class-action lawsuit over hidden fees.",
            "The retailer cut its annual forecast, citing weak consumer spending.",
            "Heavy debt and uncertain cash flow leave little room for error.",
            "Sales declined 6% because of a shortage of chips.",
        ],
    );
}

#[test]
fn watch_items() {
    assert_all(
        ClaimLabel::WatchItem,
        &[
            "Investors will watch whether the merger wins approval.",
            "The company is expected to report second-quarter results on August 6.",
            "A court ruling on the patent dispute is still pending.",
            "The board will decide on the dividend next month.",
            "The key metric to track is how many trial users convert to paying plans.",
            "Shareholders should look for an update on the cost program at the annual meeting.",
        ],
    );
}

#[test]
fn nones() {
    assert_all(
        ClaimLabel::None,
        &[
            "The company was founded in 1998 and employs 4,000 people.",
            // A price move without its cause.
            "Shares rose 3% to $52 on Tuesday.",
            // An analyst's rating or price-target line.
            "Analysts at Baird raised their price target on the stock to $140.",
            "One broker upgraded the shares to buy from hold.",
            // An outlook merely kept, and bare figures.
            "The company reaffirmed its full-year outlook.",
            "Revenue was $2.1 billion in the quarter.",
            "",
        ],
    );
}

#[test]
fn main_clause_decides() {
    let got = claims_of(&[
        "Although the new contract adds revenue, the company lacks the staff to deliver it.",
        "The plant faces delays, but the new contract opens a large market.",
    ]);
    assert_eq!(got[0].label, ClaimLabel::Risk);
    assert_eq!(got[1].label, ClaimLabel::Catalyst);
}

#[test]
fn good_news_for_a_rival_is_a_risk() {
    let sentences = [
        "Kestrel Systems sells network switches to telecom operators.",
        "Kestrel Systems has grown quickly in Asia.",
        "Zenrock launched a cheaper switch this week.",
    ];
    let mut doc = document_of(&sentences);
    // Mentions as the entity stage would link them: Kestrel (KSTR) twice, Zenrock (ZNRK) once.
    for (sentence, name, id) in [
        (0, "Kestrel Systems", "KSTR"),
        (1, "Kestrel Systems", "KSTR"),
        (2, "Zenrock", "ZNRK"),
    ] {
        let start = doc.sentences[sentence].span.start;
        doc.entities.push(Entity {
            span: Span::new(start, start + name.len()),
            kind: EntityType::Org,
            id: Some(id.to_string()),
            name: None,
        });
        doc.sentences[sentence]
            .entities
            .push(doc.entities.len() - 1);
    }
    run(&mut doc);
    assert_eq!(doc.sentences[2].claim.unwrap().label, ClaimLabel::Risk);
    // The same news about the main company is its catalyst.
    let own = claims_of(&["Kestrel Systems launched a cheaper switch this week."]);
    assert_eq!(own[0].label, ClaimLabel::Catalyst);
}

#[test]
fn hedged_by_each_kind_of_evidence() {
    let c = Cues::new(&claims::Config::default()).unwrap();
    let cases = [
        (
            "The timing of the deal remains unclear.",
            Hedge::Uncertainty,
        ),
        (
            "Management believes demand has bottomed.",
            Hedge::Uncertainty,
        ),
        ("The new plant could double output.", Hedge::WeakModal),
        ("Margins might recover next year.", Hedge::WeakModal),
        (
            "The unit is potentially worth $3 billion.",
            Hedge::WeakModal,
        ),
        (
            "The company is reportedly exploring a sale of its chemicals unit.",
            Hedge::Reporting,
        ),
        (
            "According to people familiar with the matter, talks have stalled.",
            Hedge::Reporting,
        ),
        (
            "The buyer is said to be a private equity firm.",
            Hedge::Reporting,
        ),
        (
            "Profit will rise if raw material costs ease.",
            Hedge::Conditional,
        ),
        (
            "Unless demand recovers, the plant will close.",
            Hedge::Conditional,
        ),
    ];
    let sentences: Vec<&str> = cases.iter().map(|(s, _)| *s).collect();
    for ((s, kind), claim) in cases.iter().zip(claims_of(&sentences)) {
        assert!(claim.hedged, "{s}");
        assert_eq!(c.hedge(s), Some(*kind), "{s}");
    }
}

#[test]
fn unhedged() {
    let sentences = [
        "Revenue rose 4% to $1.2 billion.",
        "The company opened a plant in May 2024.",
        "Shares gained nearly 5% to approximately $61.",
        "The annual report lists several risks.",
        "The board approved a dividend of 40 cents.",
        "Investors will watch whether the merger closes.",
    ];
    for (s, claim) in sentences.iter().zip(claims_of(&sentences)) {
        assert!(!claim.hedged, "{s}");
    }
}

#[test]
fn hedging_does_not_change_the_label() {
    let got = claims_of(&[
        "The company plans to launch a budget model next year.",
        "The company reportedly plans to launch a budget model next year.",
        "The lawsuit will hurt margins.",
        "The lawsuit could hurt margins if it goes to trial.",
    ]);
    assert_eq!(got[0].label, ClaimLabel::Catalyst);
    assert_eq!(got[1].label, ClaimLabel::Catalyst);
    assert!(!got[0].hedged && got[1].hedged);
    assert_eq!(got[2].label, ClaimLabel::Risk);
    assert_eq!(got[3].label, ClaimLabel::Risk);
    assert!(!got[2].hedged && got[3].hedged);
}

#[test]
fn without_sentiment_the_cues_still_decide() {
    // The claim stage also runs where no sentiment stage ran before it.
    let mut doc = document_of(&["The firm faces an antitrust probe.", "The firm is in Ohio."]);
    Cues::new(&claims::Config::default())
        .unwrap()
        .apply(&mut doc)
        .unwrap();
    let got: Vec<ClaimLabel> = doc
        .sentences
        .iter()
        .map(|s| s.claim.unwrap().label)
        .collect();
    assert_eq!(got, [ClaimLabel::Risk, ClaimLabel::None]);
}
