//! Validation against the STIX 2.1 specification (placeholder module root;
//! filled in by the validation work).
