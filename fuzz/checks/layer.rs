//! The checks of the `layer` fuzz target.

use ttpmap_navigator::{Layer, LayerFile};

/// What reading the input gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Not UTF-8.
    NotText,
    /// Refused with this error message.
    Refused(String),
    /// Read, with this many layers and findings.
    Read { layers: usize, findings: usize },
}

/// Read arbitrary bytes as a layer file. When it reads, the layers written
/// as format 4.5 must read back equal, writing must be deterministic, and
/// validation and diffing must not panic.
pub fn run(data: &[u8]) -> Verdict {
    let Ok(text) = std::str::from_utf8(data) else {
        return Verdict::NotText;
    };
    let file = match LayerFile::from_str(text) {
        Ok(file) => file,
        Err(e) => return Verdict::Refused(e.to_string()),
    };
    let written = file.to_json();
    let again = LayerFile::from_str(&written)
        .unwrap_or_else(|e| panic!("written layers do not read back: {e}\n{written}"));
    assert_eq!(
        again.layers, file.layers,
        "round trip changed the layers\n{written}"
    );
    assert_eq!(again.to_json(), written, "writing is not deterministic");
    for layer in &file.layers {
        let _ = layer.validate();
        assert!(layer.diff(layer).is_empty(), "a layer differs from itself");
        let _ = Layer::from_json(&layer.to_json());
    }
    Verdict::Read {
        layers: file.layers.len(),
        findings: file.findings().count(),
    }
}
