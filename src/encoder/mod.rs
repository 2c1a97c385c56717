//! The transformer encoder: sentences -> one pooled embedding each -> classification heads.
//!
//! ```text
//! ["Net sales rose 12%.", "The plant will close."]
//!   -> word pieces, truncated to the window, sorted by length, padded per batch
//!   -> BERT forward pass -> mean over real tokens -> [n, 384] embeddings (input order)
//!   -> a head (a linear layer + softmax) -> [[0.96, 0.01, 0.03], [0.02, 0.93, 0.05]]
//! ```
//!
//! ```
//! use finnews::encoder::{Config, SentimentModel};
//!
//! let model = SentimentModel::embedded(&Config::default())?;
//! let out = model.predict(&["Operating profit rose to EUR 13.1 mn from EUR 8.7 mn."])?;
//! assert_eq!(out[0].label.as_str(), "positive");
//! # Ok::<(), finnews::Error>(())
//! ```
//!
//! The shipped model (`models/sentiment/`: weights in f16, `config.json`, `tokenizer.json`)
//! is fine-tuned from all-MiniLM-L6-v2 by [`crate::train`]; it is embedded in the binary, so
//! nothing beside it is needed at run time. Any BERT-family checkpoint in the same layout
//! loads with [`Checkpoint::from_dir`].
//!
//! One forward pass serves several heads: [`Encoder::embed`] returns the pooled embeddings
//! and each [`Head`] reads them. Results do not depend on the batch a sentence lands in
//! (padding is masked out exactly), only on the sentence, up to float rounding (~1e-6).

pub mod bert;
pub mod stage;

pub use bert::{Bert, BertConfig, Mode, SplitMix64};
pub use stage::{ModelStage, SentimentModel};

use crate::error::{Error, Result};
use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{Linear, VarBuilder};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use tokenizers::{Encoding, Tokenizer, TruncationParams};

/// The fine-tuned sentiment model's weights (f16 safetensors, classifier included).
pub const SENTIMENT_WEIGHTS: &[u8] = include_bytes!("../../models/sentiment/model.safetensors");
/// The fine-tuned sentiment model's BERT configuration, with its `id2label`.
pub const SENTIMENT_CONFIG: &str = include_str!("../../models/sentiment/config.json");
/// The fine-tuned sentiment model's tokenizer.
pub const SENTIMENT_TOKENIZER: &str = include_str!("../../models/sentiment/tokenizer.json");

/// Settings of the encoder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Word pieces per sentence, `[CLS]` and `[SEP]` included; longer sentences are cut.
    pub max_tokens: usize,
    /// Sentences per forward pass.
    pub batch_size: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_tokens: 256,
            batch_size: 32,
        }
    }
}

/// Wraps a tensor library error with what was being done.
pub(crate) fn tensor_err(what: &str) -> impl FnOnce(candle_core::Error) -> Error + '_ {
    move |source| Error::Tensor {
        what: what.to_string(),
        source: Box::new(source),
    }
}

/// Wraps a tokenizer error with what was being done.
pub(crate) fn tokenizer_err(what: &str) -> impl FnOnce(tokenizers::Error) -> Error + '_ {
    move |source| Error::Tokenizer {
        what: what.to_string(),
        source,
    }
}

/// A model as stored: weights (any float type, converted to f32), configuration, tokenizer.
pub struct Checkpoint {
    pub tensors: HashMap<String, Tensor>,
    pub config: BertConfig,
    pub tokenizer: Tokenizer,
}

impl Checkpoint {
    /// Reads `model.safetensors`, `config.json` and `tokenizer.json` from bytes.
    pub fn from_bytes(weights: &[u8], config: &[u8], tokenizer: &[u8]) -> Result<Self> {
        let raw = candle_core::safetensors::load_buffer(weights, &Device::Cpu)
            .map_err(tensor_err("reading model weights"))?;
        let mut tensors = HashMap::with_capacity(raw.len());
        for (name, t) in raw {
            // Integer buffers (e.g. `position_ids`) are not weights.
            if t.dtype().is_float() {
                let t = t
                    .to_dtype(DType::F32)
                    .map_err(tensor_err("converting model weights"))?;
                tensors.insert(name, t);
            }
        }
        let config: BertConfig = serde_json::from_slice(config).map_err(|source| Error::Json {
            location: "model config.json".into(),
            source,
        })?;
        let tokenizer =
            Tokenizer::from_bytes(tokenizer).map_err(tokenizer_err("reading tokenizer.json"))?;
        Ok(Checkpoint {
            tensors,
            config,
            tokenizer,
        })
    }

