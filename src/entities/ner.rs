//! The learned recognizer: a sentence's word pieces, their encoder hidden states and the rule
//! stage's entities -> PERSON, LOC and ORG mentions, merged with the rule entities.
//!
//! ```text
//! "Shares of Zephyr Biologics rose after Dana Whitfield joined from Lisbon."
//!  words  Shares of Zephyr Biologics rose after Dana  Whitfield joined from Lisbon .
//!  tags   O      O  B-ORG  I-ORG     O    O     B-PER I-PER     O      O    B-LOC  O
//!  -> ORG "Zephyr Biologics" (id null), PERSON "Dana Whitfield", LOC "Lisbon"
//! ```
//!
//! A word is one of the tokenizer's pre-tokens ("U.S." is four: `U . S .`). Each is
//! represented by the hidden states of its first word piece (the encoder layers named by
//! [`HeadConfig::layers`], side by side) and a few hand-made features ([`extra_features`]): its capitalization
//! and that of its neighbours (the encoder is uncased), whether it is a listed given name, and
//! which rule-stage entity covers it. A small MLP ([`Mlp`]) scores the seven BIO tags of
//! [`LABELS`], and [`viterbi`] keeps the most probable tag sequence that is valid BIO.
//!
//! The head reads the hidden states of the same forward pass that serves the sentence-level
//! heads, so it adds one small matrix product per batch. [`NerHead::merge`] then joins its
//! mentions with the rule entities: a rule entity that links a company, or is a MONEY,
//! PERCENT, DATE, TICKER or PRODUCT, always stays; a model mention that overlaps none of those
//! is added (replacing unlinked rule PERSON/LOC/ORG mentions it overlaps, see [`Config`]); a
//! model ORG written exactly like a gazetteer name links to that company, any other gets no id.
//!
//! The weights (`models/ner/`) are trained by [`crate::train::ner`] on the hidden states of the
//! shipped encoder; [`NerHead::check_encoder`] refuses an encoder whose weights differ from the
//! ones the head was trained on.

use crate::document::{Document, Entity, EntityType, Span};
use crate::encoder::bert::Mode;
use crate::encoder::{Checkpoint, tensor_err};
use crate::entities::gazetteer::{CompanyId, Gazetteer, Referent};
use crate::error::{Error, Result};
use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{Linear, VarBuilder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tokenizers::Encoding;

/// The tags, in the head's output order (FiNER-ORD's label numbering).
pub const LABELS: [&str; 7] = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"];

/// The entity type of each tag pair: tags 1-2, 3-4, 5-6.
pub const KINDS: [EntityType; 3] = [EntityType::Person, EntityType::Loc, EntityType::Org];

/// The tag index of `B-kind` (`I-kind` is one more); `None` for the types the head does not tag.
pub fn begin_tag(kind: EntityType) -> Option<u8> {
    KINDS
        .iter()
        .position(|&k| k == kind)
        .map(|i| 1 + 2 * i as u8)
}

/// The entity type of a tag and whether it begins a mention; `None` for `O`.
pub fn tag_kind(tag: u8) -> Option<(EntityType, bool)> {
    let t = tag as usize;
    (1..LABELS.len())
        .contains(&t)
        .then(|| (KINDS[(t - 1) / 2], t % 2 == 1))
}

/// Capitalization and form features per word.
pub const SHAPE: usize = 8;
/// Features saying which rule entity covers a word.
pub const RULE: usize = 10;
/// Hand-made features per word: the shapes of the word and its two neighbours, and its rule
/// entity.
pub const EXTRA: usize = 3 * SHAPE + RULE;

/// Settings of the merge with the rule entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Run the head on the model path (`false`: rule entities only, as with `--fast`).
    pub enabled: bool,
    /// A model mention may replace rule PERSON, LOC and ORG mentions that link to no company
    /// and that it holds whole ("Georgia Power" over the place "Georgia").
    pub replace_unlinked: bool,
    /// A model ORG written exactly as a gazetteer name of a listed company links to it.
    pub link_names: bool,
    /// A model ORG that holds a linked rule ORG ("BHP Billiton" around "BHP") replaces it
    /// and keeps its link.
    pub extend_linked: bool,
    /// The least mean tag probability a model mention needs.
    pub min_score: f32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            enabled: true,
            replace_unlinked: true,
            link_names: true,
            extend_linked: true,
            min_score: 0.5,
        }
    }
}

