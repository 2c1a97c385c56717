//! Training the NER head: FiNER-ORD and gold articles -> the frozen encoder's hidden states of
//! every word (computed once, cached) -> a small MLP over BIO tags -> `models/ner/`.
//!
//! ```text
//! finer-ord/train.csv (135 documents)  +  corpus/gold/train.jsonl (PERSON, LOC, ORG spans)
//!   -> documents held out for model selection (10%, fixed seed), the rest for training
//!   -> each sentence through the shipped encoder (no gradients): first-piece hidden states
//!      of every word, plus capitalization, given-name and rule-entity features
//!   -> N epochs of AdamW on a weighted cross-entropy over the seven tags
//!   -> the epoch whose merged output (rules + model) scores best on the held-out FiNER-ORD
//!      documents
//!   -> models/ner/{head.safetensors (f16), config.json, MODEL_CARD.md, report.json}
//! ```
//!
//! The encoder is not trained: the head reads the hidden states of the same forward pass as
//! the sentence heads. FiNER-ORD's `val.csv` is only measured, never used to choose anything.
//! The command: `finnews train ner --data-dir ../shared/data --gold corpus/gold/train.jsonl`.

use super::adamw::AdamW;
use super::schedule;
use crate::document::{Entity, EntityType, Span};
use crate::encoder::bert::Mode;
use crate::encoder::tokenizer_err;
use crate::encoder::{Batch, Bert, Checkpoint, SplitMix64, prepare_tokenizer, tensor_err};
use crate::entities::{Config as EntityConfig, Entities};
use crate::error::{Error, Result};
use crate::eval::adapters::split_csv;
use crate::eval::gold::{self, CharMap, GoldArticle};
use crate::eval::metrics::{Bio, Counts, chunks, match_typed};
use crate::pipeline::Stage;
use crate::segment::{sections::Sections, sentences::Sentences};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::entities::ner as head;
use head::{EXTRA, LABELS, Linker, Mention, Mlp, Words};

/// Settings of a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The folder of public data sets (`finer-ord/`).
    pub data_dir: PathBuf,
    /// The encoder whose hidden states the head reads (the shipped sentiment model).
    pub encoder: PathBuf,
    /// Where the head is written.
    pub out: PathBuf,
    /// Where hidden states are cached between runs.
    pub cache: PathBuf,
    /// Also train on the PERSON, LOC and ORG mentions of these gold-format files.
    pub gold: Vec<PathBuf>,
    /// Seeds the shuffling, dropout and initial weights.
    pub seed: u64,
    /// Seeds the held-out split.
    pub split_seed: u64,
    /// Share of documents (of FiNER-ORD train and of each gold file) held out for selection.
    pub held_out: f64,
    /// The encoder layers the head reads (1 = the first, 6 = the last of six), concatenated.
    pub layers: Vec<usize>,
    /// Width of the MLP's hidden layer.
    pub inner: usize,
    pub epochs: usize,
    /// Words per step.
    pub batch_size: usize,
    pub lr: f64,
    pub weight_decay: f64,
    /// Dropout on the MLP's hidden layer.
    pub dropout: f64,
    /// Dropout on the MLP's inputs.
    pub input_dropout: f64,
    /// Loss weight of the `O` tag (the others weigh 1).
    pub o_weight: f64,
    /// Word pieces per sentence, `[CLS]` and `[SEP]` included.
    pub max_tokens: usize,
    /// How model mentions join the rule entities (stored with the head as its default).
    pub merge: head::Config,
    /// Write the held-out and val documents with their gold, rule, head and merged mentions
    /// here (JSON Lines), for error analysis.
    pub predictions: Option<PathBuf>,
    /// Print progress to standard error.
    pub verbose: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("../shared/data"),
            encoder: PathBuf::from("models/sentiment"),
            out: PathBuf::from("models/ner"),
            cache: PathBuf::from(".cache/ner"),
            gold: Vec::new(),
            seed: 42,
            split_seed: 7,
            held_out: 0.1,
            layers: vec![6],
            inner: 256,
            epochs: 12,
            batch_size: 128,
            lr: 1e-3,
            weight_decay: 0.01,
            dropout: 0.2,
            input_dropout: 0.0,
            o_weight: 1.0,
            max_tokens: 256,
            merge: head::Config::default(),
            predictions: None,
            verbose: true,
        }
    }
}

/// Which part of the data a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Part {
    Train,
    Held,
    /// FiNER-ORD validation: measured, never chosen on.
    Val,
}

/// A labeled document.
struct Doc {
    text: String,
    format: crate::document::Format,
    /// Its sentences as the pipeline's segmenter finds them (the head is trained on what it
    /// will see); the gold ones until then.
    sentences: Vec<Span>,
    /// Gold PERSON, LOC and ORG mentions.
    gold: Vec<(Span, EntityType)>,
    /// FiNER-ORD tokens, their gold tags and the first token of each sentence.
    finer: Option<(Vec<Span>, Vec<u8>, Vec<usize>)>,
    /// The gold article, for scoring every entity type.
    article: Option<GoldArticle>,
    part: Part,
    finer_source: bool,
    /// The rule stage's entities.
    rules: Vec<Entity>,
}

/// Precision, recall and F1 of one measurement.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl From<Counts> for Score {
    fn from(c: Counts) -> Self {
        Score {
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
            tp: c.tp,
            fp: c.fp,
            fn_: c.fn_,
        }
    }
}

/// The scores of one set of documents.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Scores {
    /// The head alone, PERSON/LOC/ORG mentions over words.
    pub model: Score,
    /// FiNER-ORD documents, seqeval over their tokens: the rule stage alone.
    pub finer_rules: Score,
    /// The same with the head's mentions merged in.
    pub finer_merged: Score,
    /// FiNER-ORD per type, merged: PER, LOC, ORG.
    pub finer_merged_types: Vec<(String, Score)>,
    /// Gold articles, every entity type, exact span and type: the rule stage alone.
    pub gold_rules: Score,
    /// The same, merged.
    pub gold_merged: Score,
    /// Gold articles, the set of linked ids per article: rules alone, merged.
    pub gold_ids_rules: Score,
    pub gold_ids_merged: Score,
}

