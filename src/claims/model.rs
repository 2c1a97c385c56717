//! The learned claim head: each sentence's pooled embedding (from the shared encoder), the cue
//! stage's evidence, its sentiment and its place in the article -> its claim, with a
//! calibrated probability.
//!
//! ```text
//! "Shares fell 6% after the recall."    -> encoder (the pass sentiment uses) -> [384]
//!   under the heading "Risks",           -> Cues::scores (catalyst 0, risk 3.4, watch 0, none 0.9,
//!   third sentence of the article           its decision, hedge none)         -> [4 + 4 + 1]
//!                                         -> sentiment probabilities          -> [3]
//!                                         -> first of article? of section? relative place -> [3]
//!                                         -> the heading's pooled embedding   -> [1 + 384]
//!   -> standardize -> linear layer, or one hidden ReLU layer -> logits / temperature -> softmax
//!   -> Claim { label: risk, score: 0.91, hedged: false }
//! ```
//!
//! Which of these feature groups a head reads is in its `config.json` ([`FeatureGroup`]);
//! [`read_batches`] computes them all from one encoder pass over the sentences (headings,
//! a few short lines, get a pass of their own when the head reads them).
//!
//! ```
//! use finnews::claims::model::{ClaimModel, read_batches};
//! use finnews::claims::{Config, Cues};
//! use finnews::document::{Document, Sentence, Span};
//! use finnews::encoder::{self, SentimentModel};
//!
//! let text = "Shares fell 6% after regulators opened a probe into its billing practices.";
//! let mut doc = Document::from_text("a", text);
//! doc.sentences.push(Sentence { span: Span::new(0, text.len()), section: 0,
//!                               sentiment: None, claim: None, entities: vec![] });
//! let sentiment = SentimentModel::embedded(&encoder::Config::default())?;
//! let cues = Cues::new(&Config::default())?;
//! let head = ClaimModel::embedded()?;
//! let mut claims = Vec::new();
//! read_batches(&sentiment, &cues, &[&doc], head.reads_headings(), |batch| {
//!     claims.extend(head.predict(batch.pooled, batch.evidence, batch.headings)?);
//!     Ok(())
//! })?;
//! assert_eq!(claims[0].label.as_str(), "risk");
//! assert!(claims[0].score > 0.25 && claims[0].score <= 1.0);
//! # Ok::<(), finnews::Error>(())
//! ```
//!
//! The encoder is frozen for this head: it reads the embeddings the sentiment head reads, so
//! one forward pass serves both. The head is stored in `models/claims/` (`head.safetensors`,
//! f16: the standardization and the layers; `config.json`: feature layout, label order,
//! temperature and the fingerprint of the encoder it was fitted on) and embedded in the binary.
//! It is fitted by `finnews train claims` ([`crate::train::claims`]).
//!
//! Hedging is not learned: `hedged` is the cue stage's hedge evidence ([`Scores::hedge`]), so
//! both paths report it the same way.

use super::{Cues, Scores, Scratch, main_company, rivals_only};
use crate::document::{Claim, ClaimLabel, Document, Polarity, Probs, Sentiment, Span};
use crate::encoder::{SentimentModel, tensor_err};
use crate::error::{Error, Result};
use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// The shipped head's weights (f16 safetensors).
pub const WEIGHTS: &[u8] = include_bytes!("../../models/claims/head.safetensors");
/// The shipped head's configuration.
pub const CONFIG: &str = include_str!("../../models/claims/config.json");

/// A group of input features, in the order the configuration lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureGroup {
    /// The encoder's mean-pooled sentence embedding.
    Embedding,
    /// The cue stage's catalyst, risk, watch-item and none scores.
    CueScores,
    /// The cue stage's own decision, one-hot in [`ClaimLabel::ALL`] order.
    CueLabel,
    /// 1 when the cue stage found a hedge, else 0.
    Hedge,
    /// The sentence's positive, negative and neutral probabilities.
    Sentiment,
    /// Where the sentence stands: first of the article, first of its section, and its
    /// relative position (0 at the start of the article, 1 at the end).
    Position,
    /// Whether its section has a heading, and the heading's pooled embedding (zeros when none).
    Heading,
    /// The cue scores of the previous and the next sentence (read without sentiment), with a
    /// flag for each that exists.
    Neighbors,
}

