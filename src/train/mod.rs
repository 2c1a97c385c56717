//! Fine-tuning: a pretrained BERT-family encoder + labeled sentences -> the sentiment model in
//! `models/sentiment/` (and a [`Report`] of how it went).
//!
//! ```text
//! .cache/base-model/ (all-MiniLM-L6-v2)  +  data/fpb/train.tsv (3,912 sentences)
//!   -> 85% train / 15% held out (stratified by label and agreement, fixed seed)
//!   -> N epochs of AdamW over the whole encoder and a new linear head, cross-entropy loss
//!   -> the epoch with the best held-out accuracy
//!   -> models/sentiment/{model.safetensors (f16), config.json, tokenizer.json, MODEL_CARD.md}
//! ```
//!
//! Everything random (the split, the shuffling, dropout, the head's initial weights) comes
//! from seeded generators, so the same command on the same machine gives the same model.
//! The command: `finnews train sentiment --data-dir ../shared/data --out models/sentiment`
//! (after `scripts/fetch_base_model.sh`).

pub mod adamw;
pub mod card;
pub mod claims;
pub mod data;
pub mod ner;

use crate::encoder::bert::mean_pool;
use crate::encoder::{
    Batch, Bert, BertConfig, Checkpoint, Head, Mode, SplitMix64, prepare_tokenizer,
};
use crate::encoder::{stage::HEAD, tensor_err, tokenizer_err};
use crate::error::{Error, Result};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use data::{Example, LABELS, label_index};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Settings of a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The folder of public data sets (`fpb/`, `semeval2017t5/`, `fiqa/`).
    pub data_dir: PathBuf,
    /// The pretrained model: `model.safetensors`, `config.json`, `tokenizer.json`.
    pub base_model: PathBuf,
    /// Where the fine-tuned model is written.
    pub out: PathBuf,
    /// Seeds the shuffling, dropout and the head's initial weights.
    pub seed: u64,
    /// Seeds the held-out split; kept apart from `seed` so runs compare on the same sentences.
    pub split_seed: u64,
    /// Share of Financial PhraseBank held out for validation.
    pub validation_fraction: f64,
    pub epochs: usize,
    pub batch_size: usize,
    /// Word pieces per training sentence, `[CLS]` and `[SEP]` included.
    pub max_tokens: usize,
    /// Peak learning rate of the encoder.
    pub lr_encoder: f64,
    /// Peak learning rate of the head.
    pub lr_head: f64,
    /// Share of the steps over which the learning rate warms up linearly (then decays
    /// linearly to zero).
    pub warmup: f64,
    /// AdamW weight decay (not applied to biases and layer norms).
    pub weight_decay: f64,
    /// Dropout on the pooled embedding before the head.
    pub head_dropout: f64,
    /// Also update the word-piece embedding table (half the model's weights; leaving it as
    /// pretrained halves the update time and barely moves accuracy).
    pub train_word_embeddings: bool,
    /// Also train on SemEval-2017 task 5 headlines.
    pub semeval: bool,
    /// Also train on FiQA 2018 headlines.
    pub fiqa: bool,
    /// Also train on the sentences of these gold-format files.
    pub gold: Vec<PathBuf>,
    /// Stop each epoch after this many steps (for quick trials); `None` runs whole epochs.
    pub max_steps: Option<usize>,
    /// Print progress to standard error.
    pub verbose: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("../shared/data"),
            base_model: PathBuf::from(".cache/base-model"),
            out: PathBuf::from("models/sentiment"),
            seed: 42,
            split_seed: 2014,
            validation_fraction: 0.15,
            epochs: 3,
            batch_size: 16,
            max_tokens: 128,
            lr_encoder: 5e-5,
            lr_head: 1e-3,
            warmup: 0.1,
            weight_decay: 0.01,
            head_dropout: 0.1,
            train_word_embeddings: false,
            semeval: false,
            fiqa: false,
            gold: Vec::new(),
            max_steps: None,
            verbose: true,
        }
    }
}

/// How one epoch went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    pub epoch: usize,
    pub train_loss: f64,
    pub validation: Accuracy,
    pub seconds: f64,
}

/// Accuracy on the held-out Financial PhraseBank sentences, overall and where all
/// annotators agreed.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Accuracy {
    pub all: f64,
    pub all_n: usize,
    pub agree100: f64,
    pub agree100_n: usize,
    /// Macro-averaged F1 over the three labels, all held-out sentences.
    pub macro_f1: f64,
}