/// How one epoch went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    pub epoch: usize,
    pub train_loss: f64,
    pub held: Scores,
    pub seconds: f64,
}

/// The outcome of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub config: Config,
    /// Documents, sentences and words per part: train, held out, FiNER-ORD val.
    pub documents: [usize; 3],
    pub sentences: [usize; 3],
    pub words: [usize; 3],
    pub encoder_fingerprint: String,
    pub epochs: Vec<EpochReport>,
    /// The epoch (1-based) whose weights were written.
    pub best_epoch: usize,
    pub held: Scores,
    /// Held-out scores of the chosen weights under other merge settings.
    pub merge_variants: Vec<(head::Config, Scores)>,
    /// FiNER-ORD val with the chosen weights (gold sentence boundaries).
    pub val: Scores,
    /// Seconds spent computing hidden states (0 when they came from the cache).
    pub feature_seconds: f64,
    pub wall_seconds: f64,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads a FiNER-ORD CSV as documents: tokens joined by single spaces, as `finnews eval`
/// rebuilds them.
fn load_finer(path: &Path, part: Part) -> Result<Vec<Doc>> {
    let content = read(path)?;
    let mut lines = content.lines();
    let bad_csv = |line: usize, e: &str| Error::Invalid(format!("{}:{line}: {e}", path.display()));
    let mut header = Vec::new();
    split_csv(lines.next().unwrap_or_default(), &mut header).map_err(|e| bad_csv(1, e))?;
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::Invalid(format!("{}: no column {name}", path.display())))
    };
    let (label, token, doc_col, sent_col) = (
        col("gold_label")?,
        col("gold_token")?,
        col("doc_idx")?,
        col("sent_idx")?,
    );
    let mut docs: Vec<(String, String, Doc)> = Vec::new();
    let mut f = Vec::new();
    for (i, line) in lines.enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        split_csv(line, &mut f).map_err(|e| bad_csv(i + 2, e))?;
        let bad = || Error::Invalid(format!("{}:{}: bad record", path.display(), i + 2));
        let tag: u8 = f
            .get(label)
            .and_then(|l| l.trim().parse().ok())
            .ok_or_else(bad)?;
        if tag as usize >= LABELS.len() {
            return Err(bad());
        }
        let (key, sent) = (
            f.get(doc_col).ok_or_else(bad)?,
            f.get(sent_col).ok_or_else(bad)?,
        );
        if docs.last().is_none_or(|d| &d.0 != key) {
            docs.push((
                key.clone(),
                String::new(),
                Doc {
                    text: String::new(),
                    format: crate::document::Format::Plain,
                    sentences: Vec::new(),
                    gold: Vec::new(),
                    finer: Some((Vec::new(), Vec::new(), Vec::new())),
                    article: None,
                    part,
                    finer_source: true,
                    rules: Vec::new(),
                },
            ));
        }
        let (_, last_sent, doc) = docs.last_mut().expect("pushed");
        let (tokens, tags, starts) = doc.finer.as_mut().expect("finer");
        if starts.is_empty() || last_sent != sent {
            starts.push(tokens.len());
            last_sent.clone_from(sent);
        }
        if !doc.text.is_empty() {
            doc.text.push(' ');
        }
        let start = doc.text.len();
        doc.text.push_str(f.get(token).ok_or_else(bad)?);
        tokens.push(Span::new(start, doc.text.len()));
        tags.push(tag);
    }
    let mut out = Vec::with_capacity(docs.len());
    for (_, _, mut doc) in docs {
        let (tokens, tags, starts) = doc.finer.as_ref().expect("finer");
        let mut bio = Vec::new();
        for (k, &s) in starts.iter().enumerate() {
            let e = starts.get(k + 1).copied().unwrap_or(tokens.len());
            doc.sentences
                .push(Span::new(tokens[s].start, tokens[e - 1].end));
            bio.clear();
            bio.extend(tags[s..e].iter().map(|&t| finer_bio(t)));
            let mut found = Vec::new();
            chunks(&bio, &mut found);
            doc.gold.extend(
                found.into_iter().map(|(kind, a, b)| {
                    (Span::new(tokens[s + a].start, tokens[s + b - 1].end), kind)
                }),
            );
        }
        out.push(doc);
    }
    Ok(out)
}

/// A tag index as a BIO tag over entity types.
fn finer_bio(tag: u8) -> Bio<EntityType> {
    match head::tag_kind(tag) {
        None => Bio::O,
        Some((kind, true)) => Bio::B(kind),
        Some((kind, false)) => Bio::I(kind),
    }
}

/// Reads a gold file: its sentences and PERSON, LOC and ORG mentions, in bytes.
fn load_gold(path: &Path) -> Result<Vec<Doc>> {
    let records = gold::read(path)?;
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        let format = r.document().format;
        let a = r.article;
        let map = CharMap::new(&a.text);
        let span = |s: usize, e: usize| Span::new(map.byte(s), map.byte(e));
        let sentences = a
            .sentences
            .iter()
            .flatten()
            .map(|s| span(s.start, s.end))
            .collect();
        let gold = a
            .entities
            .iter()
            .flatten()
            .filter(|e| head::begin_tag(e.kind).is_some())
            .map(|e| (span(e.start, e.end), e.kind))
            .collect();
        out.push(Doc {
            text: a.text.clone(),
            format,
            sentences,
            gold,
            finer: None,
            article: Some(a),
            part: Part::Train,
            finer_source: false,
            rules: Vec::new(),
        });
    }
    Ok(out)
}

/// Marks a share of `docs` (at least one where there are two) as held out.
fn hold_out(docs: &mut [Doc], share: f64, seed: u64) {
    let n = docs.len();
    let k = ((n as f64 * share).round() as usize).min(n.saturating_sub(1));
    let mut order: Vec<usize> = (0..n).collect();
    SplitMix64::new(seed).shuffle(&mut order);
    for &i in order.iter().take(k.max(usize::from(n >= 2 && share > 0.0))) {
        docs[i].part = Part::Held;
    }
}

