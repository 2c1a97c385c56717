//! Integration tests: entities.
//!
//! Our own sentences through the entity stage: every type, linking of units, products and
//! former names to the listed parent, possessives, tickers in each written form, names that
//! are also words, overlaps, and the sentence indexes the stage writes.

use finnews::document::{EntityType, Sentence, Span};
use finnews::entities::{self, Config, Entities};
use finnews::{Document, Stage};
use std::sync::OnceLock;

fn stage() -> &'static Entities {
    static STAGE: OnceLock<Entities> = OnceLock::new();
    STAGE.get_or_init(|| Entities::new(&Config::default()).expect("entity stage builds"))
}

/// A document whose sentences are `sentences`, joined by single spaces.
fn document(sentences: &[&str]) -> Document {
    let text = sentences.join(" ");
    let mut doc = Document::from_text("test", &text);
    let mut start = 0;
    for s in sentences {
        doc.sentences.push(Sentence {
            span: Span::new(start, start + s.len()),
            section: 0,
            sentiment: None,
            claim: None,
            entities: Vec::new(),
        });
        start += s.len() + 1;
    }
    doc
}

/// (text, type, id) of every mention found in `sentences`.
fn found(sentences: &[&str]) -> Vec<(String, &'static str, Option<String>)> {
    let mut doc = document(sentences);
    stage().apply(&mut doc).unwrap();
    doc.entities
        .iter()
        .map(|e| (doc.slice(e.span).to_string(), e.kind.as_str(), e.id.clone()))
        .collect()
}

fn e(text: &str, kind: &'static str, id: Option<&str>) -> (String, &'static str, Option<String>) {
    (text.to_string(), kind, id.map(str::to_string))
}

/// Only the mentions of one type, as text.
fn of_type(sentences: &[&str], kind: &str) -> Vec<String> {
    found(sentences)
        .into_iter()
        .filter(|(_, k, _)| *k == kind)
        .map(|(t, _, _)| t)
        .collect()
}

/// Whether `word` comes out as an ORG or PRODUCT linked to `id`.
fn linked(sentences: &[&str], word: &str, id: &str) -> bool {
    found(sentences)
        .iter()
        .any(|(t, k, i)| t == word && (*k == "ORG" || *k == "PRODUCT") && i.as_deref() == Some(id))
}

#[test]
fn every_type_in_one_sentence() {
    let got = found(&[
        "Chief Executive Dana Quill told analysts in Chicago that Tesla (NASDAQ: TSLA) would spend $2.5 billion, 8% more, on the Model Y in the third quarter of 2026.",
    ]);
    assert_eq!(
        got,
        vec![
            e("Dana Quill", "PERSON", None),
            e("Chicago", "LOC", None),
            e("Tesla", "ORG", Some("TSLA")),
            e("NASDAQ", "ORG", None),
            e("TSLA", "TICKER", Some("TSLA")),
            e("$2.5 billion", "MONEY", None),
            e("8%", "PERCENT", None),
            e("Model Y", "PRODUCT", Some("TSLA")),
            e("the third quarter of 2026", "DATE", None),
        ]
    );
}

#[test]
fn units_and_products_link_to_the_listed_parent() {
    let got = found(&[
        "Cloud buyers compared Amazon Web Services (AWS), Microsoft Azure, Azure credits and Google Cloud.",
        "The app makers Instagram and WhatsApp grew, as did YouTube, LinkedIn and GitHub.",
        "The iPhone outsold the Pixel while ChatGPT, made by OpenAI, kept growing.",
    ]);
    let want = [
        e("Amazon Web Services", "ORG", Some("AMZN")),
        e("AWS", "ORG", Some("AMZN")),
        e("Microsoft Azure", "PRODUCT", Some("MSFT")),
        e("Azure", "PRODUCT", Some("MSFT")),
        e("Google Cloud", "ORG", Some("GOOGL")),
        e("Instagram", "PRODUCT", Some("META")),
        e("WhatsApp", "PRODUCT", Some("META")),
        e("YouTube", "PRODUCT", Some("GOOGL")),
        e("LinkedIn", "PRODUCT", Some("MSFT")),
        e("GitHub", "PRODUCT", Some("MSFT")),
        e("iPhone", "PRODUCT", Some("AAPL")),
        e("Pixel", "PRODUCT", Some("GOOGL")),
        e("ChatGPT", "PRODUCT", None),
        e("OpenAI", "ORG", None),
    ];
    assert_eq!(got, want);
}

