//! Gold articles (JSON Lines, as `labels.md` defines them) -> one [`Tally`] of metric counts
//! per article, from the pipeline's predictions on the same text.
//!
//! ```text
//! {"id": "a1", "text": "Acme rose 5%.", "sentences": [{"start": 0, "end": 13,
//!   "sentiment": "positive", "claim": "none"}], "entities": [...], "sections": [...]}
//!   + the predicted Document for "Acme rose 5%."
//!   -> sentences tp 1, fp 0, fn 0; sentiment positive/positive; ...
//! ```
//!
//! Gold offsets are code points and the document's spans are bytes; each predicted span is
//! converted once through a [`CharMap`] and all comparisons are made in code points.
//!
//! Beyond `labels.md`, a gold record may carry `"format": "plain"` or `"markdown"`, the format
//! the text is in (which decides how headings may look); without it, an `id` ending in `.md`
//! means Markdown and anything else plain text. A stage whose field (`sections`, `entities`,
//! `sentences`) is absent from a record is not scored on that article.

use crate::document::{ClaimLabel, Document, EntityType, Format as TextFormat, Origin, Polarity};
use crate::error::{Error, Result};
use crate::eval::metrics::{Accuracy, Confusion, Counts, best_overlaps, match_exact, match_typed};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// One labeled article.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldArticle {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
    pub text: String,
    /// The text's format; see the module documentation.
    #[serde(default)]
    pub format: Option<GoldFormat>,
    #[serde(default)]
    pub sections: Option<Vec<GoldSection>>,
    #[serde(default)]
    pub entities: Option<Vec<GoldEntity>>,
    #[serde(default)]
    pub sentences: Option<Vec<GoldSentence>>,
    #[serde(default)]
    pub entity_sentiment: Option<BTreeMap<String, Polarity>>,
}

