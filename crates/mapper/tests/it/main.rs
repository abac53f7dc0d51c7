//! Integration tests of ttpmap-mapper.
mod mapping;
