//! A BERT encoder: token ids and an attention mask -> one hidden vector per token.
//!
//! ```text
//! ids  [batch, seq] u32, mask [batch, seq] f32 (1 = token, 0 = padding)
//!   -> embeddings (word + position + type, layer norm)
//!   -> N x (self-attention, add & norm, feed-forward, add & norm)
//!   -> hidden [batch, seq, hidden_size] f32
//! ```
//!
//! The weights use the usual BERT names (`embeddings.word_embeddings.weight`,
//! `encoder.layer.0.attention.self.query.weight`, ...), with or without a `bert.` prefix, so
//! a checkpoint of any BERT-family model (MiniLM, BERT-base, FinBERT) loads as is.
//!
//! The same code serves inference and training. At inference layer norm and softmax use the
//! fused kernels and GELU a vectorizable erf ([`GeluErf`]); in training ([`Mode::Train`])
//! they are written out of differentiable operations, and dropout is applied with masks drawn
//! from a seeded generator, so that a training run is reproducible.

use candle_core::{D, DType, Module, Result, Tensor};
use candle_nn::{Embedding, Linear, VarBuilder};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// The parts of a BERT `config.json` the encoder reads; other fields are kept on save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    #[serde(default = "default_dropout")]
    pub hidden_dropout_prob: f64,
    #[serde(default = "default_dropout")]
    pub attention_probs_dropout_prob: f64,
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    /// Every other field of the file, kept as is.
    #[serde(flatten)]
    pub rest: serde_json::Map<String, serde_json::Value>,
}

fn default_act() -> String {
    "gelu".to_string()
}
fn default_dropout() -> f64 {
    0.1
}
fn default_type_vocab() -> usize {
    2
}
fn default_eps() -> f64 {
    1e-12
}

/// Inference, or training with dropout drawn from a seeded generator.
pub enum Mode<'a> {
    Eval,
    Train(&'a RefCell<SplitMix64>),
}

impl Mode<'_> {
    fn training(&self) -> bool {
        matches!(self, Mode::Train(_))
    }

    /// Zeroes each element with probability `p` and scales the rest by `1 / (1 - p)`.
    pub fn dropout(&self, xs: &Tensor, p: f64) -> Result<Tensor> {
        let Mode::Train(rng) = self else {
            return Ok(xs.clone());
        };
        if p <= 0.0 {
            return Ok(xs.clone());
        }
        let scale = (1.0 / (1.0 - p)) as f32;
        let n = xs.elem_count();
        let mut rng = rng.borrow_mut();
        let mask: Vec<f32> = (0..n)
            .map(|_| if rng.next_f64() < p { 0.0 } else { scale })
            .collect();
        let mask = Tensor::from_vec(mask, xs.shape(), xs.device())?;
        xs.mul(&mask)
    }
}

/// A small, fast, seedable generator (SplitMix64); good enough for shuffling, dropout masks
/// and weight initialisation, and identical on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_f64() * n as f64) as usize % n.max(1)
    }
    /// A standard normal sample (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(f64::MIN_POSITIVE);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    fn load(vb: VarBuilder, size: usize, eps: f64) -> Result<Self> {
        // Older checkpoints call the parameters gamma and beta.
        let (weight, bias) = if vb.contains_tensor("gamma") {
            (vb.get(size, "gamma")?, vb.get(size, "beta")?)
        } else {
            (vb.get(size, "weight")?, vb.get(size, "bias")?)
        };
        Ok(LayerNorm { weight, bias, eps })
    }

    fn forward(&self, xs: &Tensor, mode: &Mode) -> Result<Tensor> {
        if !mode.training() && xs.is_contiguous() {
            return candle_nn::ops::layer_norm(xs, &self.weight, &self.bias, self.eps as f32);
        }
        let mean = xs.mean_keepdim(D::Minus1)?;
        let centered = xs.broadcast_sub(&mean)?;
        let var = centered.sqr()?.mean_keepdim(D::Minus1)?;
        let normed = centered.broadcast_div(&(var + self.eps)?.sqrt()?)?;
        normed
            .broadcast_mul(&self.weight)?
            .broadcast_add(&self.bias)
    }
}