/// The formats a gold text may declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoldFormat {
    Plain,
    Markdown,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldSection {
    pub heading: Option<String>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldEntity {
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(rename = "type")]
    pub kind: EntityType,
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldSentence {
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub sentiment: Option<Polarity>,
    #[serde(default)]
    pub claim: Option<ClaimLabel>,
}

/// A gold article with where it was read from.
#[derive(Debug, Clone)]
pub struct GoldRecord {
    pub origin: Origin,
    pub article: GoldArticle,
}

impl GoldRecord {
    /// The record's id, or its location where it has none.
    pub fn id(&self) -> String {
        match &self.article.id {
            Some(id) => id.clone(),
            None => self.origin.to_string(),
        }
    }

    /// A fresh document holding the gold text, for the pipeline to fill in.
    pub fn document(&self) -> Document {
        let id = self.id();
        let format = match self.article.format {
            Some(GoldFormat::Markdown) => TextFormat::Markdown,
            Some(GoldFormat::Plain) => TextFormat::Plain,
            None if id.ends_with(".md") => TextFormat::Markdown,
            None => TextFormat::Plain,
        };
        let mut doc = Document::new(id, self.article.text.clone(), self.origin.clone(), format);
        doc.title = self.article.title.clone();
        doc.published = self.article.published.clone();
        doc
    }
}

/// Reads and checks every record of a gold file; blank lines are skipped.
pub fn read(path: &Path) -> Result<Vec<GoldRecord>> {
    let content = crate::eval::read_text(path)?;
    let source = path.display().to_string();
    let mut records = Vec::new();
    for (i, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let origin = Origin {
            source: source.clone(),
            line: Some(i + 1),
        };
        let article: GoldArticle = serde_json::from_str(line).map_err(|source| Error::Json {
            location: origin.to_string(),
            source,
        })?;
        check(&article).map_err(|message| Error::Invalid(format!("{origin}: {message}")))?;
        records.push(GoldRecord { origin, article });
    }
    Ok(records)
}

/// Checks that every span lies inside the text, and that every entity's `text` (where given)
/// is the slice it spans.
fn check(article: &GoldArticle) -> std::result::Result<(), String> {
    let map = CharMap::new(&article.text);
    let n = map.len_chars();
    let in_text = |what: &str, k: usize, start: usize, end: usize| {
        if start <= end && end <= n {
            Ok(())
        } else {
            Err(format!(
                "{what} {k} spans {start}..{end}, outside the text ({n} characters)"
            ))
        }
    };
    for (k, s) in article.sections.iter().flatten().enumerate() {
        in_text("section", k, s.start, s.end)?;
    }
    for (k, s) in article.sentences.iter().flatten().enumerate() {
        in_text("sentence", k, s.start, s.end)?;
    }
    for (k, e) in article.entities.iter().flatten().enumerate() {
        in_text("entity", k, e.start, e.end)?;
        if let Some(expected) = &e.text {
            let actual = &article.text[map.byte(e.start)..map.byte(e.end)];
            if actual != expected {
                return Err(format!(
                    "entity {k} ({expected:?}) spans {}..{}, where the text is {actual:?}",
                    e.start, e.end
                ));
            }
        }
    }
    Ok(())
}

/// Byte offsets <-> code-point offsets of one text, built in one pass. ASCII text needs no
/// table; otherwise there is one entry per multi-byte character.
pub struct CharMap {
    /// Per multi-byte char: (code-point offset just after it, byte offset just after it,
    /// extra bytes so far), increasing.
    extra: Vec<(usize, usize, usize)>,
    chars: usize,
}

impl CharMap {
    pub fn new(text: &str) -> Self {
        let mut extra = Vec::new();
        let mut chars = text.len();
        if !text.is_ascii() {
            let mut total = 0;
            chars = 0;
            for (b, c) in text.char_indices() {
                chars += 1;
                let n = c.len_utf8();
                if n > 1 {
                    total += n - 1;
                    extra.push((chars, b + n, total));
                }
            }
        }
        CharMap { extra, chars }
    }

    /// How many code points the text has.
    pub fn len_chars(&self) -> usize {
        self.chars
    }

    /// The code-point offset of a byte offset on a char boundary.
    pub fn char(&self, byte: usize) -> usize {
        let k = self.extra.partition_point(|&(_, end, _)| end <= byte);
        if k == 0 {
            byte
        } else {
            byte - self.extra[k - 1].2
        }
    }

    /// The byte offset of a code-point offset, at most the text's length.
    pub fn byte(&self, char: usize) -> usize {
        let char = char.min(self.chars);
        let k = self.extra.partition_point(|&(end, _, _)| end <= char);
        if k == 0 {
            char
        } else {
            char + self.extra[k - 1].2
        }
    }
}

/// Everything one or more gold articles add up to.
#[derive(Debug, Clone)]
pub struct Tally {
    pub sections: Counts,
    pub sentences: Counts,
    /// Per entity type, in the order of [`EntityType::ALL`].
    pub entities: [Counts; 8],
    pub linked_ids: Counts,
    /// Sentiment, gold rows by predicted columns, with a `none` column for a gold sentence
    /// that got no predicted sentence or no predicted sentiment.
    pub sentiment: Confusion,
    /// Gold sentences that overlap no predicted sentence.
    pub unmatched: usize,
    pub claims: Confusion,
    pub entity_sentiment: Accuracy,
}

/// The sentiment labels, in [`Polarity::ALL`] order.
pub const SENTIMENT_LABELS: [&str; 3] = ["positive", "negative", "neutral"];
/// The claim labels, in [`ClaimLabel::ALL`] order; the first three are scored.
pub const CLAIM_LABELS: [&str; 4] = ["catalyst", "risk", "watch_item", "none"];

fn polarity_index(p: Polarity) -> usize {
    Polarity::ALL.iter().position(|&q| q == p).unwrap_or(0)
}

fn claim_index(c: ClaimLabel) -> usize {
    ClaimLabel::ALL.iter().position(|&q| q == c).unwrap_or(3)
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            sections: Counts::default(),
            sentences: Counts::default(),
            entities: [Counts::default(); 8],
            linked_ids: Counts::default(),
            sentiment: Confusion::new(&SENTIMENT_LABELS, &["none"], 3),
            unmatched: 0,
            claims: Confusion::new(&CLAIM_LABELS, &[], 3),
            entity_sentiment: Accuracy::default(),
        }
    }
}

