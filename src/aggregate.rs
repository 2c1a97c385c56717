//! Aggregation: sentence sentiment and claims -> section, article and company figures.
//!
//! Reads `sentences[].sentiment`, `sentences[].claim` and the linked `entities`; writes
//! `sections[].sentiment`, the article's `sentiment` and `claims`, and `companies`.
//!
//! Sentiment of a group of sentences: the mean of their label probabilities. Its label is
//! positive or negative when the mean positive and negative mass differ by more than
//! [`POLAR_MARGIN`], neutral otherwise; so a few strongly worded sentences among neutral facts
//! still tip a section, while an even mix stays neutral. Its score is the mean probability of
//! the label chosen.
//!
//! Claim attribution: a sentence's claim counts for every company linked in it; a sentence
//! that names no company counts for the article's main company (the most mentioned one,
//! first mentioned on a tie).

use crate::document::{ClaimCounts, ClaimLabel, Company, Document, Polarity, Probs, Sentiment};
use crate::error::Result;
use crate::pipeline::Stage;

/// How far mean positive and negative probability must differ for a polar label.
pub const POLAR_MARGIN: f32 = 0.12;

/// The aggregation stage (no settings).
pub struct Aggregate;

impl Stage for Aggregate {
    fn name(&self) -> &'static str {
        "aggregate"
    }

    fn apply(&self, doc: &mut Document) -> Result<()> {
        // Sections.
        let mut by_section = vec![Mean::default(); doc.sections.len()];
        let mut article = Mean::default();
        for s in &doc.sentences {
            if let Some(sent) = &s.sentiment {
                article.add(sent);
                if let Some(m) = by_section.get_mut(s.section) {
                    m.add(sent);
                }
            }
        }
        for (section, mean) in doc.sections.iter_mut().zip(&by_section) {
            section.sentiment = mean.sentiment();
        }
        doc.sentiment = article.sentiment();

        // Article claims.
        let mut claims = ClaimCounts::default();
        for s in &doc.sentences {
            if let Some(c) = &s.claim {
                count(&mut claims, c.label);
            }
        }
        doc.claims = claims;

        // Companies, in order of first mention.
        let mut companies: Vec<Company> = Vec::new();
        for e in &doc.entities {
            let Some(id) = &e.id else { continue };
            match companies.iter_mut().find(|c| &c.id == id) {
                Some(c) => c.mentions += 1,
                None => companies.push(Company {
                    id: id.clone(),
                    name: e.name.clone().unwrap_or_else(|| id.clone()),
                    mentions: 1,
                    sentiment: None,
                    claims: ClaimCounts::default(),
                }),
            }
        }
        let main = companies
            .iter()
            .enumerate()
            .max_by_key(|(i, c)| (c.mentions, std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
        let mut means = vec![Mean::default(); companies.len()];
        let mut named: Vec<usize> = Vec::new();
        for s in &doc.sentences {
            named.clear();
            for &e in &s.entities {
                if let Some(id) = doc.entities.get(e).and_then(|e| e.id.as_ref())
                    && let Some(k) = companies.iter().position(|c| &c.id == id)
                    && !named.contains(&k)
                {
                    named.push(k);
                }
            }
            if let Some(sent) = &s.sentiment {
                for &k in &named {
                    means[k].add(sent);
                }
            }
            if let Some(c) = &s.claim {
                if named.is_empty() {
                    if let Some(k) = main {
                        count(&mut companies[k].claims, c.label);
                    }
                } else {
                    for &k in &named {
                        count(&mut companies[k].claims, c.label);
                    }
                }
            }
        }
        for (c, m) in companies.iter_mut().zip(&means) {
            c.sentiment = m.sentiment();
        }
        doc.companies = companies;
        Ok(())
    }
}

fn count(counts: &mut ClaimCounts, label: ClaimLabel) {
    match label {
        ClaimLabel::Catalyst => counts.catalyst += 1,
        ClaimLabel::Risk => counts.risk += 1,
        ClaimLabel::WatchItem => counts.watch_item += 1,
        ClaimLabel::None => {}
    }
}

/// A running mean of label probabilities.
#[derive(Debug, Clone, Copy, Default)]
struct Mean {
    positive: f32,
    negative: f32,
    neutral: f32,
    n: usize,
}

impl Mean {
    fn add(&mut self, s: &Sentiment) {
        let p = s.probs.unwrap_or_else(|| one_hot(s));
        self.positive += p.positive;
        self.negative += p.negative;
        self.neutral += p.neutral;
        self.n += 1;
    }

    fn sentiment(&self) -> Option<Sentiment> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f32;
        let probs = Probs {
            positive: self.positive / n,
            negative: self.negative / n,
            neutral: self.neutral / n,
        };
        let diff = probs.positive - probs.negative;
        let (label, score) = if diff > POLAR_MARGIN {
            (Polarity::Positive, probs.positive)
        } else if diff < -POLAR_MARGIN {
            (Polarity::Negative, probs.negative)
        } else {
            (Polarity::Neutral, probs.neutral)
        };
        Some(Sentiment {
            label,
            score: score.clamp(0.0, 1.0),
            probs: Some(probs),
        })
    }
}

