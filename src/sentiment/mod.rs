//! Sentiment: `Document.sentences` -> each sentence's `sentiment`.

use crate::document::Document;
use crate::error::Result;
use crate::pipeline::Stage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {}

pub struct Lexicon {}

impl Lexicon {
    pub fn new(_config: &Config) -> Result<Self> {
        Ok(Lexicon {})
    }
}

impl Stage for Lexicon {
    fn name(&self) -> &'static str {
        "sentiment"
    }
    fn apply(&self, _doc: &mut Document) -> Result<()> {
        Ok(())
    }
}