impl Tally {
    /// Adds another tally.
    pub fn merge(&mut self, other: &Tally) {
        self.sections += other.sections;
        self.sentences += other.sentences;
        for (a, b) in self.entities.iter_mut().zip(&other.entities) {
            *a += *b;
        }
        self.linked_ids += other.linked_ids;
        self.sentiment.merge(&other.sentiment);
        self.unmatched += other.unmatched;
        self.claims.merge(&other.claims);
        self.entity_sentiment += other.entity_sentiment;
    }

    /// Entity counts over every type.
    pub fn entities_overall(&self) -> Counts {
        let mut all = Counts::default();
        for c in &self.entities {
            all += *c;
        }
        all
    }
}

/// Compares one predicted document with its gold article.
pub fn score(gold: &GoldArticle, doc: &Document) -> Tally {
    let map = CharMap::new(&doc.text);
    let chars = |span: crate::Span| (map.char(span.start), map.char(span.end));
    let mut tally = Tally::default();

    if let Some(sections) = &gold.sections {
        let mut g: Vec<(usize, &str)> = sections
            .iter()
            .filter_map(|s| s.heading.as_deref().map(|h| (s.start, h)))
            .collect();
        let mut p: Vec<(usize, &str)> = doc
            .sections
            .iter()
            .filter_map(|s| s.heading.map(|h| (map.char(s.span.start), doc.slice(h))))
            .collect();
        tally.sections = match_exact(&mut g, &mut p);
    }

    let predicted: Vec<(usize, usize)> = doc.sentences.iter().map(|s| chars(s.span)).collect();
    if let Some(sentences) = &gold.sentences {
        let spans: Vec<(usize, usize)> = sentences.iter().map(|s| (s.start, s.end)).collect();
        tally.sentences = match_exact(&mut spans.clone(), &mut predicted.clone());
        let matches = best_overlaps(&spans, &predicted);
        for (s, m) in sentences.iter().zip(&matches) {
            let matched = m.map(|k| &doc.sentences[k]);
            tally.unmatched += usize::from(matched.is_none());
            if let Some(label) = s.sentiment {
                let pred = matched
                    .and_then(|p| p.sentiment)
                    .map_or(SENTIMENT_LABELS.len(), |p| polarity_index(p.label));
                tally.sentiment.add(polarity_index(label), pred);
            }
            if let Some(label) = s.claim {
                // No prediction means no claim: the negative class.
                let pred = matched
                    .and_then(|p| p.claim)
                    .map_or(ClaimLabel::None, |c| c.label);
                tally.claims.add(claim_index(label), claim_index(pred));
            }
        }
    }

    if let Some(entities) = &gold.entities {
        let mut g: Vec<(EntityType, (usize, usize))> = entities
            .iter()
            .map(|e| (e.kind, (e.start, e.end)))
            .collect();
        let mut p: Vec<(EntityType, (usize, usize))> = doc
            .entities
            .iter()
            .map(|e| (e.kind, chars(e.span)))
            .collect();
        match_typed(&EntityType::ALL, &mut g, &mut p, &mut tally.entities);

        let mut g: Vec<&str> = entities.iter().filter_map(|e| e.id.as_deref()).collect();
        let mut p: Vec<&str> = doc
            .entities
            .iter()
            .filter_map(|e| e.id.as_deref())
            .collect();
        for ids in [&mut g, &mut p] {
            ids.sort_unstable();
            ids.dedup();
        }
        tally.linked_ids = match_exact(&mut g, &mut p);
    }

    for (id, &label) in gold.entity_sentiment.iter().flatten() {
        let pred = doc
            .companies
            .iter()
            .find(|c| &c.id == id)
            .and_then(|c| c.sentiment)
            .map(|s| s.label);
        tally.entity_sentiment.add(pred == Some(label));
    }
    tally
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;
    use crate::document::ClaimCounts;
    use crate::document::{Claim, Company, Entity, Section, Sentence, Sentiment};

    #[test]
    fn char_map_converts_non_ascii_offsets() {
        let text = "Nestlé’s €2bn deal — done";
        let map = CharMap::new(text);
        assert_eq!(map.len_chars(), text.chars().count());
        for (c, (b, _)) in text.char_indices().enumerate() {
            assert_eq!(map.char(b), c);
            assert_eq!(map.byte(c), b);
        }
        assert_eq!(map.char(text.len()), map.len_chars());
        assert_eq!(map.byte(map.len_chars()), text.len());
        // "€2bn" is code points 9..13 and bytes 12..18.
        assert_eq!(&text[map.byte(9)..map.byte(13)], "€2bn");
        assert_eq!((map.char(12), map.char(18)), (9, 13));
        let ascii = CharMap::new("plain");
        assert_eq!(
            (
                ascii.len_chars(),
                ascii.char(3),
                ascii.byte(3),
                ascii.byte(9)
            ),
            (5, 3, 3, 5)
        );
    }

    fn sentiment(label: Polarity) -> Option<Sentiment> {
        Some(Sentiment {
            label,
            score: 1.0,
            probs: None,
        })
    }

    fn sentence(span: Span, label: Polarity, claim: ClaimLabel) -> Sentence {
        Sentence {
            span,
            section: 0,
            sentiment: sentiment(label),
            claim: Some(Claim {
                label: claim,
                score: 1.0,
                hedged: false,
            }),
            entities: vec![],
        }
    }

    /// A hand-built prediction for a short non-ASCII article, compared with hand-counted gold.
    #[test]
    fn scores_a_hand_built_prediction() {
        let text = "Café Corp’s sales rose.\nOutlook\nCafé Corp may lift prices. Rivals fell.";
        let gold = r#"{"id": "cafe", "text": "Café Corp’s sales rose.\nOutlook\nCafé Corp may lift prices. Rivals fell.",
            "sections": [{"heading": null, "start": 0, "end": 23}, {"heading": "Outlook", "start": 24, "end": 71}],
            "entities": [{"start": 0, "end": 9, "text": "Café Corp", "type": "ORG", "id": "CAFE"},
                         {"start": 32, "end": 41, "text": "Café Corp", "type": "ORG", "id": "CAFE"}],
            "sentences": [{"start": 0, "end": 23, "sentiment": "positive", "claim": "catalyst"},
                          {"start": 32, "end": 58, "sentiment": "positive", "claim": "watch_item"},
                          {"start": 59, "end": 71, "sentiment": "negative", "claim": "none"}],
            "entity_sentiment": {"CAFE": "positive", "RIVL": "negative"}}"#;
        let gold: GoldArticle = serde_json::from_str(gold).unwrap();
        check(&gold).unwrap();
        let map = CharMap::new(text);
        let b = |c: usize| map.byte(c);
        let sp = |s: usize, e: usize| Span::new(b(s), b(e));

        let mut doc = Document::from_text("cafe", text);
        doc.sections = vec![
            Section {
                heading: None,
                span: sp(0, 23),
                sentiment: None,
            },
            Section {
                heading: Some(sp(24, 31)),
                span: sp(24, 71),
                sentiment: None,
            },
        ];
        doc.sentences = vec![
            sentence(sp(0, 23), Polarity::Positive, ClaimLabel::Catalyst),
            // One predicted sentence over the last two gold ones.
            sentence(sp(32, 71), Polarity::Positive, ClaimLabel::Catalyst),
        ];
        doc.entities = vec![
            Entity {
                span: sp(0, 9),
                kind: EntityType::Org,
                id: Some("CAFE".into()),
                name: None,
            },
            Entity {
                span: sp(32, 41),
                kind: EntityType::Person,
                id: None,
                name: None,
            },
            Entity {
                span: sp(59, 65),
                kind: EntityType::Org,
                id: Some("RIVL".into()),
                name: None,
            },
        ];
        doc.companies = vec![Company {
            id: "CAFE".into(),
            name: "Café Corp".into(),
            mentions: 1,
            sentiment: sentiment(Polarity::Positive),
            claims: ClaimCounts::default(),
        }];

        let t = score(&gold, &doc);
        assert_eq!(t.sections, Counts::new(1, 0, 0));
        assert_eq!(t.sentences, Counts::new(1, 1, 2));
        assert_eq!(t.entities[0], Counts::new(1, 1, 1)); // ORG
        assert_eq!(t.entities[1], Counts::new(0, 1, 0)); // PERSON
        assert_eq!(t.entities_overall(), Counts::new(1, 2, 1));
        assert_eq!(t.linked_ids, Counts::new(1, 1, 0));
        // Both later gold sentences match the long predicted one (positive, catalyst).
        assert_eq!(t.unmatched, 0);
        assert_eq!(t.sentiment.accuracy(), Accuracy { n: 3, correct: 2 });
        assert_eq!(t.sentiment.matrix[1], vec![1, 0, 0, 0]);
        assert_eq!(t.claims.matrix[0], vec![1, 0, 0, 0]);
        assert_eq!(t.claims.matrix[2], vec![1, 0, 0, 0]);
        assert_eq!(t.claims.matrix[3], vec![1, 0, 0, 0]);
        // RIVL has no company record: wrong.
        assert_eq!(t.entity_sentiment, Accuracy { n: 2, correct: 1 });

        let mut merged = Tally::default();
        merged.merge(&t);
        merged.merge(&t);
        assert_eq!(merged.sentences, Counts::new(2, 2, 4));
        assert_eq!(merged.claims.total(), 6);
    }

    #[test]
    fn an_empty_prediction_counts_every_gold_item_as_missed() {
        let gold = r#"{"text": "Acme fell 3%. Acme beat estimates.",
            "sections": [{"heading": null, "start": 0, "end": 34}],
            "entities": [{"start": 0, "end": 4, "type": "ORG", "id": "ACME"}],
            "sentences": [{"start": 0, "end": 13, "sentiment": "negative", "claim": "none"},
                          {"start": 14, "end": 34, "sentiment": "positive", "claim": "catalyst"}]}"#;
        let gold: GoldArticle = serde_json::from_str(gold).unwrap();
        let t = score(&gold, &Document::from_text("x", &gold.text));
        assert_eq!(t.sections, Counts::default());
        assert_eq!(t.sentences, Counts::new(0, 0, 2));
        assert_eq!(t.entities_overall(), Counts::new(0, 0, 1));
        assert_eq!(t.linked_ids, Counts::new(0, 0, 1));
        assert_eq!(t.unmatched, 2);
        assert_eq!(
            t.sentiment.matrix,
            vec![vec![0, 0, 0, 1], vec![0, 0, 0, 1], vec![0, 0, 0, 0]]
        );
        // No prediction is the claim `none`.
        assert_eq!(t.claims.matrix[0], vec![0, 0, 0, 1]);
        assert_eq!(t.claims.matrix[3], vec![0, 0, 0, 1]);
    }

    #[test]
    fn check_rejects_bad_spans() {
        let bad: GoldArticle = serde_json::from_str(
            r#"{"text": "Acme", "entities": [{"start": 0, "end": 3, "text": "Acme", "type": "ORG"}]}"#,
        )
        .unwrap();
        assert!(
            check(&bad)
                .unwrap_err()
                .contains("where the text is \"Acm\"")
        );
        let bad: GoldArticle =
            serde_json::from_str(r#"{"text": "Acme", "sentences": [{"start": 0, "end": 5}]}"#)
                .unwrap();
        assert!(check(&bad).unwrap_err().contains("outside the text"));
    }
}
