//! The pipeline: stages run in order over each document, documents in parallel.
//!
//! `Document` (text only) -> sections -> sentences -> entities -> sentiment -> claims ->
//! aggregate -> `Document` (everything filled in). Each stage edits the document in place.

use crate::document::Document;
use crate::error::{Error, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// One step of the pipeline. A stage reads what earlier stages wrote and adds its own part.
pub trait Stage: Send + Sync {
    /// A short name for messages.
    fn name(&self) -> &'static str;

    /// Edits one document in place.
    fn apply(&self, doc: &mut Document) -> Result<()>;

    /// Edits many documents, one result per document. The default runs [`Stage::apply`] on
    /// each in parallel; a model stage overrides this to run one padded forward pass over the
    /// sentences of all of them.
    fn apply_batch(&self, docs: &mut [&mut Document]) -> Vec<Result<()>> {
        docs.par_iter_mut()
            .map(|doc| guarded(self.name(), doc, |d| self.apply(d)))
            .collect()
    }
}

/// [`Stage::apply_batch`] for stages that work on many documents at once: `all` runs over the
/// whole batch; if it fails, [`Stage::apply`] runs on each document alone, so that only the
/// documents that fail on their own get an error.
pub fn batch_or_each<S: Stage + ?Sized>(
    stage: &S,
    docs: &mut [&mut Document],
    all: impl FnOnce(&mut [&mut Document]) -> Result<()>,
) -> Vec<Result<()>> {
    match all(docs) {
        Ok(()) => docs.iter().map(|_| Ok(())).collect(),
        Err(_) => docs.iter_mut().map(|d| stage.apply(d)).collect(),
    }
}

/// Runs `f` on a document, turning a panic into that document's error.
fn guarded(
    stage: &str,
    doc: &mut Document,
    f: impl FnOnce(&mut Document) -> Result<()>,
) -> Result<()> {
    let origin = doc.origin.to_string();
    match catch_unwind(AssertUnwindSafe(|| f(doc))) {
        Ok(result) => result,
        Err(panic) => Err(Error::Invalid(format!(
            "{origin}: internal error in the {stage} stage: {}",
            panic_message(&panic)
        ))),
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a stage panicked".to_string()
    }
}

/// Settings of every stage, as data.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Rules only: lexicon sentiment and cue claims instead of the encoder, for huge dumps.
    pub fast: bool,
    pub encoder: crate::encoder::Config,
    pub sections: crate::segment::sections::Config,
    pub sentences: crate::segment::sentences::Config,
    pub entities: crate::entities::Config,
    /// The learned PERSON/LOC/ORG recognizer of the model path, merged with the rule entities.
    pub ner: crate::entities::ner::Config,
    pub sentiment: crate::sentiment::Config,
    pub claims: crate::claims::Config,
}

/// The stages, built once (regex sets, gazetteer, lexicon) and then shared by every worker.
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
}

impl Pipeline {
    /// Builds every stage from its configuration.
    pub fn new(config: &Config) -> Result<Self> {
        let mut stages: Vec<Box<dyn Stage>> = vec![
            Box::new(crate::segment::sections::Sections::new(&config.sections)),
            Box::new(crate::segment::sentences::Sentences::new(&config.sentences)),
            Box::new(crate::entities::Entities::new(&config.entities)?),
        ];
        if config.fast {
            stages.push(Box::new(crate::sentiment::Lexicon::new(&config.sentiment)?));
            stages.push(Box::new(crate::claims::Cues::new(&config.claims)?));
        } else {
            // One encoder pass feeds the sentiment head, the claim head and the NER head.
            let mut stage = crate::encoder::ModelStage::embedded(&config.encoder, &config.claims)?;
            if config.ner.enabled {
                stage = stage.with_ner(crate::entities::ner::NerModel::embedded(&config.ner)?);
            }
            stages.push(Box::new(stage));
        }
        stages.push(Box::new(crate::aggregate::Aggregate));
        Ok(Pipeline { stages })
    }

