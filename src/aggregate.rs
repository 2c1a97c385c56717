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
//! Company sentiment, as an investor in that company reads the article: the article's main
//! company (the most mentioned one, first mentioned on a tie) takes the article's sentiment,
//! since the article is about it. Another company takes the sentiment of the sentences that
//! open with its name, the sentences about it; a company only named further into sentences
//! about something else ("... dominated by Amazon, Microsoft and Google") is neutral, without
//! probabilities: those sentences judge their subject, not it.
//!
//! Claim attribution: a sentence's claim counts for every company linked in it; a sentence
//! that names no company counts for the article's main company.

use crate::document::{
    ClaimCounts, ClaimLabel, Company, Document, Polarity, Probs, Sentiment, Span,
};
use crate::error::Result;
use crate::pipeline::Stage;

/// How far mean positive and negative probability must differ for a polar label. Chosen on
/// the company sentiment of our corpus's train split (`corpus/gold/train.jsonl`): best
/// between 0.05 and 0.08, while the main company's reading falls off above 0.08.
pub const POLAR_MARGIN: f32 = 0.08;

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
        // Per company: the sentences it opens, and every sentence naming it.
        let mut opened = vec![Mean::default(); companies.len()];
        let mut named_in = vec![Mean::default(); companies.len()];
        let mut named: Vec<usize> = Vec::new();
        for s in &doc.sentences {
            named.clear();
            let mut opener = None;
            for &e in &s.entities {
                let Some(entity) = doc.entities.get(e) else {
                    continue;
                };
                if let Some(id) = &entity.id
                    && let Some(k) = companies.iter().position(|c| &c.id == id)
                    && !named.contains(&k)
                {
                    named.push(k);
                    if opens(&doc.text, s.span, entity.span) {
                        opener = Some(k);
                    }
                }
            }
            if let Some(sent) = &s.sentiment {
                for &k in &named {
                    named_in[k].add(sent);
                }
                if let Some(k) = opener {
                    opened[k].add(sent);
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
        for (k, c) in companies.iter_mut().enumerate() {
            c.sentiment = if Some(k) == main {
                doc.sentiment
            } else if opened[k].n > 0 {
                opened[k].sentiment()
            } else {
                named_in[k].unread()
            };
        }
        doc.companies = companies;
        Ok(())
    }
}

/// Whether `mention` opens `sentence`: no letter or digit before it (an opening quote or
/// bracket may be).
fn opens(text: &str, sentence: Span, mention: Span) -> bool {
    mention.start >= sentence.start
        && text
            .get(sentence.start..mention.start)
            .is_some_and(|before| !before.chars().any(char::is_alphanumeric))
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

    /// Neutral without probabilities, scored by the mean neutral probability: for a company
    /// the sentences name but are not about. `None` when no sentence was added.
    fn unread(&self) -> Option<Sentiment> {
        (self.n > 0).then(|| Sentiment {
            label: Polarity::Neutral,
            score: (self.neutral / self.n as f32).clamp(0.0, 1.0),
            probs: None,
        })
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
    use crate::document::{Claim, Entity, EntityType, Section, Sentence};

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
        // ACME is the main company (a tie, so the first mentioned): the article's reading.
        assert_eq!(acme.sentiment, d.sentiment);
        assert_eq!(acme.sentiment.unwrap().label, Polarity::Neutral);
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
    fn a_company_is_read_from_the_sentences_about_it() {
        let text = "Acme rose. Acme beat Bolt and Core. \"Core fell.\"";
        let mut d = Document::from_text("t", text);
        d.entities = vec![
            org(0, 4, "ACME"),
            org(11, 15, "ACME"),
            org(21, 25, "BOLT"),
            org(30, 34, "CORE"),
            org(37, 41, "CORE"),
        ];
        let sentence = |start, end, label, entities| Sentence {
            span: Span::new(start, end),
            section: 0,
            sentiment: sentiment(label, 0.9),
            claim: None,
            entities,
        };
        d.sentences = vec![
            sentence(0, 10, Polarity::Positive, vec![0]),
            sentence(11, 35, Polarity::Positive, vec![1, 2, 3]),
            sentence(36, 48, Polarity::Negative, vec![4]),
        ];
        Aggregate.apply(&mut d).unwrap();
        let by_id = |id: &str| {
            d.companies
                .iter()
                .find(|c| c.id == id)
                .and_then(|c| c.sentiment)
                .unwrap()
        };
        // The main company (two mentions, first named) takes the article's sentiment.
        assert_eq!(d.sentiment.unwrap().label, Polarity::Positive);
        assert_eq!(by_id("ACME"), d.sentiment.unwrap());
        // Named only inside a sentence about Acme: neutral, no probabilities.
        assert_eq!(by_id("BOLT").label, Polarity::Neutral);
        assert!(by_id("BOLT").probs.is_none());
        // Core opens the quoted last sentence; the one about Acme does not count for it.
        assert_eq!(by_id("CORE").label, Polarity::Negative);
        assert!((by_id("CORE").probs.unwrap().negative - 0.9).abs() < 1e-6);
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
