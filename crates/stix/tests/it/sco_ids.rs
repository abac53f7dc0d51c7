//! Deterministic SCO identifiers reproduce the specification's examples.

use serde_json::Value;
use ttpmap_stix::sco_id::{deterministic_id, expected_id};
use ttpmap_stix::{DomainName, Ipv4Addr, StixObject};
use ttpmap_test_support::testdata;

#[test]
fn specification_examples_reproduce() {
    let text = std::fs::read_to_string(testdata("stix/valid/sco-ids.json")).unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 25, "only {} cases", cases.len());
    for case in cases {
        let expected = case["id"].as_str().unwrap();
        let object = case["object"].as_object().unwrap();
        let object_type = object["type"].as_str().unwrap();
        let id = deterministic_id(object_type, object).unwrap();
        assert_eq!(id.as_str(), expected, "{object:?}");
        let parsed = StixObject::from_json(&case["object"].to_string()).unwrap();
        assert_eq!(expected_id(&parsed).unwrap().as_str(), expected);
    }
}

#[test]
fn builders_compute_the_id() {
    let ip = Ipv4Addr::builder().value("198.51.100.3").build().unwrap();
    assert_eq!(
        ip.id.as_str(),
        "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"
    );
    assert_eq!(ip.spec_version.as_deref(), Some("2.1"));
    let domain = DomainName::builder().value("example.com").build().unwrap();
    assert_eq!(domain.id.uuid().get_version_num(), 5);
}

#[test]
fn process_ids_are_random() {
    let a = ttpmap_stix::Process::builder().pid(4).build().unwrap();
    let b = ttpmap_stix::Process::builder().pid(4).build().unwrap();
    assert_eq!(a.id.uuid().get_version_num(), 4);
    assert_ne!(a.id, b.id);
}