impl FeatureGroup {
    /// Columns the group takes, given the embedding size.
    pub fn width(self, embedding: usize) -> usize {
        match self {
            FeatureGroup::Embedding => embedding,
            FeatureGroup::CueScores | FeatureGroup::CueLabel => 4,
            FeatureGroup::Hedge => 1,
            FeatureGroup::Sentiment | FeatureGroup::Position => 3,
            FeatureGroup::Heading => embedding + 1,
            FeatureGroup::Neighbors => 10,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FeatureGroup::Embedding => "embedding",
            FeatureGroup::CueScores => "cue_scores",
            FeatureGroup::CueLabel => "cue_label",
            FeatureGroup::Hedge => "hedge",
            FeatureGroup::Sentiment => "sentiment",
            FeatureGroup::Position => "position",
            FeatureGroup::Heading => "heading",
            FeatureGroup::Neighbors => "neighbors",
        }
    }

    /// Writes this group's columns of one sentence; `headings` holds the heading embeddings
    /// that [`Evidence::heading`] indexes (not for [`FeatureGroup::Embedding`]).
    fn push(self, e: &Evidence, headings: &[Vec<f32>], embedding: usize, out: &mut Vec<f32>) {
        let flag = |b: bool| f32::from(u8::from(b));
        let s = &e.cues;
        match self {
            FeatureGroup::Embedding => {}
            FeatureGroup::CueScores => out.extend([s.catalyst, s.risk, s.watch_item, s.none]),
            FeatureGroup::CueLabel => {
                let pick = cue_label(s);
                out.extend(ClaimLabel::ALL.map(|l| flag(l == pick)));
            }
            FeatureGroup::Hedge => out.push(flag(s.hedge.is_some())),
            FeatureGroup::Sentiment => out.extend(sentiment_probs(&e.sentiment)),
            FeatureGroup::Position => {
                let p = &e.place;
                let at = p.index as f32 / p.count.saturating_sub(1).max(1) as f32;
                out.extend([flag(p.index == 0), flag(p.opens_section), at]);
            }
            FeatureGroup::Neighbors => {
                for n in e.neighbors {
                    out.push(flag(n.is_some()));
                    out.extend(n.unwrap_or_default());
                }
            }
            FeatureGroup::Heading => match e.place.heading.and_then(|h| headings.get(h)) {
                Some(h) if h.len() == embedding => {
                    out.push(1.0);
                    out.extend_from_slice(h);
                }
                _ => out.extend(std::iter::repeat_n(0.0, embedding + 1)),
            },
        }
    }
}

/// Where a sentence stands in its article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Place {
    /// Index among the article's sentences.
    pub index: usize,
    /// Sentences in the article.
    pub count: usize,
    /// The first sentence of its section.
    pub opens_section: bool,
    /// Its section's heading, as an index into the headings [`layout`] returns.
    pub heading: Option<usize>,
}

/// Each sentence's [`Place`], and the spans of the document's section headings.
pub fn layout(doc: &Document) -> (Vec<Place>, Vec<Span>) {
    let mut headings = Vec::new();
    let mut heading_of = Vec::with_capacity(doc.sections.len());
    for section in &doc.sections {
        heading_of.push(section.heading.map(|h| {
            headings.push(h);
            headings.len() - 1
        }));
    }
    let count = doc.sentences.len();
    let mut places = Vec::with_capacity(count);
    for (index, s) in doc.sentences.iter().enumerate() {
        let opens_section = index == 0 || doc.sentences[index - 1].section != s.section;
        places.push(Place {
            index,
            count,
            opens_section,
            heading: heading_of.get(s.section).copied().flatten(),
        });
    }
    (places, headings)
}

/// What the head reads about one sentence besides its embedding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence {
    /// The cue stage's scores and hedge, computed with `sentiment`.
    pub cues: Scores,
    pub sentiment: Sentiment,
    pub place: Place,
    /// The previous and the next sentence's cue scores (catalyst, risk, watch item, none),
    /// read without sentiment.
    pub neighbors: [Option<[f32; 4]>; 2],
}

/// The cue stage's decision from its scores: the largest, ties to none (as
/// [`super::Cues::decide`] picks it).
pub fn cue_label(s: &Scores) -> ClaimLabel {
    let mut best = (ClaimLabel::None, s.none);
    for (label, x) in [
        (ClaimLabel::WatchItem, s.watch_item),
        (ClaimLabel::Risk, s.risk),
        (ClaimLabel::Catalyst, s.catalyst),
    ] {
        if x > best.1 {
            best = (label, x);
        }
    }
    best.0
}