/// One sentence ready for training: its words, features, gold tags.
struct Row {
    doc: usize,
    prepared: head::Prepared,
    tags: Vec<u8>,
    /// Its first word's row in the feature matrix.
    at: usize,
}

/// Gold tags of the words of one sentence: the first word that overlaps a mention is `B-`,
/// the following ones `I-`.
fn word_tags(words: &Words, offset: usize, gold: &[(Span, EntityType)]) -> Vec<u8> {
    let mut tags = vec![0u8; words.len()];
    let mut last: Option<usize> = None;
    for (k, w) in words.spans.iter().enumerate() {
        let span = Span::new(offset + w.start, offset + w.end);
        let hit = gold
            .iter()
            .position(|(g, _)| g.overlaps(span) && !span.is_empty());
        if let Some(i) = hit {
            let b = head::begin_tag(gold[i].1).expect("scored type");
            tags[k] = if last == Some(i) { b + 1 } else { b };
        }
        last = hit;
    }
    tags
}

/// A short hash of text, for cache names.
fn fnv(hash: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *hash ^= b as u64;
        *hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
}

/// The hidden states `[words, hidden]` of every row at the output of encoder layer `layer`
/// (1-based), from the cache or computed (with the layers above it left out).
fn layer_states(
    config: &Config,
    checkpoint: &Checkpoint,
    fingerprint: &str,
    layer: usize,
    rows: &[Row],
    ids: &[Vec<u32>],
    log: &dyn Fn(String),
) -> Result<(Vec<f32>, f64)> {
    let mut key = 0xcbf2_9ce4_8422_2325u64;
    for r in ids {
        for id in r {
            fnv(&mut key, &id.to_le_bytes());
        }
        fnv(&mut key, b"|");
    }
    let name = format!(
        "hidden-{fingerprint}-{key:016x}-layer{layer}-t{}.safetensors",
        config.max_tokens
    );
    let path = config.cache.join(name);
    let words: usize = rows.iter().map(|r| r.prepared.words.len()).sum();
    let width = checkpoint.config.hidden_size;
    if path.exists() {
        let t = candle_core::safetensors::load(&path, &Device::Cpu)
            .map_err(tensor_err("reading cached hidden states"))?;
        if let Some(h) = t.get("hidden").filter(|h| h.dims() == [words, width]) {
            let h = h
                .to_dtype(DType::F32)
                .and_then(|h| h.flatten_all())
                .and_then(|h| h.to_vec1::<f32>())
                .map_err(tensor_err("reading cached hidden states"))?;
            log(format!(
                "hidden states of layer {layer} from {}",
                path.display()
            ));
            return Ok((h, 0.0));
        }
    }
    let started = Instant::now();
    let layers = checkpoint.config.num_hidden_layers;
    if layer == 0 || layer > layers {
        return Err(Error::Invalid(format!(
            "layer {layer}: the encoder has layers 1 to {layers}"
        )));
    }
    let mut truncated = checkpoint.config.clone();
    truncated.num_hidden_layers = layer;
    let bert = Bert::load(checkpoint.var_builder(), &truncated)
        .map_err(tensor_err("loading the encoder"))?;
    let mut out = vec![0f32; words * width];
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| ids[i].len());
    for (b, chunk) in order.chunks(32).enumerate() {
        let part: Vec<&[u32]> = chunk.iter().map(|&i| ids[i].as_slice()).collect();
        let batch = Batch::new(&part)?;
        let hidden = bert
            .forward(&batch.ids, &batch.mask, &Mode::Eval)
            .map_err(tensor_err("running the encoder"))?;
        let words: Vec<&Words> = chunk.iter().map(|&i| &rows[i].prepared.words).collect();
        let gathered = head::gather_words(&hidden, &words)
            .and_then(|t| t.to_vec2::<f32>())
            .map_err(tensor_err("gathering word states"))?;
        let mut it = gathered.into_iter();
        for &i in chunk {
            for k in 0..rows[i].prepared.words.len() {
                let v = it.next().expect("one row per word");
                let at = (rows[i].at + k) * width;
                out[at..at + width].copy_from_slice(&v);
            }
        }
        if (b + 1) % 40 == 0 {
            log(format!(
                "hidden states of layer {layer}: {} of {} sentences",
                (b + 1) * 32,
                rows.len()
            ));
        }
    }
    std::fs::create_dir_all(&config.cache).map_err(|source| Error::Io {
        path: config.cache.clone(),
        source,
    })?;
    let half = Tensor::from_slice(&out, (words, width), &Device::Cpu)
        .and_then(|h| h.to_dtype(DType::F16))
        .map_err(tensor_err("caching hidden states"))?;
    candle_core::safetensors::save(&HashMap::from([("hidden".to_string(), half)]), &path)
        .map_err(tensor_err("caching hidden states"))?;
    log(format!("cached hidden states in {}", path.display()));
    Ok((out, started.elapsed().as_secs_f64()))
}

/// Tags each token with the first PERSON/LOC/ORG entity that overlaps it, as `finnews eval`
/// projects mentions onto FiNER-ORD tokens.
fn project(entities: &[Entity], tokens: &[Span]) -> Vec<Bio<EntityType>> {
    let mut tags = vec![Bio::O; tokens.len()];
    for e in entities
        .iter()
        .filter(|e| head::begin_tag(e.kind).is_some())
    {
        let first = tokens.partition_point(|t| t.end <= e.span.start);
        let mut begun = false;
        for k in first..tokens.len() {
            if tokens[k].start >= e.span.end {
                break;
            }
            if tags[k] == Bio::O {
                tags[k] = if begun {
                    Bio::I(e.kind)
                } else {
                    Bio::B(e.kind)
                };
                begun = true;
            }
        }
    }
    tags
}

