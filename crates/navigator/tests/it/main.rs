//! Integration tests of ttpmap-navigator.
mod data;
mod kb;
mod read;
mod svg;
mod table;
