//! One integration test binary, a module per area.

mod util;

mod claims;
mod claims_model;
mod cli;
mod corpus;
mod encoder;
mod entities;
mod eval;
mod load;
mod segment;
mod sentiment;
