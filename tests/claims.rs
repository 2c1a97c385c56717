//! Integration tests: claims.
