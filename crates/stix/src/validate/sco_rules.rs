//! The co-constraints and reference targets of the SCO types with more
//! than reference rules (spec §6.1, §6.6, §6.7, §6.11, §6.12).

use super::common::order;
use super::embedded::check_hashes;
use super::observables::{lists, singles};
use super::refs::{self, Target, REFERENCE_TYPE};
use super::sink::Sink;
use crate::sco::{Artifact, EmailMessage, File, NetworkTraffic, Process};

pub(crate) fn artifact(o: &Artifact, s: &mut Sink<'_>) {
    let problems = [
        (
            o.payload_bin.is_some() && o.url.is_some(),
            ".url",
            "artifact has both payload_bin and url; it must have exactly one",
        ),
        (
            o.payload_bin.is_none() && o.url.is_none(),
            "",
            "artifact has neither payload_bin nor url; it must have exactly one",
        ),
        (
            o.url.is_some() && o.hashes.is_none(),
            ".hashes",
            "artifact with a url must have hashes",
        ),
        (
            o.decryption_key.is_some() && o.encryption_algorithm.is_none(),
            ".encryption_algorithm",
            "artifact with a decryption_key must have an encryption_algorithm",
        ),
    ];
    for (broken, path, message) in problems {
        if broken {
            s.must(
                "co-constraint",
                format_args!("{path}"),
                format_args!("{message}"),
            );
        }
    }
    if let Some(hashes) = &o.hashes {
        check_hashes(s, format_args!(".hashes"), hashes);
    }
}

pub(crate) fn email_message(o: &EmailMessage, s: &mut Sink<'_>) {
    if o.is_multipart && o.body.is_some() {
        s.must(
            "co-constraint",
            format_args!(".body"),
            format_args!(
                "email-message with is_multipart true must not have body (use body_multipart)"
            ),
        );
    }
    if !o.is_multipart && o.body_multipart.is_some() {
        s.must(
            "co-constraint",
            format_args!(".body_multipart"),
            format_args!("email-message with is_multipart false must not have body_multipart"),
        );
    }
    singles(
        s,
        [
            ("from_ref", o.from_ref.as_ref(), refs::EMAIL_ADDR),
            ("sender_ref", o.sender_ref.as_ref(), refs::EMAIL_ADDR),
            ("raw_email_ref", o.raw_email_ref.as_ref(), refs::ARTIFACT),
        ],
    );
    lists(
        s,
        [
            ("to_refs", o.to_refs.as_deref(), refs::EMAIL_ADDR),
            ("cc_refs", o.cc_refs.as_deref(), refs::EMAIL_ADDR),
            ("bcc_refs", o.bcc_refs.as_deref(), refs::EMAIL_ADDR),
        ],
    );
    for (i, part) in o.body_multipart.iter().flatten().enumerate() {
        if part.body.is_none() && part.body_raw_ref.is_none() {
            s.must(
                "co-constraint",
                format_args!(".body_multipart[{i}]"),
                format_args!("body_multipart[{i}] has neither body nor body_raw_ref; it needs one"),
            );
        }
        if let Some(id) = &part.body_raw_ref {
            let target = refs::FILE_OR_ARTIFACT;
            refs::one(
                s,
                REFERENCE_TYPE,
                format_args!(".body_multipart[{i}].body_raw_ref"),
                id,
                target,
            );
        }
    }
}

pub(crate) fn file(o: &File, s: &mut Sink<'_>) {
    if o.hashes.is_none() && o.name.is_none() {
        s.must(
            "co-constraint",
            format_args!(""),
            format_args!("file has neither hashes nor name; it needs one of them"),
        );
    }
    if let Some(hashes) = &o.hashes {
        check_hashes(s, format_args!(".hashes"), hashes);
    }
    singles(
        s,
        [
            (
                "parent_directory_ref",
                o.parent_directory_ref.as_ref(),
                refs::DIRECTORY,
            ),
            ("content_ref", o.content_ref.as_ref(), refs::ARTIFACT),
        ],
    );
    lists(
        s,
        [("contains_refs", o.contains_refs.as_deref(), Target::Sco)],
    );
}

pub(crate) fn network_traffic(o: &NetworkTraffic, s: &mut Sink<'_>) {
    if o.src_ref.is_none() && o.dst_ref.is_none() {
        s.must(
            "co-constraint",
            format_args!(""),
            format_args!("network-traffic has neither src_ref nor dst_ref; it needs at least one"),
        );
    }
    if o.is_active == Some(true) && o.end.is_some() {
        s.must(
            "co-constraint",
            format_args!(".end"),
            format_args!("network-traffic with is_active true must not have end"),
        );
    }
    order(
        s,
        ("start", o.start.as_ref()),
        ("end", o.end.as_ref()),
        false,
    );
    singles(
        s,
        [
            ("src_ref", o.src_ref.as_ref(), refs::TRAFFIC_ENDPOINT),
            ("dst_ref", o.dst_ref.as_ref(), refs::TRAFFIC_ENDPOINT),
            (
                "src_payload_ref",
                o.src_payload_ref.as_ref(),
                refs::ARTIFACT,
            ),
            (
                "dst_payload_ref",
                o.dst_payload_ref.as_ref(),
                refs::ARTIFACT,
            ),
            (
                "encapsulated_by_ref",
                o.encapsulated_by_ref.as_ref(),
                refs::NETWORK_TRAFFIC,
            ),
        ],
    );
    lists(
        s,
        [(
            "encapsulates_refs",
            o.encapsulates_refs.as_deref(),
            refs::NETWORK_TRAFFIC,
        )],
    );
}

pub(crate) fn process(o: &Process, s: &mut Sink<'_>) {
    singles(
        s,
        [
            (
                "creator_user_ref",
                o.creator_user_ref.as_ref(),
                refs::USER_ACCOUNT,
            ),
            ("image_ref", o.image_ref.as_ref(), refs::FILE),
            ("parent_ref", o.parent_ref.as_ref(), refs::PROCESS),
        ],
    );
    lists(
        s,
        [
            (
                "opened_connection_refs",
                o.opened_connection_refs.as_deref(),
                refs::NETWORK_TRAFFIC,
            ),
            ("child_refs", o.child_refs.as_deref(), refs::PROCESS),
        ],
    );
}
