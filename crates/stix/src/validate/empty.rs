//! Empty lists and dictionaries (spec §2.3, §2.12: "MUST NOT be empty"),
//! found by walking an object's own serialization.
//!
//! The walk is a [`Serializer`] that writes nothing: it follows the typed
//! fields of every object type (and of their embedded types and extensions)
//! without a hand-written list per type, keeps the current path in a reused
//! buffer (encoded, rendered only when needed), and formats nothing unless
//! it finds an empty container. Custom properties are checked only at their
//! top level: what a custom property holds inside is its producer's
//! business.

use std::fmt::Write as _;

use serde::ser::{self, Serialize, Serializer};
use serde_json::{Map, Value};

use super::probe::{compound_types, compounds, newtypes, scalars, KeyText, Never, Probe};
use super::sink::{write_key, Sink};

/// Path segment tags in the walk's buffer: a key is `KEY`, its length as 4
/// bytes, its bytes; an index is `INDEX` and 8 bytes.
const KEY: u8 = 1;
/// See [`KEY`].
const INDEX: u8 = 2;

/// Report every empty list or dictionary in `object`, whose custom
/// properties are `extra`, unless another rule already reported it (an
/// empty `object_refs` is a co-constraint, empty `selectors` a
/// granular-marking violation).
///
/// The object's serialization must write the keys of `extra` from `extra`
/// itself, after its typed properties (as every object of the model does):
/// custom properties are recognised by the address of their key, which
/// costs no string comparison.
pub(crate) fn walk<T: Serialize + ?Sized>(
    object: &T,
    extra: &Map<String, Value>,
    s: &mut Sink<'_>,
) {
    let mut path = std::mem::take(s.scratch);
    path.clear();
    let mut extra_keys = extra.keys();
    let next_extra = extra_keys.next().map(String::as_str);
    let mut walker = Walker {
        sink: s,
        path,
        depth: 0,
        extra_keys,
        next_extra,
    };
    let _ = object.serialize(&mut walker);
    let Walker { sink, path, .. } = walker;
    *sink.scratch = path;
}

/// Append a key segment to an encoded path.
pub(super) fn push_key(path: &mut Vec<u8>, key: &str) {
    path.push(KEY);
    path.extend_from_slice(&(key.len() as u32).to_le_bytes());
    path.extend_from_slice(key.as_bytes());
}

struct Walker<'w, 's> {
    sink: &'w mut Sink<'s>,
    /// The path of the value being serialized, relative to the object,
    /// encoded as segments (see [`KEY`]).
    path: Vec<u8>,
    /// How many containers enclose the value being serialized.
    depth: usize,
    /// The custom properties after `next_extra`.
    extra_keys: serde_json::map::Keys<'w>,
    /// The next custom property the serialization will write.
    next_extra: Option<&'w str>,
}

impl Walker<'_, '_> {
    #[cold]
    #[inline(never)]
    fn report(&mut self, dictionary: bool) {
        let (path, name) = render(&self.path);
        let others = ["co-constraint", "granular-marking"];
        if self.sink.reported_at(&others, format_args!("{path}")) {
            return;
        }
        let (code, what) = if dictionary {
            ("empty-dictionary", "dictionary")
        } else {
            ("empty-list", "list")
        };
        self.sink.must(
            code,
            format_args!("{path}"),
            format_args!("{name} is an empty {what}; omit the property instead"),
        );
    }
}

/// Render an encoded path as `.a[2].b`, with the last key's name.
fn render(encoded: &[u8]) -> (String, String) {
    let (mut path, mut name) = (String::new(), String::new());
    let mut rest = encoded;
    while let Some((&tag, tail)) = rest.split_first() {
        if tag == KEY && tail.len() >= 4 {
            let (len, tail) = tail.split_at(4);
            let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
            let (key, tail) = tail.split_at(len.min(tail.len()));
            name = String::from_utf8_lossy(key).into_owned();
            let _ = write_key(&mut path, &name);
            rest = tail;
        } else if tag == INDEX && tail.len() >= 8 {
            let (index, tail) = tail.split_at(8);
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(index);
            let _ = write!(path, "[{}]", u64::from_le_bytes(bytes));
            rest = tail;
        } else {
            break;
        }
    }
    (path, name)
}

