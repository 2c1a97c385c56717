//! The command line: arguments -> a command of the library, and the exit status.

use clap::{Parser, Subcommand, ValueEnum};
use finnews::train::{self, claims, ner};
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
        /// No progress bar.
        #[arg(short, long)]
        quiet: bool,
        /// Show the progress bar even when standard error is not a terminal.
        #[arg(long, conflicts_with = "quiet")]
        progress: bool,
        /// Leave the article text out of each record.
        #[arg(long)]
        no_text: bool,
        #[command(flatten)]
        pipeline: PipelineArgs,
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
        /// With `--format phrasebank`: score only the sentences `finnews train sentiment`
        /// holds out of the file (a stratified 15%, split seed 2014), the figure of the
        /// sentiment model's card.
        #[arg(long)]
        held_out: bool,
        #[command(flatten)]
        pipeline: PipelineArgs,
    },
    /// Print the JSON Schema of the output record.
    Schema,
    /// Fine-tune a model from public data (see models/sentiment/MODEL_CARD.md).
    Train {
        #[command(subcommand)]
        model: TrainCommand,
    },
}

/// How `analyze` and `eval` run the pipeline.
#[derive(Debug, clap::Args)]
pub struct PipelineArgs {
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// Rules only (lexicon sentiment, cue claims): many times faster, less accurate.
    #[arg(long)]
    pub fast: bool,
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

/// Settings of `finnews train claims`; the defaults are `claims::Config::default()`'s.
#[derive(Debug, clap::Args)]
pub struct TrainClaims {
    /// Labeled articles to fit on (gold format).
    #[arg(long, default_value_os_t = claims::Config::default().gold)]
    pub gold: PathBuf,
    /// Where the head is written.
    #[arg(long, default_value_os_t = claims::Config::default().out)]
    pub out: PathBuf,
    /// Labeled articles scored once the head is fixed (never fitted or tuned on).
    #[arg(long)]
    pub measure: Option<PathBuf>,
    #[arg(long, default_value_t = claims::Config::default().seed)]
    pub seed: u64,
    /// Cross-validation folds (grouped by article).
    #[arg(long, default_value_t = claims::Config::default().folds)]
    pub folds: usize,
    /// Full-batch steps per fit.
    #[arg(long, default_value_t = claims::Config::default().steps)]
    pub steps: usize,
    /// L2 penalties to try (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = claims::Config::default().l2)]
    pub l2: Vec<f64>,
    /// Hidden units to try (comma-separated; 0 is a linear head).
    #[arg(long, value_delimiter = ',', default_values_t = claims::Config::default().hidden)]
    pub hidden: Vec<usize>,
    /// No progress messages.
    #[arg(short, long)]
    pub quiet: bool,
}

impl TrainClaims {
    /// The training configuration these arguments describe.
    pub fn config(&self) -> claims::Config {
        claims::Config {
            gold: self.gold.clone(),
            out: self.out.clone(),
            measure: self.measure.clone(),
            seed: self.seed,
            folds: self.folds,
            steps: self.steps,
            l2: self.l2.clone(),
            hidden: self.hidden.clone(),
            verbose: !self.quiet,
            ..claims::Config::default()
        }
    }
}

/// Settings of `finnews train ner`; the defaults are `ner::Config::default()`'s.
#[derive(Debug, clap::Args)]
pub struct TrainNer {
    /// The folder of public data sets (finer-ord/).
    #[arg(long, default_value_os_t = ner::Config::default().data_dir)]
    pub data_dir: PathBuf,
    /// The encoder whose hidden states the head reads.
    #[arg(long, default_value_os_t = ner::Config::default().encoder)]
    pub encoder: PathBuf,
    /// Where the head is written.
    #[arg(long, default_value_os_t = ner::Config::default().out)]
    pub out: PathBuf,
    /// Also train on the PERSON/LOC/ORG mentions of this gold-format file (repeatable).
    #[arg(long)]
    pub gold: Vec<PathBuf>,
    #[arg(long, default_value_t = ner::Config::default().seed)]
    pub seed: u64,
    #[arg(long, default_value_t = ner::Config::default().epochs)]
    pub epochs: usize,
    /// Words per step.
    #[arg(long, default_value_t = ner::Config::default().batch_size)]
    pub batch_size: usize,
    #[arg(long, default_value_t = ner::Config::default().lr)]
    pub lr: f64,
    /// Width of the head's hidden layer.
    #[arg(long, default_value_t = ner::Config::default().inner)]
    pub inner: usize,
    #[arg(long, default_value_t = ner::Config::default().dropout)]
    pub dropout: f64,
    /// Dropout on the head's inputs.
    #[arg(long, default_value_t = ner::Config::default().input_dropout)]
    pub input_dropout: f64,
    /// Loss weight of the O tag.
    #[arg(long, default_value_t = ner::Config::default().o_weight)]
    pub o_weight: f64,
    /// The encoder layers the head reads, comma-separated (1 = the first).
    #[arg(long, value_delimiter = ',', default_values_t = ner::Config::default().layers)]
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
    pub fn config(&self) -> ner::Config {
        ner::Config {
            data_dir: self.data_dir.clone(),
            encoder: self.encoder.clone(),
            out: self.out.clone(),
            gold: self.gold.clone(),
            seed: self.seed,
            epochs: self.epochs,
            batch_size: self.batch_size,
            lr: self.lr,
            inner: self.inner,
            dropout: self.dropout,
            input_dropout: self.input_dropout,
            o_weight: self.o_weight,
            layers: self.layers.clone(),
            predictions: self.predictions.clone(),
            verbose: !self.quiet,
            ..ner::Config::default()
        }
    }
}

/// Settings of `finnews train sentiment`; the defaults are `train::Config::default()`'s.
#[derive(Debug, clap::Args)]
pub struct TrainSentiment {
    /// The folder of public data sets (fpb/, semeval2017t5/, fiqa/).
    #[arg(long, default_value_os_t = train::Config::default().data_dir)]
    pub data_dir: PathBuf,
    /// The pretrained model folder (written by scripts/fetch_base_model.sh).
    #[arg(long, default_value_os_t = train::Config::default().base_model)]
    pub base_model: PathBuf,
    /// Where the fine-tuned model is written.
    #[arg(long, default_value_os_t = train::Config::default().out)]
    pub out: PathBuf,
    #[arg(long, default_value_t = train::Config::default().seed)]
    pub seed: u64,
    #[arg(long, default_value_t = train::Config::default().epochs)]
    pub epochs: usize,
    #[arg(long, default_value_t = train::Config::default().batch_size)]
    pub batch_size: usize,
    /// Word pieces per training sentence.
    #[arg(long, default_value_t = train::Config::default().max_tokens)]
    pub max_tokens: usize,
    /// Peak learning rate of the encoder.
    #[arg(long, default_value_t = train::Config::default().lr_encoder)]
    pub lr: f64,
    /// Peak learning rate of the classification head.
    #[arg(long, default_value_t = train::Config::default().lr_head)]
    pub lr_head: f64,
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
    pub fn config(&self) -> train::Config {
        train::Config {
            data_dir: self.data_dir.clone(),
            base_model: self.base_model.clone(),
            out: self.out.clone(),
            seed: self.seed,
            epochs: self.epochs,
            batch_size: self.batch_size,
            max_tokens: self.max_tokens,
            lr_encoder: self.lr,
            lr_head: self.lr_head,
            semeval: self.semeval,
            fiqa: self.fiqa,
            gold: self.gold.clone(),
            max_steps: self.max_steps,
            verbose: !self.quiet,
            ..train::Config::default()
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
