//! Integration tests of ttpmap-mapper.
mod ioc;
mod mapping;
mod read;
mod route;
mod text;
