//! The output record of `interface.md`: [`Document`] -> one JSON object, code-point offsets.
//!
//! ```text
//! {"schema_version": "1", "id": "...", "sections": [{"heading": "What Happened",
//!  "start": 341, "end": 903, ...}], "sentences": [...], "entities": [...], "companies": [...]}
//! ```
//!
//! A failed article is `{"id", "source", "error"}` and nothing else.

use super::offsets::CharIndex;
use crate::document::{Claim, ClaimCounts, Document, Probs, Sentiment};
use crate::load::Failed;
use serde::Serialize;
use std::io::Write;

/// The version of the record's shape; bumped on any change that is not an addition.
pub const SCHEMA_VERSION: &str = "1";

/// The JSON Schema of a record (success or error), as `finnews schema` prints it.
pub const SCHEMA: &str = include_str!("schema.json");

#[derive(Serialize)]
struct Record<'a> {
    schema_version: &'static str,
    id: &'a str,
    title: Option<&'a str>,
    published: Option<&'a str>,
    source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    sentiment: Option<SentimentOut>,
    claims: ClaimCounts,
    sections: Vec<SectionOut<'a>>,
    sentences: Vec<SentenceOut<'a>>,
    entities: Vec<EntityOut<'a>>,
    companies: Vec<CompanyOut<'a>>,
}

#[derive(Serialize)]
struct SentimentOut {
    label: &'static str,
    score: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    probs: Option<Probs>,
}

#[derive(Serialize)]
struct ClaimOut {
    label: &'static str,
    score: f32,
    hedged: bool,
}

#[derive(Serialize)]
struct SectionOut<'a> {
    heading: Option<&'a str>,
    start: usize,
    end: usize,
    sentiment: Option<SentimentOut>,
}

#[derive(Serialize)]
struct SentenceOut<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    section: usize,
    sentiment: Option<SentimentOut>,
    claim: Option<ClaimOut>,
    entities: &'a [usize],
}

#[derive(Serialize)]
struct EntityOut<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    id: Option<&'a str>,
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct CompanyOut<'a> {
    id: &'a str,
    name: &'a str,
    mentions: usize,
    sentiment: Option<SentimentOut>,
    claims: ClaimCounts,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    id: &'a str,
    source: &'a str,
    error: String,
}

/// Scores are printed with four decimals: more is noise.
fn round(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

fn sentiment(s: &Option<Sentiment>) -> Option<SentimentOut> {
    s.as_ref().map(|s| SentimentOut {
        label: s.label.as_str(),
        score: round(s.score),
        probs: s.probs.map(|p| Probs {
            positive: round(p.positive),
            negative: round(p.negative),
            neutral: round(p.neutral),
        }),
    })
}

fn claim(c: &Option<Claim>) -> Option<ClaimOut> {
    c.as_ref().map(|c| ClaimOut {
        label: c.label.as_str(),
        score: round(c.score),
        hedged: c.hedged,
    })
}

/// Writes one processed document as a JSON line; `with_text` keeps the article text in it.
pub fn write_record(doc: &Document, with_text: bool, w: &mut impl Write) -> crate::Result<()> {
    let ix = CharIndex::new(&doc.text);
    let record = Record {
        schema_version: SCHEMA_VERSION,
        id: &doc.id,
        title: doc.title.as_deref(),
        published: doc.published.as_deref(),
        source: doc.origin.to_string(),
        text: with_text.then_some(doc.text.as_str()),
        sentiment: sentiment(&doc.sentiment),
        claims: doc.claims,
        sections: doc
            .sections
            .iter()
            .map(|s| SectionOut {
                heading: s.heading.map(|h| doc.slice(h)),
                start: ix.chars(s.span.start),
                end: ix.chars(s.span.end),
                sentiment: sentiment(&s.sentiment),
            })
            .collect(),
        sentences: doc
            .sentences
            .iter()
            .map(|s| SentenceOut {
                start: ix.chars(s.span.start),
                end: ix.chars(s.span.end),
                text: doc.slice(s.span),
                section: s.section,
                sentiment: sentiment(&s.sentiment),
                claim: claim(&s.claim),
                entities: &s.entities,
            })
            .collect(),
        entities: doc
            .entities
            .iter()
            .map(|e| EntityOut {
                start: ix.chars(e.span.start),
                end: ix.chars(e.span.end),
                text: doc.slice(e.span),
                kind: e.kind.as_str(),
                id: e.id.as_deref(),
                name: e.name.as_deref(),
            })
            .collect(),
        companies: doc
            .companies
            .iter()
            .map(|c| CompanyOut {
                id: &c.id,
                name: &c.name,
                mentions: c.mentions,
                sentiment: sentiment(&c.sentiment),
                claims: c.claims,
            })
            .collect(),
    };
    serde_json::to_writer(&mut *w, &record)?;
    w.write_all(b"\n")?;
    Ok(())
}

/// Writes the record of an article that could not be processed.
pub fn write_error(failed: &Failed, w: &mut impl Write) -> crate::Result<()> {
    let out = ErrorOut {
        id: &failed.id,
        source: &failed.source,
        error: failed.error.to_string(),
    };
    serde_json::to_writer(&mut *w, &out)?;
    w.write_all(b"\n")?;
    Ok(())
}