/// The head's shape and provenance, stored as `models/ner/config.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadConfig {
    /// The tags, in output order; must equal [`LABELS`].
    pub labels: Vec<String>,
    /// The encoder's hidden size.
    pub hidden_size: usize,
    /// The encoder layers read, concatenated in this order (1 = the first layer's output).
    pub layers: Vec<usize>,
    /// Hand-made features per word; must equal [`EXTRA`].
    pub extra_features: usize,
    /// Width of the MLP's hidden layer.
    pub inner: usize,
    /// [`encoder_fingerprint`] of the encoder the head was trained on.
    pub encoder_fingerprint: String,
    /// Anything else the trainer records (data, scores).
    #[serde(flatten)]
    pub rest: serde_json::Map<String, serde_json::Value>,
}

impl HeadConfig {
    /// Inputs of the MLP per word.
    pub fn inputs(&self) -> usize {
        self.hidden_size * self.layers.len() + self.extra_features
    }
}

/// A short hash of the encoder's last layer (its output projection and layer norm), enough to
/// tell two trained encoders apart.
pub fn encoder_fingerprint(checkpoint: &Checkpoint) -> Result<String> {
    fingerprint(checkpoint.config.num_hidden_layers, |name| {
        checkpoint.tensors.get(name).cloned()
    })
}

/// [`encoder_fingerprint`] of a weights file (safetensors) of an encoder with `layers` layers,
/// reading only the two weights it hashes.
pub fn weights_fingerprint(weights: &[u8], layers: usize) -> Result<String> {
    let file = candle_core::safetensors::SliceSafetensors::new(weights)
        .map_err(tensor_err("reading encoder weights"))?;
    fingerprint(layers, |name| file.load(name, &Device::Cpu).ok())
}

