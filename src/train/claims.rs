//! Fitting the claim head: labeled articles -> the head in `models/claims/` (and a [`Report`]).
//!
//! ```text
//! corpus/gold/train.jsonl (the claim-labeled sentences of the train split)
//!   -> segmentation and entities as the pipeline runs them; each gold sentence takes the
//!      predicted sentence that overlaps it most (as `finnews eval` matches them)
//!   -> one encoder pass: pooled embedding + sentiment; the cue stage's scores and hedge
//!   -> 5-fold cross-validation grouped by article over feature sets x hidden units x L2
//!   -> out-of-fold macro-F1 (catalyst, risk, watch item); the simplest setting within one
//!      standard error of the best wins
//!   -> a temperature fitted on its out-of-fold logits (least negative log-likelihood)
//!   -> that setting fitted on every sentence
//!   -> models/claims/{head.safetensors (f16), config.json, MODEL_CARD.md, report.json}
//! ```
//!
//! Features are computed once; each fit is full-batch gradient descent (AdamW from
//! [`super::adamw`]) on class-weighted cross-entropy plus an L2 penalty on the weights, from
//! a fixed start, so a run takes a few minutes on two cores and the same command gives the
//! same head. A `--measure` file is scored only after the head is fixed: nothing is chosen on
//! it. The command: `finnews train claims --gold corpus/gold/train.jsonl --out models/claims`.

use super::adamw::AdamW;
use crate::claims::Cues;
use crate::claims::model::{
    self, ClaimModel, Evidence, FeatureGroup, HeadConfig, argmax, features, fingerprint, forward,
    read_batches,
};
use crate::document::{ClaimLabel, Document};
use crate::encoder::{self, SENTIMENT_WEIGHTS, SentimentModel, SplitMix64, tensor_err};
use crate::error::{Error, Result};
use crate::eval::gold::{self, CLAIM_LABELS, CharMap};
use crate::eval::metrics::{Confusion, best_overlaps};
use crate::pipeline::Stage;
use candle_core::{DType, Device, Tensor, Var};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Settings of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Labeled articles to fit on (gold format).
    pub gold: PathBuf,
    /// Where the head is written.
    pub out: PathBuf,
    /// Labeled articles scored once the head is fixed (never used for fitting or choosing).
    pub measure: Option<PathBuf>,
    /// Seeds the folds and the hidden layer's initial weights.
    pub seed: u64,
    /// Cross-validation folds (articles stay whole).
    pub folds: usize,
    /// Full-batch steps per fit.
    pub steps: usize,
    /// Peak learning rate (decays linearly to zero).
    pub lr: f64,
    /// L2 penalties tried.
    pub l2: Vec<f64>,
    /// Hidden units tried; 0 is a linear head.
    pub hidden: Vec<usize>,
    /// Feature sets tried.
    pub feature_sets: Vec<Vec<FeatureGroup>>,
    /// Weight each class by `n / (classes * n_class)`.
    pub balanced: bool,
    /// Print progress to standard error.
    pub verbose: bool,
}

impl Default for Config {
    fn default() -> Self {
        use FeatureGroup::*;
        Config {
            gold: PathBuf::from("corpus/gold/train.jsonl"),
            out: PathBuf::from("models/claims"),
            measure: None,
            seed: 42,
            folds: 5,
            steps: 300,
            lr: 0.01,
            l2: vec![0.01, 0.03, 0.1, 0.3],
            hidden: vec![0, 64],
            feature_sets: vec![
                vec![CueScores, CueLabel, Hedge, Sentiment],
                vec![Embedding, Sentiment],
                vec![Embedding, CueScores, CueLabel, Hedge, Sentiment],
                vec![
                    Embedding, CueScores, CueLabel, Hedge, Sentiment, Position, Heading,
                ],
                vec![
                    Embedding, CueScores, CueLabel, Hedge, Sentiment, Position, Heading, Neighbors,
                ],
            ],
            balanced: true,
            verbose: true,
        }
    }
}

/// How a set of predictions scores against the labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub sentences: usize,
    /// Mean F1 of catalyst, risk and watch item (`none` is the negative class), as `eval`.
    pub macro_f1: f64,
    pub accuracy: f64,
    /// F1 of catalyst, risk, watch item.
    pub f1: [f64; 3],
    /// `confusion[gold][predicted]`, labels in [`ClaimLabel::ALL`] order.
    pub confusion: Vec<Vec<usize>>,
    /// Mean negative log-likelihood of the gold label; absent where there are no probabilities.
    pub nll: Option<f64>,
    /// Expected calibration error of the top label's probability (10 equal-width bins).
    pub ece: Option<f64>,
}

/// One setting of the grid and its cross-validated score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub features: Vec<FeatureGroup>,
    pub hidden: usize,
    pub l2: f64,
    /// Out-of-fold predictions of all folds together, temperature 1.
    pub cv: Metrics,
    /// Macro-F1 of each fold's held-out articles.
    pub fold_f1: Vec<f64>,
    /// Standard error of the mean of `fold_f1`.
    pub se: f64,
}

/// Scores on the `--measure` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    pub path: PathBuf,
    /// The fitted head.
    pub head: Metrics,
    /// The cue stage alone, reading the model's sentiment.
    pub cues: Metrics,
}