#[test]
fn group_affiliates_are_companies_of_their_own() {
    // "Samsung" alone is Samsung Electronics; an affiliate named in full is its own listing.
    let sentences = [
        "Samsung SDI shares fell after the battery maker cut its outlook, while Samsung rose.",
        "Hyundai Steel and Hyundai Motor both said on Monday that prices would rise.",
    ];
    assert!(linked(&sentences, "Samsung SDI", "006400.KS"));
    assert!(linked(&sentences, "Samsung", "005930.KS"));
    assert!(linked(&sentences, "Hyundai Steel", "004020.KS"));
    assert!(linked(&sentences, "Hyundai Motor", "005380.KS"));
}

#[test]
fn index_members_across_markets_link() {
    let sentences =
        ["Air Liquide and ABN AMRO led gains in Europe, and AGCO shares rose in New York."];
    assert!(linked(&sentences, "Air Liquide", "AI.PA"));
    assert!(linked(&sentences, "ABN AMRO", "ABN.AS"));
    assert!(linked(&sentences, "AGCO", "AGCO"));
}

#[test]
fn google_cloud_platform_is_one_product_and_google_an_org() {
    assert_eq!(
        found(&["Rivals include Google (Google Cloud Platform) and others."]),
        vec![
            e("Google", "ORG", Some("GOOGL")),
            e("Google Cloud Platform", "PRODUCT", Some("GOOGL"))
        ]
    );
}

#[test]
fn former_names_link_to_todays_ticker() {
    assert!(linked(
        &["Back then Facebook bought a startup for $1 billion."],
        "Facebook",
        "META"
    ));
    assert!(linked(
        &["Investors remembered when Square was the name of the payments firm."],
        "Square",
        "XYZ"
    ));
}

#[test]
fn canonical_names_for_aggregation() {
    assert_eq!(entities::company_name("META"), Some("Meta Platforms, Inc."));
    assert_eq!(stage().canonical_name("GOOGL"), Some("Alphabet Inc."));
    assert_eq!(entities::company_name("NOPE"), None);
    let mut doc = document(&["Its cloud unit AWS grew."]);
    stage().apply(&mut doc).unwrap();
    assert_eq!(doc.entities[0].name.as_deref(), Some("Amazon.com, Inc."));
}

#[test]
fn possessives_stay_outside_the_span() {
    let got = found(&[
        "Developers build on Meta's servers and Nvidia’s chips while Alphabet's unit waits.",
    ]);
    assert_eq!(
        got,
        vec![
            e("Meta", "ORG", Some("META")),
            e("Nvidia", "ORG", Some("NVDA")),
            e("Alphabet", "ORG", Some("GOOGL"))
        ]
    );
}

#[test]
fn legal_names_and_suffixes_are_one_mention() {
    assert_eq!(
        found(&[
            "The filing by Meta Platforms, Inc. named Target Corp. and Apple Inc as partners."
        ]),
        vec![
            e("Meta Platforms, Inc.", "ORG", Some("META")),
            e("Target Corp.", "ORG", Some("TGT")),
            e("Apple Inc", "ORG", Some("AAPL")),
        ]
    );
}

#[test]
fn tickers_in_each_written_form() {
    let got = found(&[
        "Nvidia (NASDAQ: NVDA) and Ford (NYSE:F) rose.",
        "Meta Platforms (META) climbed while traders bought $AMZN and TSLA shares.",
        "Alphabet ( GOOG.O ) and Apple (AAPL.O) gained, and Vodafone (VOD.L) slipped.",
    ]);
    let tickers: Vec<_> = got.into_iter().filter(|(_, k, _)| *k == "TICKER").collect();
    assert_eq!(
        tickers,
        vec![
            e("NVDA", "TICKER", Some("NVDA")),
            e("F", "TICKER", Some("F")),
            e("META", "TICKER", Some("META")),
            e("$AMZN", "TICKER", Some("AMZN")),
            e("TSLA", "TICKER", Some("TSLA")),
            e("GOOG.O", "TICKER", Some("GOOGL")),
            e("AAPL.O", "TICKER", Some("AAPL")),
            e("VOD.L", "TICKER", Some("VOD")),
        ]
    );
}

