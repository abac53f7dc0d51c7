//! Integration tests of ttpmap-attack.

mod domains;
mod oracle;
mod sample;