/// A list or dictionary being walked.
struct Container<'a, 'w, 's> {
    walker: &'a mut Walker<'w, 's>,
    /// Length of `walker.path` at the container itself.
    mark: usize,
    count: usize,
    dictionary: bool,
    /// The custom property whose value comes next (checked only at its top
    /// level), if the current entry is one.
    custom: Option<&'w str>,
}

impl<'a, 'w, 's> Container<'a, 'w, 's> {
    fn list(walker: &'a mut Walker<'w, 's>) -> Self {
        Container::new(walker, false)
    }

    fn dictionary(walker: &'a mut Walker<'w, 's>) -> Self {
        Container::new(walker, true)
    }

    fn new(walker: &'a mut Walker<'w, 's>, dictionary: bool) -> Self {
        walker.depth += 1;
        let mark = walker.path.len();
        Container {
            walker,
            mark,
            count: 0,
            dictionary,
            custom: None,
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) {
        self.walker.path.push(INDEX);
        self.walker
            .path
            .extend_from_slice(&(self.count as u64).to_le_bytes());
        self.count += 1;
        let _ = value.serialize(&mut *self.walker);
        self.walker.path.truncate(self.mark);
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) {
        self.walker.path.truncate(self.mark);
        self.count += 1;
        self.custom = None;
        if let (1, Some(name)) = (self.walker.depth, self.walker.next_extra) {
            if key
                .serialize(KeyText(None))
                .is_ok_and(|at| at == name.as_ptr() as usize)
            {
                self.walker.next_extra = self.walker.extra_keys.next().map(String::as_str);
                self.custom = Some(name);
                return;
            }
        }
        let _ = key.serialize(KeyText(Some(&mut self.walker.path)));
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) {
        if let Some(name) = self.custom {
            if let Ok(Some(dictionary)) = value.serialize(Probe) {
                push_key(&mut self.walker.path, name);
                self.walker.report(dictionary);
            }
        } else {
            let _ = value.serialize(&mut *self.walker);
        }
        self.walker.path.truncate(self.mark);
    }

    fn end(self) {
        self.walker.path.truncate(self.mark);
        self.walker.depth -= 1;
        // The object itself (depth 0 after leaving it) always has `type`/`id`.
        if self.count == 0 && self.walker.depth > 0 {
            self.walker.report(self.dictionary);
        }
    }
}

/// The list methods of the walk.
macro_rules! walk_list {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Container<'_, '_, '_> {
            type Ok = ();
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
                self.element(value);
                Ok(())
            }
            fn end(self) -> Result<(), Never> {
                Container::end(self);
                Ok(())
            }
        }
    )*};
}

walk_list!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// The struct methods of the walk.
macro_rules! walk_struct {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Container<'_, '_, '_> {
            type Ok = ();
            type Error = Never;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Never> {
                self.key(key);
                self.value(value);
                Ok(())
            }
            fn end(self) -> Result<(), Never> {
                Container::end(self);
                Ok(())
            }
        }
    )*};
}

walk_struct!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Container<'_, '_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
        self.key(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        self.value(value);
        Ok(())
    }
    fn end(self) -> Result<(), Never> {
        Container::end(self);
        Ok(())
    }
}

impl<'a, 'w, 's> Serializer for &'a mut Walker<'w, 's> {
    compound_types!((), Container<'a, 'w, 's>);
    scalars!(());
    newtypes!();
    compounds!(Ok; Container::list, Container::dictionary);

    fn serialize_str(self, _: &str) -> Result<(), Never> {
        Ok(())
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, _: &T) -> Result<(), Never> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render() {
        let mut path = Vec::new();
        push_key(&mut path, "hashes");
        path.push(INDEX);
        path.extend_from_slice(&3u64.to_le_bytes());
        push_key(&mut path, "SHA-256");
        assert_eq!(
            render(&path),
            (".hashes[3]['SHA-256']".to_owned(), "SHA-256".to_owned())
        );
    }
}
