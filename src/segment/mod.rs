//! Segmentation: article text -> sections (headings) -> sentences.

pub mod sections;
pub mod sentences;