fn fingerprint(layers: usize, get: impl Fn(&str) -> Option<Tensor>) -> Result<String> {
    let last = layers.saturating_sub(1);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in ["output.dense.weight", "output.LayerNorm.weight"] {
        let name = format!("encoder.layer.{last}.{part}");
        let t = get(&name)
            .or_else(|| get(&format!("bert.{name}")))
            .ok_or_else(|| Error::Model {
                what: "encoder".into(),
                message: format!("no weight {name}"),
            })?;
        // Rounded to f16 as stored, so the f16 file and the f32 weights it came from agree.
        let values = t
            .flatten_all()
            .and_then(|t| t.to_dtype(DType::F16))
            .and_then(|t| t.to_dtype(DType::F32))
            .and_then(|t| t.to_vec1::<f32>())
            .map_err(tensor_err("fingerprinting the encoder"))?;
        for v in values {
            for b in v.to_bits().to_le_bytes() {
                hash ^= b as u64;
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    }
    Ok(format!("{hash:016x}"))
}

/// The words of one tokenized sentence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Words {
    /// Each word's byte span in the sentence.
    pub spans: Vec<Span>,
    /// Each word's first word piece (its position in the encoding, `[CLS]` counted).
    pub pieces: Vec<usize>,
}

impl Words {
    /// The words of an encoding made with byte offsets ([`tokenizers::Tokenizer::encode`]).
    pub fn from_encoding(encoding: &Encoding) -> Self {
        let mut words = Words::default();
        let mut last = None;
        for (i, (word, &(start, end))) in encoding
            .get_word_ids()
            .iter()
            .zip(encoding.get_offsets())
            .enumerate()
        {
            let Some(word) = *word else { continue };
            if last == Some(word) {
                if let Some(span) = words.spans.last_mut() {
                    span.end = span.end.max(end);
                }
            } else {
                words.spans.push(Span::new(start, end));
                words.pieces.push(i);
                last = Some(word);
            }
        }
        words
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// The form of one word: capitalized, all capitals, all lower case, has a digit, has no
/// letter or digit, touches the word before, opens the sentence, is a listed given name.
fn shape(sentence: &str, words: &Words, k: usize, first: usize, g: &Gazetteer) -> [f32; SHAPE] {
    let word = words.spans[k].of(sentence);
    let (mut upper, mut lower, mut digit) = (0usize, 0usize, false);
    for c in word.chars() {
        upper += c.is_uppercase() as usize;
        lower += c.is_lowercase() as usize;
        digit |= c.is_numeric();
    }
    let initial = word.chars().next().is_some_and(char::is_uppercase);
    let joined = k > 0 && words.spans[k - 1].end == words.spans[k].start;
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    [
        flag(initial),
        flag(upper >= 2 && lower == 0),
        flag(lower > 0 && upper == 0),
        flag(digit),
        flag(!word.chars().any(char::is_alphanumeric)),
        flag(joined),
        flag(k == first),
        flag(initial && g.is_first_name(word)),
    ]
}

/// Appends the [`EXTRA`] hand-made features of every word of a sentence to `out`.
/// `offset` is the sentence's start in the document and `rules` the rule entities of the
/// document (or of the sentence), sorted by start.
pub fn extra_features(
    sentence: &str,
    offset: usize,
    words: &Words,
    rules: &[Entity],
    g: &Gazetteer,
    out: &mut Vec<f32>,
) {
    let n = words.len();
    let first = (0..n)
        .find(|&k| {
            words.spans[k]
                .of(sentence)
                .chars()
                .any(char::is_alphanumeric)
        })
        .unwrap_or(0);
    let shapes: Vec<[f32; SHAPE]> = (0..n)
        .map(|k| shape(sentence, words, k, first, g))
        .collect();
    let mut next_rule = rules.partition_point(|e| e.span.end <= offset);
    let mut previous_rule: Option<usize> = None;
    for k in 0..n {
        let span = Span::new(offset + words.spans[k].start, offset + words.spans[k].end);
        out.extend_from_slice(if k > 0 { &shapes[k - 1] } else { &[0.0; SHAPE] });
        out.extend_from_slice(&shapes[k]);
        out.extend_from_slice(shapes.get(k + 1).unwrap_or(&[0.0; SHAPE]));
        while next_rule < rules.len() && rules[next_rule].span.end <= span.start {
            next_rule += 1;
        }
        let mut rule = [0f32; RULE];
        if let Some(e) = rules.get(next_rule).filter(|e| e.span.start < span.end) {
            let kind = EntityType::ALL
                .iter()
                .position(|&t| t == e.kind)
                .unwrap_or(0);
            rule[kind] = 1.0;
            rule[8] = e.id.is_some() as u8 as f32;
            rule[9] = (previous_rule != Some(next_rule)) as u8 as f32;
            previous_rule = Some(next_rule);
        } else {
            previous_rule = None;
        }
        out.extend_from_slice(&rule);
    }
}

/// The tag scorer: features -> a hidden layer (GELU) -> tag scores.
pub struct Mlp {
    fc1: Linear,
    fc2: Linear,
}

impl Mlp {
    /// Loads `ner.fc1` `[inner, inputs]` and `ner.fc2` `[labels, inner]`.
    pub fn load(vb: VarBuilder, inputs: usize, inner: usize) -> candle_core::Result<Self> {
        let vb = vb.pp("ner");
        Ok(Mlp {
            fc1: candle_nn::linear(inputs, inner, vb.pp("fc1"))?,
            fc2: candle_nn::linear(inner, LABELS.len(), vb.pp("fc2"))?,
        })
    }

    /// Unnormalised tag scores `[words, labels]` of features `[words, inputs]`; `dropout` is
    /// applied to the hidden layer in training mode.
    pub fn logits(&self, xs: &Tensor, mode: &Mode, dropout: f64) -> candle_core::Result<Tensor> {
        let h = self.fc1.forward(xs)?.gelu_erf()?;
        self.fc2.forward(&mode.dropout(&h, dropout)?)
    }
}

/// Whether tag `b` may follow tag `a` in BIO (`a = None` at the start of a sentence): an
/// `I-X` only after `B-X` or `I-X`.
pub fn allowed(a: Option<u8>, b: u8) -> bool {
    match tag_kind(b) {
        Some((kind, false)) => a.and_then(tag_kind).is_some_and(|(k, _)| k == kind),
        _ => true,
    }
}

/// The most probable valid BIO tag sequence of `n` words given per-word log-probabilities
/// (`logp[k * labels + t]`).
pub fn viterbi(logp: &[f32], n: usize) -> Vec<u8> {
    const L: usize = LABELS.len();
    if n == 0 {
        return Vec::new();
    }
    let mut score = [f32::NEG_INFINITY; L];
    for (t, s) in score.iter_mut().enumerate() {
        if allowed(None, t as u8) {
            *s = logp[t];
        }
    }
    let mut back = vec![0u8; n * L];
    for k in 1..n {
        let mut next = [f32::NEG_INFINITY; L];
        for b in 0..L {
            for (a, &prev) in score.iter().enumerate() {
                if prev > f32::NEG_INFINITY && allowed(Some(a as u8), b as u8) {
                    let s = prev + logp[k * L + b];
                    if s > next[b] {
                        next[b] = s;
                        back[k * L + b] = a as u8;
                    }
                }
            }
        }
        score = next;
    }
    let mut best = 0;
    for t in 1..L {
        if score[t] > score[best] {
            best = t;
        }
    }
    let mut tags = vec![0u8; n];
    tags[n - 1] = best as u8;
    for k in (1..n).rev() {
        tags[k - 1] = back[k * L + tags[k] as usize];
    }
    tags
}

/// A mention found by the head.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Byte span in the document.
    pub span: Span,
    pub kind: EntityType,
    /// Mean probability of the mention's tags.
    pub score: f32,
}

/// The mentions a valid tag sequence spells, with document spans (`offset` is the sentence's
/// start).
pub fn mentions(tags: &[u8], logp: &[f32], words: &Words, offset: usize, out: &mut Vec<Mention>) {
    const L: usize = LABELS.len();
    let mut k = 0;
    while k < tags.len() {
        let Some((kind, _)) = tag_kind(tags[k]) else {
            k += 1;
            continue;
        };
        let mut end = k + 1;
        while end < tags.len() && tag_kind(tags[end]) == Some((kind, false)) {
            end += 1;
        }
        let score = (k..end)
            .map(|j| logp[j * L + tags[j] as usize].exp())
            .sum::<f32>()
            / (end - k) as f32;
        out.push(Mention {
            span: Span::new(
                offset + words.spans[k].start,
                offset + words.spans[end - 1].end,
            ),
            kind,
            score,
        });
        k = end;
    }
}

/// One sentence ready for the head: its words and their hand-made features.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// The sentence's start in the document.
    pub offset: usize,
    pub words: Words,
    /// `words.len() * EXTRA` features.
    pub extra: Vec<f32>,
}

/// The first-piece hidden states of every word of a batch, rows in order: `hidden` is
/// `[batch, seq, h]` and `words[i]` the words of row `i` -> `[words, h]`.
pub fn gather_words(hidden: &Tensor, words: &[&Words]) -> candle_core::Result<Tensor> {
    let (batch, seq, h) = hidden.dims3()?;
    let mut index: Vec<u32> = Vec::with_capacity(words.iter().map(|w| w.len()).sum());
    for (row, w) in words.iter().enumerate().take(batch) {
        index.extend(w.pieces.iter().map(|&p| (row * seq + p) as u32));
    }
    let flat = hidden.reshape((batch * seq, h))?;
    let index = Tensor::from_vec(index.clone(), index.len(), hidden.device())?;
    flat.index_select(&index, 0)
}

/// Company names as the gazetteer writes them, for linking model ORGs.
pub struct Linker {
    names: HashMap<&'static str, CompanyId>,
    gazetteer: &'static Gazetteer,
}

impl Linker {
    /// Every surface form of a listed company in the embedded gazetteer.
    pub fn new() -> Result<Self> {
        let gazetteer = Gazetteer::embedded()?;
        let names = gazetteer
            .surfaces
            .iter()
            .filter_map(|s| match s.referent {
                Referent::Entity {
                    kind: EntityType::Org,
                    company: Some(id),
                } => Some((s.text.as_str(), id)),
                _ => None,
            })
            .collect();
        Ok(Linker { names, gazetteer })
    }

    pub fn gazetteer(&self) -> &'static Gazetteer {
        self.gazetteer
    }

    /// The id and canonical name of the company written exactly `name`.
    pub fn link(&self, name: &str) -> Option<(String, String)> {
        self.names.get(name).map(|&id| {
            let c = self.gazetteer.company(id);
            (c.ticker.clone(), c.name.clone())
        })
    }
}