fn softmax_last(xs: &Tensor, mode: &Mode) -> Result<Tensor> {
    if mode.training() {
        candle_nn::ops::softmax(xs, D::Minus1)
    } else {
        candle_nn::ops::softmax_last_dim(xs)
    }
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attn_out: Linear,
    attn_norm: LayerNorm,
    inter: Linear,
    out: Linear,
    out_norm: LayerNorm,
}

impl Layer {
    fn load(vb: VarBuilder, c: &BertConfig) -> Result<Self> {
        let h = c.hidden_size;
        let att = vb.pp("attention");
        Ok(Layer {
            query: candle_nn::linear(h, h, att.pp("self").pp("query"))?,
            key: candle_nn::linear(h, h, att.pp("self").pp("key"))?,
            value: candle_nn::linear(h, h, att.pp("self").pp("value"))?,
            attn_out: candle_nn::linear(h, h, att.pp("output").pp("dense"))?,
            attn_norm: LayerNorm::load(att.pp("output").pp("LayerNorm"), h, c.layer_norm_eps)?,
            inter: candle_nn::linear(h, c.intermediate_size, vb.pp("intermediate").pp("dense"))?,
            out: candle_nn::linear(c.intermediate_size, h, vb.pp("output").pp("dense"))?,
            out_norm: LayerNorm::load(vb.pp("output").pp("LayerNorm"), h, c.layer_norm_eps)?,
        })
    }
}

/// The encoder's weights, shared read-only by every caller.
pub struct Bert {
    word: Embedding,
    position: Embedding,
    token_type: Embedding,
    emb_norm: LayerNorm,
    layers: Vec<Layer>,
    config: BertConfig,
}

