//! Entities: `Document.sentences` -> `Document.entities` (and each sentence's entity indexes).

use crate::document::Document;
use crate::error::Result;
use crate::pipeline::Stage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {}

pub struct Entities {}

impl Entities {
    pub fn new(_config: &Config) -> Result<Self> {
        Ok(Entities {})
    }
}

impl Stage for Entities {
    fn name(&self) -> &'static str {
        "entities"
    }
    fn apply(&self, _doc: &mut Document) -> Result<()> {
        Ok(())
    }
}