/// The head's weights (f16 safetensors), embedded in the binary.
pub const HEAD_WEIGHTS: &[u8] = include_bytes!("../../models/ner/head.safetensors");
/// The head's [`HeadConfig`].
pub const HEAD_CONFIG: &str = include_str!("../../models/ner/config.json");

/// The trained head with the gazetteer names a model ORG may link to.
pub struct NerHead {
    config: HeadConfig,
    mlp: Mlp,
    linker: Linker,
}

impl NerHead {
    /// A head from its weights (`ner.fc1`, `ner.fc2`) and `config.json`.
    pub fn from_bytes(weights: &[u8], config: &[u8]) -> Result<Self> {
        let config: HeadConfig = serde_json::from_slice(config).map_err(|source| Error::Json {
            location: "NER head config.json".into(),
            source,
        })?;
        let bad = |message: String| Error::Model {
            what: "NER head".into(),
            message,
        };
        if config.labels != LABELS {
            return Err(bad(format!(
                "labels {:?}, expected {LABELS:?}",
                config.labels
            )));
        }
        if config.extra_features != EXTRA {
            return Err(bad(format!(
                "{} hand-made features, this version computes {EXTRA}",
                config.extra_features
            )));
        }
        let tensors = candle_core::safetensors::load_buffer(weights, &Device::Cpu)
            .map_err(tensor_err("reading NER head weights"))?
            .into_iter()
            .map(|(k, t)| Ok((k, t.to_dtype(DType::F32)?)))
            .collect::<candle_core::Result<HashMap<_, _>>>()
            .map_err(tensor_err("reading NER head weights"))?;
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        let mlp = Mlp::load(vb, config.inputs(), config.inner)
            .map_err(tensor_err("loading the NER head"))?;
        Ok(NerHead {
            config,
            mlp,
            linker: Linker::new()?,
        })
    }