impl Bert {
    /// Loads the weights (with or without a `bert.` prefix) for `config`.
    pub fn load(vb: VarBuilder, config: &BertConfig) -> Result<Self> {
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            vb
        };
        let c = config;
        let h = c.hidden_size;
        if !h.is_multiple_of(c.num_attention_heads) {
            candle_core::bail!(
                "hidden size {h} is not a multiple of {} heads",
                c.num_attention_heads
            );
        }
        if !matches!(
            c.hidden_act.as_str(),
            "gelu" | "gelu_new" | "gelu_pytorch_tanh" | "relu"
        ) {
            candle_core::bail!("unsupported activation {:?}", c.hidden_act);
        }
        let emb = vb.pp("embeddings");
        let layers = (0..c.num_hidden_layers)
            .map(|i| Layer::load(vb.pp("encoder").pp("layer").pp(i), c))
            .collect::<Result<Vec<_>>>()?;
        Ok(Bert {
            word: candle_nn::embedding(c.vocab_size, h, emb.pp("word_embeddings"))?,
            position: candle_nn::embedding(
                c.max_position_embeddings,
                h,
                emb.pp("position_embeddings"),
            )?,
            token_type: candle_nn::embedding(
                c.type_vocab_size,
                h,
                emb.pp("token_type_embeddings"),
            )?,
            emb_norm: LayerNorm::load(emb.pp("LayerNorm"), h, c.layer_norm_eps)?,
            layers,
            config: config.clone(),
        })
    }

    /// Stops gradients at the word-piece embedding table: training leaves it as loaded.
    pub fn freeze_word_embeddings(&mut self) -> Result<()> {
        let table = self.word.embeddings().detach();
        self.word = Embedding::new(table, self.config.hidden_size);
        Ok(())
    }

    pub fn config(&self) -> &BertConfig {
        &self.config
    }

    /// The hidden size (the length of every token vector and pooled embedding).
    pub fn hidden_size(&self) -> usize {
        self.config.hidden_size
    }

    /// Encodes a padded batch: `ids` `[batch, seq]` (u32), `mask` `[batch, seq]` (f32, 1 for
    /// real tokens) -> `[batch, seq, hidden]`. Sequences longer than the position table fail;
    /// callers truncate first.
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, mode: &Mode) -> Result<Tensor> {
        self.forward_with(ids, mask, mode, |_| ())
    }

    /// The output of every layer `[batch, seq, hidden]`, first to last (the last is
    /// [`Bert::forward`]'s result), from the same single pass.
    pub fn forward_layers(&self, ids: &Tensor, mask: &Tensor, mode: &Mode) -> Result<Vec<Tensor>> {
        let mut layers = Vec::with_capacity(self.layers.len());
        self.forward_with(ids, mask, mode, |xs| layers.push(xs.clone()))?;
        Ok(layers)
    }

    /// [`Bert::forward`], handing each layer's output to `each` on the way, first to last.
    pub fn forward_with(
        &self,
        ids: &Tensor,
        mask: &Tensor,
        mode: &Mode,
        mut each: impl FnMut(&Tensor),
    ) -> Result<Tensor> {
        let c = &self.config;
        let (batch, seq) = ids.dims2()?;
        let dev = ids.device();
        let positions = Tensor::arange(0u32, seq as u32, dev)?;
        let types = Tensor::zeros((batch, seq), DType::U32, dev)?;
        let xs = self
            .word
            .forward(ids)?
            .broadcast_add(&self.position.forward(&positions)?)?
            .add(&self.token_type.forward(&types)?)?;
        let mut xs = mode.dropout(&self.emb_norm.forward(&xs, mode)?, c.hidden_dropout_prob)?;

        // Padding keys get a large negative score, so their attention weight is exactly zero.
        let bias = ((mask.ones_like()? - mask)? * -1e9f64)?.reshape((batch, 1, 1, seq))?;
        let heads = c.num_attention_heads;
        let head_dim = c.hidden_size / heads;
        let split = |t: Tensor| -> Result<Tensor> {
            t.reshape((batch, seq, heads, head_dim))?
                .transpose(1, 2)?
                .contiguous()
        };
        let scale = 1.0 / (head_dim as f64).sqrt();
        for layer in &self.layers {
            let q = split((layer.query.forward(&xs)? * scale)?)?;
            let k = split(layer.key.forward(&xs)?)?;
            let v = split(layer.value.forward(&xs)?)?;
            let scores = q.matmul(&k.t()?)?.broadcast_add(&bias)?;
            let probs = mode.dropout(
                &softmax_last(&scores, mode)?,
                c.attention_probs_dropout_prob,
            )?;
            let ctx = probs
                .matmul(&v)?
                .transpose(1, 2)?
                .reshape((batch, seq, c.hidden_size))?;
            let attn = mode.dropout(&layer.attn_out.forward(&ctx)?, c.hidden_dropout_prob)?;
            let xs_attn = layer.attn_norm.forward(&(attn + &xs)?, mode)?;
            let inter = self.activate(&layer.inter.forward(&xs_attn)?, mode)?;
            let out = mode.dropout(&layer.out.forward(&inter)?, c.hidden_dropout_prob)?;
            xs = layer.out_norm.forward(&(out + xs_attn)?, mode)?;
            each(&xs);
        }
        Ok(xs)
    }

    fn activate(&self, xs: &Tensor, mode: &Mode) -> Result<Tensor> {
        match self.config.hidden_act.as_str() {
            "gelu" if !mode.training() && xs.dtype() == DType::F32 && xs.is_contiguous() => {
                xs.apply_op1_no_bwd(&GeluErf)
            }
            "gelu" => xs.gelu_erf(),
            "relu" => xs.relu(),
            _ => xs.gelu(),
        }
    }
}

/// GELU in its exact form, `x * (1 + erf(x / sqrt 2)) / 2`, for contiguous f32 tensors on the
/// CPU (inference only: no gradient). candle's own `gelu_erf` computes the erf one value at a
/// time through a slow software routine, which took about a seventh of the encoder's time;
/// here the erf is the rational approximation 7.1.26 of Abramowitz and Stegun (absolute error
/// under 1.5e-7, about one f32 rounding step), a loop the compiler vectorizes, split over the
/// rayon threads.
struct GeluErf;

impl candle_core::CustomOp1 for GeluErf {
    fn name(&self) -> &'static str {
        "gelu-erf"
    }

    fn cpu_fwd(
        &self,
        storage: &candle_core::CpuStorage,
        layout: &candle_core::Layout,
    ) -> Result<(candle_core::CpuStorage, candle_core::Shape)> {
        use rayon::prelude::*;
        let candle_core::CpuStorage::F32(data) = storage else {
            candle_core::bail!("gelu-erf: f32 only")
        };
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("gelu-erf: contiguous tensors only")
        };
        let src = &data[start..end];
        let mut dst = vec![0f32; src.len()];
        const CHUNK: usize = 1 << 14;
        dst.par_chunks_mut(CHUNK)
            .zip(src.par_chunks(CHUNK))
            .for_each(|(d, s)| {
                for (d, &x) in d.iter_mut().zip(s) {
                    *d = gelu_erf(x);
                }
            });
        Ok((candle_core::CpuStorage::F32(dst), layout.shape().clone()))
    }
}

