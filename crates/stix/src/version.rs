//! Versioning (spec §3.6): new versions keep `id` and `created` and get a
//! later `modified`; revocation is a final new version with `revoked: true`.

use crate::{Error, Identifier, Result, StixObject, Timestamp, Versioned};

/// What every versionable object exposes to the versioning functions.
pub trait Versionable: Versioned + Clone {
    /// The identifier.
    fn id(&self) -> &Identifier;
}

impl<T> Versionable for T
where
    T: Versioned + Clone + HasId,
{
    fn id(&self) -> &Identifier {
        HasId::id(self)
    }
}

/// Objects with an `id` (implemented for every object struct).
pub trait HasId {
    /// The identifier.
    fn id(&self) -> &Identifier;
}

/// A new version of `object`: same `id` and `created`, `modified` set to
/// `modified` or, when `None`, to now (or just after the current
/// `modified` if the clock is behind it), with `change` applied first.
///
/// # Errors
///
/// [`Error::Versioning`] when the object is revoked (revocation is final),
/// when `modified` is not later than the current one, or when `change`
/// touched `id` or `created`, which a new version must keep.
///
/// # Example
///
/// ```
/// use ttpmap_stix::{version, AttackPattern};
///
/// let v1 = AttackPattern::builder().name("Spearphishing").build()?;
/// let v2 = version::new_version(&v1, None, |t| t.description = Some("Updated.".into()))?;
/// assert_eq!(v2.id, v1.id);
/// assert_eq!(v2.created, v1.created);
/// assert!(v2.modified > v1.modified);
///
/// let revoked = version::revoke(&v2)?;
/// assert_eq!(revoked.revoked, Some(true));
/// assert!(version::new_version(&revoked, None, |_| {}).is_err());
/// # Ok::<(), ttpmap_stix::Error>(())
/// ```
pub fn new_version<T: Versionable>(
    object: &T,
    modified: Option<Timestamp>,
    change: impl FnOnce(&mut T),
) -> Result<T> {
    let id = Versionable::id(object);
    if object.revoked() {
        return Err(Error::Versioning {
            id: id.to_string(),
            reason: "the object is revoked; revocation is final",
        });
    }
    let modified = next_modified(object.modified(), modified, id)?;
    let mut next = object.clone();
    change(&mut next);
    if Versionable::id(&next) != id {
        return Err(Error::Versioning {
            id: id.to_string(),
            reason: "a new version must keep `id`",
        });
    }
    if next.created() != object.created() {
        return Err(Error::Versioning {
            id: id.to_string(),
            reason: "a new version must keep `created`",
        });
    }
    next.set_modified(modified);
    Ok(next)
}

/// Revoke `object`: a new version with `revoked: true`.
///
/// # Errors
///
/// [`Error::Versioning`] when it is already revoked.
pub fn revoke<T: Versionable>(object: &T) -> Result<T> {
    new_version(object, None, Versioned::set_revoked)
}

fn next_modified(
    current: &Timestamp,
    requested: Option<Timestamp>,
    id: &Identifier,
) -> Result<Timestamp> {
    match requested {
        Some(t) if t > *current => Ok(t),
        Some(_) => Err(Error::Versioning {
            id: id.to_string(),
            reason: "the new `modified` must be later than the current one",
        }),
        None => {
            let now = Timestamp::now();
            Ok(if now > *current {
                now
            } else {
                current.next_after()
            })
        }
    }
}

impl StixObject {
    /// A new version of this object (see [`new_version`]).
    ///
    /// # Errors
    ///
    /// [`Error::Versioning`] for objects that are not versioned (SCOs,
    /// marking definitions, custom objects without `created`/`modified`),
    /// revoked objects and a `modified` that is not later.
    pub fn new_version(&self, modified: Option<Timestamp>) -> Result<StixObject> {
        let mut next = self.clone();
        let id = self.id().clone();
        if let StixObject::Custom(custom) = &mut next {
            let (Some(_), Some(current)) = (&custom.created, &custom.modified) else {
                return Err(Error::Versioning {
                    id: id.to_string(),
                    reason: "the object has no `created` and `modified`",
                });
            };
            if custom.revoked == Some(true) {
                return Err(Error::Versioning {
                    id: id.to_string(),
                    reason: "the object is revoked; revocation is final",
                });
            }
            custom.modified = Some(next_modified(current, modified, &id)?);
            return Ok(next);
        }
        let Some(versioned) = next.versioned_mut() else {
            return Err(Error::Versioning {
                id: id.to_string(),
                reason: "objects of this type are not versioned",
            });
        };
        if versioned.revoked() {
            return Err(Error::Versioning {
                id: id.to_string(),
                reason: "the object is revoked; revocation is final",
            });
        }
        let modified = next_modified(versioned.modified(), modified, &id)?;
        versioned.set_modified(modified);
        Ok(next)
    }

    /// Revoke this object: a new version with `revoked: true`.
    ///
    /// # Errors
    ///
    /// As [`StixObject::new_version`].
    pub fn revoke(&self) -> Result<StixObject> {
        let mut next = self.new_version(None)?;
        match &mut next {
            StixObject::Custom(custom) => custom.revoked = Some(true),
            other => {
                if let Some(v) = other.versioned_mut() {
                    v.set_revoked();
                }
            }
        }
        Ok(next)
    }
}
