//! Integration tests: entities.
