//! The model sentiment stage: `Document.sentences` -> each sentence's `sentiment`, from the
//! fine-tuned encoder.
//!
//! ```
//! use finnews::document::{Document, Sentence, Span};
//! use finnews::encoder::{Config, SentimentModel};
//! use finnews::Stage;
//!
//! let mut doc = Document::from_text("a", "Net sales fell 30% and the company swung to a loss.");
//! doc.sentences.push(Sentence { span: Span::new(0, doc.text.len()), section: 0,
//!                               sentiment: None, claim: None, entities: vec![] });
//! SentimentModel::embedded(&Config::default())?.apply(&mut doc)?;
//! let s = doc.sentences[0].sentiment.unwrap();
//! assert_eq!(s.label.as_str(), "negative");
//! assert!(s.probs.is_some());
//! # Ok::<(), finnews::Error>(())
//! ```
//!
//! Over many documents ([`Stage::apply_batch`]) the sentences of all of them are gathered,
//! sorted by length and run in padded batches, one forward pass each; the label is the most
//! probable class and the score its probability.
//!
//! [`ModelStage`], the default pipeline's model stage, runs that same pass once for two heads:
//! sentiment, and claims ([`crate::claims::model`]).

use super::{Checkpoint, Config, Encoder, Head};
use crate::claims::Cues;
use crate::claims::model::{ClaimModel, read_token_batches};
use crate::document::{Claim, Document, Polarity, Probs, Sentiment};
use crate::entities::ner::{Mention, NerModel};
use crate::error::{Error, Result};
use crate::pipeline::{Stage, batch_or_each};

/// Sentence sentiment from a fine-tuned encoder and a three-way classification head.
pub struct SentimentModel {
    encoder: Encoder,
    head: Head,
    /// The polarity of each of the head's columns.
    polarities: Vec<Polarity>,
}

/// The head's name in the weights file.
pub const HEAD: &str = "classifier";

impl SentimentModel {
    /// The model embedded in the binary (`models/sentiment/`).
    pub fn embedded(config: &Config) -> Result<Self> {
        SentimentModel::new(&Checkpoint::embedded_sentiment()?, config)
    }

    /// A model from a checkpoint whose `config.json` names the labels (`id2label`: positive,
    /// negative and neutral, in any order) and whose weights hold the `classifier` head.
    pub fn new(checkpoint: &Checkpoint, config: &Config) -> Result<Self> {
        let bad = |message: String| Error::Model {
            what: "sentiment model".into(),
            message,
        };
        let labels = checkpoint
            .labels()
            .ok_or_else(|| bad("config.json has no id2label".into()))?;
        let polarities = labels
            .iter()
            .map(|l| {
                Polarity::ALL
                    .into_iter()
                    .find(|p| p.as_str() == l.to_lowercase())
                    .ok_or_else(|| bad(format!("unknown label {l:?}")))
            })
            .collect::<Result<Vec<_>>>()?;
        if Polarity::ALL.iter().any(|p| !polarities.contains(p)) {
            return Err(bad(format!(
                "labels {labels:?} do not cover positive, negative, neutral"
            )));
        }
        let encoder = Encoder::new(checkpoint, config)?;
        let head = Head::load(
            checkpoint.var_builder(),
            HEAD,
            encoder.hidden_size(),
            labels,
        )?;
        Ok(SentimentModel {
            encoder,
            head,
            polarities,
        })
    }

    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    pub fn head(&self) -> &Head {
        &self.head
    }

