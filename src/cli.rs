//! The command line: arguments -> a command of the library, and the exit status.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Financial news articles in, structured evidence-linked JSON out.
#[derive(Debug, Parser)]
#[command(name = "finnews", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the pipeline; write one JSON record per article (JSON Lines), in input order.
    Analyze {
        /// Files, directories (read recursively) or `-` for JSON Lines on standard input.
        /// Standard input when none is given.
        inputs: Vec<String>,
        /// Write to this file (atomically: a temporary name, renamed when complete).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Worker threads (default: one per core).
        #[arg(short = 'j', long)]
        threads: Option<usize>,
        /// No progress bar.
        #[arg(short, long)]
        quiet: bool,
        /// Show the progress bar even when standard error is not a terminal.
        #[arg(long, conflicts_with = "quiet")]
        progress: bool,
        /// Leave the article text out of each record.
        #[arg(long)]
        no_text: bool,
        /// Rules only (lexicon sentiment, cue claims): many times faster, less accurate.
        #[arg(long)]
        fast: bool,
    },
    /// Run the pipeline on labeled articles and print its metrics (see labels.md).
    Eval {
        /// Gold file: JSON Lines in the gold format, or a public set's file with --format.
        gold: PathBuf,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// The gold file's format.
        #[arg(long, value_enum, default_value_t = EvalFormat::Gold)]
        format: EvalFormat,
        /// Worker threads (default: one per core).
        #[arg(short = 'j', long)]
        threads: Option<usize>,
        /// Evaluate the rules-only pipeline of `analyze --fast`.
        #[arg(long)]
        fast: bool,
    },
    /// Print the JSON Schema of the output record.
    Schema,
    /// Fine-tune a model from public data (see models/sentiment/MODEL_CARD.md).
    Train {
        #[command(subcommand)]
        model: TrainCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// The sentence sentiment model: writes model.safetensors, config.json, tokenizer.json
    /// and MODEL_CARD.md to --out (run scripts/fetch_base_model.sh first).
    Sentiment(TrainSentiment),
    /// The PERSON/LOC/ORG head over the sentiment model's hidden states: writes
    /// head.safetensors, config.json and MODEL_CARD.md to --out.
    Ner(TrainNer),
    /// The claim head over the sentiment model's sentence embeddings: writes
    /// head.safetensors, config.json, report.json and MODEL_CARD.md to --out.
    Claims(TrainClaims),
}

/// Settings of `finnews train claims`; defaults as in `finnews::train::claims::Config`.
#[derive(Debug, clap::Args)]
pub struct TrainClaims {
    /// Labeled articles to fit on (gold format).
    #[arg(long, default_value = "corpus/gold/train.jsonl")]
    pub gold: PathBuf,
    /// Where the head is written.
    #[arg(long, default_value = "models/claims")]
    pub out: PathBuf,
    /// Labeled articles scored once the head is fixed (never fitted or tuned on).
    #[arg(long)]
    pub measure: Option<PathBuf>,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Cross-validation folds (grouped by article).
    #[arg(long)]
    pub folds: Option<usize>,
    /// Full-batch steps per fit.
    #[arg(long)]
    pub steps: Option<usize>,
    /// L2 penalties to try (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub l2: Vec<f64>,
    /// Hidden units to try (comma-separated; 0 is a linear head).
    #[arg(long, value_delimiter = ',')]
    pub hidden: Vec<usize>,
    /// No progress messages.
    #[arg(short, long)]
    pub quiet: bool,
}

impl TrainClaims {
    /// The training configuration these arguments describe.
    pub fn config(&self) -> finnews::train::claims::Config {
        let d = finnews::train::claims::Config::default();
        finnews::train::claims::Config {
            gold: self.gold.clone(),
            out: self.out.clone(),
            measure: self.measure.clone(),
            seed: self.seed,
            folds: self.folds.unwrap_or(d.folds),
            steps: self.steps.unwrap_or(d.steps),
            l2: if self.l2.is_empty() {
                d.l2.clone()
            } else {
                self.l2.clone()
            },
            hidden: if self.hidden.is_empty() {
                d.hidden.clone()
            } else {
                self.hidden.clone()
            },
            verbose: !self.quiet,
            ..d
        }
    }
}

