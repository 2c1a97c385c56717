//! finnews: financial news articles in, structured evidence-linked JSON out.
//!
//! The data flow, one module a step:
//!
//! ```text
//! load -> segment (sections, sentences) -> entities -> sentiment -> claims -> aggregate -> output
//! ```
//!
//! with `eval` beside it, running the same pipeline against gold labels.

pub mod aggregate;
pub mod claims;
pub mod document;
pub mod encoder;
pub mod entities;
pub mod error;
pub mod eval;
pub mod load;
pub mod output;
pub mod pipeline;
pub mod run;
pub mod segment;
pub mod sentiment;
pub mod train;

pub use document::{Document, Span};
pub use error::{Error, Result};
pub use pipeline::{Pipeline, Stage};
