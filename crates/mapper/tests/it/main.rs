//! Integration tests of ttpmap-mapper.
mod engine;
mod ioc;
mod mapping;
mod read;
mod route;
mod sigma;
mod text;
