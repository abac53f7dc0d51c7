//! Small serializers that look at a value without walking into it: the
//! text and address of a dictionary key, and whether a value is an empty
//! list or dictionary. They serve the empty-container walk in `empty.rs`.

use std::fmt;

use serde::ser::{self, Impossible, Serialize, Serializer};

use super::empty::push_key;

/// The serializers never fail; serde needs an error type anyway.
#[derive(Debug)]
pub(super) struct Never;

impl fmt::Display for Never {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unreachable")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: fmt::Display>(_: T) -> Never {
        Never
    }
}

/// The scalar methods of a serializer, each answering `$ok`.
macro_rules! scalars {
    ($ok:expr) => {
        scalars!(@one $ok; serialize_bool: bool, serialize_i8: i8, serialize_i16: i16,
            serialize_i32: i32, serialize_i64: i64, serialize_u8: u8, serialize_u16: u16,
            serialize_u32: u32, serialize_u64: u64, serialize_f32: f32, serialize_f64: f64,
            serialize_char: char, serialize_bytes: &[u8], serialize_unit_struct: &'static str);
        fn serialize_none(self) -> Result<Self::Ok, Never> { Ok($ok) }
        fn serialize_unit(self) -> Result<Self::Ok, Never> { Ok($ok) }
        fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<Self::Ok, Never> { Ok($ok) }
    };
    (@one $ok:expr; $($method:ident: $ty:ty),*) => {
        $( fn $method(self, _: $ty) -> Result<Self::Ok, Never> { Ok($ok) } )*
    };
}
pub(super) use scalars;

/// The newtype methods of a serializer: look through the wrapper.
macro_rules! newtypes {
    () => {
        fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Never> {
            value.serialize(self)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<Self::Ok, Never> {
            value.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            value: &T,
        ) -> Result<Self::Ok, Never> {
            value.serialize(self)
        }
    };
}
pub(super) use newtypes;

/// The compound methods of a serializer: `$wrap($seq(self))` starts a list
/// and `$wrap($map(self))` a dictionary.
macro_rules! compounds {
    ($wrap:path; $seq:path, $map:path) => {
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Never> {
            $wrap($seq(self))
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Never> {
            $wrap($seq(self))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, Never> {
            $wrap($seq(self))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Never> {
            $wrap($seq(self))
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Never> {
            $wrap($map(self))
        }
        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, Never> {
            $wrap($map(self))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Never> {
            $wrap($map(self))
        }
    };
}
pub(super) use compounds;

/// The associated types of a serializer whose compounds are all `$c`.
macro_rules! compound_types {
    ($ok:ty, $c:ty) => {
        type Ok = $ok;
        type Error = Never;
        type SerializeSeq = $c;
        type SerializeTuple = $c;
        type SerializeTupleStruct = $c;
        type SerializeTupleVariant = $c;
        type SerializeMap = $c;
        type SerializeStruct = $c;
        type SerializeStructVariant = $c;
    };
}
pub(super) use compound_types;

/// Keys are strings: refuse anything else.
fn refuse<T>(_: T) -> Result<Impossible<usize, Never>, Never> {
    Err(Never)
}

/// A dictionary key: gives its address (to recognise a known string
/// without comparing it) and, when given a buffer, appends it to the path.
pub(super) struct KeyText<'a>(pub(super) Option<&'a mut Vec<u8>>);

impl Serializer for KeyText<'_> {
    compound_types!(usize, Impossible<usize, Never>);
    scalars!(0);
    newtypes!();
    compounds!(std::convert::identity; refuse, refuse);

    fn serialize_str(self, key: &str) -> Result<usize, Never> {
        if let Some(path) = self.0 {
            push_key(path, key);
        }
        Ok(key.as_ptr() as usize)
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, key: &T) -> Result<usize, Never> {
        if let Some(path) = self.0 {
            push_key(path, &key.to_string());
        }
        Ok(0)
    }
}

/// Tells whether a value is an empty list (`Some(false)`) or an empty
/// dictionary (`Some(true)`), without looking inside it.
pub(super) struct Probe;

/// Counts the entries of a container without looking at them.
pub(super) struct Count {
    count: usize,
    dictionary: bool,
}

fn list(_: Probe) -> Count {
    Count {
        count: 0,
        dictionary: false,
    }
}

fn dictionary(_: Probe) -> Count {
    Count {
        count: 0,
        dictionary: true,
    }
}

impl Serializer for Probe {
    compound_types!(Option<bool>, Count);
    scalars!(None);
    newtypes!();
    compounds!(Ok; list, dictionary);

    fn serialize_str(self, _: &str) -> Result<Option<bool>, Never> {
        Ok(None)
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, _: &T) -> Result<Option<bool>, Never> {
        Ok(None)
    }
}

/// The methods of a container serializer that counts entries.
macro_rules! count {
    ($($trait:ident :: $method:ident ($($arg:ty),*)),*) => {$(
        impl ser::$trait for Count {
            type Ok = Option<bool>;
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(&mut self, $(_: $arg,)* _: &T) -> Result<(), Never> {
                self.count += 1;
                Ok(())
            }
            fn end(self) -> Result<Option<bool>, Never> {
                Ok((self.count == 0).then_some(self.dictionary))
            }
        }
    )*};
}

count!(
    SerializeSeq::serialize_element(),
    SerializeTuple::serialize_element(),
    SerializeTupleStruct::serialize_field(),
    SerializeTupleVariant::serialize_field(),
    SerializeStruct::serialize_field(&'static str),
    SerializeStructVariant::serialize_field(&'static str)
);

impl ser::SerializeMap for Count {
    type Ok = Option<bool>;
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), Never> {
        self.count += 1;
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), Never> {
        Ok(())
    }
    fn end(self) -> Result<Option<bool>, Never> {
        Ok((self.count == 0).then_some(self.dictionary))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_sees_empty_containers_only() {
        assert_eq!(
            serde_json::json!([]).serialize(Probe).ok(),
            Some(Some(false))
        );
        assert_eq!(
            serde_json::json!({}).serialize(Probe).ok(),
            Some(Some(true))
        );
        assert_eq!(serde_json::json!([[]]).serialize(Probe).ok(), Some(None));
        assert_eq!(serde_json::json!("").serialize(Probe).ok(), Some(None));
        let key = String::from("x_acme");
        assert_eq!(
            key.serialize(KeyText(None)).ok(),
            Some(key.as_ptr() as usize)
        );
    }
}
