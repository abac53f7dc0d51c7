//! Integration tests of the `ttpmap` binary: each runs the built program in a
//! temporary folder. Modules mirror `src/`.

mod args;
mod attack;
mod layer;
mod map;
mod stix;
mod util;