/// The outcome of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub config: Config,
    pub articles: usize,
    pub sentences: usize,
    /// Sentences per label, in [`ClaimLabel::ALL`] order.
    pub label_counts: [usize; 4],
    /// Fingerprint of the encoder weights the features came from.
    pub encoder: String,
    pub candidates: Vec<Candidate>,
    /// Index of the chosen candidate.
    pub chosen: usize,
    pub temperature: f32,
    /// The chosen candidate's out-of-fold predictions after temperature scaling.
    pub cv_calibrated: Metrics,
    /// The cue stage alone on the same sentences, reading the model's sentiment.
    pub cue_baseline: Metrics,
    pub measured: Option<Measured>,
    pub feature_seconds: f64,
    pub wall_seconds: f64,
    pub threads: usize,
}

/// The labeled sentences of a gold file with everything the head reads.
struct Examples {
    /// `[rows, hidden]` pooled embeddings.
    pooled: Tensor,
    evidence: Vec<Evidence>,
    /// Heading embeddings that the evidence points to.
    headings: Vec<Vec<f32>>,
    /// Index in [`ClaimLabel::ALL`].
    labels: Vec<usize>,
    /// Index of the article each row comes from.
    article: Vec<usize>,
    articles: usize,
}

/// The rule stages before sentiment, as the pipeline builds them.
struct Segmenter {
    stages: Vec<Box<dyn Stage>>,
}

impl Segmenter {
    fn new() -> Result<Self> {
        let c = crate::pipeline::Config::default();
        Ok(Segmenter {
            stages: vec![
                Box::new(crate::segment::sections::Sections::new(&c.sections)),
                Box::new(crate::segment::sentences::Sentences::new(&c.sentences)),
                Box::new(crate::entities::Entities::new(&c.entities)?),
            ],
        })
    }

    fn run(&self, doc: &mut Document) -> Result<()> {
        self.stages.iter().try_for_each(|s| s.apply(doc))
    }
}

/// Reads a gold file, runs the pipeline's stages before sentiment and one encoder pass, and
/// keeps what the head reads for every gold sentence with a claim label.
fn examples(path: &Path, model: &SentimentModel, cues: &Cues) -> Result<Examples> {
    let records = gold::read(path)?;
    let segmenter = Segmenter::new()?;
    let mut docs = Vec::with_capacity(records.len());
    for r in &records {
        let mut doc = r.document();
        segmenter.run(&mut doc)?;
        docs.push(doc);
    }
    let refs: Vec<&Document> = docs.iter().collect();
    let hidden = model.encoder().hidden_size();
    // Per document and sentence: pooled embedding and evidence.
    type Read = Option<(Vec<f32>, Evidence)>;
    let mut read: Vec<Vec<Read>> = docs.iter().map(|d| vec![None; d.sentences.len()]).collect();
    let mut headings = Vec::new();
    read_batches(model, cues, &refs, true, |batch| {
        let pooled = batch
            .pooled
            .to_vec2::<f32>()
            .map_err(tensor_err("reading embeddings"))?;
        for ((&(d, k), row), e) in batch.rows.iter().zip(pooled).zip(batch.evidence) {
            read[d][k] = Some((row, *e));
        }
        if headings.is_empty() {
            headings = batch.headings.to_vec();
        }
        Ok(())
    })?;

    let (mut rows, mut evidence, mut labels, mut article) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (a, (record, doc)) in records.iter().zip(&docs).enumerate() {
        let map = CharMap::new(&doc.text);
        let predicted: Vec<(usize, usize)> = doc
            .sentences
            .iter()
            .map(|s| (map.char(s.span.start), map.char(s.span.end)))
            .collect();
        let gold_sentences = record.article.sentences.as_deref().unwrap_or_default();
        let spans: Vec<(usize, usize)> = gold_sentences.iter().map(|s| (s.start, s.end)).collect();
        for (g, m) in gold_sentences.iter().zip(best_overlaps(&spans, &predicted)) {
            let (Some(label), Some(k)) = (g.claim, m) else {
                continue;
            };
            let Some((row, e)) = &read[a][k] else {
                continue;
            };
            rows.extend_from_slice(row);
            evidence.push(*e);
            labels.push(label_index(label));
            article.push(a);
        }
    }
    let n = labels.len();
    let pooled = Tensor::from_vec(rows, (n, hidden), &Device::Cpu)
        .map_err(tensor_err("collecting embeddings"))?;
    Ok(Examples {
        pooled,
        evidence,
        headings,
        labels,
        article,
        articles: records.len(),
    })
}

fn label_index(l: ClaimLabel) -> usize {
    ClaimLabel::ALL.iter().position(|&x| x == l).unwrap_or(3)
}

/// A feature matrix as plain rows.
struct Matrix {
    data: Vec<f32>,
    width: usize,
}

impl Matrix {
    fn of(groups: &[FeatureGroup], ex: &Examples) -> Result<Self> {
        let x = features(groups, &ex.pooled, &ex.evidence, &ex.headings)?;
        let width = x.dims2().map_err(tensor_err("claim features"))?.1;
        let data = x
            .flatten_all()
            .and_then(|x| x.to_vec1::<f32>())
            .map_err(tensor_err("claim features"))?;
        Ok(Matrix { data, width })
    }

    fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.width..(i + 1) * self.width]
    }

    fn rows(&self, idx: &[usize]) -> Vec<f32> {
        idx.iter()
            .flat_map(|&i| self.row(i).iter().copied())
            .collect()
    }
}

