//! The document every stage reads and edits in place.
//!
//! A [`Document`] owns the article text once; every section, sentence and entity is a
//! [`Span`] of byte offsets into it. Offsets become Unicode code points only when a record is
//! written (see `output`), so stages never copy text and never count characters.

use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into [`Document::text`], always on `char` boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// The text this span covers.
    pub fn of<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Sentiment labels, as in `labels.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    Positive,
    Negative,
    Neutral,
}

impl Polarity {
    pub const ALL: [Polarity; 3] = [Polarity::Positive, Polarity::Negative, Polarity::Neutral];
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Negative => "negative",
            Polarity::Neutral => "neutral",
        }
    }
}

/// Probabilities over the three sentiment labels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Probs {
    pub positive: f32,
    pub negative: f32,
    pub neutral: f32,
}

/// A sentiment judgement: the label, its score (confidence in `[0, 1]`) and, where the stage
/// has them, the probabilities of every label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sentiment {
    pub label: Polarity,
    pub score: f32,
    pub probs: Option<Probs>,
}

/// Claim roles, as in `labels.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimLabel {
    Catalyst,
    Risk,
    WatchItem,
    None,
}

impl ClaimLabel {
    pub const ALL: [ClaimLabel; 4] = [
        ClaimLabel::Catalyst,
        ClaimLabel::Risk,
        ClaimLabel::WatchItem,
        ClaimLabel::None,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimLabel::Catalyst => "catalyst",
            ClaimLabel::Risk => "risk",
            ClaimLabel::WatchItem => "watch_item",
            ClaimLabel::None => "none",
        }
    }
}

/// A sentence's claim role with a confidence and whether it is hedged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    pub label: ClaimLabel,
    pub score: f32,
    pub hedged: bool,
}

/// Entity types, as in `labels.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    Org,
    Person,
    Loc,
    Product,
    Ticker,
    Money,
    Percent,
    Date,
}

impl EntityType {
    pub const ALL: [EntityType; 8] = [
        EntityType::Org,
        EntityType::Person,
        EntityType::Loc,
        EntityType::Product,
        EntityType::Ticker,
        EntityType::Money,
        EntityType::Percent,
        EntityType::Date,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Org => "ORG",
            EntityType::Person => "PERSON",
            EntityType::Loc => "LOC",
            EntityType::Product => "PRODUCT",
            EntityType::Ticker => "TICKER",
            EntityType::Money => "MONEY",
            EntityType::Percent => "PERCENT",
            EntityType::Date => "DATE",
        }
    }
}

/// A section: a heading line (or none, for a lead) and the body up to the next heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The heading's text without Markdown markers or surrounding white space.
    pub heading: Option<Span>,
    /// From the heading line's start (or the lead's start) to the section's last
    /// non-white-space character.
    pub span: Span,
    pub sentiment: Option<Sentiment>,
}

/// A sentence of the body (never a heading); a bullet marker is not part of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub span: Span,
    /// Index into [`Document::sections`].
    pub section: usize,
    pub sentiment: Option<Sentiment>,
    pub claim: Option<Claim>,
    /// Indexes into [`Document::entities`] of the mentions inside this sentence.
    pub entities: Vec<usize>,
}

/// One mention: exact span and type, and the ticker it links to where it names (or belongs
/// to) a listed company.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub span: Span,
    pub kind: EntityType,
    /// Exchange ticker of the listed company this mention refers to or belongs to.
    pub id: Option<String>,
    /// Canonical name of that company.
    pub name: Option<String>,
}

/// The linked mentions of one listed company, aggregated over the article.
#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    pub id: String,
    pub name: String,
    pub mentions: usize,
    pub sentiment: Option<Sentiment>,
    /// Claims counted for this company: catalysts, risks, watch items.
    pub claims: ClaimCounts,
}

/// How many sentences carry each claim role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimCounts {
    pub catalyst: usize,
    pub risk: usize,
    pub watch_item: usize,
}

/// Where an article came from: a file, a line of a JSON Lines file, or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The path as given (or `-` for standard input).
    pub source: String,
    /// 1-based line for JSON Lines records.
    pub line: Option<usize>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.source, line),
            None => f.write_str(&self.source),
        }
    }
}

/// The format the text came in, which decides how headings may look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Plain,
    Markdown,
    /// HTML: the loader has already found the headings (`h1`-`h6`).
    Html,
}

/// One article and everything the stages found in it.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub title: Option<String>,
    pub published: Option<String>,
    pub origin: Origin,
    pub format: Format,
    pub text: String,
    /// Heading lines known before segmentation (HTML `h1`-`h6`), as spans of `text`.
    pub known_headings: Vec<Span>,
    pub sections: Vec<Section>,
    pub sentences: Vec<Sentence>,
    pub entities: Vec<Entity>,
    pub companies: Vec<Company>,
    pub sentiment: Option<Sentiment>,
    pub claims: ClaimCounts,
}

impl Document {
    /// Points each sentence at the entities inside it (`sentences[].entities`), from
    /// `entities` sorted by start; an entity outside every sentence belongs to none.
    pub fn link_sentences_to_entities(&mut self) {
        let mut next = 0;
        for sentence in &mut self.sentences {
            sentence.entities.clear();
            while next < self.entities.len() && self.entities[next].span.start < sentence.span.start
            {
                next += 1;
            }
            while next < self.entities.len() && sentence.span.contains(self.entities[next].span) {
                sentence.entities.push(next);
                next += 1;
            }
        }
    }

    /// A fresh document with nothing found yet.
    pub fn new(
        id: impl Into<String>,
        text: impl Into<String>,
        origin: Origin,
        format: Format,
    ) -> Self {
        Document {
            id: id.into(),
            title: None,
            published: None,
            origin,
            format,
            text: text.into(),
            known_headings: Vec::new(),
            sections: Vec::new(),
            sentences: Vec::new(),
            entities: Vec::new(),
            companies: Vec::new(),
            sentiment: None,
            claims: ClaimCounts::default(),
        }
    }

    /// A plain-text document, as tests and benchmarks build them.
    pub fn from_text(id: &str, text: &str) -> Self {
        Document::new(
            id,
            text,
            Origin {
                source: id.to_string(),
                line: None,
            },
            Format::Plain,
        )
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        span.of(&self.text)
    }
}