/// seqeval counts of one FiNER-ORD document, per type (PERSON, LOC, ORG).
fn score_finer(doc: &Doc, entities: &[Entity]) -> [Counts; 3] {
    let mut c = [Counts::default(); 3];
    let Some((tokens, tags, starts)) = &doc.finer else {
        return c;
    };
    let predicted = project(entities, tokens);
    let (mut g, mut p) = (Vec::new(), Vec::new());
    let mut found = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(tokens.len());
        let gold: Vec<Bio<EntityType>> = tags[s..e].iter().map(|&t| finer_bio(t)).collect();
        found.clear();
        chunks(&gold, &mut found);
        g.extend(found.drain(..).map(|(t, a, b)| (t, (s + a, s + b))));
        chunks(&predicted[s..e], &mut found);
        p.extend(found.drain(..).map(|(t, a, b)| (t, (s + a, s + b))));
    }
    match_typed(&head::KINDS, &mut g, &mut p, &mut c);
    c
}

/// Gold-article counts of a document's entities: every type, and linked ids.
fn score_gold(doc: &Doc, entities: &[Entity]) -> (Counts, Counts) {
    let Some(article) = &doc.article else {
        return Default::default();
    };
    let mut d = crate::Document::from_text("gold", &doc.text);
    d.entities = entities.to_vec();
    let mut a = article.clone();
    a.sentences = None;
    a.sections = None;
    let t = gold::score(&a, &d);
    (t.entities_overall(), t.linked_ids)
}

/// Everything an epoch's evaluation needs.
#[derive(Clone, Copy)]
struct Eval<'a> {
    docs: &'a [Doc],
    rows: &'a [Row],
    linker: &'a Linker,
    merge: &'a head::Config,
}

impl Eval<'_> {
    /// Scores the documents of `part`, given every word's tag log-probabilities (rows of
    /// `part` only, in row order).
    /// The head's mentions in every document of `part` (empty for the others) and the
    /// head's own counts over words, given every word's tag log-probabilities (rows of `part`
    /// only, in row order).
    fn found(&self, part: Part, logp: &[f32]) -> (Vec<Vec<Mention>>, [Counts; 3]) {
        const L: usize = LABELS.len();
        let mut model = [Counts::default(); 3];
        let mut found: Vec<Vec<Mention>> = vec![Vec::new(); self.docs.len()];
        let mut at = 0;
        for r in self.rows.iter().filter(|r| self.docs[r.doc].part == part) {
            let n = r.prepared.words.len();
            let lp = &logp[at * L..(at + n) * L];
            at += n;
            let tags = head::viterbi(lp, n);
            let (mut g, mut p) = (Vec::new(), Vec::new());
            let to_bio = |t: &[u8]| t.iter().map(|&t| finer_bio(t)).collect::<Vec<_>>();
            let mut c = Vec::new();
            chunks(&to_bio(&r.tags), &mut c);
            g.extend(c.drain(..).map(|(t, a, b)| (t, (a, b))));
            chunks(&to_bio(&tags), &mut c);
            p.extend(c.drain(..).map(|(t, a, b)| (t, (a, b))));
            match_typed(&head::KINDS, &mut g, &mut p, &mut model);
            head::mentions(
                &tags,
                lp,
                &r.prepared.words,
                r.prepared.offset,
                &mut found[r.doc],
            );
        }
        (found, model)
    }

    fn merged(&self, i: usize, found: &[Mention]) -> Vec<Entity> {
        let doc = &self.docs[i];
        head::merge(&doc.text, doc.rules.clone(), found, self.merge, |n| {
            self.linker.link(n)
        })
    }

    /// One JSON object per document of `part`: its text, gold mentions, rule entities, head
    /// mentions and merged entities, as `[start, end, type, text]` in bytes.
    fn predictions(&self, part: Part, logp: &[f32]) -> Vec<serde_json::Value> {
        let (found, _) = self.found(part, logp);
        let span = |text: &str, s: Span, kind: EntityType| {
            serde_json::json!([s.start, s.end, kind.as_str(), s.of(text)])
        };
        self.docs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.part == part)
            .map(|(i, d)| {
                let t = d.text.as_str();
                serde_json::json!({
                    "text": t,
                    "gold": d.gold.iter().map(|&(s, k)| span(t, s, k)).collect::<Vec<_>>(),
                    "rules": d.rules.iter().map(|e| span(t, e.span, e.kind)).collect::<Vec<_>>(),
                    "model": found[i].iter().map(|m| span(t, m.span, m.kind)).collect::<Vec<_>>(),
                    "merged": self.merged(i, &found[i]).iter().map(|e| span(t, e.span, e.kind)).collect::<Vec<_>>(),
                })
            })
            .collect()
    }

    /// Scores the documents of `part`.
    fn scores(&self, part: Part, logp: &[f32]) -> Scores {
        let (found, model) = self.found(part, logp);
        let mut s = Scores::default();
        let sum = |c: &[Counts]| {
            c.iter().fold(Counts::default(), |mut a, &b| {
                a += b;
                a
            })
        };
        s.model = sum(&model).into();
        let (mut fr, mut fm) = ([Counts::default(); 3], [Counts::default(); 3]);
        let (mut gr, mut gm, mut ir, mut im) = (
            Counts::default(),
            Counts::default(),
            Counts::default(),
            Counts::default(),
        );
        for (i, doc) in self.docs.iter().enumerate().filter(|(_, d)| d.part == part) {
            let merged = self.merged(i, &found[i]);
            if doc.finer_source {
                for (k, (a, b)) in score_finer(doc, &doc.rules)
                    .into_iter()
                    .zip(score_finer(doc, &merged))
                    .enumerate()
                {
                    fr[k] += a;
                    fm[k] += b;
                }
            } else {
                let (e, ids) = score_gold(doc, &doc.rules);
                gr += e;
                ir += ids;
                let (e, ids) = score_gold(doc, &merged);
                gm += e;
                im += ids;
            }
        }
        s.finer_rules = sum(&fr).into();
        s.finer_merged = sum(&fm).into();
        s.finer_merged_types = ["PER", "LOC", "ORG"]
            .iter()
            .zip(fm)
            .map(|(n, c)| (n.to_string(), c.into()))
            .collect();
        s.gold_rules = gr.into();
        s.gold_merged = gm.into();
        s.gold_ids_rules = ir.into();
        s.gold_ids_merged = im.into();
        s
    }
}

