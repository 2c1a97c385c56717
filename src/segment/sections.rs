//! Sections: `Document.text` -> `Document.sections`.

use crate::document::Document;
use crate::error::Result;
use crate::pipeline::Stage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {}

pub struct Sections {}

impl Sections {
    pub fn new(_config: &Config) -> Self {
        Sections {}
    }
}

impl Stage for Sections {
    fn name(&self) -> &'static str {
        "sections"
    }
    fn apply(&self, _doc: &mut Document) -> Result<()> {
        Ok(())
    }
}
