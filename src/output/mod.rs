//! Output: a processed [`Document`](crate::Document) -> one JSON object (a line of JSON Lines).
//!
//! Offsets leave the pipeline here: spans are byte ranges inside the library and Unicode code
//! points in every record, as `labels.md` defines them.

mod offsets;
pub mod record;

pub use offsets::CharIndex;
pub use record::{SCHEMA, SCHEMA_VERSION, write_error, write_record};