    /// Reads `model.safetensors`, `config.json` and `tokenizer.json` from a folder.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| Error::Io { path, source })
        };
        Checkpoint::from_bytes(
            &read("model.safetensors")?,
            &read("config.json")?,
            &read("tokenizer.json")?,
        )
    }

    /// The fine-tuned sentiment model embedded in the binary.
    pub fn embedded_sentiment() -> Result<Self> {
        Checkpoint::from_bytes(
            SENTIMENT_WEIGHTS,
            SENTIMENT_CONFIG.as_bytes(),
            SENTIMENT_TOKENIZER.as_bytes(),
        )
    }

    /// The class names of the head stored with the model (`id2label`), in index order.
    pub fn labels(&self) -> Option<Vec<String>> {
        let map = self.config.rest.get("id2label")?.as_object()?;
        let mut labels = vec![String::new(); map.len()];
        for (k, v) in map {
            let i: usize = k.parse().ok()?;
            *labels.get_mut(i)? = v.as_str()?.to_string();
        }
        Some(labels)
    }

    /// A variable builder over the weights, for [`Bert::load`] and [`Head::load`].
    pub fn var_builder(&self) -> VarBuilder<'static> {
        VarBuilder::from_tensors(self.tensors.clone(), DType::F32, &Device::Cpu)
    }
}

/// Sets the tokenizer up for per-batch padding: no fixed padding, truncation at `max_tokens`.
pub fn prepare_tokenizer(tokenizer: &mut Tokenizer, max_tokens: usize) -> Result<()> {
    tokenizer.with_padding(None);
    tokenizer
        .with_truncation(Some(TruncationParams {
            max_length: max_tokens,
            ..Default::default()
        }))
        .map_err(tokenizer_err("setting truncation"))?;
    Ok(())
}

/// A padded batch: token ids, attention mask and each row's real length.
pub struct Batch {
    pub ids: Tensor,
    pub mask: Tensor,
}

impl Batch {
    /// Pads `rows` to the longest one (pad id 0, mask 0).
    pub fn new(rows: &[&[u32]]) -> Result<Self> {
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(0).max(1);
        let mut ids = vec![0u32; rows.len() * width];
        let mut mask = vec![0f32; rows.len() * width];
        for (i, row) in rows.iter().enumerate() {
            ids[i * width..i * width + row.len()].copy_from_slice(row);
            mask[i * width..i * width + row.len()].fill(1.0);
        }
        let shape = (rows.len(), width);
        Ok(Batch {
            ids: Tensor::from_vec(ids, shape, &Device::Cpu)
                .map_err(tensor_err("building a batch"))?,
            mask: Tensor::from_vec(mask, shape, &Device::Cpu)
                .map_err(tensor_err("building a batch"))?,
        })
    }
}

/// A BERT encoder with its tokenizer, producing one mean-pooled embedding per sentence.
pub struct Encoder {
    bert: Bert,
    tokenizer: Tokenizer,
    config: Config,
    /// Bytes of text looked at per sentence: enough for the window, so a sentence of megabytes
    /// is not tokenized whole.
    max_bytes: usize,
}