/// Standardization of the hidden-state columns (the hand-made features stay 0/1).
struct Norm {
    mean: Vec<f32>,
    std: Vec<f32>,
}

impl Norm {
    fn fit(x: &[f32], width: usize, hidden: usize) -> Self {
        let n = (x.len() / width).max(1) as f64;
        let mut mean = vec![0f64; width];
        let mut sq = vec![0f64; width];
        for row in x.chunks(width) {
            for (j, &v) in row.iter().enumerate() {
                mean[j] += v as f64;
                sq[j] += (v as f64) * (v as f64);
            }
        }
        let mut m = vec![0f32; width];
        let mut s = vec![1f32; width];
        for j in 0..hidden {
            let mu = mean[j] / n;
            m[j] = mu as f32;
            s[j] = ((sq[j] / n - mu * mu).max(0.0).sqrt() as f32).max(1e-3);
        }
        Norm { mean: m, std: s }
    }

    fn apply(&self, x: &mut [f32]) {
        let width = self.mean.len();
        for row in x.chunks_mut(width) {
            for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                *v = (*v - m) / s;
            }
        }
    }
}

/// Rows of one part as a feature matrix `[words, width]` (hidden states, then hand-made
/// features) and their gold tags.
fn matrix(
    rows: &[Row],
    docs: &[Doc],
    part: Part,
    hidden: &[f32],
    h: usize,
) -> (Vec<f32>, Vec<u32>) {
    let width = h + EXTRA;
    let mut x = Vec::new();
    let mut y = Vec::new();
    for r in rows.iter().filter(|r| docs[r.doc].part == part) {
        for k in 0..r.prepared.words.len() {
            x.extend_from_slice(&hidden[(r.at + k) * h..(r.at + k + 1) * h]);
            x.extend_from_slice(&r.prepared.extra[k * EXTRA..(k + 1) * EXTRA]);
            y.push(r.tags[k] as u32);
        }
    }
    debug_assert_eq!(x.len(), y.len() * width);
    (x, y)
}

/// Log-probabilities of every row of `x` `[n, width]`, in eval mode.
fn log_probs(mlp: &Mlp, x: &Tensor) -> Result<Vec<f32>> {
    mlp.logits(x, &Mode::Eval, 0.0)
        .and_then(|l| candle_nn::ops::log_softmax(&l, 1))
        .and_then(|l| l.flatten_all())
        .and_then(|l| l.to_vec1::<f32>())
        .map_err(tensor_err("scoring words"))
}

