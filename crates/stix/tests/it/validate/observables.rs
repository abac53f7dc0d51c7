//! One case per rule, built in code: SCOs, marking definitions and custom
//! objects.

use serde_json::json;
use ttpmap_stix::{
    tlp::Tlp, Artifact, CustomObject, EmailMessage, File, GranularMarking, MarkingDefinition,
    NetworkTraffic, Process,
};

use super::*;

#[test]
fn sco_rules() {
    let file = |h: Hashes| File::builder().name("a.exe").hashes(h).build().unwrap();
    let traffic = |src: Option<&str>| {
        let mut b = NetworkTraffic::builder();
        b.protocols(vec!["tcp".to_owned()]);
        if let Some(src) = src {
            b.src_ref(id(src));
        }
        b.build().unwrap()
    };
    let cases: Vec<(&str, Vec<Violation>, Expected<'_>)> = vec![
        ("file", check(file(hashes(&[("MD5", MD5)]))), &[]),
        (
            "file hashes",
            check({
                let mut f = file(hashes(&[
                    ("MD5", "3773"),
                    ("SHA-256", MD5),
                    ("md5sum", MD5),
                    ("x_acme", "1"),
                ]));
                f.id = id("file--1e8e4b3c-2c9d-5b8f-9d0e-3c9a2a0a7f11");
                f
            }),
            &[
                ("hash-value", Must, "$.hashes.MD5"),
                ("hash-value", Must, "$.hashes['SHA-256']"),
                ("hash-algorithm", Should, "$.hashes.md5sum"),
                ("sco-id", Should, "$.id"),
            ],
        ),
        (
            "file without hashes or name",
            check(File::builder().size(3).build().unwrap()),
            &[("co-constraint", Must, "$")],
        ),
        (
            "file refs",
            check({
                let mut f = file(hashes(&[("MD5", MD5)]));
                f.parent_directory_ref = Some(id(FILE));
                f.content_ref = Some(id(FILE));
                f.contains_refs = Some(vec![id(IPV4), id(MALWARE)]);
                f.id = ttpmap_stix::sco_id::expected_id(&StixObject::File(f.clone())).unwrap();
                f
            }),
            &[
                ("reference-type", Must, "$.parent_directory_ref"),
                ("reference-type", Must, "$.content_ref"),
                ("reference-type", Must, "$.contains_refs[1]"),
            ],
        ),
        (
            "artifact with payload and url",
            check(
                Artifact::builder()
                    .payload_bin("aGk=")
                    .url("https://example.com/a")
                    .decryption_key("k")
                    .build()
                    .unwrap(),
            ),
            &[
                ("co-constraint", Must, "$.url"),
                ("co-constraint", Must, "$.hashes"),
                ("co-constraint", Must, "$.encryption_algorithm"),
            ],
        ),
        (
            "multipart email with body",
            check(
                EmailMessage::builder()
                    .is_multipart(true)
                    .body("hi")
                    .from_ref(id(IPV4))
                    .build()
                    .unwrap(),
            ),
            &[
                ("co-constraint", Must, "$.body"),
                ("reference-type", Must, "$.from_ref"),
            ],
        ),
        (
            "traffic without endpoints",
            check(traffic(None)),
            &[("co-constraint", Must, "$")],
        ),
        (
            "traffic from a file",
            check(traffic(Some(FILE))),
            &[("reference-type", Must, "$.src_ref")],
        ),
        (
            "active traffic with an end",
            check({
                let mut t = traffic(Some(IPV4));
                t.is_active = Some(true);
                t.start = Some(ts("2016-06-19T14:21:40.000Z"));
                t.end = Some(ts("2016-06-19T14:20:40.000Z"));
                t.id = ttpmap_stix::sco_id::expected_id(&StixObject::NetworkTraffic(t.clone()))
                    .unwrap();
                t
            }),
            &[
                ("co-constraint", Must, "$.end"),
                ("timestamp-order", Must, "$.end"),
            ],
        ),
        (
            "empty process",
            check(Process::builder().build().unwrap()),
            &[("co-constraint", Must, "$")],
        ),
        (
            "process with a v5 id",
            check({
                let mut p = Process::builder()
                    .pid(4)
                    .image_ref(id(IPV4))
                    .build()
                    .unwrap();
                p.id = id("process--1e8e4b3c-2c9d-5b8f-9d0e-3c9a2a0a7f11");
                p
            }),
            &[
                ("reference-type", Must, "$.image_ref"),
                ("uuid-version", Must, "$.id"),
            ],
        ),
    ];
    for (name, violations, expected) in &cases {
        assert_exact(name, violations, expected);
    }
}

#[test]
fn marking_rules() {
    let statement = || {
        MarkingDefinition::builder()
            .definition_type("statement")
            .definition(
                json!({"statement": "Copyright 2024 Acme"})
                    .as_object()
                    .unwrap()
                    .clone(),
            )
            .build()
            .unwrap()
    };
    let mut fake_green = Tlp::Green.v1_marking().unwrap();
    fake_green.id = id("marking-definition--8670ca41-eab9-4551-bce0-875ff19e76ce");
    let mut red_as_green = Tlp::Red.v2_marking();
    red_as_green.id = id(Tlp::Green.v2_id());
    let cases: Vec<(&str, Vec<Violation>, Expected<'_>)> = vec![
        ("statement", check(statement()), &[]),
        (
            "fake TLP 1.0 green",
            check(fake_green),
            &[("tlp-marking", Must, "$.id")],
        ),
        (
            "TLP 2.0 red with the green id",
            check(red_as_green),
            &[("tlp-marking", Must, "$.id")],
        ),
        (
            "marks itself",
            check({
                let mut m = statement();
                m.object_marking_refs = Some(vec![m.id.clone()]);
                m.granular_markings = Some(vec![GranularMarking::builder()
                    .marking_ref(m.id.clone())
                    .selectors(vec!["name".to_owned()])
                    .build()
                    .unwrap()]);
                m
            }),
            &[
                ("marking-reference", Must, "$.object_marking_refs[0]"),
                (
                    "marking-reference",
                    Must,
                    "$.granular_markings[0].marking_ref",
                ),
            ],
        ),
        (
            "no definition",
            check(MarkingDefinition::builder().name("m").build().unwrap()),
            &[
                ("required-property", Must, "$.definition_type"),
                ("required-property", Must, "$.definition"),
            ],
        ),
    ];
    for (name, violations, expected) in &cases {
        assert_exact(name, violations, expected);
    }
    for tlp in [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ] {
        assert_exact("fixed TLP 2.0", &check(tlp.v2_marking()), &[]);
        if let Some(v1) = tlp.v1_marking() {
            assert_exact("fixed TLP 1.0", &check(v1), &[]);
        }
    }
}

#[test]
fn custom_object_rules() {
    let mut widget = CustomObject::new("x-acme-widget").unwrap();
    widget.extra.insert("widget_size".to_owned(), json!(3));
    assert_exact("x- type with own properties", &check(widget), &[]);
    let plain = CustomObject::new("acme-widget").unwrap();
    assert_exact(
        "no x- prefix",
        &check(plain),
        &[("custom-prefix", Should, "$.type")],
    );
    // A type name with `--` cannot even be an identifier's type part.
    assert!(CustomObject::new("x--widget").is_err());
    let mut bad_conf = CustomObject::new("x-acme-gadget").unwrap();
    bad_conf.confidence = Some(200);
    assert_exact(
        "confidence on a custom object",
        &check(bad_conf),
        &[("confidence-range", Must, "$.confidence")],
    );
}
