//! Integration tests: segment.