/// `x * (1 + erf(x / sqrt 2)) / 2` with erf from Abramowitz and Stegun 7.1.26.
#[inline]
fn gelu_erf(x: f32) -> f32 {
    const P: f32 = 0.327_591_1;
    const A: [f32; 5] = [
        0.254_829_6,
        -0.284_496_74,
        1.421_413_8,
        -1.453_152,
        1.061_405_4,
    ];
    let z = x.abs() * std::f32::consts::FRAC_1_SQRT_2;
    let t = 1.0 / (1.0 + P * z);
    let poly = t * (A[0] + t * (A[1] + t * (A[2] + t * (A[3] + t * A[4]))));
    let erf = 1.0 - poly * (-z * z).exp();
    0.5 * x * (1.0 + erf.copysign(x))
}

/// Mean of the token vectors of each sequence, padding excluded: `hidden` `[batch, seq, h]`,
/// `mask` `[batch, seq]` -> `[batch, h]`.
pub fn mean_pool(hidden: &Tensor, mask: &Tensor) -> Result<Tensor> {
    let m = mask.unsqueeze(2)?;
    let summed = hidden.broadcast_mul(&m)?.sum(1)?;
    let counts = m.sum(1)?.clamp(1e-9, f64::MAX)?;
    summed.broadcast_div(&counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn fast_gelu_matches_candles_exact_gelu() -> Result<()> {
        let xs: Vec<f32> = (-1200..=1200).map(|k| k as f32 / 100.0).collect();
        let t = Tensor::new(xs.as_slice(), &Device::Cpu)?;
        let exact: Vec<f32> = t.gelu_erf()?.to_vec1()?;
        let fast: Vec<f32> = t.apply_op1_no_bwd(&GeluErf)?.to_vec1()?;
        for ((x, e), f) in xs.iter().zip(&exact).zip(&fast) {
            assert!((e - f).abs() <= 1e-6 * (1.0 + x.abs()), "x {x}: {e} vs {f}");
        }
        Ok(())
    }

    #[test]
    fn splitmix_is_reproducible_and_uniform() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        let xs: Vec<f64> = (0..1000).map(|_| a.next_f64()).collect();
        let ys: Vec<f64> = (0..1000).map(|_| b.next_f64()).collect();
        assert_eq!(xs, ys);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.05, "{mean}");
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut items: Vec<usize> = (0..50).collect();
        SplitMix64::new(1).shuffle(&mut items);
        assert_ne!(items, (0..50).collect::<Vec<_>>());
        items.sort();
        assert_eq!(items, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn mean_pool_ignores_padding() -> Result<()> {
        let hidden = Tensor::new(&[[[1f32, 2.], [3., 4.], [100., 100.]]], &Device::Cpu)?;
        let mask = Tensor::new(&[[1f32, 1., 0.]], &Device::Cpu)?;
        let pooled = mean_pool(&hidden, &mask)?.to_vec2::<f32>()?;
        assert_eq!(pooled, vec![vec![2.0, 3.0]]);
        Ok(())
    }

    #[test]
    fn training_layer_norm_matches_the_fused_kernel() -> Result<()> {
        let dev = Device::Cpu;
        let xs = Tensor::new(&[[0.5f32, -1.0, 2.0, 3.5], [1.0, 1.0, 1.0, 2.0]], &dev)?;
        let ln = LayerNorm {
            weight: Tensor::new(&[1.0f32, 0.5, 2.0, 1.0], &dev)?,
            bias: Tensor::new(&[0.0f32, 0.1, -0.1, 0.0], &dev)?,
            eps: 1e-12,
        };
        let rng = RefCell::new(SplitMix64::new(0));
        let fused = ln.forward(&xs, &Mode::Eval)?.to_vec2::<f32>()?;
        let plain = ln.forward(&xs, &Mode::Train(&rng))?.to_vec2::<f32>()?;
        for (a, b) in fused.iter().flatten().zip(plain.iter().flatten()) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
        Ok(())
    }
}