    /// The head embedded in the binary (`models/ner/`).
    pub fn embedded() -> Result<Self> {
        NerHead::from_bytes(HEAD_WEIGHTS, HEAD_CONFIG.as_bytes())
    }

    pub fn config(&self) -> &HeadConfig {
        &self.config
    }

    /// Fails unless `fingerprint` ([`encoder_fingerprint`]) is that of the encoder the head
    /// was trained on.
    pub fn check_encoder(&self, fingerprint: &str) -> Result<()> {
        if fingerprint != self.config.encoder_fingerprint {
            return Err(Error::Model {
                what: "NER head".into(),
                message: format!(
                    "trained on encoder {}, but the encoder is {fingerprint}; retrain the head \
                     with `finnews train ner`",
                    self.config.encoder_fingerprint
                ),
            });
        }
        Ok(())
    }

    /// Words and hand-made features of one sentence (`sentence` starts at `offset` in the
    /// document; `rules` are the document's rule entities, sorted by start).
    pub fn prepare(
        &self,
        sentence: &str,
        offset: usize,
        encoding: &Encoding,
        rules: &[Entity],
    ) -> Prepared {
        let words = Words::from_encoding(encoding);
        let mut extra = Vec::with_capacity(words.len() * EXTRA);
        extra_features(
            sentence,
            offset,
            &words,
            rules,
            self.linker.gazetteer,
            &mut extra,
        );
        Prepared {
            offset,
            words,
            extra,
        }
    }