/// Trains the head and writes it to `config.out`.
pub fn train(config: &Config) -> Result<Report> {
    let started = Instant::now();
    let log = |msg: String| {
        if config.verbose {
            eprintln!("[{:7.1}s] {msg}", started.elapsed().as_secs_f64());
        }
    };
    let checkpoint = Checkpoint::from_dir(&config.encoder)?;
    let fingerprint = head::encoder_fingerprint(&checkpoint)?;
    let finer = config.data_dir.join("finer-ord");
    let mut docs = load_finer(&finer.join("train.csv"), Part::Train)?;
    hold_out(&mut docs, config.held_out, config.split_seed);
    for path in &config.gold {
        let mut g = load_gold(path)?;
        hold_out(&mut g, config.held_out, config.split_seed);
        docs.extend(g);
    }
    docs.extend(load_finer(&finer.join("val.csv"), Part::Val)?);

    let entities = Entities::new(&EntityConfig::default())?;
    let sections = Sections::new(&Default::default());
    let splitter = Sentences::new(&Default::default());
    let linker = Linker::new()?;
    let mut tokenizer = checkpoint.tokenizer.clone();
    prepare_tokenizer(&mut tokenizer, config.max_tokens)?;
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    let mut at = 0;
    for (i, doc) in docs.iter_mut().enumerate() {
        let mut d = crate::Document::from_text("train", &doc.text);
        d.format = doc.format;
        sections.apply(&mut d)?;
        splitter.apply(&mut d)?;
        doc.sentences = d.sentences.iter().map(|s| s.span).collect();
        doc.rules = entities.find(&doc.text, &doc.sentences);
        for &s in &doc.sentences {
            let text = s.of(&doc.text);
            let enc = tokenizer
                .encode(text, true)
                .map_err(tokenizer_err("tokenizing"))?;
            let words = Words::from_encoding(&enc);
            if words.is_empty() {
                continue;
            }
            let mut extra = Vec::with_capacity(words.len() * EXTRA);
            head::extra_features(
                text,
                s.start,
                &words,
                &doc.rules,
                linker.gazetteer(),
                &mut extra,
            );
            let tags = word_tags(&words, s.start, &doc.gold);
            let n = words.len();
            rows.push(Row {
                doc: i,
                prepared: head::Prepared {
                    offset: s.start,
                    words,
                    extra,
                },
                tags,
                at,
            });
            ids.push(enc.get_ids().to_vec());
            at += n;
        }
    }
    let count = |part: Part| {
        [
            docs.iter().filter(|d| d.part == part).count(),
            rows.iter().filter(|r| docs[r.doc].part == part).count(),
            rows.iter()
                .filter(|r| docs[r.doc].part == part)
                .map(|r| r.prepared.words.len())
                .sum::<usize>(),
        ]
    };
    let (tr, he, va) = (count(Part::Train), count(Part::Held), count(Part::Val));
    log(format!(
        "{} / {} / {} documents, {} / {} / {} words (train / held out / val)",
        tr[0], he[0], va[0], tr[2], he[2], va[2]
    ));

    let mut layer_parts = Vec::with_capacity(config.layers.len());
    let mut feature_seconds = 0.0;
    for &layer in &config.layers {
        let (part, secs) =
            layer_states(config, &checkpoint, &fingerprint, layer, &rows, &ids, &log)?;
        layer_parts.push(part);
        feature_seconds += secs;
    }
    let hs = checkpoint.config.hidden_size;
    let h = hs * config.layers.len();
    let words = layer_parts.first().map_or(0, |p| p.len() / hs);
    let mut hidden = vec![0f32; words * h];
    for (j, part) in layer_parts.iter().enumerate() {
        for (w, row) in part.chunks(hs).enumerate() {
            hidden[w * h + j * hs..w * h + (j + 1) * hs].copy_from_slice(row);
        }
    }
    drop(layer_parts);
    let width = h + EXTRA;
    let (mut xtr, ytr) = matrix(&rows, &docs, Part::Train, &hidden, h);
    let (mut xhe, _) = matrix(&rows, &docs, Part::Held, &hidden, h);
    let (mut xva, _) = matrix(&rows, &docs, Part::Val, &hidden, h);
    drop(hidden);
    let norm = Norm::fit(&xtr, width, h);
    for x in [&mut xtr, &mut xhe, &mut xva] {
        norm.apply(x);
    }
    let tensor = |x: Vec<f32>| {
        let n = x.len() / width;
        Tensor::from_vec(x, (n, width), &Device::Cpu).map_err(tensor_err("building features"))
    };
    let (xtr, xhe, xva) = (tensor(xtr)?, tensor(xhe)?, tensor(xva)?);
    let n_train = ytr.len();

    // The head, with seeded initial weights (uniform in +-1/sqrt(fan-in), zero biases).
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let mlp = Mlp::load(vb, width, config.inner).map_err(tensor_err("building the head"))?;
    let vars: Vec<(String, Var)> = {
        let data = varmap
            .data()
            .lock()
            .map_err(|_| Error::Invalid("variable map poisoned".into()))?;
        let mut v: Vec<_> = data.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let mut rng = SplitMix64::new(config.seed ^ 0x004e_4552);
    let mut optimizer = AdamW::new();
    for (name, var) in &vars {
        let dims = var.dims().to_vec();
        let fan_in = dims.last().copied().unwrap_or(1).max(1) as f64;
        let init: Vec<f32> = if name.ends_with(".bias") {
            vec![0.0; var.elem_count()]
        } else {
            let bound = 1.0 / fan_in.sqrt();
            (0..var.elem_count())
                .map(|_| ((rng.next_f64() * 2.0 - 1.0) * bound) as f32)
                .collect()
        };
        let t = Tensor::from_vec(init, dims, &Device::Cpu).map_err(tensor_err("initialising"))?;
        var.set(&t).map_err(tensor_err("initialising"))?;
        let decay = if name.ends_with(".bias") {
            0.0
        } else {
            config.weight_decay
        };
        optimizer.push(var.clone(), config.lr, decay);
    }
    optimizer.max_grad_norm = 5.0;

    let mut weights = vec![1f32; LABELS.len()];
    weights[0] = config.o_weight as f32;
    let class_weights =
        Tensor::new(weights.as_slice(), &Device::Cpu).map_err(tensor_err("weights"))?;
    let eval = Eval {
        docs: &docs,
        rows: &rows,
        linker: &linker,
        merge: &config.merge,
    };
    let batch = config.batch_size.max(1);
    let per_epoch = n_train.div_ceil(batch);
    let total = per_epoch * config.epochs;
    let dropout_rng = RefCell::new(SplitMix64::new(config.seed));
    let mut epochs = Vec::new();
    let mut best: Option<(usize, Scores, Vec<Tensor>)> = None;
    let mut step = 0;
    for epoch in 1..=config.epochs {
        let epoch_start = Instant::now();
        let mut order: Vec<u32> = (0..n_train as u32).collect();
        rng.shuffle(&mut order);
        let mut loss_sum = 0.0;
        for idx in order.chunks(batch) {
            let index = Tensor::new(idx, &Device::Cpu).map_err(tensor_err("batch"))?;
            let targets: Vec<u32> = idx.iter().map(|&i| ytr[i as usize]).collect();
            let loss = (|| {
                let xs = xtr.index_select(&index, 0)?;
                let xs = Mode::Train(&dropout_rng).dropout(&xs, config.input_dropout)?;
                let logits = mlp.logits(&xs, &Mode::Train(&dropout_rng), config.dropout)?;
                let logp = candle_nn::ops::log_softmax(&logits, 1)?;
                let targets = Tensor::new(targets.as_slice(), &Device::Cpu)?;
                let picked = logp.gather(&targets.unsqueeze(1)?, 1)?.squeeze(1)?;
                let w = class_weights.index_select(&targets, 0)?;
                (picked * &w)?.sum_all()?.neg()? / w.sum_all()?.to_scalar::<f32>()? as f64
            })()
            .map_err(tensor_err("training step"))?;
            let grads = loss.backward().map_err(tensor_err("backward pass"))?;
            optimizer.step(&grads, schedule(step, total, 0.05))?;
            loss_sum += loss.to_scalar::<f32>().map_err(tensor_err("loss"))? as f64;
            step += 1;
        }
        let held = eval.scores(Part::Held, &log_probs(&mlp, &xhe)?);
        let report = EpochReport {
            epoch,
            train_loss: loss_sum / per_epoch.max(1) as f64,
            held: held.clone(),
            seconds: epoch_start.elapsed().as_secs_f64(),
        };
        log(format!(
            "epoch {epoch}: loss {:.4}; held out: model {:.4}, FiNER-ORD rules {:.4} -> merged {:.4}, \
             gold rules {:.4} -> merged {:.4} (ids {:.4} -> {:.4})",
            report.train_loss,
            held.model.f1,
            held.finer_rules.f1,
            held.finer_merged.f1,
            held.gold_rules.f1,
            held.gold_merged.f1,
            held.gold_ids_rules.f1,
            held.gold_ids_merged.f1,
        ));
        epochs.push(report);
        if best
            .as_ref()
            .is_none_or(|(_, s, _)| held.finer_merged.f1 > s.finer_merged.f1)
        {
            let snapshot = vars
                .iter()
                .map(|(_, v)| v.as_tensor().copy())
                .collect::<candle_core::Result<Vec<_>>>()
                .map_err(tensor_err("copying weights"))?;
            best = Some((epoch, held, snapshot));
        }
    }
    let Some((best_epoch, held, snapshot)) = best else {
        return Err(Error::Invalid("training needs at least one epoch".into()));
    };
    for ((_, var), t) in vars.iter().zip(&snapshot) {
        var.set(t).map_err(tensor_err("restoring weights"))?;
    }
    let held_logp = log_probs(&mlp, &xhe)?;
    let mut variants = Vec::new();
    for (replace_unlinked, extend_linked) in
        [(false, false), (true, false), (false, true), (true, true)]
    {
        for min_score in [0.0, 0.5, 0.7] {
            let merge = head::Config {
                replace_unlinked,
                extend_linked,
                min_score,
                ..config.merge.clone()
            };
            let s = Eval {
                merge: &merge,
                ..eval
            }
            .scores(Part::Held, &held_logp);
            log(format!(
                "held out, replace unlinked {replace_unlinked}, extend linked {extend_linked}, \
                 min score {min_score}: FiNER-ORD {:.4}, gold {:.4} (ids {:.4})",
                s.finer_merged.f1, s.gold_merged.f1, s.gold_ids_merged.f1
            ));
            variants.push((merge, s));
        }
    }
    let val_logp = log_probs(&mlp, &xva)?;
    let val = eval.scores(Part::Val, &val_logp);
    if let Some(path) = &config.predictions {
        let mut lines = String::new();
        for (part, logp) in [(Part::Held, &held_logp), (Part::Val, &val_logp)] {
            for mut p in eval.predictions(part, logp) {
                p["part"] = serde_json::to_value(part)?;
                lines.push_str(&serde_json::to_string(&p)?);
                lines.push('\n');
            }
        }
        std::fs::write(path, lines).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    }
    log(format!(
        "epoch {best_epoch} chosen; FiNER-ORD val: model {:.4}, rules {:.4} -> merged {:.4}",
        val.model.f1, val.finer_rules.f1, val.finer_merged.f1
    ));
    let mut report = Report {
        config: config.clone(),
        documents: [tr[0], he[0], va[0]],
        sentences: [tr[1], he[1], va[1]],
        words: [tr[2], he[2], va[2]],
        encoder_fingerprint: fingerprint,
        epochs,
        best_epoch,
        held,
        merge_variants: variants,
        val,
        feature_seconds,
        wall_seconds: 0.0,
    };
    report.wall_seconds = started.elapsed().as_secs_f64();
    write_head(config, &checkpoint, &vars, &norm, &report)?;
    log(format!("wrote {}", config.out.display()));
    Ok(report)
}

/// Writes the head (standardization folded into its first layer, f16), its config, card and
/// report.
fn write_head(
    config: &Config,
    checkpoint: &Checkpoint,
    vars: &[(String, Var)],
    norm: &Norm,
    report: &Report,
) -> Result<()> {
    let out = &config.out;
    std::fs::create_dir_all(out).map_err(|source| Error::Io {
        path: out.clone(),
        source,
    })?;
    let get = |name: &str| {
        vars.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_tensor().clone())
            .ok_or_else(|| Error::Invalid(format!("no weight {name}")))
    };
    // x' = (x - mean) / std, so W x' + b = (W / std) x + (b - (W / std) mean).
    let fold = || -> candle_core::Result<(Tensor, Tensor)> {
        let w = get("ner.fc1.weight").map_err(|e| candle_core::Error::Msg(e.to_string()))?;
        let b = get("ner.fc1.bias").map_err(|e| candle_core::Error::Msg(e.to_string()))?;
        let inv: Vec<f32> = norm.std.iter().map(|s| 1.0 / s).collect();
        let inv = Tensor::new(inv.as_slice(), &Device::Cpu)?.unsqueeze(0)?;
        let w = w.broadcast_mul(&inv)?;
        let mean = Tensor::new(norm.mean.as_slice(), &Device::Cpu)?.unsqueeze(1)?;
        let b = (b - w.matmul(&mean)?.squeeze(1)?)?;
        Ok((w, b))
    };
    let (w1, b1) = fold().map_err(tensor_err("folding the standardization"))?;
    let mut tensors = HashMap::new();
    tensors.insert("ner.fc1.weight".to_string(), w1);
    tensors.insert("ner.fc1.bias".to_string(), b1);
    tensors.insert("ner.fc2.weight".to_string(), get("ner.fc2.weight")?);
    tensors.insert("ner.fc2.bias".to_string(), get("ner.fc2.bias")?);
    let half = tensors
        .into_iter()
        .map(|(k, v)| Ok((k, v.to_dtype(DType::F16)?)))
        .collect::<candle_core::Result<HashMap<_, _>>>()
        .map_err(tensor_err("converting weights"))?;
    candle_core::safetensors::save(&half, out.join("head.safetensors"))
        .map_err(tensor_err("writing head.safetensors"))?;

    let mut rest = serde_json::Map::new();
    rest.insert("merge".into(), serde_json::to_value(&config.merge)?);
    rest.insert(
        "encoder".into(),
        config.encoder.display().to_string().into(),
    );
    let head_config = head::HeadConfig {
        labels: LABELS.iter().map(|s| s.to_string()).collect(),
        hidden_size: checkpoint.config.hidden_size,
        layers: config.layers.clone(),
        extra_features: EXTRA,
        inner: config.inner,
        encoder_fingerprint: report.encoder_fingerprint.clone(),
        rest,
    };
    let write = |name: &str, text: String| {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|source| Error::Io { path, source })
    };
    write(
        "config.json",
        format!("{}\n", serde_json::to_string_pretty(&head_config)?),
    )?;
    write(
        "report.json",
        format!("{}\n", serde_json::to_string_pretty(report)?),
    )?;
    write("MODEL_CARD.md", model_card(report))?;
    Ok(())
}

