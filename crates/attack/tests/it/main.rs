//! Integration tests of ttpmap-attack.

mod diff;
mod domains;
mod oracle;
mod sample;