/// Positive, negative and neutral probabilities; a sentiment without them counts as certain.
fn sentiment_probs(s: &Sentiment) -> [f32; 3] {
    match s.probs {
        Some(p) => [p.positive, p.negative, p.neutral],
        None => Polarity::ALL.map(|p| f32::from(u8::from(p == s.label))),
    }
}

/// The input matrix `[rows, width]` of a head with these feature groups: `pooled` is
/// `[rows, embedding]`, `evidence` holds one entry per row, `headings` the heading
/// embeddings its places point to.
pub fn features(
    groups: &[FeatureGroup],
    pooled: &Tensor,
    evidence: &[Evidence],
    headings: &[Vec<f32>],
) -> Result<Tensor> {
    let (rows, embedding) = pooled.dims2().map_err(tensor_err("reading embeddings"))?;
    if evidence.len() != rows {
        return Err(Error::Invalid(format!(
            "claim features: {rows} embeddings, {} sentences of evidence",
            evidence.len()
        )));
    }
    let mut parts = Vec::with_capacity(groups.len());
    for &g in groups {
        if g == FeatureGroup::Embedding {
            parts.push(
                pooled
                    .to_dtype(DType::F32)
                    .map_err(tensor_err("claim features"))?,
            );
            continue;
        }
        let width = g.width(embedding);
        let mut cols = Vec::with_capacity(rows * width);
        for e in evidence {
            g.push(e, headings, embedding, &mut cols);
        }
        parts.push(
            Tensor::from_vec(cols, (rows, width), &Device::Cpu)
                .map_err(tensor_err("claim features"))?,
        );
    }
    Tensor::cat(&parts, 1).map_err(tensor_err("claim features"))
}

/// A row of the sentiment head's probabilities (columns in `polarities` order) as a
/// [`Sentiment`]: the most probable label, its probability as the score.
pub fn sentiment_of(polarities: &[Polarity], row: &[f32]) -> Sentiment {
    let mut probs = Probs {
        positive: 0.0,
        negative: 0.0,
        neutral: 0.0,
    };
    for (&p, &x) in polarities.iter().zip(row) {
        match p {
            Polarity::Positive => probs.positive = x,
            Polarity::Negative => probs.negative = x,
            Polarity::Neutral => probs.neutral = x,
        }
    }
    let (k, score) = argmax(row);
    Sentiment {
        label: polarities.get(k).copied().unwrap_or(Polarity::Neutral),
        score,
        probs: Some(probs),
    }
}

/// The polarity of each column of the sentiment model's head.
pub fn polarities(model: &SentimentModel) -> Result<Vec<Polarity>> {
    model
        .head()
        .labels()
        .iter()
        .map(|l| {
            Polarity::ALL
                .into_iter()
                .find(|p| p.as_str() == l.to_lowercase())
                .ok_or_else(|| Error::Model {
                    what: "sentiment model".into(),
                    message: format!("unknown label {l:?}"),
                })
        })
        .collect()
}

/// One batch of sentences as the encoder saw it.
pub struct Batch<'a> {
    /// `(document, sentence)` of each row.
    pub rows: &'a [(usize, usize)],
    /// Pooled embeddings `[rows, hidden]`.
    pub pooled: &'a Tensor,
    /// Sentiment, cue scores and place of each row.
    pub evidence: &'a [Evidence],
    /// Heading embeddings of every document; [`Place::heading`] indexes them (empty when
    /// headings were not asked for).
    pub headings: &'a [Vec<f32>],
    /// Every encoder layer's output `[rows, seq, hidden]` and each row's word pieces with
    /// offsets, for token-level heads (empty unless asked for, see [`read_token_batches`]).
    pub layers: &'a [Tensor],
    pub encodings: &'a [&'a tokenizers::Encoding],
}

/// Runs the encoder once over every sentence of `docs` (sorted by length, in padded batches)
/// and calls `f` with each batch's embeddings and evidence: the sentiment head's reading, the
/// cue stage's scores given that sentiment, and each sentence's place. With `with_headings`,
/// the section headings are embedded first (a short pass of their own).
pub fn read_batches(
    model: &SentimentModel,
    cues: &Cues,
    docs: &[&Document],
    with_headings: bool,
    f: impl FnMut(&Batch) -> Result<()>,
) -> Result<()> {
    read_token_batches(model, cues, docs, with_headings, false, f)
}

