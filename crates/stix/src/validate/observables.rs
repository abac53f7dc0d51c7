//! The dispatch over the SCO types (spec §6): common properties, extensions
//! (`embedded.rs`), per-type rules (`sco_rules.rs`), reference targets, the
//! at-least-one-property rule and identifiers (`identifiers.rs`).

use super::common::{self, Class, Common};
use super::embedded::{check_hashes, extensions};
use super::identifiers;
use super::open_vocab::{self as ov, one};
use super::refs::{self, Target, REFERENCE_TYPE};
use super::sco_rules::{artifact, email_message, file, network_traffic, process};
use super::sink::Sink;
use crate::{Identifier, StixObject};

/// Check an SCO.
pub(crate) fn check(object: &StixObject, s: &mut Sink<'_>) {
    let object_type = object.object_type();
    macro_rules! sco {
        ($o:expr) => {{
            let c = Common {
                class: Class::Observable,
                object_type,
                id: &$o.id,
                spec_version: $o.spec_version.as_deref(),
                created: None,
                modified: None,
                created_by_ref: None,
                confidence: None,
                lang: None,
                external_references: None,
                object_marking_refs: $o.object_marking_refs.as_deref(),
                granular_markings: $o.granular_markings.as_deref(),
                extensions: $o.extensions.as_ref(),
                extra: &$o.extra,
            };
            common::check(&c, s);
            extensions(s, $o.extensions.as_ref());
        }};
    }
    match object {
        StixObject::Artifact(o) => {
            sco!(o);
            artifact(o, s);
        }
        StixObject::AutonomousSystem(o) => sco!(o),
        StixObject::Directory(o) => {
            sco!(o);
            lists(
                s,
                [(
                    "contains_refs",
                    o.contains_refs.as_deref(),
                    refs::FILE_OR_DIRECTORY,
                )],
            );
        }
        StixObject::DomainName(o) => {
            sco!(o);
            lists(
                s,
                [(
                    "resolves_to_refs",
                    o.resolves_to_refs.as_deref(),
                    refs::DOMAIN_RESOLUTION,
                )],
            );
        }
        StixObject::EmailAddr(o) => {
            sco!(o);
            singles(
                s,
                [(
                    "belongs_to_ref",
                    o.belongs_to_ref.as_ref(),
                    refs::USER_ACCOUNT,
                )],
            );
        }
        StixObject::EmailMessage(o) => {
            sco!(o);
            email_message(o, s);
        }
        StixObject::File(o) => {
            sco!(o);
            file(o, s);
        }
        StixObject::Ipv4Addr(o) => {
            sco!(o);
            lists(
                s,
                [
                    (
                        "resolves_to_refs",
                        o.resolves_to_refs.as_deref(),
                        refs::MAC_ADDR,
                    ),
                    (
                        "belongs_to_refs",
                        o.belongs_to_refs.as_deref(),
                        refs::AUTONOMOUS_SYSTEM,
                    ),
                ],
            );
        }
        StixObject::Ipv6Addr(o) => {
            sco!(o);
            lists(
                s,
                [
                    (
                        "resolves_to_refs",
                        o.resolves_to_refs.as_deref(),
                        refs::MAC_ADDR,
                    ),
                    (
                        "belongs_to_refs",
                        o.belongs_to_refs.as_deref(),
                        refs::AUTONOMOUS_SYSTEM,
                    ),
                ],
            );
        }
        StixObject::MacAddr(o) => sco!(o),
        StixObject::Mutex(o) => sco!(o),
        StixObject::NetworkTraffic(o) => {
            sco!(o);
            network_traffic(o, s);
        }
        StixObject::Process(o) => {
            sco!(o);
            process(o, s);
        }
        StixObject::Software(o) => sco!(o),
        StixObject::Url(o) => sco!(o),
        StixObject::UserAccount(o) => {
            sco!(o);
            one(
                s,
                "account_type",
                o.account_type.as_deref(),
                ov::ACCOUNT_TYPE,
            );
        }
        StixObject::WindowsRegistryKey(o) => {
            sco!(o);
            singles(
                s,
                [(
                    "creator_user_ref",
                    o.creator_user_ref.as_ref(),
                    refs::USER_ACCOUNT,
                )],
            );
        }
        StixObject::X509Certificate(o) => {
            sco!(o);
            if let Some(hashes) = &o.hashes {
                check_hashes(s, format_args!(".hashes"), hashes);
            }
        }
        _ => {}
    }
    at_least_one_property(object, s);
    identifiers::observable(object, s);
}

/// Check single reference properties.
pub(crate) fn singles<const N: usize>(
    s: &mut Sink<'_>,
    properties: [(&str, Option<&Identifier>, Target); N],
) {
    for (name, id, target) in properties {
        refs::opt(s, REFERENCE_TYPE, name, id, target);
    }
}

/// Check list reference properties.
pub(crate) fn lists<const N: usize>(
    s: &mut Sink<'_>,
    properties: [(&str, Option<&[Identifier]>, Target); N],
) {
    for (name, ids, target) in properties {
        refs::list(s, REFERENCE_TYPE, name, ids, target);
    }
}

/// Process, user-account, windows-registry-key and x509-certificate objects
/// must have a property beyond the common ones.
fn at_least_one_property(object: &StixObject, s: &mut Sink<'_>) {
    let (typed, extra) = match object {
        StixObject::Process(o) => (
            o.is_hidden.is_some()
                || o.pid.is_some()
                || o.created_time.is_some()
                || o.cwd.is_some()
                || o.command_line.is_some()
                || o.environment_variables.is_some()
                || o.opened_connection_refs.is_some()
                || o.creator_user_ref.is_some()
                || o.image_ref.is_some()
                || o.parent_ref.is_some()
                || o.child_refs.is_some()
                || o.extensions.is_some(),
            &o.extra,
        ),
        StixObject::UserAccount(o) => (
            o.user_id.is_some()
                || o.credential.is_some()
                || o.account_login.is_some()
                || o.account_type.is_some()
                || o.display_name.is_some()
                || o.is_service_account.is_some()
                || o.is_privileged.is_some()
                || o.can_escalate_privs.is_some()
                || o.is_disabled.is_some()
                || o.account_created.is_some()
                || o.account_expires.is_some()
                || o.credential_last_changed.is_some()
                || o.account_first_login.is_some()
                || o.account_last_login.is_some()
                || o.extensions.is_some(),
            &o.extra,
        ),
        StixObject::WindowsRegistryKey(o) => (
            o.key.is_some()
                || o.values.is_some()
                || o.modified_time.is_some()
                || o.creator_user_ref.is_some()
                || o.number_of_subkeys.is_some()
                || o.extensions.is_some(),
            &o.extra,
        ),
        StixObject::X509Certificate(o) => (
            o.is_self_signed.is_some()
                || o.hashes.is_some()
                || o.version.is_some()
                || o.serial_number.is_some()
                || o.signature_algorithm.is_some()
                || o.issuer.is_some()
                || o.validity_not_before.is_some()
                || o.validity_not_after.is_some()
                || o.subject.is_some()
                || o.subject_public_key_algorithm.is_some()
                || o.subject_public_key_modulus.is_some()
                || o.subject_public_key_exponent.is_some()
                || o.x509_v3_extensions.is_some()
                || o.extensions.is_some(),
            &o.extra,
        ),
        _ => return,
    };
    if !typed && extra.is_empty() {
        s.must(
            "co-constraint",
            format_args!(""),
            format_args!(
                "{} has no property beyond the common ones; it needs at least one",
                object.object_type()
            ),
        );
    }
}
