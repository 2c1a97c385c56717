//! Claims: `Document.sentences` -> each sentence's `claim`.

use crate::document::Document;
use crate::error::Result;
use crate::pipeline::Stage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {}

pub struct Cues {}

impl Cues {
    pub fn new(_config: &Config) -> Result<Self> {
        Ok(Cues {})
    }
}

impl Stage for Cues {
    fn name(&self) -> &'static str {
        "claims"
    }
    fn apply(&self, _doc: &mut Document) -> Result<()> {
        Ok(())
    }
}
