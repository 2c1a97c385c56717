//! Evaluation: gold-labeled articles -> the pipeline's predictions -> metrics per stage.
//!
//! The same [`Pipeline`] that `analyze` runs is run on the text of every labeled article, and
//! what it finds is compared with the labels (the metrics of `labels.md`):
//!
//! ```text
//! gold.jsonl --read--> Document(text) --Pipeline::run--> predictions
//!            \-----------------------------------------> compare -> Report (table or JSON)
//! ```
//!
//! ```no_run
//! use finnews::eval::{evaluate, Format};
//! let pipeline = finnews::Pipeline::default_pipeline()?;
//! let report = evaluate("gold.jsonl".as_ref(), Format::Gold, &pipeline)?;
//! report.write_table(&mut std::io::stdout().lock())?;
//! # Ok::<(), finnews::Error>(())
//! ```
//!
//! Besides the gold format, [`Format`] names public data sets read by [`adapters`], so that our
//! numbers can be set beside published ones. Scoring conventions (zero division, unmatched
//! sentences, macro averages) are documented in [`metrics`], [`gold`] and `docs/eval.md`.

pub mod adapters;
pub mod gold;
pub mod metrics;
pub mod report;

pub use report::{Failure, Report};

use crate::document::Document;
use crate::error::{Error, Result};
use crate::pipeline::Pipeline;
use gold::{GoldRecord, Tally};
use rayon::prelude::*;
use std::path::Path;

/// The formats `evaluate` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Labeled articles, JSON Lines as `labels.md` defines them.
    Gold,
    /// Financial PhraseBank TSV with a header `text\tlabel\tagree`.
    Phrasebank,
    /// FiNER-ORD token CSV: `gold_label,gold_token,doc_idx,sent_idx`.
    FinerOrd,
    /// JSON Lines of `{"text": ..., "sentences": [...]}`, for the sentence splitter.
    Sentences,
}

impl Format {
    pub const ALL: [Format; 4] = [
        Format::Gold,
        Format::Phrasebank,
        Format::FinerOrd,
        Format::Sentences,
    ];

    /// The name used on the command line and in the report's `format` key.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Gold => "gold",
            Format::Phrasebank => "phrasebank",
            Format::FinerOrd => "finer-ord",
            Format::Sentences => "sentences",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Format::ALL.into_iter().find(|f| f.as_str() == s).ok_or_else(|| {
            Error::Invalid(format!(
                "unknown evaluation format {s:?} (expected gold, phrasebank, finer-ord or sentences)"
            ))
        })
    }
}

/// Reads `path` in `format`, runs `pipeline` over its documents (in parallel, on rayon's
/// pool) and scores the predictions. A document the pipeline fails on is scored as if nothing
/// had been found in it and is listed in [`Report::failures`]; a file that cannot be read or
/// parsed is an error.
pub fn evaluate(path: &Path, format: Format, pipeline: &Pipeline) -> Result<Report> {
    match format {
        Format::Gold => Ok(evaluate_gold(&gold::read(path)?, pipeline)),
        Format::Phrasebank => adapters::phrasebank(path, pipeline, None),
        Format::FinerOrd => adapters::finer_ord(path, pipeline),
        Format::Sentences => adapters::sentences(path),
    }
}

/// The split `finnews train sentiment` holds out of Financial PhraseBank: a stratified
/// `fraction` of every (label, agreement) group, chosen by `seed`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeldOut {
    pub fraction: f64,
    pub seed: u64,
}

impl Default for HeldOut {
    /// The trainer's default split, the one the shipped sentiment model was validated on.
    fn default() -> Self {
        let config = crate::train::Config::default();
        HeldOut {
            fraction: config.validation_fraction,
            seed: config.split_seed,
        }
    }
}

/// Financial PhraseBank TSV -> the scores of only the sentences `split` holds out: the
/// sentiment model's fair figure on the file it was trained on.
pub fn evaluate_held_out(path: &Path, split: HeldOut, pipeline: &Pipeline) -> Result<Report> {
    adapters::phrasebank(path, pipeline, Some(split))
}

/// Scores the pipeline on gold records already read.
pub fn evaluate_gold(records: &[GoldRecord], pipeline: &Pipeline) -> Report {
    let scored: Vec<(Tally, Option<Failure>)> = records
        .par_iter()
        .map(|record| {
            let mut doc = record.document();
            let failure = pipeline.run(&mut doc).err().map(|e| {
                let failure = Failure {
                    id: doc.id.clone(),
                    error: e.to_string(),
                };
                doc = record.document();
                failure
            });
            (gold::score(&record.article, &doc), failure)
        })
        .collect();
    let mut total = Tally::default();
    let mut failures = Vec::new();
    for (tally, failure) in &scored {
        total.merge(tally);
        failures.extend(failure.clone());
    }
    Report::from_tally(records.len(), failures, total)
}

/// A file's text; a missing file is [`Error::MissingInput`].
pub(crate) fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::MissingInput {
            path: path.to_path_buf(),
        },
        _ => Error::Io {
            path: path.to_path_buf(),
            source,
        },
    })
}

/// Runs the pipeline on each document in parallel, keeping their order; a document the
/// pipeline fails on comes back with no predictions, and its failure is listed.
pub(crate) fn run_all(pipeline: &Pipeline, docs: Vec<Document>) -> (Vec<Document>, Vec<Failure>) {
    let results: Vec<(Document, Option<Failure>)> = docs
        .into_par_iter()
        .map(|mut doc| match pipeline.run(&mut doc) {
            Ok(()) => (doc, None),
            Err(e) => {
                let failure = Failure {
                    id: doc.id.clone(),
                    error: e.to_string(),
                };
                let fresh = Document::new(doc.id, doc.text, doc.origin, doc.format);
                (fresh, Some(failure))
            }
        })
        .collect();
    let mut failures = Vec::new();
    let docs = results
        .into_iter()
        .map(|(doc, failure)| {
            failures.extend(failure);
            doc
        })
        .collect();
    (docs, failures)
}