/// A fitted head: standardization and layers.
struct Fitted {
    mean: Vec<f32>,
    scale: Vec<f32>,
    layers: Vec<(Tensor, Tensor)>,
}

/// Column means and standard deviations (1 where a column is constant).
fn standardization(x: &[f32], width: usize) -> (Vec<f32>, Vec<f32>) {
    let n = (x.len() / width.max(1)).max(1) as f64;
    let mut mean = vec![0f64; width];
    let mut sq = vec![0f64; width];
    for row in x.chunks(width) {
        for (j, &v) in row.iter().enumerate() {
            mean[j] += v as f64;
            sq[j] += (v as f64) * (v as f64);
        }
    }
    let mut m = Vec::with_capacity(width);
    let mut s = Vec::with_capacity(width);
    for j in 0..width {
        let mu = mean[j] / n;
        let var = (sq[j] / n - mu * mu).max(0.0);
        m.push(mu as f32);
        s.push(if var > 1e-12 { var.sqrt() as f32 } else { 1.0 });
    }
    (m, s)
}

fn standardize(x: &[f32], width: usize, mean: &[f32], scale: &[f32]) -> Result<Tensor> {
    let rows = x.len() / width.max(1);
    let data: Vec<f32> = x
        .chunks(width)
        .flat_map(|r| r.iter().zip(mean).zip(scale).map(|((v, m), s)| (v - m) / s))
        .collect();
    Tensor::from_vec(data, (rows, width), &Device::Cpu).map_err(tensor_err("standardizing"))
}

/// Fits one head on rows `x` (`width` columns) with labels `y`.
fn fit(
    x: &[f32],
    width: usize,
    y: &[usize],
    hidden: usize,
    l2: f64,
    config: &Config,
    seed: u64,
) -> Result<Fitted> {
    let what = || tensor_err("fitting the claim head");
    let (mean, scale) = standardization(x, width);
    let xs = standardize(x, width, &mean, &scale)?;
    let classes = ClaimLabel::ALL.len();
    let mut count = vec![0usize; classes];
    for &c in y {
        count[c] += 1;
    }
    let class_weight: Vec<f32> = count
        .iter()
        .map(|&c| {
            if config.balanced && c > 0 {
                y.len() as f32 / (classes * c) as f32
            } else {
                1.0
            }
        })
        .collect();
    let weights: Vec<f32> = y.iter().map(|&c| class_weight[c]).collect();
    let total: f32 = weights.iter().sum();
    let weights = Tensor::from_vec(weights, y.len(), &Device::Cpu).map_err(what())?;
    let targets: Vec<u32> = y.iter().map(|&c| c as u32).collect();
    let targets = Tensor::from_vec(targets, (y.len(), 1), &Device::Cpu).map_err(what())?;

    // A linear head starts at zero; a hidden layer from He-scaled normal weights.
    let sizes: Vec<usize> = if hidden == 0 {
        vec![width, classes]
    } else {
        vec![width, hidden, classes]
    };
    let mut rng = SplitMix64::new(seed);
    let mut vars = Vec::new();
    for io in sizes.windows(2) {
        let (n_in, n_out) = (io[0], io[1]);
        let w: Vec<f32> = if hidden == 0 {
            vec![0.0; n_in * n_out]
        } else {
            let sd = (2.0 / n_in as f64).sqrt();
            (0..n_in * n_out)
                .map(|_| (rng.normal() * sd) as f32)
                .collect()
        };
        let w =
            Var::from_tensor(&Tensor::from_vec(w, (n_out, n_in), &Device::Cpu).map_err(what())?)
                .map_err(what())?;
        let b = Var::zeros(n_out, DType::F32, &Device::Cpu).map_err(what())?;
        vars.push((w, b));
    }
    let mut opt = AdamW::new();
    for (w, b) in &vars {
        opt.push(w.clone(), config.lr, 0.0);
        opt.push(b.clone(), config.lr, 0.0);
    }
    let steps = config.steps.max(1);
    for step in 0..steps {
        let layers: Vec<(Tensor, Tensor)> = vars
            .iter()
            .map(|(w, b)| (w.as_tensor().clone(), b.as_tensor().clone()))
            .collect();
        let loss = (|| {
            let logits = forward(&xs, &layers)?;
            let logp = candle_nn::ops::log_softmax(&logits, 1)?;
            let picked = logp.gather(&targets, 1)?.squeeze(1)?;
            let ce = ((picked * &weights)?.sum_all()? * (-1.0 / total as f64))?;
            let mut penalty = Tensor::zeros((), DType::F32, &Device::Cpu)?;
            for (w, _) in &layers {
                penalty = (penalty + w.sqr()?.sum_all()?)?;
            }
            ce + (penalty * l2)?
        })()
        .map_err(what())?;
        let grads = loss.backward().map_err(what())?;
        opt.step(&grads, 1.0 - step as f64 / steps as f64)?;
    }
    Ok(Fitted {
        mean,
        scale,
        layers: vars
            .into_iter()
            .map(|(w, b)| (w.as_tensor().clone(), b.as_tensor().clone()))
            .collect(),
    })
}

