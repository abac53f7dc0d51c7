//! Integration tests of ttpmap-navigator.
mod read;
mod data;
mod kb;
