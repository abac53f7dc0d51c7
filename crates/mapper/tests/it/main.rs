//! Integration tests of ttpmap-mapper.
mod mapping;
mod read;
mod route;