/// The outcome of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub config: Config,
    pub train_sentences: usize,
    pub validation_sentences: usize,
    /// Training sentences per source (`fpb`: the Financial PhraseBank part not held out).
    #[serde(default)]
    pub sources: Vec<(String, usize)>,
    pub epochs: Vec<EpochReport>,
    /// The epoch (1-based) whose weights were written.
    pub best_epoch: usize,
    pub best: Accuracy,
    pub wall_seconds: f64,
    pub threads: usize,
    /// Free text for the model card (why this run was chosen, comparisons with others).
    #[serde(default)]
    pub notes: String,
}

/// The data of a run: training sentences (tokenized) and the held-out ones.
struct Data {
    train: Vec<(Vec<u32>, u32)>,
    valid: Vec<(Vec<u32>, Example)>,
    /// Training sentences per source, in the order added.
    sources: Vec<(String, usize)>,
}

fn load_data(config: &Config, tokenize: &dyn Fn(&str) -> Result<Vec<u32>>) -> Result<Data> {
    let fpb = data::load_phrasebank(&config.data_dir.join("fpb/train.tsv"))?;
    let (fpb_train, valid) =
        data::stratified_split(fpb, config.validation_fraction, config.split_seed);
    let mut parts = vec![("fpb".to_string(), fpb_train)];
    if config.semeval {
        let path = config
            .data_dir
            .join("semeval2017t5/SemEval2017Task5Headlines.json");
        parts.push(("semeval2017t5".into(), data::load_semeval(&path)?));
    }
    if config.fiqa {
        let path = config.data_dir.join("fiqa/task1_headline_ABSA_train.json");
        parts.push(("fiqa".into(), data::load_fiqa(&path)?));
    }
    for path in &config.gold {
        parts.push((path.display().to_string(), data::load_gold(path)?));
    }
    // A held-out sentence that also appears in the training data would flatter the score.
    let held: std::collections::HashSet<&str> = valid.iter().map(|e| e.text.as_str()).collect();
    let mut train = Vec::new();
    let mut sources = Vec::new();
    for (name, mut part) in parts {
        part.retain(|e| !held.contains(e.text.as_str()));
        sources.push((name, part.len()));
        train.extend(part);
    }
    Ok(Data {
        train: train
            .iter()
            .map(|e| Ok((tokenize(&e.text)?, label_index(e.label))))
            .collect::<Result<_>>()?,
        valid: valid
            .into_iter()
            .map(|e| Ok((tokenize(&e.text)?, e)))
            .collect::<Result<_>>()?,
        sources,
    })
}

/// The batches of one epoch: shuffled, then sorted by length within windows of 16 batches
/// (so that padding stays short), then the batches shuffled again.
fn epoch_batches(data: &[(Vec<u32>, u32)], batch: usize, rng: &mut SplitMix64) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..data.len()).collect();
    rng.shuffle(&mut order);
    let mut batches = Vec::new();
    for window in order.chunks_mut(batch * 16) {
        window.sort_by_key(|&i| data[i].0.len());
        batches.extend(window.chunks(batch).map(|c| c.to_vec()));
    }
    rng.shuffle(&mut batches);
    batches
}

/// The learning rate factor at `step` of `total`: linear warm-up, then linear decay to zero.
fn schedule(step: usize, total: usize, warmup: f64) -> f64 {
    let warm = ((total as f64) * warmup).ceil().max(1.0);
    let s = step as f64 + 1.0;
    if s <= warm {
        s / warm
    } else {
        ((total as f64 - s) / (total as f64 - warm).max(1.0)).max(0.0)
    }
}

/// The word-piece embedding table's name.
const WORD_EMBEDDINGS: &str = "embeddings.word_embeddings.weight";

/// Whether a parameter is exempt from weight decay (biases and layer norms).
fn no_decay(name: &str) -> bool {
    name.ends_with(".bias") || name.contains("LayerNorm")
}

/// The model under training: encoder and head over one set of trainable variables.
struct Trainee {
    varmap: VarMap,
    bert: Bert,
    head: Head,
}