/// [`read_batches`]; with `with_tokens`, each batch also carries every layer's output and the
/// rows' word pieces ([`crate::encoder::Encoder::for_each_token_batch`]), from the same pass.
pub fn read_token_batches(
    model: &SentimentModel,
    cues: &Cues,
    docs: &[&Document],
    with_headings: bool,
    with_tokens: bool,
    mut f: impl FnMut(&Batch) -> Result<()>,
) -> Result<()> {
    let polarities = polarities(model)?;
    let mut ids = Vec::new();
    let mut texts = Vec::new();
    let mut places = Vec::new();
    let mut rivals = Vec::new();
    let mut heading_texts = Vec::new();
    let mut plain_scores = Vec::new();
    let mut scratch = Scratch::default();
    for (d, doc) in docs.iter().enumerate() {
        let (p, h) = layout(doc);
        let offset = heading_texts.len();
        heading_texts.extend(h.iter().map(|s| s.of(&doc.text)));
        let main = main_company(&doc.entities);
        for (k, (s, mut place)) in doc.sentences.iter().zip(p).enumerate() {
            place.heading = place.heading.map(|h| h + offset);
            ids.push((d, k));
            texts.push(s.span.of(&doc.text));
            places.push(place);
            let rival = rivals_only(s, &doc.entities, main);
            let plain = cues.scores(s.span.of(&doc.text), None, rival, &mut scratch);
            rivals.push(rival);
            plain_scores.push([plain.catalyst, plain.risk, plain.watch_item, plain.none]);
        }
    }
    let headings = if with_headings && !heading_texts.is_empty() {
        model.encoder().embed(&heading_texts)?
    } else {
        Vec::new()
    };
    let mut rows = Vec::new();
    let mut evidence = Vec::new();
    let mut read = |positions: &[usize],
                    pooled: &Tensor,
                    layers: &[Tensor],
                    encodings: &[&tokenizers::Encoding]| {
        rows.clear();
        evidence.clear();
        for (&i, p) in positions.iter().zip(model.head().probs(pooled)?) {
            let sentiment = sentiment_of(&polarities, &p);
            let scores = cues.scores(texts[i], Some(&sentiment), rivals[i], &mut scratch);
            rows.push(ids[i]);
            evidence.push(Evidence {
                cues: scores,
                sentiment,
                place: places[i],
                neighbors: [
                    (places[i].index > 0).then(|| plain_scores[i - 1]),
                    (places[i].index + 1 < places[i].count).then(|| plain_scores[i + 1]),
                ],
            });
        }
        f(&Batch {
            rows: &rows,
            pooled,
            evidence: &evidence,
            headings: &headings,
            layers,
            encodings,
        })
    };
    if with_tokens {
        model.encoder().for_each_token_batch(&texts, |b| {
            read(b.positions, b.pooled, b.layers, b.encodings)
        })
    } else {
        model.encoder().for_each_batch(&texts, |positions, pooled| {
            read(positions, pooled, &[], &[])
        })
    }
}

/// The layers' logits `[rows, labels]` for standardized inputs: each layer is
/// `(weight [out, in], bias [out])`, with a ReLU between layers.
pub fn forward(x: &Tensor, layers: &[(Tensor, Tensor)]) -> candle_core::Result<Tensor> {
    let mut h = x.clone();
    for (i, (w, b)) in layers.iter().enumerate() {
        h = h.matmul(&w.t()?)?.broadcast_add(b)?;
        if i + 1 < layers.len() {
            h = h.relu()?;
        }
    }
    Ok(h)
}

/// A short fingerprint of a weights file (FNV-1a, 64 bits), to tie a head to its encoder.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}:{}", bytes.len())
}

/// `models/claims/config.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadConfig {
    /// The head's output columns.
    pub labels: Vec<ClaimLabel>,
    /// The input, group by group.
    pub features: Vec<FeatureGroup>,
    /// The encoder's embedding size.
    pub embedding_size: usize,
    /// Units of the hidden layer; 0 for a linear head (multinomial logistic regression).
    pub hidden: usize,
    /// Logits are divided by this before the softmax (fitted on out-of-fold predictions).
    pub temperature: f32,
    /// [`fingerprint`] of the encoder weights the head was fitted on.
    pub encoder: String,
}