    /// Tag log-probabilities `[words, labels]` of every word of a batch: `hidden` holds the
    /// output of every encoder layer, first to last, each `[batch, seq, h]`.
    pub fn log_probs(&self, hidden: &[Tensor], rows: &[&Prepared]) -> Result<Vec<f32>> {
        let words: Vec<&Words> = rows.iter().map(|r| &r.words).collect();
        let n: usize = words.iter().map(|w| w.len()).sum();
        if n == 0 {
            return Ok(Vec::new());
        }
        let run = || -> candle_core::Result<Vec<f32>> {
            let mut parts = Vec::with_capacity(self.config.layers.len() + 1);
            for &layer in &self.config.layers {
                parts.push(gather_words(&hidden[layer - 1], &words)?);
            }
            let extra: Vec<f32> = rows.iter().flat_map(|r| r.extra.iter().copied()).collect();
            parts.push(Tensor::from_vec(extra, (n, EXTRA), &Device::Cpu)?);
            let xs = Tensor::cat(&parts, 1)?;
            let logits = self.mlp.logits(&xs, &Mode::Eval, 0.0)?;
            candle_nn::ops::log_softmax(&logits, 1)?
                .flatten_all()?
                .to_vec1::<f32>()
        };
        if self
            .config
            .layers
            .iter()
            .any(|&l| l == 0 || l > hidden.len())
        {
            return Err(Error::Model {
                what: "NER head".into(),
                message: format!(
                    "reads layers {:?}, the encoder has {}",
                    self.config.layers,
                    hidden.len()
                ),
            });
        }
        run().map_err(tensor_err("running the NER head"))
    }

    /// The mentions of every sentence of a batch, in row order.
    pub fn mentions(&self, hidden: &[Tensor], rows: &[&Prepared]) -> Result<Vec<Vec<Mention>>> {
        let logp = self.log_probs(hidden, rows)?;
        let mut out = Vec::with_capacity(rows.len());
        let mut at = 0;
        for r in rows {
            let n = r.words.len();
            let lp = &logp[at * LABELS.len()..(at + n) * LABELS.len()];
            let tags = viterbi(lp, n);
            let mut found = Vec::new();
            mentions(&tags, lp, &r.words, r.offset, &mut found);
            out.push(found);
            at += n;
        }
        Ok(out)
    }

    /// Joins the rule entities of a document with the head's mentions, see the module
    /// documentation. Both lists are sorted by start and free of overlaps; so is the result.
    pub fn merge(
        &self,
        text: &str,
        rules: Vec<Entity>,
        found: &[Mention],
        config: &Config,
    ) -> Vec<Entity> {
        merge(text, rules, found, config, |name| self.linker.link(name))
    }
}

/// The recognizer as a part of the model stage: the head, the merge settings, and the
/// mentions it finds over one pass of the encoder.
pub struct NerModel {
    head: NerHead,
    config: Config,
}

impl NerModel {
    /// The embedded head, checked against the embedded sentiment encoder it reads.
    pub fn embedded(config: &Config) -> Result<Self> {
        let head = NerHead::embedded()?;
        let encoder: crate::encoder::BertConfig =
            serde_json::from_str(crate::encoder::SENTIMENT_CONFIG).map_err(|source| {
                Error::Json {
                    location: "model config.json".into(),
                    source,
                }
            })?;
        head.check_encoder(&weights_fingerprint(
            crate::encoder::SENTIMENT_WEIGHTS,
            encoder.num_hidden_layers,
        )?)?;
        Ok(NerModel::new(head, config))
    }

    pub fn new(head: NerHead, config: &Config) -> Self {
        NerModel {
            head,
            config: config.clone(),
        }
    }

    pub fn head(&self) -> &NerHead {
        &self.head
    }

    /// Adds the mentions of one encoder batch to `found` (one list per document): row `i` is
    /// sentence `rows[i].1` of document `docs[rows[i].0]`, `layers` every layer's output of
    /// the batch and `encodings` the rows' word pieces with offsets.
    pub fn read_batch(
        &self,
        docs: &[&Document],
        rows: &[(usize, usize)],
        layers: &[Tensor],
        encodings: &[&Encoding],
        found: &mut [Vec<Mention>],
    ) -> Result<()> {
        let prepared: Vec<Prepared> = rows
            .iter()
            .zip(encodings)
            .map(|(&(d, k), enc)| {
                let doc = docs[d];
                let span = doc.sentences[k].span;
                self.head
                    .prepare(span.of(&doc.text), span.start, enc, &doc.entities)
            })
            .collect();
        let refs: Vec<&Prepared> = prepared.iter().collect();
        for (&(d, _), m) in rows.iter().zip(self.head.mentions(layers, &refs)?) {
            found[d].extend(m);
        }
        Ok(())
    }

