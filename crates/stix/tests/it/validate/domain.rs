//! One case per rule, built in code: SDOs and SROs.

use serde_json::json;
use ttpmap_stix::{
    tlp::Tlp, Campaign, Grouping, Identity, Indicator, Location, Malware, MalwareAnalysis,
    ObservedData, Opinion, Relationship, Sighting, Tool,
};

use super::*;

#[test]
fn sdo_rules() {
    let first_last = |first: &str, last: &str| (ts(first), ts(last));
    let (early, late) = first_last("2016-01-01T00:00:00Z", "2016-02-01T00:00:00Z");
    let observed = |n: i64| {
        ObservedData::builder()
            .first_observed(early.clone())
            .last_observed(late.clone())
            .number_observed(n)
            .object_refs(vec![id(FILE)])
            .build()
            .unwrap()
    };
    let indicator = |pattern: &str| {
        Indicator::builder()
            .name("n")
            .description("d")
            .pattern(pattern)
            .pattern_type("stix")
            .valid_from(early.clone())
            .build()
            .unwrap()
    };
    let cases: Vec<(&str, Vec<Violation>, Expected<'_>)> = vec![
        (
            "campaign last_seen before first_seen",
            check(
                Campaign::builder()
                    .name("c")
                    .first_seen(late.clone())
                    .last_seen(early.clone())
                    .build()
                    .unwrap(),
            ),
            &[("timestamp-order", Must, "$.last_seen")],
        ),
        (
            "indicator valid_until equals valid_from",
            check({
                let mut i = indicator("[file:name = 'x']");
                i.valid_until = Some(i.valid_from.clone());
                i
            }),
            &[("timestamp-order", Must, "$.valid_until")],
        ),
        (
            "indicator pattern outline",
            check(indicator("file:name = 'x'")),
            &[("pattern-type", Must, "$.pattern")],
        ),
        (
            "indicator unbalanced",
            check(indicator("[file:name = 'x'")),
            &[("pattern-type", Must, "$.pattern")],
        ),
        (
            "indicator without name and description",
            check(
                Indicator::builder()
                    .pattern("[file:name = 'x']")
                    .pattern_type("yara-ish")
                    .valid_from(early.clone())
                    .indicator_types(vec!["malicious-activity".to_owned(), "evil".to_owned()])
                    .build()
                    .unwrap(),
            ),
            &[
                ("vocabulary", Should, "$.indicator_types[1]"),
                ("vocabulary", Should, "$.pattern_type"),
                ("indicator-properties", Should, "$.name"),
                ("indicator-properties", Should, "$.description"),
            ],
        ),
        (
            "malware family without name",
            check(Malware::builder().is_family(true).build().unwrap()),
            &[("co-constraint", Must, "$.name")],
        ),
        (
            "malware without is_family",
            check(
                Malware::builder()
                    .name("m")
                    .malware_types(vec!["evil".to_owned()])
                    .build()
                    .unwrap(),
            ),
            &[
                ("required-property", Must, "$.is_family"),
                ("vocabulary", Should, "$.malware_types[0]"),
            ],
        ),
        (
            "malware refs",
            check(
                Malware::builder()
                    .name("m")
                    .is_family(false)
                    .sample_refs(vec![id(FILE), id(IPV4)])
                    .operating_system_refs(vec![id(FILE)])
                    .build()
                    .unwrap(),
            ),
            &[
                ("reference-type", Must, "$.operating_system_refs[0]"),
                ("reference-type", Must, "$.sample_refs[1]"),
            ],
        ),
        (
            "malware analysis without result",
            check(MalwareAnalysis::builder().product("av").build().unwrap()),
            &[("co-constraint", Must, "$")],
        ),
        (
            "observed-data zero",
            check(observed(0)),
            &[("number-observed-range", Must, "$.number_observed")],
        ),
        (
            "observed-data too many",
            check(observed(1_000_000_000)),
            &[("number-observed-range", Must, "$.number_observed")],
        ),
        (
            "observed-data refs an indicator",
            check({
                let mut o = observed(1);
                o.object_refs = Some(vec![id(FILE), id(RELATIONSHIP), id(INDICATOR)]);
                o
            }),
            &[("reference-type", Must, "$.object_refs[2]")],
        ),
        (
            "observed-data objects and object_refs",
            check({
                let mut o = observed(1);
                o.objects = Some(
                    json!({"0": {"type": "file", "name": "a"}})
                        .as_object()
                        .unwrap()
                        .clone(),
                );
                o
            }),
            &[("co-constraint", Must, "$.objects")],
        ),
        (
            "opinion",
            check(
                Opinion::builder()
                    .opinion("Agree")
                    .object_refs(vec![id(MALWARE)])
                    .build()
                    .unwrap(),
            ),
            &[("opinion-value", Must, "$.opinion")],
        ),
        (
            "grouping without objects",
            check(
                Grouping::builder()
                    .context("unspecified")
                    .object_refs(Vec::<Identifier>::new())
                    .build()
                    .unwrap(),
            ),
            &[("co-constraint", Must, "$.object_refs")],
        ),
        (
            "identity class",
            check(
                Identity::builder()
                    .name("i")
                    .identity_class("company")
                    .build()
                    .unwrap(),
            ),
            &[("vocabulary", Should, "$.identity_class")],
        ),
        (
            "tool types",
            check(
                Tool::builder()
                    .name("t")
                    .tool_types(vec!["remote-access".to_owned(), "rat".to_owned()])
                    .build()
                    .unwrap(),
            ),
            &[("vocabulary", Should, "$.tool_types[1]")],
        ),
    ];
    for (name, violations, expected) in &cases {
        assert_exact(name, violations, expected);
    }
}

