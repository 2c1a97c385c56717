//! Throughput of the sentence encoder (the shipped, embedded sentiment model) over the gold
//! sentences of `corpus/gold/train.jsonl`, in sentences per second.
//!
//! ```text
//! cargo bench --bench encoder
//! RAYON_NUM_THREADS=2 cargo bench --bench encoder -- 'encoder/'
//! ```
//!
//! Loading the model (weights f16 -> f32, tokenizer) is timed apart from running it. Batches
//! run one per worker thread, `RAYON_NUM_THREADS` of them (default: one per core).
//!
//! With `ENCODER_BENCH_SENTENCES` set, the binary skips criterion and times the given
//! sentences once instead, for `scripts/bench_encoder.py`, which sets the figures beside
//! sentence-transformers on the same sentences:
//!
//! ```text
//! ENCODER_BENCH_SENTENCES=s.jsonl     one JSON string per line
//! ENCODER_BENCH_MODEL=DIR             a checkpoint folder: embeddings from its encoder
//!                                     (default: the embedded sentiment model's predictions)
//! ENCODER_BENCH_WARMUP=1 ENCODER_BENCH_RUNS=3
//! ENCODER_BENCH_DUMP=emb.f32          the last run's embeddings, little-endian f32, row-major
//! -> {"sentences": 2748, "mean_tokens": 31.2, "threads": 2, "load_s": 0.21,
//!     "warmup_s": [9.1], "runs_s": [8.9, 9.0, 8.8]}
//! ```

use criterion::{Criterion, Throughput, criterion_group};
use finnews::encoder::{Checkpoint, Config, Encoder, SentimentModel};
use std::hint::black_box;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// The gold sentences of `corpus/gold/train.jsonl` (offsets are code points), in file order.
fn sentences() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/gold/train.jsonl");
    let data = std::fs::read_to_string(&path).expect("corpus/gold/train.jsonl exists");
    let mut out = Vec::new();
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let record: serde_json::Value = serde_json::from_str(line).expect("a gold record");
        let text = record["text"].as_str().expect("a gold record has text");
        // Byte offset of every code point, plus the end of the text.
        let bytes: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        for s in record["sentences"].as_array().expect("gold sentences") {
            let start = s["start"].as_u64().expect("a start offset") as usize;
            let end = s["end"].as_u64().expect("an end offset") as usize;
            out.push(text[bytes[start]..bytes[end]].to_string());
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let owned = sentences();
    let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
    let config = Config::default();

    let mut load = c.benchmark_group("encoder load");
    load.sample_size(10);
    load.bench_function("embedded sentiment model", |b| {
        b.iter(|| black_box(SentimentModel::embedded(&config).unwrap()))
    });
    load.finish();

    let model = SentimentModel::embedded(&config).unwrap();
    let mut group = c.benchmark_group("encoder");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(30));
    group.throughput(Throughput::Elements(texts.len() as u64));
    let name = |what: &str| {
        format!(
            "{what} ({} gold sentences, batch {})",
            texts.len(),
            config.batch_size
        )
    };
    group.bench_function(name("embed"), |b| {
        b.iter(|| black_box(model.encoder().embed(&texts).unwrap()))
    });
    group.bench_function(name("predict"), |b| {
        b.iter(|| black_box(model.predict(&texts).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);

/// What the one-shot mode runs: the encoder of a checkpoint folder, or the shipped model.
enum Model {
    Encoder(Encoder),
    Sentiment(SentimentModel),
}

impl Model {
    fn run(&self, texts: &[&str]) -> Option<Vec<Vec<f32>>> {
        match self {
            Model::Encoder(e) => Some(e.embed(texts).unwrap()),
            Model::Sentiment(m) => {
                black_box(m.predict(texts).unwrap());
                None
            }
        }
    }

    fn encoder(&self) -> &Encoder {
        match self {
            Model::Encoder(e) => e,
            Model::Sentiment(m) => m.encoder(),
        }
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} is not a count: {v:?}"))
        })
        .unwrap_or(default)
}

/// Times the sentences of `path` (one JSON string per line) and prints one JSON object.
fn one_shot(path: &str) {
    let data = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let owned: Vec<String> = data
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("one JSON string per line"))
        .collect();
    let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
    let config = Config::default();

    let start = Instant::now();
    let model = match std::env::var("ENCODER_BENCH_MODEL") {
        Ok(dir) => Model::Encoder(
            Encoder::new(&Checkpoint::from_dir(Path::new(&dir)).unwrap(), &config).unwrap(),
        ),
        Err(_) => Model::Sentiment(SentimentModel::embedded(&config).unwrap()),
    };
    let load_s = start.elapsed().as_secs_f64();

    let tokens: usize = texts
        .iter()
        .map(|t| model.encoder().tokenize(t).unwrap().len())
        .sum();
    let time = |n: usize, last: &mut Option<Vec<Vec<f32>>>| -> Vec<f64> {
        (0..n)
            .map(|_| {
                let start = Instant::now();
                *last = model.run(&texts);
                start.elapsed().as_secs_f64()
            })
            .collect()
    };
    let mut last = None;
    let warmup_s = time(env_usize("ENCODER_BENCH_WARMUP", 1), &mut last);
    let runs_s = time(env_usize("ENCODER_BENCH_RUNS", 3), &mut last);

    if let (Ok(dump), Some(rows)) = (std::env::var("ENCODER_BENCH_DUMP"), last) {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&dump).unwrap());
        for x in rows.iter().flatten() {
            out.write_all(&x.to_le_bytes()).unwrap();
        }
        out.flush().unwrap();
    }
    let report = serde_json::json!({
        "sentences": texts.len(),
        "mean_tokens": tokens as f64 / texts.len().max(1) as f64,
        "threads": candle_core::utils::get_num_threads(),
        "load_s": load_s,
        "warmup_s": warmup_s,
        "runs_s": runs_s,
    });
    println!("{report}");
}

fn main() {
    // As the finnews binary does: batches already run one per worker thread, so candle's
    // element-wise pool stays with the calling thread.
    if std::env::var_os("CANDLE_NUM_THREADS").is_none() {
        // SAFETY: no other thread exists yet.
        unsafe { std::env::set_var("CANDLE_NUM_THREADS", "1") };
    }
    match std::env::var("ENCODER_BENCH_SENTENCES") {
        Ok(path) => one_shot(&path),
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