impl Encoder {
    /// Builds the encoder from a checkpoint.
    pub fn new(checkpoint: &Checkpoint, config: &Config) -> Result<Self> {
        let bert = Bert::load(checkpoint.var_builder(), &checkpoint.config)
            .map_err(tensor_err("loading the encoder"))?;
        let max_tokens = config
            .max_tokens
            .clamp(2, checkpoint.config.max_position_embeddings);
        let mut tokenizer = checkpoint.tokenizer.clone();
        prepare_tokenizer(&mut tokenizer, max_tokens)?;
        let config = Config {
            max_tokens,
            batch_size: config.batch_size.max(1),
        };
        Ok(Encoder {
            bert,
            tokenizer,
            max_bytes: max_tokens * 64,
            config,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The length of every embedding.
    pub fn hidden_size(&self) -> usize {
        self.bert.hidden_size()
    }

    /// The word-piece ids of a sentence, `[CLS]` and `[SEP]` included, cut to the window.
    pub fn tokenize(&self, text: &str) -> Result<Vec<u32>> {
        let text = truncate_bytes(text, self.max_bytes);
        let enc = self
            .tokenizer
            .encode_fast(text, true)
            .map_err(tokenizer_err("tokenizing"))?;
        Ok(enc.get_ids().to_vec())
    }

    /// The word pieces of a sentence with their byte offsets and words, cut to the window
    /// (the ids are those of [`Encoder::tokenize`]).
    pub fn encode(&self, text: &str) -> Result<Encoding> {
        let text = truncate_bytes(text, self.max_bytes);
        self.tokenizer
            .encode(text, true)
            .map_err(tokenizer_err("tokenizing"))
    }

    /// [`Encoder::for_each_batch`] for heads that also read single word pieces: the same
    /// batches and pooled embeddings, plus every layer's output and each row's word pieces
    /// with offsets ([`Encoder::encode`]), from the same forward pass.
    pub fn for_each_token_batch(
        &self,
        texts: &[&str],
        mut f: impl FnMut(&TokenBatch) -> Result<()>,
    ) -> Result<()> {
        let encodings: Vec<Encoding> = texts
            .par_iter()
            .map(|t| self.encode(t))
            .collect::<Result<_>>()?;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| (encodings[i].len(), i));
        self.in_waves(
            &order,
            |chunk| {
                let rows: Vec<&[u32]> = chunk.iter().map(|&i| encodings[i].get_ids()).collect();
                let batch = Batch::new(&rows)?;
                let layers = self
                    .bert
                    .forward_layers(&batch.ids, &batch.mask, &Mode::Eval)
                    .map_err(tensor_err("running the encoder"))?;
                let last = layers.last().ok_or_else(|| Error::Model {
                    what: "encoder".into(),
                    message: "no layers".into(),
                })?;
                let pooled = bert::mean_pool(last, &batch.mask).map_err(tensor_err("pooling"))?;
                Ok((layers, pooled))
            },
            |chunk, (layers, pooled)| {
                let encodings: Vec<&Encoding> = chunk.iter().map(|&i| &encodings[i]).collect();
                f(&TokenBatch {
                    positions: chunk,
                    pooled: &pooled,
                    layers: &layers,
                    encodings: &encodings,
                })
            },
        )
    }

    /// Cuts `order` (sentence positions, sorted by length) into batches of
    /// [`Config::batch_size`], runs `forward` on them and then `f` on each batch's output,
    /// batch after batch in order.
    ///
    /// The forward passes run in waves of one batch per worker thread of the current rayon
    /// pool, each batch on one thread: on two cores that beats splitting every matrix
    /// product of one batch across both, which waits on the other thread several times per
    /// layer. A batch's result does not depend on the wave it ran in.
    fn in_waves<T: Send>(
        &self,
        order: &[usize],
        forward: impl Fn(&[usize]) -> Result<T> + Sync,
        mut f: impl FnMut(&[usize], T) -> Result<()>,
    ) -> Result<()> {
        let batches: Vec<&[usize]> = order.chunks(self.config.batch_size).collect();
        for wave in batches.chunks(rayon::current_num_threads().max(1)) {
            let outputs = wave
                .par_iter()
                .map(|chunk| forward(chunk))
                .collect::<Result<Vec<_>>>()?;
            for (chunk, output) in wave.iter().zip(outputs) {
                f(chunk, output)?;
            }
        }
        Ok(())
    }

    /// Pooled embeddings `[rows, hidden]` of one batch of tokenized sentences.
    pub fn forward(&self, rows: &[&[u32]]) -> Result<Tensor> {
        let batch = Batch::new(rows)?;
        let hidden = self
            .bert
            .forward(&batch.ids, &batch.mask, &Mode::Eval)
            .map_err(tensor_err("running the encoder"))?;
        bert::mean_pool(&hidden, &batch.mask).map_err(tensor_err("pooling"))
    }

    /// Runs `f` on the pooled embeddings of every batch: sentences are tokenized, sorted by
    /// length and cut into batches of [`Config::batch_size`]; `f` gets the input positions of
    /// the batch's rows and their embeddings `[rows, hidden]`, batch after batch in order
    /// (the batches themselves run one per worker thread: see `in_waves`).
    pub fn for_each_batch(
        &self,
        texts: &[&str],
        mut f: impl FnMut(&[usize], &Tensor) -> Result<()>,
    ) -> Result<()> {
        // Word pieces in parallel (the tokenizer is the only per-sentence CPU work outside the
        // batched forward passes).
        let tokens: Vec<Vec<u32>> = texts
            .par_iter()
            .map(|t| self.tokenize(t))
            .collect::<Result<_>>()?;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| (tokens[i].len(), i));
        self.in_waves(
            &order,
            |chunk| {
                let rows: Vec<&[u32]> = chunk.iter().map(|&i| tokens[i].as_slice()).collect();
                self.forward(&rows)
            },
            |chunk, pooled| f(chunk, &pooled),
        )
    }

    /// One pooled embedding per sentence, in input order.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let mut out = vec![Vec::new(); texts.len()];
        self.for_each_batch(texts, |positions, pooled| {
            let rows = pooled
                .to_vec2::<f32>()
                .map_err(tensor_err("reading embeddings"))?;
            for (&i, row) in positions.iter().zip(rows) {
                out[i] = row;
            }
            Ok(())
        })?;
        Ok(out)
    }
}