    /// The sentiment of each text, in input order.
    pub fn predict(&self, texts: &[&str]) -> Result<Vec<Sentiment>> {
        let placeholder = Sentiment {
            label: Polarity::Neutral,
            score: 0.0,
            probs: None,
        };
        let mut out = vec![placeholder; texts.len()];
        self.encoder.for_each_batch(texts, |positions, pooled| {
            for (&i, row) in positions.iter().zip(self.head.probs(pooled)?) {
                out[i] = self.sentiment(&row);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// A row of head probabilities as a [`Sentiment`].
    fn sentiment(&self, row: &[f32]) -> Sentiment {
        let mut probs = Probs {
            positive: 0.0,
            negative: 0.0,
            neutral: 0.0,
        };
        let mut best = (Polarity::Neutral, f32::MIN);
        for (&p, &x) in self.polarities.iter().zip(row) {
            match p {
                Polarity::Positive => probs.positive = x,
                Polarity::Negative => probs.negative = x,
                Polarity::Neutral => probs.neutral = x,
            }
            if x > best.1 {
                best = (p, x);
            }
        }
        Sentiment {
            label: best.0,
            score: best.1,
            probs: Some(probs),
        }
    }

    /// Scores every sentence of every document in one sorted, batched pass.
    fn apply_all(&self, docs: &mut [&mut Document]) -> Result<()> {
        let texts: Vec<&str> = docs
            .iter()
            .flat_map(|d| d.sentences.iter().map(|s| s.span.of(&d.text)))
            .collect();
        let results = self.predict(&texts)?;
        let mut results = results.into_iter();
        for doc in docs.iter_mut() {
            for (s, r) in doc.sentences.iter_mut().zip(results.by_ref()) {
                s.sentiment = Some(r);
            }
        }
        Ok(())
    }
}

impl Stage for SentimentModel {
    fn name(&self) -> &'static str {
        "sentiment"
    }

    fn apply(&self, doc: &mut Document) -> Result<()> {
        self.apply_all(&mut [doc])
    }

    fn apply_batch(&self, docs: &mut [&mut Document]) -> Vec<Result<()>> {
        batch_or_each(self, docs, |docs| self.apply_all(docs))
    }
}

/// Sentiment and claims from one encoder pass: `Document.sentences` -> each sentence's
/// `sentiment` and `claim`.
///
/// The pooled embedding of each sentence feeds the sentiment head and the claim head
/// ([`crate::claims::model`]); the claim head also reads the cue stage's scores (computed with
/// the model's sentiment), the sentence's place in the article and its section heading.
/// `hedged` is the cue stage's hedge evidence, as in the rules-only pipeline.
pub struct ModelStage {
    sentiment: SentimentModel,
    claims: ClaimModel,
    cues: Cues,
    /// PERSON, LOC and ORG from the same pass, merged into the rule entities.
    ner: Option<NerModel>,
}

impl ModelStage {
    /// The models embedded in the binary (`models/sentiment/`, `models/claims/`).
    pub fn embedded(encoder: &Config, claims: &crate::claims::Config) -> Result<Self> {
        Ok(ModelStage::new(
            SentimentModel::embedded(encoder)?,
            ClaimModel::embedded()?,
            Cues::new(claims)?,
        ))
    }

    pub fn new(sentiment: SentimentModel, claims: ClaimModel, cues: Cues) -> Self {
        ModelStage {
            sentiment,
            claims,
            cues,
            ner: None,
        }
    }

    /// Also runs the NER head ([`crate::entities::ner`]) on the same pass.
    pub fn with_ner(mut self, ner: NerModel) -> Self {
        self.ner = Some(ner);
        self
    }

    pub fn sentiment(&self) -> &SentimentModel {
        &self.sentiment
    }

    pub fn claims(&self) -> &ClaimModel {
        &self.claims
    }

    /// Runs the encoder once over every sentence of every document, sorted and batched.
    fn apply_all(&self, docs: &mut [&mut Document]) -> Result<()> {
        let mut out: Vec<Vec<Option<(Sentiment, Claim)>>> =
            docs.iter().map(|d| vec![None; d.sentences.len()]).collect();
        let refs: Vec<&Document> = docs.iter().map(|d| &**d).collect();
        let headings = self.claims.reads_headings();
        let mut found: Vec<Vec<Mention>> = vec![Vec::new(); refs.len()];
        let tokens = self.ner.is_some();
        read_token_batches(
            &self.sentiment,
            &self.cues,
            &refs,
            headings,
            tokens,
            |batch| {
                let claims = self
                    .claims
                    .predict(batch.pooled, batch.evidence, batch.headings)?;
                for ((&(d, k), e), c) in batch.rows.iter().zip(batch.evidence).zip(claims) {
                    out[d][k] = Some((e.sentiment, c));
                }
                if let Some(ner) = &self.ner {
                    ner.read_batch(&refs, batch.rows, batch.layers, batch.encodings, &mut found)?;
                }
                Ok(())
            },
        )?;
        if let Some(ner) = &self.ner {
            for (doc, f) in docs.iter_mut().zip(found) {
                ner.finish(doc, f);
            }
        }
        for (doc, results) in docs.iter_mut().zip(out) {
            for (s, r) in doc.sentences.iter_mut().zip(results) {
                if let Some((sentiment, claim)) = r {
                    s.sentiment = Some(sentiment);
                    s.claim = Some(claim);
                }
            }
        }
        Ok(())
    }
}

impl Stage for ModelStage {
    fn name(&self) -> &'static str {
        "sentiment+claims"
    }

    fn apply(&self, doc: &mut Document) -> Result<()> {
        self.apply_all(&mut [doc])
    }

    fn apply_batch(&self, docs: &mut [&mut Document]) -> Vec<Result<()>> {
        batch_or_each(self, docs, |docs| self.apply_all(docs))
    }
}