impl Trainee {
    /// Builds the variables, fills the encoder's from the base model and draws the head's.
    fn new(base: &Checkpoint, seed: u64) -> Result<Self> {
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
        let bert =
            Bert::load(vb.clone(), &base.config).map_err(tensor_err("building the encoder"))?;
        let labels = LABELS.iter().map(|l| l.as_str().to_string()).collect();
        let head = Head::load(vb, HEAD, base.config.hidden_size, labels)?;
        let mut rng = SplitMix64::new(seed ^ 0x4845_4144);
        let vars = varmap
            .data()
            .lock()
            .map_err(|_| Error::Invalid("variable map poisoned".into()))?;
        let mut names: Vec<&String> = vars.keys().collect();
        names.sort();
        for name in names {
            let var = &vars[name];
            let value = if let Some(t) = base.tensors.get(name) {
                t.clone()
            } else if name.starts_with(HEAD) {
                // BERT's initialisation: normal, standard deviation 0.02; zero bias.
                let n = var.elem_count();
                let init: Vec<f32> = if name.ends_with(".bias") {
                    vec![0.0; n]
                } else {
                    (0..n).map(|_| (rng.normal() * 0.02) as f32).collect()
                };
                Tensor::from_vec(init, var.shape(), &Device::Cpu)
                    .map_err(tensor_err("initialising the head"))?
            } else {
                return Err(Error::Model {
                    what: "base model".into(),
                    message: format!("no weight {name}"),
                });
            };
            var.set(&value)
                .map_err(tensor_err("loading base weights"))?;
        }
        drop(vars);
        Ok(Trainee { varmap, bert, head })
    }

    /// The variables by name, sorted, so optimizer groups are built in a fixed order.
    fn named_vars(&self) -> Vec<(String, Var)> {
        let vars = self.varmap.data().lock().expect("variable map poisoned");
        let mut v: Vec<(String, Var)> = vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// A deep copy of every weight.
    fn snapshot(&self) -> Result<HashMap<String, Tensor>> {
        self.named_vars()
            .into_iter()
            .map(|(k, v)| {
                Ok((
                    k,
                    v.as_tensor()
                        .copy()
                        .map_err(tensor_err("copying weights"))?,
                ))
            })
            .collect()
    }

    /// Predicted class of each row, in eval mode, in batches sorted by length.
    fn predict(&self, rows: &[&[u32]], batch: usize) -> Result<Vec<u32>> {
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|&i| rows[i].len());
        let mut out = vec![0u32; rows.len()];
        for chunk in order.chunks(batch) {
            let part: Vec<&[u32]> = chunk.iter().map(|&i| rows[i]).collect();
            let b = Batch::new(&part)?;
            let pred = self
                .bert
                .forward(&b.ids, &b.mask, &Mode::Eval)
                .and_then(|h| mean_pool(&h, &b.mask))
                .and_then(|p| self.head.logits(&p))
                .and_then(|l| l.argmax(1))
                .and_then(|a| a.to_vec1::<u32>())
                .map_err(tensor_err("validating"))?;
            for (&i, p) in chunk.iter().zip(pred) {
                out[i] = p;
            }
        }
        Ok(out)
    }
}

/// Accuracy and macro-F1 of predictions against the held-out examples.
fn score(pred: &[u32], valid: &[(Vec<u32>, Example)]) -> Accuracy {
    let mut acc = Accuracy::default();
    let (mut ok, mut ok100) = (0usize, 0usize);
    let mut counts = [[0usize; 3]; 3]; // [gold][pred]
    for (&p, (_, e)) in pred.iter().zip(valid) {
        let g = label_index(e.label);
        counts[g as usize][p as usize] += 1;
        ok += (p == g) as usize;
        if e.agree == Some(100) {
            acc.agree100_n += 1;
            ok100 += (p == g) as usize;
        }
    }
    acc.all_n = valid.len();
    acc.all = ok as f64 / acc.all_n.max(1) as f64;
    acc.agree100 = ok100 as f64 / acc.agree100_n.max(1) as f64;
    let f1s = (0..3).map(|c| {
        let tp = counts[c][c] as f64;
        let pred_c: usize = (0..3).map(|g| counts[g][c]).sum();
        let gold_c: usize = counts[c].iter().sum();
        if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (pred_c + gold_c) as f64
        }
    });
    acc.macro_f1 = f1s.sum::<f64>() / 3.0;
    acc
}