impl Fitted {
    /// Logits of rows `x`, temperature 1.
    fn logits(&self, x: &[f32], width: usize) -> Result<Vec<Vec<f32>>> {
        let xs = standardize(x, width, &self.mean, &self.scale)?;
        forward(&xs, &self.layers)
            .and_then(|l| l.to_vec2::<f32>())
            .map_err(tensor_err("running the claim head"))
    }
}

fn softmax(logits: &[f32], temperature: f32) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::MIN, f32::max);
    let e: Vec<f64> = logits
        .iter()
        .map(|&l| (((l - max) / temperature) as f64).exp())
        .collect();
    let z: f64 = e.iter().sum();
    e.iter().map(|&v| (v / z) as f32).collect()
}

/// Macro-F1, accuracy and confusion of predicted labels; with probabilities, NLL and ECE too.
fn metrics(pred: &[usize], gold: &[usize], probs: Option<&[Vec<f32>]>) -> Metrics {
    let mut c = Confusion::new(&CLAIM_LABELS, &[], 3);
    for (&p, &g) in pred.iter().zip(gold) {
        c.add(g, p);
    }
    let (nll, ece) = match probs {
        Some(probs) => {
            let n = probs.len().max(1) as f64;
            let nll = probs
                .iter()
                .zip(gold)
                .map(|(p, &g)| -(p[g].max(1e-12) as f64).ln())
                .sum::<f64>()
                / n;
            // Expected calibration error over 10 bins of the top probability.
            let mut bins = [(0usize, 0f64, 0usize); 10];
            for (p, &g) in probs.iter().zip(gold) {
                let (k, top) = argmax(p);
                let b = ((top * 10.0) as usize).min(9);
                bins[b].0 += 1;
                bins[b].1 += top as f64;
                bins[b].2 += usize::from(k == g);
            }
            let ece = bins
                .iter()
                .filter(|b| b.0 > 0)
                .map(|&(_, conf, ok)| (conf - ok as f64).abs() / n)
                .sum::<f64>();
            (Some(nll), Some(ece))
        }
        None => (None, None),
    };
    Metrics {
        sentences: gold.len(),
        macro_f1: c.macro_f1(),
        accuracy: c.accuracy().value(),
        f1: [0, 1, 2].map(|k| c.counts(k).f1()),
        confusion: c.matrix.clone(),
        nll,
        ece,
    }
}

/// Predictions and probabilities of logits at a temperature.
fn decide(logits: &[Vec<f32>], temperature: f32) -> (Vec<usize>, Vec<Vec<f32>>) {
    let probs: Vec<Vec<f32>> = logits.iter().map(|l| softmax(l, temperature)).collect();
    let pred = probs.iter().map(|p| argmax(p).0).collect();
    (pred, probs)
}

/// The temperature with the least negative log-likelihood, searched on a log grid from 0.1
/// to 10.
fn fit_temperature(logits: &[Vec<f32>], gold: &[usize]) -> f32 {
    let nll = |t: f32| -> f64 {
        logits
            .iter()
            .zip(gold)
            .map(|(l, &g)| -(softmax(l, t)[g].max(1e-12) as f64).ln())
            .sum()
    };
    let mut best = (1.0f32, nll(1.0));
    for i in 0..=400 {
        let t = 10f32.powf(-1.0 + 2.0 * i as f32 / 400.0);
        let v = nll(t);
        if v < best.1 {
            best = (t, v);
        }
    }
    best.0
}

/// The standard error of the mean of `xs`.
fn standard_error(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    if xs.len() < 2 {
        return 0.0;
    }
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    (var / n).sqrt()
}

/// The one-standard-error rule: among the settings whose cross-validated macro-F1 is within
/// one standard error of the best one's, the simplest: a linear head before a hidden layer,
/// then the strongest L2, then the fewest input columns, then the earliest.
fn one_standard_error(candidates: &[Candidate], embedding: usize) -> usize {
    let mut best = 0;
    for (i, c) in candidates.iter().enumerate() {
        if c.cv.macro_f1 > candidates[best].cv.macro_f1 {
            best = i;
        }
    }
    let bar = candidates[best].cv.macro_f1 - candidates[best].se;
    let width = |c: &Candidate| -> usize { c.features.iter().map(|g| g.width(embedding)).sum() };
    let mut chosen = best;
    for (i, c) in candidates.iter().enumerate() {
        if c.cv.macro_f1 < bar {
            continue;
        }
        let k = &candidates[chosen];
        let simpler = (c.hidden, std::cmp::Reverse(ordered(c.l2)), width(c))
            < (k.hidden, std::cmp::Reverse(ordered(k.l2)), width(k));
        if simpler {
            chosen = i;
        }
    }
    chosen
}

/// An L2 value as a sortable integer (they are positive and finite).
fn ordered(x: f64) -> u64 {
    x.max(0.0).to_bits()
}

/// Article folds: articles shuffled by `seed`, dealt round-robin.
fn folds(articles: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..articles).collect();
    SplitMix64::new(seed).shuffle(&mut order);
    let mut fold = vec![0; articles];
    for (i, &a) in order.iter().enumerate() {
        fold[a] = i % k.max(1);
    }
    fold
}

