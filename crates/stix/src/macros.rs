//! The macro that defines every STIX object struct.
//!
//! Each struct gets typed public fields (required ones bare, optional ones in
//! `Option`), an ordered `extra` map for properties the model does not know,
//! a single-pass serde implementation that keeps unknown properties and
//! rejects duplicates, and a builder that fills defaults and refuses to build
//! without the required properties.

/// The JSON name of a property: the field name, or its rename.
macro_rules! prop_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident, $rename:literal) => {
        $rename
    };
}

/// The field type of a required or optional property.
macro_rules! field_type {
    (required $t:ty) => { $t };
    (optional $t:ty) => { Option<$t> };
}

/// Take a field out of a partial object, failing on a missing required one.
macro_rules! take_field {
    (required $v:expr, $name:expr, $err:ident) => {
        match $v {
            Some(v) => v,
            None => return Err($err::missing_field($name)),
        }
    };
    (optional $v:expr, $name:expr, $err:ident) => {
        $v
    };
}

/// Serialize a required or optional field.
macro_rules! ser_field {
    (required $map:ident, $name:expr, $v:expr) => {
        $map.serialize_entry($name, $v)?;
    };
    (optional $map:ident, $name:expr, $v:expr) => {
        if let Some(v) = $v {
            $map.serialize_entry($name, v)?;
        }
    };
}

/// Wrap a field value for a builder field.
macro_rules! built_field {
    (required $v:expr, $ty:expr, $name:expr) => {
        match $v {
            Some(v) => v,
            None => {
                return Err(crate::Error::MissingProperty {
                    object_type: $ty,
                    property: $name,
                })
            }
        }
    };
    (optional $v:expr, $ty:expr, $name:expr) => {
        $v
    };
}

