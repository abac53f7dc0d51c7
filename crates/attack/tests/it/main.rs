//! Integration tests of ttpmap-attack.

mod data;
mod diff;
mod domains;
mod oracle;
mod sample;