impl HeadConfig {
    /// Columns of the input.
    pub fn width(&self) -> usize {
        self.features
            .iter()
            .map(|g| g.width(self.embedding_size))
            .sum()
    }
}

/// The claim head, built once and then read-only.
pub struct ClaimModel {
    config: HeadConfig,
    mean: Tensor,
    scale: Tensor,
    layers: Vec<(Tensor, Tensor)>,
}

/// Tensor names in `head.safetensors`.
const MEAN: &str = "norm.mean";
const SCALE: &str = "norm.scale";

fn layer_names(i: usize) -> (String, String) {
    (format!("layers.{i}.weight"), format!("layers.{i}.bias"))
}

impl ClaimModel {
    /// The head embedded in the binary (`models/claims/`).
    pub fn embedded() -> Result<Self> {
        ClaimModel::from_bytes(WEIGHTS, CONFIG.as_bytes())
    }

    /// Reads `head.safetensors` and `config.json` from a folder.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| Error::Io { path, source })
        };
        ClaimModel::from_bytes(&read("head.safetensors")?, &read("config.json")?)
    }

    /// Reads the weights (any float type) and the configuration from bytes.
    pub fn from_bytes(weights: &[u8], config: &[u8]) -> Result<Self> {
        let config: HeadConfig = serde_json::from_slice(config).map_err(|source| Error::Json {
            location: "claims config.json".into(),
            source,
        })?;
        let raw = candle_core::safetensors::load_buffer(weights, &Device::Cpu)
            .map_err(tensor_err("reading the claim head"))?;
        ClaimModel::from_tensors(config, raw)
    }

    /// Builds the head from named tensors: `norm.mean`, `norm.scale` `[width]` and
    /// `layers.{i}.weight` `[out, in]`, `layers.{i}.bias` `[out]`.
    pub fn from_tensors(config: HeadConfig, mut tensors: HashMap<String, Tensor>) -> Result<Self> {
        let bad = |message: String| Error::Model {
            what: "claim head".into(),
            message,
        };
        if config.labels.len() != ClaimLabel::ALL.len()
            || ClaimLabel::ALL.iter().any(|l| !config.labels.contains(l))
        {
            return Err(bad(format!(
                "labels {:?} are not the four claim roles",
                config.labels
            )));
        }
        if !(config.temperature.is_finite() && config.temperature > 0.0) {
            return Err(bad(format!("temperature {}", config.temperature)));
        }
        let mut take = |name: &str, shape: &[usize]| -> Result<Tensor> {
            let t = tensors
                .remove(name)
                .ok_or_else(|| bad(format!("no tensor {name}")))?;
            if t.dims() != shape {
                return Err(bad(format!(
                    "{name}: shape {:?}, expected {shape:?}",
                    t.dims()
                )));
            }
            t.to_dtype(DType::F32)
                .map_err(tensor_err("reading the claim head"))
        };
        let width = config.width();
        let mean = take(MEAN, &[width])?;
        let scale = take(SCALE, &[width])?;
        let sizes: Vec<usize> = if config.hidden == 0 {
            vec![width, config.labels.len()]
        } else {
            vec![width, config.hidden, config.labels.len()]
        };
        let mut layers = Vec::new();
        for (i, io) in sizes.windows(2).enumerate() {
            let (w, b) = layer_names(i);
            layers.push((take(&w, &[io[1], io[0]])?, take(&b, &[io[1]])?));
        }
        Ok(ClaimModel {
            config,
            mean,
            scale,
            layers,
        })
    }

    /// Every weight by name, for writing `head.safetensors`.
    pub fn tensors(&self) -> HashMap<String, Tensor> {
        let mut out = HashMap::new();
        out.insert(MEAN.to_string(), self.mean.clone());
        out.insert(SCALE.to_string(), self.scale.clone());
        for (i, (w, b)) in self.layers.iter().enumerate() {
            let (wn, bn) = layer_names(i);
            out.insert(wn, w.clone());
            out.insert(bn, b.clone());
        }
        out
    }

    pub fn config(&self) -> &HeadConfig {
        &self.config
    }

    /// Calibrated probabilities `[rows][labels]` (columns in [`HeadConfig::labels`] order) of
    /// an input built by [`features`] with this head's groups.
    pub fn probs(&self, x: &Tensor) -> Result<Vec<Vec<f32>>> {
        let what = tensor_err("running the claim head");
        x.broadcast_sub(&self.mean)
            .and_then(|x| x.broadcast_div(&self.scale))
            .and_then(|x| forward(&x, &self.layers))
            .and_then(|l| l / f64::from(self.config.temperature))
            .and_then(|l| candle_nn::ops::softmax_last_dim(&l))
            .and_then(|p| p.to_vec2::<f32>())
            .map_err(what)
    }

    /// The claim of each row: `pooled` `[rows, embedding]` from the encoder, the evidence of
    /// each sentence and the heading embeddings it points to (see [`read_batches`]). The
    /// label is the most probable role, the score its calibrated probability, `hedged` the cue
    /// stage's hedge evidence.
    pub fn predict(
        &self,
        pooled: &Tensor,
        evidence: &[Evidence],
        headings: &[Vec<f32>],
    ) -> Result<Vec<Claim>> {
        let x = features(&self.config.features, pooled, evidence, headings)?;
        let probs = self.probs(&x)?;
        Ok(probs
            .iter()
            .zip(evidence)
            .map(|(row, e)| {
                let (k, p) = argmax(row);
                Claim {
                    label: self.config.labels[k],
                    score: p,
                    hedged: e.cues.hedge.is_some(),
                }
            })
            .collect())
    }

    /// Whether the head reads section headings.
    pub fn reads_headings(&self) -> bool {
        self.config.features.contains(&FeatureGroup::Heading)
    }
}