/// Probabilities for a sentiment given only as a label and a confidence.
fn one_hot(s: &Sentiment) -> Probs {
    let rest = (1.0 - s.score) / 2.0;
    let mut p = Probs {
        positive: rest,
        negative: rest,
        neutral: rest,
    };
    match s.label {
        Polarity::Positive => p.positive = s.score,
        Polarity::Negative => p.negative = s.score,
        Polarity::Neutral => p.neutral = s.score,
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Claim, Entity, EntityType, Section, Sentence, Span};

    fn sentiment(label: Polarity, score: f32) -> Option<Sentiment> {
        Some(Sentiment {
            label,
            score,
            probs: None,
        })
    }

    fn org(start: usize, end: usize, id: &str) -> Entity {
        Entity {
            span: Span::new(start, end),
            kind: EntityType::Org,
            id: Some(id.into()),
            name: Some(format!("{id} Inc.")),
        }
    }

    fn doc() -> Document {
        // "Acme up. Bolt down. Fine day."
        let mut d = Document::from_text("t", "Acme up. Bolt down. Fine day.");
        d.sections.push(Section {
            heading: None,
            span: Span::new(0, 29),
            sentiment: None,
        });
        d.entities = vec![org(0, 4, "ACME"), org(9, 13, "BOLT")];
        let claim = |label| {
            Some(Claim {
                label,
                score: 0.9,
                hedged: false,
            })
        };
        d.sentences = vec![
            Sentence {
                span: Span::new(0, 8),
                section: 0,
                sentiment: sentiment(Polarity::Positive, 0.9),
                claim: claim(ClaimLabel::Catalyst),
                entities: vec![0],
            },
            Sentence {
                span: Span::new(9, 19),
                section: 0,
                sentiment: sentiment(Polarity::Negative, 0.9),
                claim: claim(ClaimLabel::Risk),
                entities: vec![1],
            },
            Sentence {
                span: Span::new(20, 29),
                section: 0,
                sentiment: sentiment(Polarity::Neutral, 0.9),
                claim: claim(ClaimLabel::WatchItem),
                entities: vec![],
            },
        ];
        d
    }

    #[test]
    fn companies_get_their_own_sentiment_and_claims() {
        let mut d = doc();
        Aggregate.apply(&mut d).unwrap();
        assert_eq!(d.companies.len(), 2);
        let acme = &d.companies[0];
        assert_eq!(
            (acme.id.as_str(), acme.name.as_str(), acme.mentions),
            ("ACME", "ACME Inc.", 1)
        );
        assert_eq!(acme.sentiment.unwrap().label, Polarity::Positive);
        assert_eq!(d.companies[1].sentiment.unwrap().label, Polarity::Negative);
        // The unattributed watch item goes to the main company: a tie, so the first mentioned.
        assert_eq!(
            acme.claims,
            ClaimCounts {
                catalyst: 1,
                risk: 0,
                watch_item: 1
            }
        );
        assert_eq!(
            d.companies[1].claims,
            ClaimCounts {
                catalyst: 0,
                risk: 1,
                watch_item: 0
            }
        );
        assert_eq!(
            d.claims,
            ClaimCounts {
                catalyst: 1,
                risk: 1,
                watch_item: 1
            }
        );
    }

    #[test]
    fn balanced_article_is_neutral() {
        let mut d = doc();
        Aggregate.apply(&mut d).unwrap();
        assert_eq!(d.sentiment.unwrap().label, Polarity::Neutral);
        assert_eq!(d.sections[0].sentiment.unwrap().label, Polarity::Neutral);
    }

    #[test]
    fn empty_document_has_no_sentiment() {
        let mut d = Document::from_text("t", "");
        Aggregate.apply(&mut d).unwrap();
        assert!(d.sentiment.is_none());
        assert!(d.companies.is_empty());
    }
}