/// One batch of [`Encoder::for_each_token_batch`].
pub struct TokenBatch<'a> {
    /// The input positions of the rows.
    pub positions: &'a [usize],
    /// Mean-pooled embeddings `[rows, hidden]`.
    pub pooled: &'a Tensor,
    /// Every layer's output `[rows, seq, hidden]`, first to last.
    pub layers: &'a [Tensor],
    /// Each row's word pieces, with byte offsets into its text and word ids.
    pub encodings: &'a [&'a Encoding],
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn truncate_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A classification head over pooled embeddings: a linear layer and a softmax.
pub struct Head {
    linear: Linear,
    labels: Vec<String>,
}

impl Head {
    /// Loads `{prefix}.weight` `[labels, hidden]` and `{prefix}.bias` `[labels]`.
    pub fn load(vb: VarBuilder, prefix: &str, hidden: usize, labels: Vec<String>) -> Result<Self> {
        let linear = candle_nn::linear(hidden, labels.len(), vb.pp(prefix))
            .map_err(tensor_err("loading a classification head"))?;
        Ok(Head { linear, labels })
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Unnormalised scores `[rows, labels]`.
    pub fn logits(&self, pooled: &Tensor) -> candle_core::Result<Tensor> {
        self.linear.forward(pooled)
    }

    /// Probabilities, one row per embedding, columns in [`Head::labels`] order.
    pub fn probs(&self, pooled: &Tensor) -> Result<Vec<Vec<f32>>> {
        let logits = self.logits(pooled).map_err(tensor_err("running a head"))?;
        candle_nn::ops::softmax_last_dim(&logits)
            .and_then(|p| p.to_vec2::<f32>())
            .map_err(tensor_err("running a head"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_bytes_keeps_char_boundaries() {
        assert_eq!(truncate_bytes("abc", 10), "abc");
        assert_eq!(truncate_bytes("abc", 2), "ab");
        assert_eq!(truncate_bytes("aé", 2), "a");
    }

    #[test]
    fn batch_pads_to_the_longest_row() -> Result<()> {
        let b = Batch::new(&[&[101, 7, 102], &[101, 102]])?;
        assert_eq!(
            b.ids.to_vec2::<u32>().unwrap(),
            vec![vec![101, 7, 102], vec![101, 102, 0]]
        );
        assert_eq!(
            b.mask.to_vec2::<f32>().unwrap(),
            vec![vec![1., 1., 1.], vec![1., 1., 0.]]
        );
        Ok(())
    }
}