/// The command line that reproduces a run.
pub fn command(report: &Report) -> String {
    let c = &report.config;
    let mut cmd = format!(
        "finnews train ner --data-dir {} --encoder {} --out {} --seed {} --epochs {} \
         --batch-size {} --lr {} --inner {} --dropout {} --input-dropout {} --o-weight {} \
         --layers {}",
        c.data_dir.display(),
        c.encoder.display(),
        c.out.display(),
        c.seed,
        c.epochs,
        c.batch_size,
        c.lr,
        c.inner,
        c.dropout,
        c.input_dropout,
        c.o_weight,
        c.layers
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    for g in &c.gold {
        cmd.push_str(&format!(" --gold {}", g.display()));
    }
    cmd
}

/// `MODEL_CARD.md` for the head written by the run.
pub fn model_card(report: &Report) -> String {
    let c = &report.config;
    let f = |s: &Score| format!("{:.3} / {:.3} / {:.3}", s.precision, s.recall, s.f1);
    let mut s = String::new();
    s.push_str("# NER head (PERSON, LOC, ORG)\n\n");
    s.push_str(
        "A token-classification head over the hidden states of the shipped encoder \
         (`models/sentiment/`, kept frozen): each word's first word piece, with capitalization, \
         given-name and rule-entity features, goes through a small MLP that scores BIO tags for \
         PERSON, LOC and ORG; a Viterbi pass keeps the best valid tag sequence. It runs on the \
         same forward pass as the sentence heads, and its mentions are merged with the rule \
         entity stage (see `src/entities/ner.rs`).\n\n",
    );
    s.push_str("## Data and licenses\n\n");
    s.push_str(&format!(
        "- FiNER-ORD (`finer-ord/train.csv`), CC BY-NC 4.0: {} documents for training, {} held \
         out for choosing the epoch. **The head is derived from it and inherits its \
         non-commercial terms.**\n",
        report.documents[0], report.documents[1]
    ));
    for g in &c.gold {
        s.push_str(&format!(
            "- `{}`: our labeled articles (PERSON, LOC and ORG spans; other types count as \
             outside), with the same share held out.\n",
            g.display()
        ));
    }
    s.push_str(&format!(
        "- FiNER-ORD `val.csv` ({} documents) is only measured.\n\n",
        report.documents[2]
    ));
    s.push_str(&format!(
        "Words: {} train, {} held out, {} val.\n\n",
        report.words[0], report.words[1], report.words[2]
    ));
    s.push_str("## Training\n\n");
    s.push_str(&format!(
        "Encoder `{}` (fingerprint `{}`; the head must be retrained whenever the encoder \
         changes). Layers {:?}, MLP {} -> {} -> 7, GELU, dropout {}; AdamW lr {}, weight \
         decay {}, {} epochs of {}-word batches, warm-up 5% then linear decay, loss weight of `O` \
         {}; seed {}, split seed {}. Epoch {} chosen on held-out FiNER-ORD (merged F1).\n\n",
        c.encoder.display(),
        report.encoder_fingerprint,
        c.layers,
        c.layers.len() * 384 + EXTRA,
        c.inner,
        c.dropout,
        c.lr,
        c.weight_decay,
        c.epochs,
        c.batch_size,
        c.o_weight,
        c.seed,
        c.split_seed,
        report.best_epoch
    ));
    s.push_str(&format!(
        "Retrain:\n\n```sh\n{}\n```\n\nWall time {:.1} min ({:.1} min of it computing hidden \
         states, which are cached in `{}`).\n\n",
        command(report),
        report.wall_seconds / 60.0,
        report.feature_seconds / 60.0,
        c.cache.display()
    ));
    s.push_str(
        "## Scores\n\nPrecision / recall / F1. FiNER-ORD: seqeval over its tokens, gold \
                sentence boundaries; gold articles: every entity type, exact span and type.\n\n",
    );
    s.push_str("| set | head alone | FiNER-ORD rules | FiNER-ORD merged | articles rules | articles merged |\n");
    s.push_str("|---|---|---|---|---|---|\n");
    for (name, sc) in [("held out", &report.held), ("FiNER-ORD val", &report.val)] {
        s.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} |\n",
            f(&sc.model),
            f(&sc.finer_rules),
            f(&sc.finer_merged),
            f(&sc.gold_rules),
            f(&sc.gold_merged)
        ));
    }
    s.push_str("\nFiNER-ORD val per type (merged): ");
    let types: Vec<String> = report
        .val
        .finer_merged_types
        .iter()
        .map(|(n, sc)| format!("{n} {}", f(sc)))
        .collect();
    s.push_str(&types.join("; "));
    s.push_str(".\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_tags_begin_each_mention() {
        let words = Words {
            spans: vec![
                Span::new(0, 4),
                Span::new(5, 9),
                Span::new(10, 14),
                Span::new(15, 19),
            ],
            pieces: vec![1, 2, 3, 4],
        };
        let gold = vec![
            (Span::new(0, 9), EntityType::Org),
            (Span::new(10, 14), EntityType::Org),
        ];
        assert_eq!(word_tags(&words, 0, &gold), vec![5, 6, 5, 0]);
    }

    #[test]
    fn held_out_share_is_seeded() {
        let doc = || Doc {
            text: String::new(),
            format: crate::document::Format::Plain,
            sentences: vec![],
            gold: vec![],
            finer: None,
            article: None,
            part: Part::Train,
            finer_source: false,
            rules: vec![],
        };
        let mut a: Vec<Doc> = (0..20).map(|_| doc()).collect();
        let mut b: Vec<Doc> = (0..20).map(|_| doc()).collect();
        hold_out(&mut a, 0.1, 3);
        hold_out(&mut b, 0.1, 3);
        let held = |d: &[Doc]| d.iter().map(|d| d.part == Part::Held).collect::<Vec<_>>();
        assert_eq!(held(&a), held(&b));
        assert_eq!(held(&a).iter().filter(|&&h| h).count(), 2);
    }
}
