//! Sentences: `Document.sections` -> `Document.sentences`.

use crate::document::Document;
use crate::error::Result;
use crate::pipeline::Stage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {}

pub struct Sentences {}

impl Sentences {
    pub fn new(_config: &Config) -> Self {
        Sentences {}
    }
}

impl Stage for Sentences {
    fn name(&self) -> &'static str {
        "sentences"
    }
    fn apply(&self, _doc: &mut Document) -> Result<()> {
        Ok(())
    }
}
