//! Integration tests of ttpmap-navigator.
mod read;