/// Define a STIX object struct. See the module documentation.
macro_rules! stix_struct {
    (
        $(#[$meta:meta])*
        struct $name:ident = $stix_type:literal, $kind:ident, builder $builder:ident {
            $(
                $(#[$fmeta:meta])*
                $req:ident $field:ident $(as $rename:literal)? : $fty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: field_type!($req $fty), )*
            /// Properties this model does not define (custom properties such
            /// as ATT&CK's `x_mitre_*`), in the order they were read.
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        has_id!($kind, $name);

        impl $name {
            /// The STIX type name (for embedded types, the specification's
            /// name of the type).
            pub const TYPE: &'static str = $stix_type;

            /// A builder for this object; see its `build` method for the
            /// defaults it fills in.
            pub fn builder() -> $builder {
                $builder::default()
            }

            /// The names of the properties this model types, in output order
            /// (after `type`).
            pub const PROPERTIES: &'static [&'static str] = &[$(prop_name!($field $(, $rename)?)),*];
        }

        #[doc = concat!("Builds a [`", stringify!($name), "`].")]
        ///
        /// Setters take `&mut self` and return the builder, so calls chain;
        /// `build` validates and can be called again.
        #[derive(Debug, Clone, Default)]
        pub struct $builder {
            $( $field: Option<$fty>, )*
            extra: serde_json::Map<String, serde_json::Value>,
        }

        impl $builder {
            $(
                #[doc = concat!("Set `", prop_name!($field $(, $rename)?), "`.")]
                pub fn $field(&mut self, value: impl Into<$fty>) -> &mut Self {
                    self.$field = Some(value.into());
                    self
                }
            )*

            /// Set a custom property. The name should follow the
            /// specification's rules (`x_<source>_<name>`, lowercase ASCII).
            pub fn custom_property(
                &mut self,
                name: impl Into<String>,
                value: impl Into<serde_json::Value>,
            ) -> &mut Self {
                self.extra.insert(name.into(), value.into());
                self
            }

            /// Build the object, filling the defaults of its kind (for SDOs and
            /// SROs a UUIDv4 `id`, `spec_version` 2.1, `created` now and
            /// `modified` equal to `created`; for SCOs the deterministic UUIDv5
            /// `id`) and checking that every required property is set.
            ///
            /// # Errors
            ///
            /// [`Error::MissingProperty`](crate::Error::MissingProperty) when a
            /// required property was not set. Run `validate` on the result for
            /// the specification's other rules.
            pub fn build(&self) -> crate::Result<$name> {
                #[allow(unused_mut)]
                let mut b = self.clone();
                apply_defaults!($kind, b, $stix_type);
                let object = $name {
                    $( $field: built_field!($req b.$field, $stix_type, prop_name!($field $(, $rename)?)), )*
                    extra: b.extra,
                };
                Ok(object)
            }

            #[allow(dead_code)]
            fn to_map(&self) -> serde_json::Map<String, serde_json::Value> {
                let mut map = serde_json::Map::new();
                $(
                    if let Some(v) = &self.$field {
                        if let Ok(v) = serde_json::to_value(v) {
                            map.insert(prop_name!($field $(, $rename)?).to_owned(), v);
                        }
                    }
                )*
                for (k, v) in &self.extra {
                    map.insert(k.clone(), v.clone());
                }
                map
            }
        }

        const _: () = {
            use serde::de::Error as _;

            #[derive(Default)]
            pub struct Partial {
                $( $field: Option<$fty>, )*
                extra: serde_json::Map<String, serde_json::Value>,
            }

            impl crate::object::fields::Fields for $name {
                type Partial = Partial;
                const TYPE: &'static str = $stix_type;

                fn accept<'de, D: serde::Deserializer<'de>>(
                    partial: &mut Partial,
                    key: &str,
                    value: D,
                ) -> Result<(), D::Error> {
                    match key {
                        $(
                            prop_name!($field $(, $rename)?) => {
                                if partial.$field.is_some() {
                                    return Err(D::Error::custom(
                                        crate::object::fields::DuplicateProperty(prop_name!($field $(, $rename)?)),
                                    ));
                                }
                                partial.$field = Some(serde::Deserialize::deserialize(value)?);
                                Ok(())
                            }
                        )*
                        _ => crate::object::fields::accept_other(
                            &mut partial.extra,
                            key,
                            value,
                            type_opt!($kind, $stix_type),
                        ),
                    }
                }

                fn finish<E: serde::de::Error>(partial: Partial) -> Result<Self, E> {
                    let object = $name {
                        $( $field: take_field!($req partial.$field, prop_name!($field $(, $rename)?), E), )*
                        extra: partial.extra,
                    };
                    finish_check!($kind, object, $stix_type, E);
                    Ok(object)
                }
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    crate::object::fields::deserialize_fields::<$name, D>(d)
                }
            }

            impl serde::Serialize for $name {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap;
                    let mut map = s.serialize_map(None)?;
                    if let Some(t) = type_opt!($kind, $stix_type) {
                        map.serialize_entry("type", t)?;
                    }
                    $( ser_field!($req map, prop_name!($field $(, $rename)?), &self.$field); )*
                    for (k, v) in &self.extra {
                        map.serialize_entry(k, v)?;
                    }
                    map.end()
                }
            }
        };
    };
}

/// The `type` property an object kind carries (none for embedded types).
macro_rules! type_opt {
    (sub, $t:literal) => {
        None::<&str>
    };
    ($k:ident, $t:literal) => {
        Some($t)
    };
}

/// `HasId` for the kinds with an `id`.
macro_rules! has_id {
    (sub, $name:ident) => {};
    ($k:ident, $name:ident) => {
        impl crate::version::HasId for $name {
            fn id(&self) -> &crate::Identifier {
                &self.id
            }
        }
    };
}

/// Checks run when an object has been read.
macro_rules! finish_check {
    (sub, $o:ident, $t:literal, $e:ident) => {};
    ($k:ident, $o:ident, $t:literal, $e:ident) => {
        crate::object::fields::check_id_type::<$e>(&$o.id, $t)?;
    };
}

