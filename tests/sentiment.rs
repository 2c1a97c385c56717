//! Integration tests: sentiment.
