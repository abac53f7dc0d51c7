//! Integration tests of ttpmap-attack.

mod oracle;
mod sample;