/// Fine-tunes the base model on the configured data and writes the best epoch's model to
/// `config.out` (weights, configuration, tokenizer and model card).
pub fn train(config: &Config) -> Result<Report> {
    let started = Instant::now();
    let log = |msg: String| {
        if config.verbose {
            eprintln!("[{:7.1}s] {msg}", started.elapsed().as_secs_f64());
        }
    };
    let base = Checkpoint::from_dir(&config.base_model)?;
    let mut tokenizer = base.tokenizer.clone();
    let max_tokens = config
        .max_tokens
        .clamp(2, base.config.max_position_embeddings);
    prepare_tokenizer(&mut tokenizer, max_tokens)?;
    let tokenize = |t: &str| -> Result<Vec<u32>> {
        let enc = tokenizer
            .encode_fast(t, true)
            .map_err(tokenizer_err("tokenizing"))?;
        Ok(enc.get_ids().to_vec())
    };
    let data = load_data(config, &tokenize)?;
    log(format!(
        "{} training sentences, {} held out",
        data.train.len(),
        data.valid.len()
    ));

    let mut model = Trainee::new(&base, config.seed)?;
    if !config.train_word_embeddings {
        model
            .bert
            .freeze_word_embeddings()
            .map_err(tensor_err("freezing word embeddings"))?;
    }
    let mut optimizer = adamw::AdamW::new();
    for (name, var) in model.named_vars() {
        let decay = if no_decay(&name) {
            0.0
        } else {
            config.weight_decay
        };
        if name.starts_with(HEAD) {
            optimizer.push(var, config.lr_head, decay);
        } else if config.train_word_embeddings || name != WORD_EMBEDDINGS {
            optimizer.push(var, config.lr_encoder, decay);
        }
    }

    let batch = config.batch_size.max(1);
    let per_epoch = data
        .train
        .len()
        .div_ceil(batch)
        .min(config.max_steps.unwrap_or(usize::MAX));
    let total = per_epoch * config.epochs;
    let rng = RefCell::new(SplitMix64::new(config.seed));
    let valid_rows: Vec<&[u32]> = data.valid.iter().map(|(t, _)| t.as_slice()).collect();
    let mut epochs = Vec::new();
    let mut best: Option<(usize, Accuracy, HashMap<String, Tensor>)> = None;
    let mut step = 0;
    for epoch in 1..=config.epochs {
        let epoch_start = Instant::now();
        let batches = epoch_batches(&data.train, batch, &mut rng.borrow_mut());
        let mut loss_sum = 0.0;
        let mut timing = [0f64; 3];
        for (i, idx) in batches.iter().take(per_epoch).enumerate() {
            let rows: Vec<&[u32]> = idx.iter().map(|&j| data.train[j].0.as_slice()).collect();
            let targets: Vec<u32> = idx.iter().map(|&j| data.train[j].1).collect();
            let b = Batch::new(&rows)?;
            let mode = Mode::Train(&rng);
            let t0 = Instant::now();
            let loss = (|| {
                let hidden = model.bert.forward(&b.ids, &b.mask, &mode)?;
                let pooled = mode.dropout(&mean_pool(&hidden, &b.mask)?, config.head_dropout)?;
                let logits = model.head.logits(&pooled)?;
                let targets = Tensor::new(targets.as_slice(), &Device::Cpu)?;
                candle_nn::loss::cross_entropy(&logits, &targets)
            })()
            .map_err(tensor_err("training forward pass"))?;
            let t1 = Instant::now();
            let grads = loss
                .backward()
                .map_err(tensor_err("training backward pass"))?;
            let t2 = Instant::now();
            optimizer.step(&grads, schedule(step, total, config.warmup))?;
            let t3 = Instant::now();
            timing[0] += (t1 - t0).as_secs_f64();
            timing[1] += (t2 - t1).as_secs_f64();
            timing[2] += (t3 - t2).as_secs_f64();
            loss_sum += loss
                .to_scalar::<f32>()
                .map_err(tensor_err("reading the loss"))? as f64;
            step += 1;
            if (i + 1) % 10 == 0 {
                let per = |t: f64| t / (i + 1) as f64;
                log(format!(
                    "epoch {epoch} step {}/{per_epoch} loss {:.4} ({:.2}s/step: forward {:.2}, \
                     backward {:.2}, update {:.2})",
                    i + 1,
                    loss_sum / (i + 1) as f64,
                    per(epoch_start.elapsed().as_secs_f64()),
                    per(timing[0]),
                    per(timing[1]),
                    per(timing[2])
                ));
            }
        }
        let pred = model.predict(&valid_rows, 64)?;
        let validation = score(&pred, &data.valid);
        let report = EpochReport {
            epoch,
            train_loss: loss_sum / per_epoch.max(1) as f64,
            validation,
            seconds: epoch_start.elapsed().as_secs_f64(),
        };
        log(format!(
            "epoch {epoch}: loss {:.4}, held-out accuracy {:.4} (agree 100: {:.4}), macro-F1 {:.4}",
            report.train_loss, validation.all, validation.agree100, validation.macro_f1
        ));
        epochs.push(report);
        if best.as_ref().is_none_or(|(_, a, _)| validation.all > a.all) {
            best = Some((epoch, validation, model.snapshot()?));
        }
    }
    let Some((best_epoch, best_acc, weights)) = best else {
        return Err(Error::Invalid("training needs at least one epoch".into()));
    };
    let mut report = Report {
        config: config.clone(),
        train_sentences: data.train.len(),
        validation_sentences: data.valid.len(),
        sources: data.sources.clone(),
        epochs,
        best_epoch,
        best: best_acc,
        wall_seconds: 0.0,
        threads: candle_core::utils::get_num_threads(),
        notes: String::new(),
    };
    report.wall_seconds = started.elapsed().as_secs_f64();
    write_model(&config.out, &base, &weights, &report)?;
    log(format!(
        "wrote {} (epoch {best_epoch})",
        config.out.display()
    ));
    Ok(report)
}

