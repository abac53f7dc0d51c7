//! The serde machinery shared by every object struct: single-pass reading
//! of known properties, unknown ones kept in order, duplicates rejected.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::Identifier;

/// Message prefixes the parse-error classifier recognises.
pub(crate) const DUPLICATE_PREFIX: &str = "duplicate property";
pub(crate) const ID_MISMATCH_PREFIX: &str = "identifier type";
pub(crate) const TYPE_MISMATCH_PREFIX: &str = "object type";

/// A struct whose properties are read one by one into a partial value.
pub(crate) trait Fields: Sized {
    /// The properties read so far.
    type Partial: Default;
    /// The STIX type name.
    const TYPE: &'static str;
    /// Read the value of property `key` into `partial`.
    fn accept<'de, D: Deserializer<'de>>(
        partial: &mut Self::Partial,
        key: &str,
        value: D,
    ) -> Result<(), D::Error>;
    /// Check the required properties and build the value.
    fn finish<E: de::Error>(partial: Self::Partial) -> Result<Self, E>;
}

/// The error message for a property given twice.
pub(crate) struct DuplicateProperty<'a>(pub &'a str);

impl fmt::Display for DuplicateProperty<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{DUPLICATE_PREFIX} `{}`", self.0)
    }
}

/// Handle a property the struct does not type: `type` is checked, anything
/// else is kept in `extra`.
pub(crate) fn accept_other<'de, D: Deserializer<'de>>(
    extra: &mut Map<String, Value>,
    key: &str,
    value: D,
    expected_type: Option<&str>,
) -> Result<(), D::Error> {
    use serde::de::Error as _;
    if let (Some(expected), "type") = (expected_type, key) {
        let found = Cow::<str>::deserialize(value)?;
        if found != expected {
            return Err(D::Error::custom(format_args!(
                "{TYPE_MISMATCH_PREFIX} `{found}` where `{expected}` was expected"
            )));
        }
        return Ok(());
    }
    let value = Value::deserialize(value)?;
    if extra.insert(key.to_owned(), value).is_some() {
        return Err(D::Error::custom(DuplicateProperty(key)));
    }
    Ok(())
}

/// Check that an object's identifier names its type.
pub(crate) fn check_id_type<E: de::Error>(id: &Identifier, object_type: &str) -> Result<(), E> {
    if id.object_type() == object_type {
        Ok(())
    } else {
        Err(E::custom(format_args!(
            "{ID_MISMATCH_PREFIX} `{}` does not match object type `{object_type}` in {id}",
            id.object_type()
        )))
    }
}

/// A property name, borrowed from the input when it has no escapes.
pub(crate) struct Key<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Reads one property's value into a partial struct.
struct FieldSeed<'a, T: Fields> {
    partial: &'a mut T::Partial,
    key: &'a str,
}

impl<'de, T: Fields> DeserializeSeed<'de> for FieldSeed<'_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        T::accept(self.partial, self.key, d)
    }
}

/// Read the remaining properties of a map into `partial` and finish.
pub(crate) fn read_rest<'de, T: Fields, A: MapAccess<'de>>(
    mut partial: T::Partial,
    mut map: A,
) -> Result<T, A::Error> {
    while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
        map.next_value_seed(FieldSeed::<T> {
            partial: &mut partial,
            key: &key,
        })?;
    }
    T::finish(partial)
}

/// Continue reading an object whose `type` has been read, after the
/// properties `before` that came ahead of it.
pub(crate) fn continue_object<'de, T: Fields, A: MapAccess<'de>>(
    object_type: &str,
    before: Vec<(String, Value)>,
    map: A,
) -> Result<T, A::Error> {
    use serde::de::Error as _;
    let mut partial = T::Partial::default();
    let type_value: de::value::StrDeserializer<'_, A::Error> =
        de::IntoDeserializer::into_deserializer(object_type);
    T::accept(&mut partial, "type", type_value)?;
    for (key, value) in before {
        T::accept(&mut partial, &key, value).map_err(A::Error::custom)?;
    }
    read_rest::<T, A>(partial, map)
}

/// `Deserialize` for a [`Fields`] struct.
pub(crate) fn deserialize_fields<'de, T: Fields, D: Deserializer<'de>>(
    d: D,
) -> Result<T, D::Error> {
    struct FieldsVisitor<T>(PhantomData<T>);
    impl<'de, T: Fields> Visitor<'de> for FieldsVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a {} object", T::TYPE)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            read_rest::<T, A>(T::Partial::default(), map)
        }
    }
    d.deserialize_map(FieldsVisitor::<T>(PhantomData))
}