/// Fits the grid with cross-validation, then the chosen setting on every sentence; writes
/// the head to `config.out`.
pub fn train(config: &Config) -> Result<Report> {
    let started = Instant::now();
    let log = |msg: String| {
        if config.verbose {
            eprintln!("[{:7.1}s] {msg}", started.elapsed().as_secs_f64());
        }
    };
    if config.folds < 2 {
        return Err(Error::Invalid(
            "cross-validation needs at least 2 folds".into(),
        ));
    }
    let sentiment = SentimentModel::embedded(&encoder::Config::default())?;
    let cues = Cues::new(&crate::claims::Config::default())?;
    let ex = examples(&config.gold, &sentiment, &cues)?;
    let feature_seconds = started.elapsed().as_secs_f64();
    let embedding = sentiment.encoder().hidden_size();
    let n = ex.labels.len();
    let mut label_counts = [0usize; 4];
    for &l in &ex.labels {
        label_counts[l] += 1;
    }
    log(format!(
        "{n} sentences from {} articles ({label_counts:?}); features in {feature_seconds:.1}s",
        ex.articles
    ));
    if n == 0 {
        return Err(Error::Invalid(format!(
            "{}: no claim-labeled sentences",
            config.gold.display()
        )));
    }

    let fold_of_article = folds(ex.articles, config.folds, config.seed);
    let fold: Vec<usize> = ex.article.iter().map(|&a| fold_of_article[a]).collect();
    let mut candidates = Vec::new();
    let mut oof_logits: Vec<Vec<Vec<f32>>> = Vec::new();
    for groups in &config.feature_sets {
        let m = Matrix::of(groups, &ex)?;
        for &hidden in &config.hidden {
            for &l2 in &config.l2 {
                let mut logits = vec![Vec::new(); n];
                for f in 0..config.folds {
                    let train_idx: Vec<usize> = (0..n).filter(|&i| fold[i] != f).collect();
                    let test_idx: Vec<usize> = (0..n).filter(|&i| fold[i] == f).collect();
                    if train_idx.is_empty() || test_idx.is_empty() {
                        continue;
                    }
                    let y: Vec<usize> = train_idx.iter().map(|&i| ex.labels[i]).collect();
                    let seed = config.seed ^ (f as u64 + 1).wrapping_mul(0x9e37_79b9);
                    let fitted = fit(&m.rows(&train_idx), m.width, &y, hidden, l2, config, seed)?;
                    for (&i, l) in test_idx
                        .iter()
                        .zip(fitted.logits(&m.rows(&test_idx), m.width)?)
                    {
                        logits[i] = l;
                    }
                }
                let (pred, probs) = decide(&logits, 1.0);
                let cv = metrics(&pred, &ex.labels, Some(&probs));
                let fold_f1: Vec<f64> = (0..config.folds)
                    .map(|f| {
                        let idx: Vec<usize> = (0..n).filter(|&i| fold[i] == f).collect();
                        let p: Vec<usize> = idx.iter().map(|&i| pred[i]).collect();
                        let g: Vec<usize> = idx.iter().map(|&i| ex.labels[i]).collect();
                        metrics(&p, &g, None).macro_f1
                    })
                    .collect();
                let se = standard_error(&fold_f1);
                log(format!(
                    "{:<60} hidden {hidden:>3} l2 {l2:<5} cv macro-F1 {:.4} (se {se:.4}) acc {:.4} nll {:.4}",
                    names(groups),
                    cv.macro_f1,
                    cv.accuracy,
                    cv.nll.unwrap_or(f64::NAN)
                ));
                candidates.push(Candidate {
                    features: groups.clone(),
                    hidden,
                    l2,
                    cv,
                    fold_f1,
                    se,
                });
                oof_logits.push(logits);
            }
        }
    }
    let chosen = one_standard_error(&candidates, embedding);
    let best = &candidates[chosen];
    let temperature = fit_temperature(&oof_logits[chosen], &ex.labels);
    let (pred, probs) = decide(&oof_logits[chosen], temperature);
    let cv_calibrated = metrics(&pred, &ex.labels, Some(&probs));
    log(format!(
        "chosen: {} hidden {} l2 {}; temperature {temperature:.3}: nll {:.4} -> {:.4}, ece {:.4} -> {:.4}",
        names(&best.features),
        best.hidden,
        best.l2,
        best.cv.nll.unwrap_or(f64::NAN),
        cv_calibrated.nll.unwrap_or(f64::NAN),
        best.cv.ece.unwrap_or(f64::NAN),
        cv_calibrated.ece.unwrap_or(f64::NAN)
    ));
    let cue_pred: Vec<usize> = ex
        .evidence
        .iter()
        .map(|e| label_index(model::cue_label(&e.cues)))
        .collect();
    let cue_baseline = metrics(&cue_pred, &ex.labels, None);

    // The chosen setting on every sentence.
    let m = Matrix::of(&best.features, &ex)?;
    let all: Vec<usize> = (0..n).collect();
    let fitted = fit(
        &m.rows(&all),
        m.width,
        &ex.labels,
        best.hidden,
        best.l2,
        config,
        config.seed,
    )?;
    let head_config = HeadConfig {
        labels: ClaimLabel::ALL.to_vec(),
        features: best.features.clone(),
        embedding_size: sentiment.encoder().hidden_size(),
        hidden: best.hidden,
        temperature,
        encoder: fingerprint(SENTIMENT_WEIGHTS),
    };
    let head = to_model(&fitted, head_config)?;

    let measured = match &config.measure {
        Some(path) => {
            let mx = examples(path, &sentiment, &cues)?;
            let x = features(
                &head.config().features,
                &mx.pooled,
                &mx.evidence,
                &mx.headings,
            )?;
            let probs = head.probs(&x)?;
            let pred: Vec<usize> = probs.iter().map(|p| argmax(p).0).collect();
            let cue_pred: Vec<usize> = mx
                .evidence
                .iter()
                .map(|e| label_index(model::cue_label(&e.cues)))
                .collect();
            Some(Measured {
                path: path.clone(),
                head: metrics(&pred, &mx.labels, Some(&probs)),
                cues: metrics(&cue_pred, &mx.labels, None),
            })
        }
        None => None,
    };
    let mut report = Report {
        config: config.clone(),
        articles: ex.articles,
        sentences: n,
        label_counts,
        encoder: head.config().encoder.clone(),
        candidates,
        chosen,
        temperature,
        cv_calibrated,
        cue_baseline,
        measured,
        feature_seconds,
        wall_seconds: 0.0,
        threads: candle_core::utils::get_num_threads(),
    };
    report.wall_seconds = started.elapsed().as_secs_f64();
    write_model(&config.out, &head, &report)?;
    log(format!("wrote {}", config.out.display()));
    Ok(report)
}