/// Fill the defaults of an object kind into a builder.
macro_rules! apply_defaults {
    (sdo, $b:ident, $ty:expr) => {
        if $b.id.is_none() {
            $b.id = Some(crate::Identifier::new_v4($ty)?);
        }
        if $b.spec_version.is_none() {
            $b.spec_version = Some(crate::SPEC_VERSION.to_owned());
        }
        if $b.created.is_none() {
            $b.created = Some(match &$b.modified {
                Some(m) => m.clone(),
                None => crate::Timestamp::now(),
            });
        }
        if $b.modified.is_none() {
            $b.modified = $b.created.clone();
        }
    };
    (marking, $b:ident, $ty:expr) => {
        if $b.id.is_none() {
            $b.id = Some(crate::Identifier::new_v4($ty)?);
        }
        if $b.spec_version.is_none() {
            $b.spec_version = Some(crate::SPEC_VERSION.to_owned());
        }
        if $b.created.is_none() {
            $b.created = Some(crate::Timestamp::now());
        }
    };
    (sco, $b:ident, $ty:expr) => {
        if $b.spec_version.is_none() {
            $b.spec_version = Some(crate::SPEC_VERSION.to_owned());
        }
        if $b.id.is_none() {
            $b.id = Some(crate::sco_id::deterministic_id($ty, &$b.to_map())?);
        }
    };
    (sub, $b:ident, $ty:expr) => {};
}

/// Define an SDO: the common SDO properties followed by its own.
macro_rules! sdo {
    (
        $(#[$meta:meta])*
        struct $name:ident = $stix_type:literal, builder $builder:ident {
            $($fields:tt)*
        }
    ) => {
        stix_struct! {
            $(#[$meta])*
            struct $name = $stix_type, sdo, builder $builder {
                /// The identifier, `<type>--<uuid>`.
                required id: crate::Identifier,
                /// The STIX version, `"2.1"` (absent in STIX 2.0 content).
                optional spec_version: String,
                /// When this object was first created.
                required created: crate::Timestamp,
                /// When this version of the object was created.
                required modified: crate::Timestamp,
                /// The identity that created the object.
                optional created_by_ref: crate::Identifier,
                /// Whether the object has been revoked.
                optional revoked: bool,
                /// Terms describing the object.
                optional labels: Vec<String>,
                /// Confidence in the correctness of the object, 0–100.
                optional confidence: i64,
                /// Language of the text properties (RFC 5646).
                optional lang: String,
                /// References to non-STIX information.
                optional external_references: Vec<crate::ExternalReference>,
                /// Marking definitions that apply to the whole object.
                optional object_marking_refs: Vec<crate::Identifier>,
                /// Marking definitions that apply to parts of the object.
                optional granular_markings: Vec<crate::GranularMarking>,
                /// Extensions, keyed by extension-definition id or `*-ext` name.
                optional extensions: crate::Extensions,
                $($fields)*
            }
        }

        impl crate::object::Versioned for $name {
            fn created(&self) -> &crate::Timestamp { &self.created }
            fn modified(&self) -> &crate::Timestamp { &self.modified }
            fn set_modified(&mut self, modified: crate::Timestamp) { self.modified = modified; }
            fn revoked(&self) -> bool { self.revoked == Some(true) }
            fn set_revoked(&mut self) { self.revoked = Some(true); }
        }
    };
}

/// Define an SCO: the common SCO properties followed by its own, and the
/// names of its ID contributing properties.
macro_rules! sco {
    (
        $(#[$meta:meta])*
        struct $name:ident = $stix_type:literal, builder $builder:ident,
        id_contributing [$($contrib:literal),*] {
            $($fields:tt)*
        }
    ) => {
        stix_struct! {
            $(#[$meta])*
            struct $name = $stix_type, sco, builder $builder {
                /// The identifier; a UUIDv5 over the ID contributing properties.
                required id: crate::Identifier,
                /// The STIX version, `"2.1"`.
                optional spec_version: String,
                /// Marking definitions that apply to the whole object.
                optional object_marking_refs: Vec<crate::Identifier>,
                /// Marking definitions that apply to parts of the object.
                optional granular_markings: Vec<crate::GranularMarking>,
                /// Whether values were defanged.
                optional defanged: bool,
                /// Extensions, keyed by `*-ext` name or extension-definition id.
                optional extensions: crate::Extensions,
                $($fields)*
            }
        }

        impl $name {
            /// The ID contributing properties of this SCO type.
            pub const ID_CONTRIBUTING: &'static [&'static str] = &[$($contrib),*];
        }
    };
}
