//! Segmentation: article text -> sections (headings) -> sentences.
//!
//! ```text
//! "Chip stocks rallied.\nWhat Happened\nNvidia rose 3%. AMD gained."
//!     -> sections  [lead 0..20, "What Happened" 21..62]
//!     -> sentences ["Chip stocks rallied." (0), "Nvidia rose 3%." (1), "AMD gained." (1)]
//! ```
//!
//! `lines` reads the layout both stages share (indentation, wrap width, list markers),
//! [`sections`] finds the headings, and [`sentences`] splits each section's body; its
//! [`sentences::split`] also works on any text without a document.

mod abbrev;
pub(crate) mod lines;
pub mod sections;
pub mod sentences;

pub use sentences::split;