/// The fitted head as a [`ClaimModel`] (weights still f32).
fn to_model(fitted: &Fitted, config: HeadConfig) -> Result<ClaimModel> {
    let what = || tensor_err("building the claim head");
    let width = fitted.mean.len();
    let mut tensors = HashMap::new();
    tensors.insert(
        "norm.mean".to_string(),
        Tensor::from_vec(fitted.mean.clone(), width, &Device::Cpu).map_err(what())?,
    );
    tensors.insert(
        "norm.scale".to_string(),
        Tensor::from_vec(fitted.scale.clone(), width, &Device::Cpu).map_err(what())?,
    );
    for (i, (w, b)) in fitted.layers.iter().enumerate() {
        tensors.insert(format!("layers.{i}.weight"), w.clone());
        tensors.insert(format!("layers.{i}.bias"), b.clone());
    }
    ClaimModel::from_tensors(config, tensors)
}

/// Writes the head (f16), its configuration, the report and the model card.
fn write_model(out: &Path, head: &ClaimModel, report: &Report) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|source| Error::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let half = head
        .tensors()
        .into_iter()
        .map(|(k, v)| {
            Ok((
                k,
                v.to_dtype(DType::F16)
                    .map_err(tensor_err("converting weights"))?,
            ))
        })
        .collect::<Result<HashMap<_, _>>>()?;
    candle_core::safetensors::save(&half, out.join("head.safetensors"))
        .map_err(tensor_err("writing head.safetensors"))?;
    let write = |name: &str, bytes: &[u8]| {
        let path = out.join(name);
        std::fs::write(&path, bytes).map_err(|source| Error::Io { path, source })
    };
    write(
        "config.json",
        format!("{}\n", serde_json::to_string_pretty(head.config())?).as_bytes(),
    )?;
    write(
        "report.json",
        format!("{}\n", serde_json::to_string_pretty(report)?).as_bytes(),
    )?;
    write("MODEL_CARD.md", model_card(report).as_bytes())?;
    Ok(())
}

fn names(groups: &[FeatureGroup]) -> String {
    groups
        .iter()
        .map(|g| g.as_str())
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The command that reproduces a run.
pub fn command(config: &Config) -> String {
    let mut cmd = format!(
        "finnews train claims --gold {} --out {} --seed {} --folds {} --steps {}",
        config.gold.display(),
        config.out.display(),
        config.seed,
        config.folds,
        config.steps
    );
    if let Some(m) = &config.measure {
        cmd.push_str(&format!(" --measure {}", m.display()));
    }
    cmd
}

fn metrics_row(name: &str, m: &Metrics) -> String {
    let opt = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.3}"));
    format!(
        "| {name} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {} | {} |\n",
        m.sentences,
        m.macro_f1,
        m.f1[0],
        m.f1[1],
        m.f1[2],
        m.accuracy,
        opt(m.nll),
        opt(m.ece)
    )
}

fn confusion_table(m: &Metrics) -> String {
    let mut s = String::from("| gold \\ predicted | catalyst | risk | watch_item | none |\n");
    s.push_str("|---|---:|---:|---:|---:|\n");
    for (label, row) in CLAIM_LABELS.iter().zip(&m.confusion) {
        let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
        s.push_str(&format!("| {label} | {} |\n", cells.join(" | ")));
    }
    s
}