    /// The default pipeline: the encoder for sentiment, claims and PERSON/LOC/ORG, rules for
    /// the rest.
    pub fn default_pipeline() -> Result<Self> {
        Pipeline::new(&Config::default())
    }

    /// The rules-only pipeline (`--fast`).
    pub fn fast() -> Result<Self> {
        Pipeline::new(&Config {
            fast: true,
            ..Config::default()
        })
    }

    /// Runs every stage on one document.
    pub fn run(&self, doc: &mut Document) -> Result<()> {
        for stage in &self.stages {
            guarded(stage.name(), doc, |d| stage.apply(d))?;
        }
        Ok(())
    }

    /// Runs every stage over many documents, stage by stage, so that a model stage sees all
    /// of them at once. One result per document: a document that fails a stage is skipped by
    /// the later ones, and the others go on.
    pub fn run_batch(&self, docs: &mut [Document]) -> Vec<Result<()>> {
        let mut results: Vec<Result<()>> = docs.iter().map(|_| Ok(())).collect();
        for stage in &self.stages {
            let (healthy, slots): (Vec<&mut Document>, Vec<&mut Result<()>>) = docs
                .iter_mut()
                .zip(results.iter_mut())
                .filter(|(_, r)| r.is_ok())
                .unzip();
            let mut healthy = healthy;
            if healthy.is_empty() {
                break;
            }
            let outcome = catch_unwind(AssertUnwindSafe(|| stage.apply_batch(&mut healthy)));
            match outcome {
                Ok(batch) => {
                    for (slot, r) in slots.into_iter().zip(batch) {
                        *slot = r;
                    }
                }
                // A batch that panicked is retried one document at a time, to find the culprit.
                Err(_) => {
                    for (doc, slot) in healthy.into_iter().zip(slots) {
                        *slot = guarded(stage.name(), doc, |d| stage.apply(d));
                    }
                }
            }
        }
        results
    }

    /// The stages, in order (benchmarks time them one by one).
    pub fn stages(&self) -> &[Box<dyn Stage>] {
        &self.stages
    }

    /// The stage names, in order.
    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails on any document whose text says "bad"; over a batch, fails if any does.
    struct Picky;

    impl Stage for Picky {
        fn name(&self) -> &'static str {
            "picky"
        }

        fn apply(&self, doc: &mut Document) -> Result<()> {
            if doc.text.contains("bad") {
                return Err(Error::Invalid(format!("{}: bad text", doc.id)));
            }
            doc.text.push('!');
            Ok(())
        }

        fn apply_batch(&self, docs: &mut [&mut Document]) -> Vec<Result<()>> {
            batch_or_each(self, docs, |docs| {
                if docs.iter().any(|d| d.text.contains("bad")) {
                    return Err(Error::Invalid("a bad document in the batch".into()));
                }
                for d in docs.iter_mut() {
                    d.text.push('!');
                }
                Ok(())
            })
        }
    }

    #[test]
    fn a_failing_batch_is_retried_one_document_at_a_time() {
        let mut a = Document::from_text("a", "good");
        let mut b = Document::from_text("b", "bad");
        let mut c = Document::from_text("c", "fine");
        let results = Picky.apply_batch(&mut [&mut a, &mut b, &mut c]);
        assert!(results[0].is_ok() && results[2].is_ok());
        assert!(
            results[1]
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("b: bad text")
        );
        assert_eq!((a.text.as_str(), c.text.as_str()), ("good!", "fine!"));

        let mut d = Document::from_text("d", "good");
        let mut e = Document::from_text("e", "fine");
        let results = Picky.apply_batch(&mut [&mut d, &mut e]);
        assert!(results.iter().all(Result::is_ok));
        assert_eq!((d.text.as_str(), e.text.as_str()), ("good!", "fine!"));
    }
}