#[test]
fn unlisted_company_takes_the_id_of_its_ticker() {
    // The exchange is an organization of its own, never part of the ticker.
    assert_eq!(
        found(&["Shares of Quillfeather Robotics Inc. (NASDAQ: QFRB) doubled."]),
        vec![
            e("Quillfeather Robotics Inc.", "ORG", Some("QFRB")),
            e("NASDAQ", "ORG", None),
            e("QFRB", "TICKER", Some("QFRB")),
        ]
    );
}

#[test]
fn wire_style_names_with_suffixes_and_codes() {
    assert_eq!(
        found(&[
            "Apple Inc <AAPL.O> and Intel Corp <INTC.O> sold bonds, as did Wells Fargo & Co <WFC.N> and Boeing Co."
        ]),
        vec![
            e("Apple Inc", "ORG", Some("AAPL")),
            e("AAPL.O", "TICKER", Some("AAPL")),
            e("Intel Corp", "ORG", Some("INTC")),
            e("INTC.O", "TICKER", Some("INTC")),
            e("Wells Fargo & Co", "ORG", Some("WFC")),
            e("WFC.N", "TICKER", Some("WFC")),
            e("Boeing Co.", "ORG", Some("BA")),
        ]
    );
}

#[test]
fn a_bracketed_acronym_is_not_a_ticker() {
    let got = found(&["Spending on artificial intelligence (AI) rose, Amazon (AWS) said."]);
    assert_eq!(
        got,
        vec![
            e("Amazon", "ORG", Some("AMZN")),
            e("AWS", "ORG", Some("AMZN"))
        ]
    );
}

#[test]
fn ambiguous_names_as_companies() {
    assert!(linked(
        &["Apple shares rose after the launch."],
        "Apple",
        "AAPL"
    ));
    assert!(linked(
        &["Target said comparable sales fell 3%."],
        "Target",
        "TGT"
    ));
    assert!(linked(
        &["Gap reported a profit as Old Navy sales rose."],
        "Gap",
        "GAP"
    ));
    assert!(linked(
        &["Shell said on Tuesday it would buy back more stock."],
        "Shell",
        "SHEL"
    ));
    assert!(linked(
        &["Block shares jumped after Cash App growth."],
        "Block",
        "XYZ"
    ));
    assert!(linked(
        &["Costs rose at Ford and General Motors."],
        "Ford",
        "F"
    ));
    assert!(linked(&["Payment volumes at Visa grew."], "Visa", "V"));
    assert!(linked(
        &["The deal lifted Meta and Amazon."],
        "Amazon",
        "AMZN"
    ));
    assert!(linked(
        &["It competes with Oracle on databases."],
        "Oracle",
        "ORCL"
    ));
    assert!(linked(&["Users left Snap for rivals."], "Snap", "SNAP"));
    assert!(linked(
        &["Google parent Alphabet grew."],
        "Alphabet",
        "GOOGL"
    ));
    // Support from another sentence of the same article.
    assert!(linked(
        &[
            "Target Corporation (NYSE: TGT) cut prices.",
            "Target expects a busy season."
        ],
        "Target",
        "TGT"
    ));
    assert!(linked(
        &[
            "Amazon.com Inc. hired staff.",
            "Amazon plans to open a depot."
        ],
        "Amazon",
        "AMZN"
    ));
}

#[test]
fn ambiguous_names_as_words() {
    let none = |sentences: &[&str]| {
        let got = found(sentences);
        assert!(
            got.iter().all(|(_, k, _)| *k != "ORG"),
            "{sentences:?} -> {got:?}"
        );
    };
    none(&[
        "an apple a day; the target was missed; a gap opened; a shell broke; a block party; visa rules; a meta question.",
    ]);
    none(&["Target dates for the project slipped."]);
    none(&["Gap years are popular with students."]);
    none(&["Amazon rainforest fires spread."]);
    none(&["Deforestation in the Amazon rainforest grew."]);
    none(&["Apple pie is a classic dessert."]);
    none(&["Block by block, the town was rebuilt."]);
    none(&["Oracle bones record ancient history."]);
    none(&["Snap decisions can be costly."]);
    none(&["Shell companies can hide owners."]);
    none(&["Alphabet soup is a simple meal."]);
}