/// `MODEL_CARD.md` for a run.
pub fn model_card(r: &Report) -> String {
    let best = &r.candidates[r.chosen];
    let kind = if best.hidden == 0 {
        "multinomial logistic regression (one linear layer, softmax)".to_string()
    } else {
        format!(
            "a multilayer perceptron (one hidden ReLU layer of {} units, softmax)",
            best.hidden
        )
    };
    let width: usize = best.features.iter().map(|g| g.width(384)).sum();
    let mut s = String::new();
    s.push_str("# finnews claim head\n\n");
    s.push_str(
        "Labels each sentence of a news article with the role it plays for an investor: \
         `catalyst`, `risk`, `watch_item` or `none` (see the annotation guide in `labels.md`). \
         It is the claim stage of the default pipeline; `--fast` uses the cue rules of \
         `src/claims/mod.rs` instead. Embedded in the binary.\n\n",
    );
    s.push_str("## Model\n\n");
    s.push_str(&format!(
        "- A head over the frozen sentence encoder of the sentiment model (`models/sentiment/`): \
         {kind}. The encoder's mean-pooled embedding is the one the sentiment head reads, so one \
         forward pass serves both heads.\n"
    ));
    s.push_str(&format!(
        "- Input ({width} columns, standardized with the training means and deviations): {}.\n",
        best.features
            .iter()
            .map(|g| match g {
                FeatureGroup::Embedding => "the 384-d pooled embedding",
                FeatureGroup::CueScores => "the cue stage's catalyst, risk, watch-item and none scores",
                FeatureGroup::CueLabel => "the cue stage's own decision (one-hot)",
                FeatureGroup::Hedge => "the cue stage's hedge flag",
                FeatureGroup::Sentiment => "the sentence's sentiment probabilities (positive, negative, neutral) from the sentiment head",
                FeatureGroup::Position => {
                    "its position (first of the article, first of its section, relative place)"
                }
                FeatureGroup::Heading => {
                    "its section heading's pooled embedding (zeros and a flag where there is none)"
                }
                FeatureGroup::Neighbors => {
                    "the cue scores of the previous and the next sentence (read without sentiment)"
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    ));
    s.push_str(&format!(
        "- Output: the most probable label; `score` is its probability after temperature scaling \
         (T = {:.3}, fitted on the out-of-fold predictions). `hedged` is not learned: it is the \
         cue stage's hedge evidence (uncertainty and weak-modal words, reporting verbs, \
         conditionals), as in `--fast`.\n",
        r.temperature
    ));
    s.push_str(&format!(
        "- Files: `head.safetensors` (f16: `norm.mean`, `norm.scale`, `layers.*`), `config.json` \
         (label order, feature layout, hidden units, temperature, and the fingerprint of the \
         encoder weights it was fitted on: `{}`), `report.json` (the full training report).\n",
        r.encoder
    ));
    s.push_str(
        "- The head is tied to its encoder: after the sentiment model changes, rebuild and run \
         the command below again (a test checks the fingerprint).\n\n",
    );
    s.push_str("## Training data\n\n");
    s.push_str(&format!(
        "- Our labeled corpus (`corpus/`, written and labeled by the finnews team), train split \
         only: {} articles, {} sentences (catalyst {}, risk {}, watch_item {}, none {}). The dev \
         split is never fitted or tuned on.\n",
        r.articles,
        r.sentences,
        r.label_counts[0],
        r.label_counts[1],
        r.label_counts[2],
        r.label_counts[3]
    ));
    s.push_str(
        "- No public data set: the head adds nothing to the sentiment model's own terms (the \
         encoder is fine-tuned on the Financial PhraseBank, CC BY-NC-SA 3.0; see \
         `models/sentiment/MODEL_CARD.md`), and inherits them.\n",
    );
    s.push_str(
        "- Sentences are segmented and their entities found by the pipeline's own stages; each \
         gold sentence takes the predicted sentence that overlaps it most, as `finnews eval` \
         matches them, so the features are those the pipeline computes at run time.\n\n",
    );
    s.push_str("## Training\n\n");
    let c = &r.config;
    s.push_str(&format!(
        "Full-batch AdamW ({} steps, learning rate {} decaying linearly to zero), \
         cross-entropy with class weights n / (4 n_class){}, plus an L2 penalty on the weights. \
         Settings chosen by {}-fold cross-validation on the train split, folds grouped by article \
         (seed {}), on the out-of-fold macro-F1 over catalyst, risk and watch_item, with the \
         one-standard-error rule: the simplest setting (linear before a hidden layer, then the \
         strongest L2, then the fewest inputs) whose macro-F1 is within one standard error (over \
         folds) of the best one's. Then fitted on the whole train split. Grid: feature sets {}; \
         hidden units {:?}; L2 {:?}.\n\n",
        c.steps,
        c.lr,
        if c.balanced { "" } else { " (off)" },
        c.folds,
        c.seed,
        c.feature_sets
            .iter()
            .map(|f| format!("[{}]", names(f)))
            .collect::<Vec<_>>()
            .join(", "),
        c.hidden,
        c.l2
    ));
    s.push_str(&format!(
        "Chosen: [{}], hidden {}, L2 {}.\n\n",
        names(&best.features),
        best.hidden,
        best.l2
    ));
    s.push_str("The exact command (from the repository root, after building):\n\n```sh\n");
    s.push_str(&command(c));
    s.push_str("\n```\n\n");
    s.push_str(&format!(
        "Wall time: {:.1} minutes ({:.0} s of it computing features), {} threads.\n\n",
        r.wall_seconds / 60.0,
        r.feature_seconds,
        r.threads
    ));
    s.push_str("## Results\n\n");
    s.push_str(
        "Macro-F1 is over catalyst, risk and watch_item, with `none` the negative class, as \
         `finnews eval` computes it. NLL: mean negative log-likelihood; ECE: expected \
         calibration error of the top label's probability (10 bins).\n\n",
    );
    s.push_str("| predictions | sentences | macro-F1 | F1 catalyst | F1 risk | F1 watch_item | accuracy | NLL | ECE |\n");
    s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    s.push_str(&metrics_row("train, out-of-fold, T = 1", &best.cv));
    s.push_str(&metrics_row(
        &format!("train, out-of-fold, T = {:.3}", r.temperature),
        &r.cv_calibrated,
    ));
    s.push_str(&metrics_row(
        "train, cue rules alone (model sentiment)",
        &r.cue_baseline,
    ));
    if let Some(m) = &r.measured {
        let name = m.path.display();
        s.push_str(&metrics_row(&format!("{name}, head"), &m.head));
        s.push_str(&metrics_row(
            &format!("{name}, cue rules alone (model sentiment)"),
            &m.cues,
        ));
    }
    s.push_str(
        "\nThe cue rules were written while reading the train split, so their train figure is \
         an in-sample one; the out-of-fold figures of the head are not, but the settings were \
         chosen on them among the grid below.\n\n",
    );
    s.push_str("Out-of-fold confusion (train, chosen setting):\n\n");
    s.push_str(&confusion_table(&r.cv_calibrated));
    if let Some(m) = &r.measured {
        s.push_str(&format!(
            "\nConfusion on {} (measured once the head was fixed):\n\n",
            m.path.display()
        ));
        s.push_str(&confusion_table(&m.head));
    }
    s.push_str("\nThe grid (out-of-fold, T = 1):\n\n");
    s.push_str(
        "| features | hidden | L2 | macro-F1 | standard error | accuracy | NLL |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (i, cand) in r.candidates.iter().enumerate() {
        let mark = if i == r.chosen { " (chosen)" } else { "" };
        s.push_str(&format!(
            "| {}{mark} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |\n",
            names(&cand.features),
            cand.hidden,
            cand.l2,
            cand.cv.macro_f1,
            cand.se,
            cand.cv.accuracy,
            cand.cv.nll.unwrap_or(f64::NAN)
        ));
    }
    s.push_str("\n## Limitations\n\n");
    s.push_str(&format!(
        "- Fitted on {} sentences of {} articles written by one team: wording unlike ours \
         (filings, transcripts, social media) is read less reliably, and the scores are \
         calibrated on this corpus only.\n",
        r.sentences, r.articles
    ));
    s.push_str(
        "- One label per sentence, judged for the article's main company; rival detection comes \
         from the cue stage's features.\n\
         - Sentences are cut at the encoder's window (256 word pieces).\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_keep_articles_whole_and_balanced() {
        let f = folds(42, 5, 7);
        assert_eq!(f.len(), 42);
        for k in 0..5 {
            let n = f.iter().filter(|&&x| x == k).count();
            assert!((8..=9).contains(&n), "fold {k}: {n}");
        }
        assert_eq!(f, folds(42, 5, 7));
    }

    #[test]
    fn temperature_fits_overconfident_logits() {
        // Confident logits that are right only 60% of the time call for T > 1.
        let logits: Vec<Vec<f32>> = (0..100).map(|_| vec![6.0, 0.0, 0.0, 0.0]).collect();
        let gold: Vec<usize> = (0..100).map(|i| if i < 60 { 0 } else { 1 }).collect();
        let t = fit_temperature(&logits, &gold);
        assert!(t > 2.0, "{t}");
        let (_, probs) = decide(&logits, t);
        assert!((probs[0][0] - 0.6).abs() < 0.03, "{}", probs[0][0]);
    }

    #[test]
    fn one_standard_error_prefers_the_simpler_setting() {
        let cand = |hidden, l2, f1: f64, se| {
            let mut cv = metrics(&[0], &[0], None);
            cv.macro_f1 = f1;
            Candidate {
                features: vec![FeatureGroup::Embedding],
                hidden,
                l2,
                cv,
                fold_f1: vec![],
                se,
            }
        };
        let c = [
            cand(0, 0.01, 0.80, 0.02),
            cand(64, 0.01, 0.83, 0.02),
            cand(0, 0.1, 0.815, 0.02),
            cand(0, 0.3, 0.79, 0.02),
        ];
        // Within 0.83 - 0.02: the linear heads at L2 0.1 (the stronger penalty wins).
        assert_eq!(one_standard_error(&c, 4), 2);
        let tight = [cand(0, 0.1, 0.80, 0.001), cand(64, 0.01, 0.83, 0.001)];
        assert_eq!(one_standard_error(&tight, 4), 1);
        assert!((standard_error(&[1.0, 3.0]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn metrics_follow_eval() {
        let gold = [0, 1, 2, 3, 3];
        let pred = [0, 1, 3, 3, 0];
        let m = metrics(&pred, &gold, None);
        // catalyst: tp 1, fp 1 -> F1 2/3; risk 1; watch_item 0.
        assert!((m.macro_f1 - (2.0 / 3.0 + 1.0) / 3.0).abs() < 1e-9);
        assert!((m.accuracy - 0.6).abs() < 1e-9);
        assert_eq!(m.confusion[3], vec![1, 0, 0, 1]);
    }

    #[test]
    fn a_linear_fit_separates_easy_classes() -> Result<()> {
        // One column per class, set for its rows.
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..40 {
            let c = i % 4;
            let mut row = vec![0f32; 4];
            row[c] = 1.0;
            x.extend(row);
            y.push(c);
        }
        let config = Config {
            steps: 100,
            ..Config::default()
        };
        let fitted = fit(&x, 4, &y, 0, 1e-3, &config, 1)?;
        let pred: Vec<usize> = fitted.logits(&x, 4)?.iter().map(|l| argmax(l).0).collect();
        assert_eq!(pred, y);
        Ok(())
    }
}
