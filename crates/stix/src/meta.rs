//! Meta objects (spec §7): marking definitions, language content and
//! extension definitions.

use serde_json::{Map, Value};

use crate::{ExternalReference, GranularMarking, Identifier, Timestamp};

stix_struct! {
    /// A data marking: a statement (copyright, terms of use) or a TLP level.
    /// Marking definitions are not versioned: they have no `modified`.
    ///
    /// The predefined TLP markings are in [`crate::tlp`].
    struct MarkingDefinition = "marking-definition", marking, builder MarkingDefinitionBuilder {
        /// The identifier.
        required id: Identifier,
        /// The STIX version.
        optional spec_version: String,
        /// When the marking was created.
        required created: Timestamp,
        /// The identity that created the marking.
        optional created_by_ref: Identifier,
        /// References to non-STIX information.
        optional external_references: Vec<ExternalReference>,
        /// Markings that apply to this marking.
        optional object_marking_refs: Vec<Identifier>,
        /// Markings of parts of this marking.
        optional granular_markings: Vec<GranularMarking>,
        /// Extensions (TLP 2.0 markings use one).
        optional extensions: crate::Extensions,
        /// A name, e.g. `TLP:GREEN`.
        optional name: String,
        /// `statement` or `tlp` (deprecated in favour of extensions).
        optional definition_type: String,
        /// The definition: `{"statement": …}` or `{"tlp": …}`.
        optional definition: Map<String, Value>,
    }
}

sdo! {
    /// Translations of an object's text properties.
    struct LanguageContent = "language-content", builder LanguageContentBuilder {
        /// The object translated.
        required object_ref: Identifier,
        /// The version (`modified`) of the object translated.
        optional object_modified: Timestamp,
        /// Language tag → property → translation.
        required contents: Map<String, Value>,
    }
}

sdo! {
    /// The definition of a STIX extension (new object type or new properties).
    struct ExtensionDefinition = "extension-definition", builder ExtensionDefinitionBuilder {
        /// The name.
        required name: String,
        /// More details.
        optional description: String,
        /// The JSON schema, or a URL to it, or a description.
        required schema: String,
        /// The extension's version (semantic versioning).
        required version: String,
        /// `new-sdo`, `new-sco`, `new-sro`, `property-extension` or
        /// `toplevel-property-extension`.
        required extension_types: Vec<String>,
        /// For `toplevel-property-extension`, the properties it adds.
        optional extension_properties: Vec<String>,
    }
}