#[test]
fn money_percent_and_dates_follow_the_guide() {
    let sentences = [
        "The stock rose nearly 12% to approximately $628 on Wednesday, July 1, 2026, after years of gains and billions spent.",
    ];
    assert_eq!(
        found(&sentences),
        vec![
            e("12%", "PERCENT", None),
            e("$628", "MONEY", None),
            e("Wednesday, July 1, 2026", "DATE", None),
        ]
    );
    assert_eq!(
        of_type(
            &["It raised US$40 million, €2 billion and £300m, and earned $0.45 a share."],
            "MONEY"
        ),
        ["US$40 million", "€2 billion", "£300m", "$0.45"]
    );
    assert_eq!(
        of_type(&["Margins fell -2.1% and then 3.5 percent."], "PERCENT"),
        ["-2.1%", "3.5 percent"]
    );
    assert_eq!(
        of_type(
            &["Guidance for Q2 2026 and fiscal 2027 came on Jan. 5, 2026, not in May 2026."],
            "DATE"
        ),
        ["Q2 2026", "fiscal 2027", "Jan. 5, 2026", "May 2026"]
    );
}

#[test]
fn people_and_places() {
    let got = found(&[
        "Chief Executive Tim Cook said the U.S. and China matter.",
        "Analyst Priya Raman at Wedbush expects growth in Europe; Raman is upbeat.",
    ]);
    assert_eq!(
        got,
        vec![
            e("Tim Cook", "PERSON", None),
            e("U.S.", "LOC", None),
            e("China", "LOC", None),
            e("Priya Raman", "PERSON", None),
            e("Wedbush", "ORG", None),
            e("Europe", "LOC", None),
            e("Raman", "PERSON", None),
        ]
    );
}

#[test]
fn overlaps_resolve_to_the_longest_mention() {
    // "New York Stock Exchange" over "New York", "Bank of America" over "America",
    // "Henry Ford" (a person) over "Ford", "Microsoft Azure" over "Microsoft".
    let got = found(&[
        "Henry Ford never saw the New York Stock Exchange list Bank of America or Microsoft Azure.",
    ]);
    assert_eq!(
        got,
        vec![
            e("Henry Ford", "PERSON", None),
            e("New York Stock Exchange", "ORG", None),
            e("Bank of America", "ORG", Some("BAC")),
            e("Microsoft Azure", "PRODUCT", Some("MSFT")),
        ]
    );
    // An index hides the exchange operator's name.
    assert!(found(&["The Nasdaq Composite and the S&P 500 fell."]).is_empty());
}

#[test]
fn only_inside_sentences_with_indexes() {
    // A heading line with a company name, then two sentences.
    let text = "Apple Outlook\nApple shares rose 3%. Microsoft fell.";
    let mut doc = Document::from_text("t", text);
    let first = text.find("Apple shares").unwrap();
    let second = text.find("Microsoft").unwrap();
    for (start, end) in [(first, second - 1), (second, text.len())] {
        doc.sentences.push(Sentence {
            span: Span::new(start, end),
            section: 0,
            sentiment: None,
            claim: None,
            entities: Vec::new(),
        });
    }
    stage().apply(&mut doc).unwrap();
    let spans: Vec<_> = doc
        .entities
        .iter()
        .map(|e| (doc.slice(e.span), e.kind))
        .collect();
    assert_eq!(
        spans,
        vec![
            ("Apple", EntityType::Org),
            ("3%", EntityType::Percent),
            ("Microsoft", EntityType::Org)
        ]
    );
    assert_eq!(doc.sentences[0].entities, vec![0, 1]);
    assert_eq!(doc.sentences[1].entities, vec![2]);
}

#[test]
fn sorted_and_never_overlapping_on_a_dense_text() {
    let s = "Meta Platforms (NASDAQ: META), Amazon.com Inc (AMZN.O) and $MSFT rose 5% to $1.2bn on Monday, July 6, 2026, said CEO Jane Doe in New York.";
    let sentences = vec![s; 50];
    let mut doc = document(&sentences);
    stage().apply(&mut doc).unwrap();
    assert_eq!(doc.entities.len(), 50 * doc.sentences[0].entities.len());
    for pair in doc.entities.windows(2) {
        assert!(
            pair[0].span.end <= pair[1].span.start,
            "{:?} overlaps {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn no_sentences_no_entities() {
    let mut doc = Document::from_text("t", "Apple rose 3% on Monday.");
    stage().apply(&mut doc).unwrap();
    assert!(doc.entities.is_empty());
}