/// Index and value of the largest entry (the first on a tie).
pub fn argmax(row: &[f32]) -> (usize, f32) {
    let mut best = (0, f32::MIN);
    for (i, &x) in row.iter().enumerate() {
        if x > best.1 {
            best = (i, x);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::{Config, Cues, Hedge, Scratch};
    use crate::document::Probs;

    fn evidence(cues: Scores) -> Evidence {
        Evidence {
            cues,
            sentiment: neutral(),
            place: Place::default(),
            neighbors: [None, Some([1.0, 2.0, 3.0, 4.0])],
        }
    }

    fn neutral() -> Sentiment {
        Sentiment {
            label: Polarity::Neutral,
            score: 1.0,
            probs: Some(Probs {
                positive: 0.1,
                negative: 0.2,
                neutral: 0.7,
            }),
        }
    }

    fn t(v: Vec<f32>, shape: &[usize]) -> Tensor {
        Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
    }

    /// A linear head over the cue scores alone that copies them to the logits.
    fn copy_head(temperature: f32) -> ClaimModel {
        let config = HeadConfig {
            labels: ClaimLabel::ALL.to_vec(),
            features: vec![FeatureGroup::CueScores],
            embedding_size: 2,
            hidden: 0,
            temperature,
            encoder: String::new(),
        };
        let mut eye = vec![0f32; 16];
        for i in 0..4 {
            eye[i * 5] = 1.0;
        }
        let tensors = HashMap::from([
            (MEAN.to_string(), t(vec![0.0; 4], &[4])),
            (SCALE.to_string(), t(vec![1.0; 4], &[4])),
            ("layers.0.weight".to_string(), t(eye, &[4, 4])),
            ("layers.0.bias".to_string(), t(vec![0.0; 4], &[4])),
        ]);
        ClaimModel::from_tensors(config, tensors).unwrap()
    }

    #[test]
    fn features_follow_the_groups() {
        let pooled = t(vec![0.5, -0.5], &[1, 2]);
        let s = Scores {
            catalyst: 2.0,
            risk: 1.0,
            watch_item: 0.0,
            none: 0.9,
            hedge: Some(Hedge::WeakModal),
        };
        let groups = [
            FeatureGroup::Embedding,
            FeatureGroup::CueScores,
            FeatureGroup::CueLabel,
            FeatureGroup::Hedge,
            FeatureGroup::Sentiment,
        ];
        let mut e = evidence(s);
        e.place = Place {
            index: 1,
            count: 5,
            opens_section: true,
            heading: Some(0),
        };
        let headings = vec![vec![3.0, 4.0]];
        let x = features(&groups, &pooled, &[e], &headings).unwrap();
        let row = x.to_vec2::<f32>().unwrap().remove(0);
        let want = [
            0.5, -0.5, 2.0, 1.0, 0.0, 0.9, 1.0, 0.0, 0.0, 0.0, 1.0, 0.1, 0.2, 0.7,
        ];
        assert_eq!(row, want);
        let more = [
            FeatureGroup::Position,
            FeatureGroup::Heading,
            FeatureGroup::Neighbors,
        ];
        let x = features(&more, &pooled, &[e], &headings).unwrap();
        let row = x.to_vec2::<f32>().unwrap().remove(0);
        let want = [
            0.0, 1.0, 0.25, 1.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 3.0, 4.0,
        ];
        assert_eq!(row, want);
        // No heading: zeros.
        e.place.heading = None;
        let x = features(&more, &pooled, &[e], &headings).unwrap();
        assert_eq!(x.to_vec2::<f32>().unwrap()[0][3..6], [0.0, 0.0, 0.0]);
        assert!(features(&groups, &pooled, &[], &[]).is_err());
    }

    #[test]
    fn cue_label_matches_the_cue_stage() {
        let cues = Cues::new(&Config::default()).unwrap();
        let mut scratch = Scratch::default();
        for text in [
            "The firm faces a patent lawsuit.",
            "The firm announced a partnership.",
            "The board will decide next month.",
            "The firm is based in Ohio.",
            "",
        ] {
            let s = cues.scores(text, None, false, &mut scratch);
            assert_eq!(cue_label(&s), cues.decide(&s).label, "{text}");
        }
    }

    #[test]
    fn temperature_softens_but_keeps_the_label() {
        let s = Scores {
            catalyst: 0.0,
            risk: 2.0,
            watch_item: 0.0,
            none: 1.0,
            hedge: None,
        };
        let pooled = t(vec![0.0, 0.0], &[1, 2]);
        let sharp = copy_head(1.0)
            .predict(&pooled, &[evidence(s)], &[])
            .unwrap()[0];
        let soft = copy_head(4.0)
            .predict(&pooled, &[evidence(s)], &[])
            .unwrap()[0];
        assert_eq!(sharp.label, ClaimLabel::Risk);
        assert_eq!(soft.label, ClaimLabel::Risk);
        assert!(soft.score < sharp.score && soft.score > 0.25);
        // Logits (0, 2, 0, 1) at temperature 1.
        let z = 2.0 + 2f32.exp() + 1f32.exp();
        assert!((sharp.score - 2f32.exp() / z).abs() < 1e-5);
        assert!(!sharp.hedged);
    }

    #[test]
    fn hedged_comes_from_the_cues() {
        let s = Scores {
            hedge: Some(Hedge::Reporting),
            ..Scores::default()
        };
        let pooled = t(vec![0.0, 0.0], &[1, 2]);
        assert!(
            copy_head(1.0)
                .predict(&pooled, &[evidence(s)], &[])
                .unwrap()[0]
                .hedged
        );
    }

    #[test]
    fn weights_round_trip_and_bad_shapes_are_errors() {
        let m = copy_head(2.0);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("head.safetensors");
        candle_core::safetensors::save(&m.tensors(), &path).unwrap();
        let config = serde_json::to_vec(m.config()).unwrap();
        let back = ClaimModel::from_bytes(&std::fs::read(&path).unwrap(), &config).unwrap();
        assert_eq!(back.config(), m.config());
        let s = Scores {
            risk: 2.0,
            ..Scores::default()
        };
        let pooled = t(vec![0.0, 0.0], &[1, 2]);
        let a = m.predict(&pooled, &[evidence(s)], &[]).unwrap()[0];
        let b = back.predict(&pooled, &[evidence(s)], &[]).unwrap()[0];
        assert_eq!(a, b);
        let mut config = m.config().clone();
        config.hidden = 8;
        assert!(ClaimModel::from_tensors(config, m.tensors()).is_err());
        let mut config = m.config().clone();
        config.labels.pop();
        assert!(ClaimModel::from_tensors(config, m.tensors()).is_err());
    }

    #[test]
    fn fingerprints_differ_by_content_and_length() {
        assert_ne!(fingerprint(b"ab"), fingerprint(b"ba"));
        assert_ne!(fingerprint(b""), fingerprint(b"\0"));
        assert_eq!(fingerprint(b"abc"), fingerprint(b"abc"));
    }
}