    /// Merges a document's mentions (from [`NerModel::read_batch`], in any order) into its
    /// entities, and points each sentence at its entities again.
    pub fn finish(&self, doc: &mut Document, mut found: Vec<Mention>) {
        found.sort_by_key(|m| m.span);
        let rules = std::mem::take(&mut doc.entities);
        doc.entities = self.head.merge(&doc.text, rules, &found, &self.config);
        doc.link_sentences_to_entities();
    }
}

/// Whether a rule entity always stays: it links a company, or is not a PERSON, LOC or ORG.
fn protected(e: &Entity) -> bool {
    e.id.is_some() || begin_tag(e.kind).is_none()
}

/// [`NerHead::merge`] with the company lookup passed in.
pub fn merge(
    text: &str,
    rules: Vec<Entity>,
    found: &[Mention],
    config: &Config,
    link: impl Fn(&str) -> Option<(String, String)>,
) -> Vec<Entity> {
    let mut out = rules;
    let mut added = Vec::new();
    for m in found {
        let name = m.span.of(text);
        if m.score < config.min_score || !name.chars().any(char::is_uppercase) {
            continue;
        }
        let from = out.partition_point(|e| e.span.end <= m.span.start);
        let overlapping = out[from..]
            .iter()
            .take_while(|e| e.span.start < m.span.end)
            .count();
        let hits = &out[from..from + overlapping];
        // A longer ORG around a linked company name ("BHP Billiton" around "BHP") keeps the
        // company's link.
        let mut inherited = None;
        let mut free = true;
        for e in hits.iter().filter(|e| protected(e)) {
            let extends = config.extend_linked
                && m.kind == EntityType::Org
                && e.kind == EntityType::Org
                && m.span.contains(e.span)
                && inherited.is_none();
            if extends {
                inherited = Some((e.id.clone(), e.name.clone()));
            } else {
                free = false;
            }
        }
        // Unlinked rule mentions give way only to a model mention that holds them whole
        // ("Georgia Power" over "Georgia", never "Office of" over "Office of the Comptroller
        // of the Currency").
        let unlinked = hits.iter().filter(|e| !protected(e));
        if config.replace_unlinked {
            free &= unlinked.clone().all(|e| m.span.contains(e.span));
        } else {
            free &= unlinked.count() == 0;
        }
        if !free {
            continue;
        }
        // The model agrees with a rule mention exactly: keep the rule's.
        if hits.len() == 1 && hits[0].span == m.span && hits[0].kind == m.kind {
            continue;
        }
        out.drain(from..from + overlapping);
        let (id, name) = match (m.kind, inherited) {
            (_, Some(link)) => link,
            (EntityType::Org, None) if config.link_names => {
                link(name).map_or((None, None), |(i, n)| (Some(i), Some(n)))
            }
            _ => (None, None),
        };
        added.push(Entity {
            span: m.span,
            kind: m.kind,
            id,
            name,
        });
    }
    out.extend(added);
    out.sort_by_key(|e| e.span);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logp(rows: &[[f32; 7]]) -> Vec<f32> {
        rows.iter().flatten().map(|p| p.ln()).collect()
    }

    #[test]
    fn tags_map_to_kinds() {
        assert_eq!(tag_kind(0), None);
        assert_eq!(tag_kind(1), Some((EntityType::Person, true)));
        assert_eq!(tag_kind(4), Some((EntityType::Loc, false)));
        assert_eq!(tag_kind(5), Some((EntityType::Org, true)));
        assert_eq!(begin_tag(EntityType::Org), Some(5));
        assert_eq!(begin_tag(EntityType::Money), None);
    }

    #[test]
    fn viterbi_never_starts_a_mention_with_i() {
        // The most probable tag of each word alone is O then I-ORG; valid BIO forbids that.
        let lp = logp(&[
            [0.4, 0.05, 0.05, 0.05, 0.05, 0.35, 0.05],
            [0.05, 0.05, 0.05, 0.05, 0.05, 0.15, 0.6],
        ]);
        let tags = viterbi(&lp, 2);
        assert!(
            allowed(None, tags[0]) && allowed(Some(tags[0]), tags[1]),
            "{tags:?}"
        );
        assert_eq!(tags, vec![5, 6]);
    }

    #[test]
    fn viterbi_keeps_types_apart() {
        let lp = logp(&[
            [0.1, 0.6, 0.05, 0.05, 0.05, 0.1, 0.05],
            [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.6],
        ]);
        let tags = viterbi(&lp, 2);
        assert!(allowed(Some(tags[0]), tags[1]), "{tags:?}");
    }

    #[test]
    fn mentions_span_whole_words() {
        let words = Words {
            spans: vec![Span::new(0, 4), Span::new(5, 10), Span::new(11, 15)],
            pieces: vec![1, 2, 4],
        };
        let lp = logp(&[[0.1, 0.1, 0.1, 0.1, 0.1, 0.4, 0.1]; 3]);
        let mut out = Vec::new();
        mentions(&[5, 6, 0], &lp, &words, 100, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].span, Span::new(100, 110));
        assert_eq!(out[0].kind, EntityType::Org);
    }

    fn entity(start: usize, end: usize, kind: EntityType, id: Option<&str>) -> Entity {
        Entity {
            span: Span::new(start, end),
            kind,
            id: id.map(str::to_string),
            name: None,
        }
    }

    fn mention(start: usize, end: usize, kind: EntityType) -> Mention {
        Mention {
            span: Span::new(start, end),
            kind,
            score: 0.9,
        }
    }

    #[test]
    fn merge_keeps_protected_rule_entities() {
        let text = "Acme Corp paid $5 million to Georgia Power in Atlanta.";
        let rules = vec![
            entity(0, 9, EntityType::Org, Some("ACME")),
            entity(15, 25, EntityType::Money, None),
            entity(29, 36, EntityType::Loc, None),
        ];
        let found = vec![
            mention(0, 4, EntityType::Org),
            mention(15, 17, EntityType::Org),
            mention(29, 42, EntityType::Org),
            mention(46, 53, EntityType::Loc),
        ];
        let no_link = |_: &str| None;
        let merged = merge(text, rules, &found, &Config::default(), no_link);
        let got: Vec<(&str, EntityType)> =
            merged.iter().map(|e| (e.span.of(text), e.kind)).collect();
        assert_eq!(
            got,
            vec![
                ("Acme Corp", EntityType::Org),
                ("$5 million", EntityType::Money),
                ("Georgia Power", EntityType::Org),
                ("Atlanta", EntityType::Loc),
            ]
        );
        assert_eq!(merged[2].id, None);

        let keep = Config {
            replace_unlinked: false,
            ..Config::default()
        };
        let rules = vec![entity(29, 36, EntityType::Loc, None)];
        let merged = merge(text, rules, &found[2..3], &keep, no_link);
        assert_eq!(merged[0].span.of(text), "Georgia");
    }

    #[test]
    fn merge_links_known_names_and_drops_weak_mentions() {
        let text = "Northwind said orders rose at globex.";
        let mut weak = mention(30, 36, EntityType::Org);
        weak.score = 0.2;
        let found = vec![mention(0, 9, EntityType::Org), weak];
        let link =
            |name: &str| (name == "Northwind").then(|| ("NWND".into(), "Northwind Inc.".into()));
        let merged = merge(text, Vec::new(), &found, &Config::default(), link);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].id.as_deref(), Some("NWND"));
    }

    #[test]
    fn lower_case_mentions_are_dropped() {
        let text = "the company said";
        let merged = merge(
            text,
            Vec::new(),
            &[mention(0, 11, EntityType::Org)],
            &Config::default(),
            |_| None,
        );
        assert!(merged.is_empty());
    }
}