/// Rewrites `MODEL_CARD.md` in a model folder from its `report.json` (after the card's
/// wording changes, without training again).
pub fn write_card(dir: &Path) -> Result<()> {
    let path = dir.join("report.json");
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let report: Report = serde_json::from_str(&text).map_err(|source| Error::Json {
        location: path.display().to_string(),
        source,
    })?;
    let path = dir.join("MODEL_CARD.md");
    std::fs::write(&path, card::model_card(&report)).map_err(|source| Error::Io { path, source })
}

/// Writes weights (f16), configuration (with `id2label`), tokenizer (no padding) and card.
fn write_model(
    out: &Path,
    base: &Checkpoint,
    weights: &HashMap<String, Tensor>,
    report: &Report,
) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|source| Error::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let half = weights
        .iter()
        .map(|(k, v)| {
            Ok((
                k.clone(),
                v.to_dtype(DType::F16)
                    .map_err(tensor_err("converting weights"))?,
            ))
        })
        .collect::<Result<HashMap<_, _>>>()?;
    let path = out.join("model.safetensors");
    candle_core::safetensors::save(&half, &path)
        .map_err(tensor_err("writing model.safetensors"))?;

    let mut config: BertConfig = base.config.clone();
    let id2label: serde_json::Map<String, serde_json::Value> = LABELS
        .iter()
        .enumerate()
        .map(|(i, l)| (i.to_string(), l.as_str().into()))
        .collect();
    let label2id: serde_json::Map<String, serde_json::Value> = LABELS
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str().to_string(), i.into()))
        .collect();
    config.rest.insert("id2label".into(), id2label.into());
    config.rest.insert("label2id".into(), label2id.into());
    config.rest.insert(
        "architectures".into(),
        serde_json::json!(["BertForSequenceClassification"]),
    );
    let write = |name: &str, bytes: &[u8]| {
        let path = out.join(name);
        std::fs::write(&path, bytes).map_err(|source| Error::Io { path, source })
    };
    write(
        "config.json",
        format!("{}\n", serde_json::to_string_pretty(&config)?).as_bytes(),
    )?;

    let mut tokenizer = base.tokenizer.clone();
    prepare_tokenizer(&mut tokenizer, base.config.max_position_embeddings)?;
    let json = tokenizer
        .to_string(false)
        .map_err(tokenizer_err("writing tokenizer.json"))?;
    write("tokenizer.json", json.as_bytes())?;
    write("MODEL_CARD.md", card::model_card(report).as_bytes())?;
    write(
        "report.json",
        format!("{}\n", serde_json::to_string_pretty(report)?).as_bytes(),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_warms_up_then_decays() {
        assert!((schedule(0, 100, 0.1) - 0.1).abs() < 1e-9);
        assert!((schedule(9, 100, 0.1) - 1.0).abs() < 1e-9);
        assert!(schedule(50, 100, 0.1) < 1.0 && schedule(50, 100, 0.1) > 0.5);
        assert_eq!(schedule(99, 100, 0.1), 0.0);
    }

    #[test]
    fn epoch_batches_cover_every_example_once() {
        let data: Vec<(Vec<u32>, u32)> = (0..70).map(|i| (vec![0; i % 9 + 1], 0)).collect();
        let batches = epoch_batches(&data, 8, &mut SplitMix64::new(5));
        let mut seen: Vec<usize> = batches.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..70).collect::<Vec<_>>());
        assert_eq!(batches, epoch_batches(&data, 8, &mut SplitMix64::new(5)));
    }

    #[test]
    fn scoring_counts_agreement_separately() {
        let e = |label, agree| {
            (
                vec![],
                Example {
                    text: String::new(),
                    label,
                    agree: Some(agree),
                },
            )
        };
        let valid = vec![
            e(crate::document::Polarity::Positive, 100),
            e(crate::document::Polarity::Negative, 50),
        ];
        let acc = score(&[0, 0], &valid);
        assert_eq!((acc.all, acc.agree100, acc.agree100_n), (0.5, 1.0, 1));
    }
}