/// Settings of `finnews train ner`; defaults as in `finnews::train::ner::Config`.
#[derive(Debug, clap::Args)]
pub struct TrainNer {
    /// The folder of public data sets (finer-ord/).
    #[arg(long, default_value = "../shared/data")]
    pub data_dir: PathBuf,
    /// The encoder whose hidden states the head reads.
    #[arg(long, default_value = "models/sentiment")]
    pub encoder: PathBuf,
    /// Where the head is written.
    #[arg(long, default_value = "models/ner")]
    pub out: PathBuf,
    /// Also train on the PERSON/LOC/ORG mentions of this gold-format file (repeatable).
    #[arg(long)]
    pub gold: Vec<PathBuf>,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Words per step.
    #[arg(long)]
    pub batch_size: Option<usize>,
    #[arg(long)]
    pub lr: Option<f64>,
    /// Width of the head's hidden layer.
    #[arg(long)]
    pub inner: Option<usize>,
    #[arg(long)]
    pub dropout: Option<f64>,
    /// Dropout on the head's inputs.
    #[arg(long)]
    pub input_dropout: Option<f64>,
    /// Loss weight of the O tag.
    #[arg(long)]
    pub o_weight: Option<f64>,
    /// The encoder layers the head reads, comma-separated (1 = the first).
    #[arg(long, value_delimiter = ',')]
    pub layers: Vec<usize>,
    /// Write held-out and val predictions here (JSON Lines), for error analysis.
    #[arg(long)]
    pub predictions: Option<PathBuf>,
    /// No progress messages.
    #[arg(short, long)]
    pub quiet: bool,
}

impl TrainNer {
    /// The training configuration these arguments describe.
    pub fn config(&self) -> finnews::train::ner::Config {
        let d = finnews::train::ner::Config::default();
        finnews::train::ner::Config {
            data_dir: self.data_dir.clone(),
            encoder: self.encoder.clone(),
            out: self.out.clone(),
            gold: self.gold.clone(),
            seed: self.seed,
            epochs: self.epochs.unwrap_or(d.epochs),
            batch_size: self.batch_size.unwrap_or(d.batch_size),
            lr: self.lr.unwrap_or(d.lr),
            inner: self.inner.unwrap_or(d.inner),
            dropout: self.dropout.unwrap_or(d.dropout),
            input_dropout: self.input_dropout.unwrap_or(d.input_dropout),
            o_weight: self.o_weight.unwrap_or(d.o_weight),
            layers: if self.layers.is_empty() {
                d.layers
            } else {
                self.layers.clone()
            },
            predictions: self.predictions.clone(),
            verbose: !self.quiet,
            ..d
        }
    }
}

/// Settings of `finnews train sentiment`; defaults as in `finnews::train::Config`.
#[derive(Debug, clap::Args)]
pub struct TrainSentiment {
    /// The folder of public data sets (fpb/, semeval2017t5/, fiqa/).
    #[arg(long, default_value = "../shared/data")]
    pub data_dir: PathBuf,
    /// The pretrained model folder (written by scripts/fetch_base_model.sh).
    #[arg(long, default_value = ".cache/base-model")]
    pub base_model: PathBuf,
    /// Where the fine-tuned model is written.
    #[arg(long, default_value = "models/sentiment")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(long)]
    pub epochs: Option<usize>,
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Word pieces per training sentence.
    #[arg(long)]
    pub max_tokens: Option<usize>,
    /// Peak learning rate of the encoder.
    #[arg(long)]
    pub lr: Option<f64>,
    /// Peak learning rate of the classification head.
    #[arg(long)]
    pub lr_head: Option<f64>,
    /// Also train on SemEval-2017 task 5 headlines.
    #[arg(long)]
    pub semeval: bool,
    /// Also train on FiQA 2018 headlines.
    #[arg(long)]
    pub fiqa: bool,
    /// Also train on the sentences of this gold-format file (repeatable).
    #[arg(long)]
    pub gold: Vec<PathBuf>,
    /// Stop each epoch after this many steps (quick trials).
    #[arg(long)]
    pub max_steps: Option<usize>,
    /// No progress messages.
    #[arg(short, long)]
    pub quiet: bool,
}

impl TrainSentiment {
    /// The training configuration these arguments describe.
    pub fn config(&self) -> finnews::train::Config {
        let d = finnews::train::Config::default();
        finnews::train::Config {
            data_dir: self.data_dir.clone(),
            base_model: self.base_model.clone(),
            out: self.out.clone(),
            seed: self.seed,
            epochs: self.epochs.unwrap_or(d.epochs),
            batch_size: self.batch_size.unwrap_or(d.batch_size),
            max_tokens: self.max_tokens.unwrap_or(d.max_tokens),
            lr_encoder: self.lr.unwrap_or(d.lr_encoder),
            lr_head: self.lr_head.unwrap_or(d.lr_head),
            semeval: self.semeval,
            fiqa: self.fiqa,
            gold: self.gold.clone(),
            max_steps: self.max_steps,
            verbose: !self.quiet,
            ..d
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// Labeled articles in the gold format of labels.md.
    Gold,
    /// Financial PhraseBank TSV: text, label, agree.
    Phrasebank,
    /// FiNER-ORD token CSV.
    FinerOrd,
    /// JSON Lines of {"text", "sentences": [...]}.
    Sentences,
}

/// Whether progress should be drawn: asked for, or standard error is a terminal and not quiet.
pub fn show_progress(quiet: bool, forced: bool) -> bool {
    forced || (!quiet && std::io::stderr().is_terminal())
}