#[test]
fn location_rules() {
    let location =
        |lat: Option<f64>, long: Option<f64>, precision: Option<f64>, region: Option<&str>| {
            let mut b = Location::builder();
            if let Some(v) = lat {
                b.latitude(serde_json::Number::from_f64(v).unwrap());
            }
            if let Some(v) = long {
                b.longitude(serde_json::Number::from_f64(v).unwrap());
            }
            if let Some(v) = precision {
                b.precision(serde_json::Number::from_f64(v).unwrap());
            }
            if let Some(r) = region {
                b.region(r);
            }
            check(b.build().unwrap())
        };
    let cases: Vec<(&str, Vec<Violation>, Expected<'_>)> = vec![
        (
            "coordinates",
            location(Some(48.8), Some(2.3), Some(1000.0), None),
            &[],
        ),
        (
            "region",
            location(None, None, None, Some("western-europe")),
            &[],
        ),
        (
            "latitude 95",
            location(Some(95.0), Some(2.3), None, None),
            &[("location-coordinates", Must, "$.latitude")],
        ),
        (
            "longitude -181",
            location(Some(1.0), Some(-181.0), None, None),
            &[("location-coordinates", Must, "$.longitude")],
        ),
        (
            "latitude alone",
            location(Some(1.0), None, None, None),
            &[
                ("location-coordinates", Must, "$.longitude"),
                ("location-coordinates", Must, "$"),
            ],
        ),
        (
            "precision alone",
            location(None, None, Some(10.0), Some("europe")),
            &[("location-coordinates", Must, "$.precision")],
        ),
        (
            "nothing",
            location(None, None, None, None),
            &[("location-coordinates", Must, "$")],
        ),
        (
            "unknown region",
            location(None, None, None, Some("mars")),
            &[("vocabulary", Should, "$.region")],
        ),
    ];
    for (name, violations, expected) in &cases {
        assert_exact(name, violations, expected);
    }
}

#[test]
fn sro_rules() {
    let relationship = |source: &str, target: &str| {
        check(Relationship::new("related-to", id(source), id(target)).unwrap())
    };
    let sighting = |of: &str| Sighting::builder().sighting_of_ref(id(of)).build().unwrap();
    let cases: Vec<(&str, Vec<Violation>, Expected<'_>)> = vec![
        ("sdo to sco", relationship(MALWARE, IPV4), &[]),
        (
            "custom endpoints",
            relationship(
                "x-mitre-tactic--4ca45d45-df4d-4613-8980-bac22d278fa5",
                MALWARE,
            ),
            &[],
        ),
        (
            "to a relationship",
            relationship(MALWARE, RELATIONSHIP),
            &[("relationship-ref-type", Must, "$.target_ref")],
        ),
        (
            "from a marking",
            relationship(Tlp::Green.v2_id(), MALWARE),
            &[("relationship-ref-type", Must, "$.source_ref")],
        ),
        (
            "unknown type between SDOs",
            check(Relationship::new("subtechnique-of", id(MALWARE), id(MALWARE)).unwrap()),
            &[("vocabulary", Should, "$.relationship_type")],
        ),
        (
            "stop_time equals start_time",
            check({
                let mut r = Relationship::new("uses", id(MALWARE), id(IPV4)).unwrap();
                r.start_time = Some(ts("2016-01-01T00:00:00Z"));
                r.stop_time = r.start_time.clone();
                r
            }),
            &[("timestamp-order", Must, "$.stop_time")],
        ),
        (
            "sighting of an sco",
            check(sighting(IPV4)),
            &[("sighting-ref-type", Must, "$.sighting_of_ref")],
        ),
        (
            "sighting refs",
            check({
                let mut s = sighting(MALWARE);
                s.observed_data_refs = Some(vec![id(INDICATOR)]);
                s.where_sighted_refs = Some(vec![id(IDENTITY), id(MALWARE)]);
                s.count = Some(1_000_000_000);
                s.first_seen = Some(ts("2016-04-06T00:00:00Z"));
                s.last_seen = Some(ts("2016-04-05T00:00:00Z"));
                s
            }),
            &[
                ("count-range", Must, "$.count"),
                ("timestamp-order", Must, "$.last_seen"),
                ("sighting-ref-type", Must, "$.observed_data_refs[0]"),
                ("sighting-ref-type", Must, "$.where_sighted_refs[1]"),
            ],
        ),
    ];
    for (name, violations, expected) in &cases {
        assert_exact(name, violations, expected);
    }
}

#[test]
fn indicator_patterns_are_checked_by_the_pattern_module() {
    use ttpmap_stix::{Indicator, StixObject, Timestamp};
    let build = |pattern: &str| {
        let mut b = Indicator::builder();
        b.name("x")
            .description("y")
            .pattern(pattern)
            .pattern_type("stix")
            .valid_from(Timestamp::parse("2020-01-01T00:00:00.000Z").unwrap());
        StixObject::from(b.build().unwrap())
    };
    assert!(build("[file:name = 'evil.exe']").validate().is_empty());
    for bad in [
        "file:name = 'x'",
        "[file:name LIKE 5]",
        "[file:name = 'x'] WITHIN 0 SECONDS",
    ] {
        let violations = build(bad).validate();
        assert!(
            violations
                .iter()
                .any(|v| v.code == "pattern-type" && v.path == "$.pattern"),
            "{bad}: {violations:?}"
        );
    }
}
