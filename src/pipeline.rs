//! The pipeline: stages run in order over each document, documents in parallel.
//!
//! `Document` (text only) -> sections -> sentences -> entities -> sentiment -> claims ->
//! aggregate -> `Document` (everything filled in). Each stage edits the document in place.

use crate::document::Document;
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// One step of the pipeline. A stage reads what earlier stages wrote and adds its own part.
pub trait Stage: Send + Sync {
    /// A short name for messages.
    fn name(&self) -> &'static str;

    /// Edits one document in place.
    fn apply(&self, doc: &mut Document) -> Result<()>;

    /// Edits many documents; a model stage overrides this to run one padded forward pass
    /// over all of their sentences. The default runs [`Stage::apply`] on each, stopping at
    /// the first error.
    fn apply_batch(&self, docs: &mut [Document]) -> Result<()> {
        docs.iter_mut().try_for_each(|doc| self.apply(doc))
    }
}

/// Settings of every stage, as data.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub sections: crate::segment::sections::Config,
    pub sentences: crate::segment::sentences::Config,
    pub entities: crate::entities::Config,
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
        let stages: Vec<Box<dyn Stage>> = vec![
            Box::new(crate::segment::sections::Sections::new(&config.sections)),
            Box::new(crate::segment::sentences::Sentences::new(&config.sentences)),
            Box::new(crate::entities::Entities::new(&config.entities)?),
            Box::new(crate::sentiment::Lexicon::new(&config.sentiment)?),
            Box::new(crate::claims::Cues::new(&config.claims)?),
            Box::new(crate::aggregate::Aggregate),
        ];
        Ok(Pipeline { stages })
    }

    /// The default pipeline.
    pub fn default_pipeline() -> Result<Self> {
        Pipeline::new(&Config::default())
    }

    /// Runs every stage on one document.
    pub fn run(&self, doc: &mut Document) -> Result<()> {
        for stage in &self.stages {
            stage.apply(doc)?;
        }
        Ok(())
    }

    /// The stage names, in order.
    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }
}
