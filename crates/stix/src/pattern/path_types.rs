//! Resolving an object path against the SCO definitions, step by step.

use super::error::ErrorKind;
use super::schema::{self, Ty};

/// Where a cursor stands while resolving a path.
pub(crate) enum Cursor<'a> {
    /// An object of one of these SCO types.
    Types(&'a [&'a str]),
    /// A value of this type.
    Ty(Ty),
}

pub(crate) type StepResult<'a> = Result<Option<Cursor<'a>>, (ErrorKind, String)>;

impl<'a> Cursor<'a> {
    /// Step into property `name`; `Ok(None)` when the rest of the path is
    /// custom or open content that cannot be checked.
    pub(crate) fn property(&self, name: &str) -> StepResult<'a> {
        match self {
            Cursor::Types(types) => {
                if let Some(ty) = types.iter().find_map(|t| schema::sco_property(t, name)) {
                    return Ok(Some(Cursor::Ty(ty)));
                }
                if schema::is_custom_property(name) {
                    return Ok(None);
                }
                Err((
                    ErrorKind::UnknownProperty,
                    format!(
                        "`{}` has no property `{name}` (custom properties start with `x_`)",
                        types.join("`/`")
                    ),
                ))
            }
            Cursor::Ty(ty) => match *ty {
                Ty::Obj(props) => match schema::lookup(props, name) {
                    Some(t) => Ok(Some(Cursor::Ty(t))),
                    None if schema::is_custom_property(name) => Ok(None),
                    None => Err((
                        ErrorKind::UnknownProperty,
                        format!("the object has no property `{name}` (custom properties start with `x_`)"),
                    )),
                },
                Ty::Ref([]) | Ty::Dict => Ok(None),
                Ty::Ref(targets) => Cursor::Types(targets).property(name),
                Ty::Hashes => Ok(Some(Cursor::Ty(Ty::Str))),
                Ty::Extensions(known) => match known.iter().find(|(n, _)| *n == name) {
                    Some(&(_, props)) => Ok(Some(Cursor::Ty(Ty::Obj(props)))),
                    None if schema::is_custom_extension(name) => Ok(None),
                    None => Err((
                        ErrorKind::UnknownProperty,
                        format!("`{name}` is not a predefined extension of this type (custom extensions start with `x-`)"),
                    )),
                },
                Ty::List(_) | Ty::Refs(_) => Err((
                    ErrorKind::InvalidPath,
                    format!("a list has no property `{name}`: index it first with `[*]` or `[n]`"),
                )),
                scalar => Err((
                    ErrorKind::InvalidPath,
                    format!("{} has no property `{name}`", scalar.name()),
                )),
            },
        }
    }

    /// Step into a list element.
    pub(crate) fn index(&self) -> StepResult<'a> {
        match self {
            Cursor::Ty(Ty::List(inner)) => Ok(Some(Cursor::Ty(**inner))),
            Cursor::Ty(Ty::Refs(targets)) => Ok(Some(Cursor::Ty(Ty::Ref(targets)))),
            Cursor::Ty(other) => Err((
                ErrorKind::InvalidPath,
                format!("{} cannot be indexed; only lists can", other.name()),
            )),
            Cursor::Types(types) => Err((
                ErrorKind::InvalidPath,
                format!(
                    "`{}` is an object, not a list: it cannot be indexed",
                    types.join("`/`")
                ),
            )),
        }
    }
}
