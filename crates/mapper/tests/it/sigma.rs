//! The Sigma engine: every modifier and condition form, load errors and
//! skip reasons, the SigmaHQ rules and their regression events.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use ttpmap_mapper::sigma::{Error, Level, RuleSet, SkipReason, Status};
use ttpmap_mapper::{Event, LogSource};

// ---------------------------------------------------------------- helpers

/// A rule set of one rule with this `detection` body (indented 4).
fn detection(body: &str) -> RuleSet {
    let yaml =
        format!("title: Test\nid: test-rule\nlogsource:\n    product: test\ndetection:\n{body}\n");
    let mut rules = RuleSet::new();
    rules
        .add_yaml(&yaml, None)
        .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    assert_eq!(rules.len(), 1, "skipped: {:?}", rules.skipped());
    rules
}

fn event(fields: Value) -> Event {
    Event::from_json(fields)
}

fn hits(rules: &RuleSet, fields: Value) -> bool {
    !rules.evaluate(&event(fields)).is_empty()
}

/// The rule matches every positive event and none of the negative ones.
#[track_caller]
fn check(body: &str, positive: &[Value], negative: &[Value]) {
    let rules = detection(body);
    for p in positive {
        assert!(hits(&rules, p.clone()), "should match: {p}\n{body}");
    }
    for n in negative {
        assert!(!hits(&rules, n.clone()), "should not match: {n}\n{body}");
    }
}

/// One selection with one field item; `condition: selection`.
#[track_caller]
fn check_item(item: &str, positive: &[Value], negative: &[Value]) {
    check(
        &format!("    selection:\n        {item}\n    condition: selection"),
        positive,
        negative,
    );
}

/// The reason the one rule of `yaml` (a detection body) is skipped.
fn skip_reason(body: &str) -> SkipReason {
    let yaml =
        format!("title: Skipped\nid: skip-me\nlogsource:\n    product: test\ndetection:\n{body}\n");
    let mut rules = RuleSet::new();
    assert_eq!(rules.add_yaml(&yaml, Some(Path::new("x.yml"))).unwrap(), 0);
    let skipped = rules.skipped();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].id.as_deref(), Some("skip-me"));
    assert_eq!(skipped[0].title, "Skipped");
    assert_eq!(skipped[0].path.as_deref(), Some(Path::new("x.yml")));
    skipped[0].reason.clone()
}

fn load_error(yaml: &str) -> ttpmap_mapper::sigma::LoadError {
    let mut rules = RuleSet::new();
    match rules.add_yaml(yaml, Some(Path::new("bad.yml"))) {
        Err(Error::Load(e)) => {
            assert!(rules.is_empty());
            e
        }
        other => panic!("expected a load error, got {other:?}"),
    }
}

// ------------------------------------------------------- plain values

#[test]
fn exact_values_are_case_insensitive_and_whole() {
    check_item(
        r"Image: 'C:\Windows\System32\cmd.exe'",
        &[
            json!({"Image": r"C:\Windows\System32\cmd.exe"}),
            json!({"Image": r"c:\windows\system32\CMD.EXE"}),
            json!({"image": r"C:\Windows\System32\cmd.exe"}),
        ],
        &[
            json!({"Image": r"C:\Windows\System32\cmd.exe "}),
            json!({"Image": r"D:\C:\Windows\System32\cmd.exe"}),
            json!({"Other": r"C:\Windows\System32\cmd.exe"}),
            json!({}),
        ],
    );
}

#[test]
fn contains_startswith_endswith() {
    check_item(
        "CommandLine|contains: 'mimikatz'",
        &[
            json!({"CommandLine": "x MimiKatz.exe y"}),
            json!({"CommandLine": "mimikatz"}),
        ],
        &[
            json!({"CommandLine": "mimi katz"}),
            json!({"CommandLine": null}),
        ],
    );
    check_item(
        "CommandLine|startswith: 'net '",
        &[json!({"CommandLine": "NET user"})],
        &[
            json!({"CommandLine": " net user"}),
            json!({"CommandLine": "net"}),
        ],
    );
    check_item(
        r"Image|endswith: '\rundll32.exe'",
        &[json!({"Image": r"C:\Windows\RUNDLL32.exe"})],
        &[
            json!({"Image": r"C:\Windows\rundll32.exe.bak"}),
            json!({"Image": "rundll32.exe"}),
        ],
    );
}

#[test]
fn lists_are_or_maps_are_and_lists_of_maps_are_or() {
    check(
        "    selection:\n        Image|endswith:\n            - '\\a.exe'\n            - '\\b.exe'\n        User: alice\n    condition: selection",
        &[
            json!({"Image": r"C:\a.exe", "User": "ALICE"}),
            json!({"Image": r"C:\b.exe", "User": "alice"}),
        ],
        &[
            json!({"Image": r"C:\c.exe", "User": "alice"}),
            json!({"Image": r"C:\a.exe", "User": "bob"}),
            json!({"Image": r"C:\a.exe"}),
        ],
    );
    check(
        "    selection:\n        - Image|endswith: '\\a.exe'\n        - CommandLine|contains: 'evil'\n          User: bob\n    condition: selection",
        &[
            json!({"Image": r"C:\a.exe"}),
            json!({"CommandLine": "so evil", "User": "bob"}),
        ],
        &[json!({"CommandLine": "so evil", "User": "alice"}), json!({"Image": r"C:\b.exe"})],
    );
}

#[test]
fn all_modifier_needs_every_value() {
    check_item(
        "CommandLine|contains|all: ['-urlcache', 'http', '-f']",
        &[json!({"CommandLine": "certutil -URLcache -split -f http://x/a.exe"})],
        &[json!({"CommandLine": "certutil -urlcache -split http://x/a.exe"})],
    );
}

#[test]
fn wildcards_and_escaping() {
    check_item(
        r"Image: 'C:\Windows\\*\cmd.exe'",
        &[
            json!({"Image": r"C:\Windows\System32\cmd.exe"}),
            json!({"Image": r"C:\Windows\\cmd.exe"}),
        ],
        &[
            json!({"Image": r"C:\Windows\cmd.exe"}),
            json!({"Image": r"D:\Windows\x\cmd.exe"}),
        ],
    );
    check_item(
        "Name: 'file?.txt'",
        &[json!({"Name": "file1.txt"}), json!({"Name": "fileé.txt"})],
        &[json!({"Name": "file.txt"}), json!({"Name": "file12.txt"})],
    );
    // Escaped wildcards are plain characters.
    check_item(
        r"Name: 'what\?\*'",
        &[json!({"Name": "what?*"})],
        &[json!({"Name": "whatX*"}), json!({"Name": "what?xyz"})],
    );
    // `\\*`: a backslash, then a wildcard.
    check_item(
        r"Name: 'dir\\*'",
        &[json!({"Name": r"dir\"}), json!({"Name": r"dir\sub"})],
        &[json!({"Name": "dir"}), json!({"Name": "dirsub"})],
    );
    // `\\\*`: a backslash and a plain star.
    check_item(
        r"Name: 'dir\\\*'",
        &[json!({"Name": r"dir\*"})],
        &[json!({"Name": r"dir\sub"})],
    );
    // `\\\\`: two backslashes; a lone `\` before a letter stays.
    check_item(
        r"Name: '\\\\server\share'",
        &[json!({"Name": r"\\server\share"})],
        &[json!({"Name": r"\server\share"})],
    );
    // `*` alone: any value, not a missing or null field.
    check_item(
        "Name: '*'",
        &[
            json!({"Name": ""}),
            json!({"Name": "x"}),
            json!({"Name": 3}),
        ],
        &[json!({}), json!({"Name": null})],
    );
}

#[test]
fn case_rules_unicode_and_cased() {
    check_item(
        "Name|contains: 'ÄRGER'",
        &[json!({"Name": "großer ärger"}), json!({"Name": "ÄrGeR"})],
        &[json!({"Name": "arger"})],
    );
    check_item(
        "Name|contains: 'İstanbul'",
        &[json!({"Name": "istanbul"}), json!({"Name": "İSTANBUL"})],
        &[json!({"Name": "ıstanbul"})],
    );
    check_item(
        "Name|cased: 'CamelCase'",
        &[json!({"Name": "CamelCase"})],
        &[json!({"Name": "camelcase"}), json!({"Name": "CAMELCASE"})],
    );
    check_item(
        "Name|contains|cased: 'Evil'",
        &[json!({"Name": "so Evil"})],
        &[json!({"Name": "so evil"})],
    );
}

#[test]
fn empty_string_null_and_exists() {
    check_item(
        "Name: ''",
        &[json!({"Name": ""})],
        &[json!({}), json!({"Name": null}), json!({"Name": " "})],
    );
    check_item(
        "Name: null",
        &[json!({}), json!({"Name": null})],
        &[json!({"Name": ""}), json!({"Name": "x"})],
    );
    check_item(
        "Name|exists: true",
        &[
            json!({"Name": ""}),
            json!({"Name": null}),
            json!({"name": 1}),
        ],
        &[json!({}), json!({"Other": 1})],
    );
    check_item(
        "Name|exists: false",
        &[json!({}), json!({"Other": 1})],
        &[json!({"Name": null}), json!({"Name": "x"})],
    );
    // `not null` is written as a negated selection.
    check(
        "    selection:\n        EventID: 4738\n    filter:\n        PasswordLastSet: null\n    condition: selection and not filter",
        &[json!({"EventID": 4738, "PasswordLastSet": "2026-01-01"})],
        &[json!({"EventID": 4738}), json!({"EventID": 4738, "PasswordLastSet": null})],
    );
}

#[test]
fn numbers_compare_as_numbers_and_as_text() {
    check_item(
        "EventID: 4688",
        &[
            json!({"EventID": 4688}),
            json!({"EventID": "4688"}),
            json!({"EventID": 4688.0}),
            json!({"EventID": " 4688 "}),
        ],
        &[
            json!({"EventID": 4689}),
            json!({"EventID": "4688x"}),
            json!({}),
        ],
    );
    check_item(
        "EventID: '4688'",
        &[json!({"EventID": 4688}), json!({"EventID": "4688"})],
        &[json!({"EventID": 46880})],
    );
    // Unquoted hex stays text-equal too.
    check_item(
        "Status: 0x17",
        &[json!({"Status": "0x17"}), json!({"Status": 23})],
        &[json!({"Status": "0x18"})],
    );
    check_item(
        "EventID: [1, 3]",
        &[json!({"EventID": 1}), json!({"EventID": "3"})],
        &[json!({"EventID": 2})],
    );
}

#[test]
fn numeric_comparisons() {
    let cases = [
        ("lt", [false, false, true]),
        ("lte", [false, true, true]),
        ("gt", [true, false, false]),
        ("gte", [true, true, false]),
    ];
    for (op, expect) in cases {
        let rules = detection(&format!(
            "    selection:\n        Count|{op}: 10\n    condition: selection"
        ));
        for (value, want) in [11, 10, 9].into_iter().zip(expect) {
            assert_eq!(hits(&rules, json!({"Count": value})), want, "{op} {value}");
            assert_eq!(
                hits(&rules, json!({"Count": value.to_string()})),
                want,
                "{op} '{value}'"
            );
        }
        assert!(!hits(&rules, json!({"Count": "ten"})));
        assert!(!hits(&rules, json!({})));
    }
    check_item(
        "Size|gt: 1.5",
        &[json!({"Size": 1.6}), json!({"Size": 2})],
        &[json!({"Size": 1.5}), json!({"Size": 1})],
    );
}

#[test]
fn neq_negates_the_item() {
    check_item(
        "LogonType|neq: 3",
        &[
            json!({"LogonType": 2}),
            json!({"LogonType": "10"}),
            json!({}),
        ],
        &[json!({"LogonType": 3}), json!({"LogonType": "3"})],
    );
    check_item(
        "User|neq: 'SYSTEM'",
        &[json!({"User": "alice"})],
        &[json!({"User": "system"})],
    );
}

#[test]
fn regular_expressions() {
    check_item(
        r"CommandLine|re: '\s-[eE]nc?\s'",
        &[
            json!({"CommandLine": "powershell -enc AAA"}),
            json!({"CommandLine": "x -En y"}),
        ],
        &[
            json!({"CommandLine": "powershell -ENC AAA"}),
            json!({"CommandLine": "-enc"}),
        ],
    );
    // Case-sensitive by default, `i` makes it insensitive.
    check_item(
        "Name|re: 'abc'",
        &[json!({"Name": "xabcx"})],
        &[json!({"Name": "ABC"})],
    );
    check_item(
        "Name|re|i: '^abc$'",
        &[json!({"Name": "ABC"})],
        &[json!({"Name": "xabc"})],
    );
    check_item(
        "Name|re|m: '^second$'",
        &[json!({"Name": "first\nsecond\nthird"})],
        &[json!({"Name": "first second"})],
    );
    check_item(
        "Name|re: 'a.b'",
        &[json!({"Name": "axb"})],
        &[json!({"Name": "a\nb"})],
    );
    check_item(
        "Name|re|s: 'a.b'",
        &[json!({"Name": "a\nb"})],
        &[json!({"Name": "ab"})],
    );
}

#[test]
fn windash_expands_every_dash_spelling() {
    let body = "    selection:\n        CommandLine|contains|windash: ' -exec bypass'\n    condition: selection";
    check(
        body,
        &[
            json!({"CommandLine": "powershell -exec bypass"}),
            json!({"CommandLine": "powershell /exec bypass"}),
            json!({"CommandLine": "powershell \u{2013}exec bypass"}),
            json!({"CommandLine": "powershell \u{2014}exec bypass"}),
            json!({"CommandLine": "powershell \u{2015}exec bypass"}),
        ],
        &[
            json!({"CommandLine": "powershell _exec bypass"}),
            json!({"CommandLine": "powershell exec bypass"}),
        ],
    );
    // Only a dash that starts a word varies: `x-y` keeps its dash.
    check_item(
        "Arg|windash: 'x-y'",
        &[json!({"Arg": "x-y"})],
        &[json!({"Arg": "x/y"}), json!({"Arg": "x\u{2013}y"})],
    );
    check_item(
        "Arg|windash: '/s'",
        &[
            json!({"Arg": "/s"}),
            json!({"Arg": "-s"}),
            json!({"Arg": "\u{2015}s"}),
        ],
        &[json!({"Arg": "s"})],
    );
}

#[test]
fn cidr_ipv4_and_ipv6() {
    check_item(
        "Ip|cidr: ['10.0.0.0/8', '192.168.1.0/24']",
        &[
            json!({"Ip": "10.200.3.4"}),
            json!({"Ip": "192.168.1.255"}),
            json!({"Ip": "::ffff:10.0.0.1"}),
        ],
        &[
            json!({"Ip": "11.0.0.1"}),
            json!({"Ip": "192.168.2.1"}),
            json!({"Ip": "not an ip"}),
            json!({}),
        ],
    );
    check_item(
        "Ip|cidr: ['fe80::/10', '::1/128', '2001:db8::/32']",
        &[
            json!({"Ip": "fe80::1"}),
            json!({"Ip": "FEBF::abcd"}),
            json!({"Ip": "::1"}),
            json!({"Ip": "[2001:db8:1::5]"}),
            json!({"Ip": "fe80::1%12"}),
        ],
        &[
            json!({"Ip": "fec0::1"}),
            json!({"Ip": "::2"}),
            json!({"Ip": "10.0.0.1"}),
        ],
    );
}

#[test]
fn base64_and_base64offset_known_vectors() {
    // python: base64.b64encode(b'ping 10.0.0.1') == b'cGluZyAxMC4wLjAuMQ=='
    check_item(
        "Data|base64: 'ping 10.0.0.1'",
        &[json!({"Data": "cGluZyAxMC4wLjAuMQ=="})],
        &[
            json!({"Data": "x cGluZyAxMC4wLjAuMQ=="}),
            json!({"Data": "ping 10.0.0.1"}),
        ],
    );
    check_item(
        "Data|base64|contains: 'ping 10.0.0.1'",
        &[json!({"Data": "-enc cGluZyAxMC4wLjAuMQ== x"})],
        &[json!({"Data": "cGluZyAxMC4wLjAu"})],
    );
    // python: [b64encode(i*b' ' + v)[(0,2,3)[i]:(None,-3,-2)[(len(v)+i)%3]] for i in range(3)]
    // for v = b'IEX (New-Object':
    //   SUVYIChOZXctT2JqZWN0, lFWCAoTmV3LU9iamVjd, JRVggKE5ldy1PYmplY3
    // b64encode(p + b'IEX (New-Object Net.WebClient)') for p in b'', b'a', b'ab':
    check_item(
        "CommandLine|base64offset|contains: 'IEX (New-Object'",
        &[
            json!({"CommandLine": "-e SUVYIChOZXctT2JqZWN0IE5ldC5XZWJDbGllbnQp"}),
            json!({"CommandLine": "-e YUlFWCAoTmV3LU9iamVjdCBOZXQuV2ViQ2xpZW50KQ=="}),
            json!({"CommandLine": "-e YWJJRVggKE5ldy1PYmplY3QgTmV0LldlYkNsaWVudCk="}),
        ],
        &[
            // b64encode(b'IEX (Old-Object')
            json!({"CommandLine": "-e SUVYIChPbGQtT2JqZWN0"}),
            json!({"CommandLine": "IEX (New-Object"}),
        ],
    );
}

#[test]
fn utf16_encodings_before_base64() {
    // python: b64encode('whoami'.encode('utf-16le')) == b'dwBoAG8AYQBtAGkA'
    for modifier in ["wide", "utf16le"] {
        check_item(
            &format!("Data|{modifier}|base64: 'whoami'"),
            &[json!({"Data": "dwBoAG8AYQBtAGkA"})],
            &[
                json!({"Data": "d2hvYW1p"}),
                json!({"Data": "AHcAaABvAGEAbQBp"}),
            ],
        );
    }
    // python: b64encode('whoami'.encode('utf-16be')) == b'AHcAaABvAGEAbQBp'
    check_item(
        "Data|utf16be|base64: 'whoami'",
        &[json!({"Data": "AHcAaABvAGEAbQBp"})],
        &[json!({"Data": "dwBoAG8AYQBtAGkA"})],
    );
    // python: b64encode(b'\xff\xfe' + 'whoami'.encode('utf-16le')) == b'//53AGgAbwBhAG0AaQA='
    check_item(
        "Data|utf16|base64: 'whoami'",
        &[json!({"Data": "//53AGgAbwBhAG0AaQA="})],
        &[json!({"Data": "dwBoAG8AYQBtAGkA"})],
    );
    // Offsets of 'Invoke-' in UTF-16LE: SQBuAHYAbwBrAGUALQ, kAbgB2AG8AawBlAC0A,
    // JAG4AdgBvAGsAZQAtA; b64encode((p + 'Invoke-Expression').encode('utf-16le'))
    // for p in '', 'a', 'ab':
    check_item(
        "CommandLine|wide|base64offset|contains: 'Invoke-'",
        &[
            json!({"CommandLine": "-enc SQBuAHYAbwBrAGUALQBFAHgAcAByAGUAcwBzAGkAbwBuAA=="}),
            json!({"CommandLine": "-enc YQBJAG4AdgBvAGsAZQAtAEUAeABwAHIAZQBzAHMAaQBvAG4A"}),
            json!({"CommandLine": "-enc YQBiAEkAbgB2AG8AawBlAC0ARQB4AHAAcgBlAHMAcwBpAG8AbgA="}),
        ],
        &[json!({"CommandLine": "-enc SW52b2tlLUV4cHJlc3Npb24="})],
    );
    // Without base64, UTF-16LE of ASCII text is the text with NULs.
    check_item(
        "Data|wide|contains: 'cmd'",
        &[json!({"Data": "x c\u{0}m\u{0}d\u{0} y"})],
        &[json!({"Data": "cmd"})],
    );
}

#[test]
fn fieldref_compares_two_fields() {
    check_item(
        "User|fieldref: ParentUser",
        &[json!({"User": "CORP\\alice", "ParentUser": "corp\\ALICE"})],
        &[
            json!({"User": "CORP\\alice", "ParentUser": "CORP\\bob"}),
            json!({"User": "CORP\\alice"}),
            json!({"ParentUser": "CORP\\alice"}),
        ],
    );
    check_item(
        "User|fieldref|neq: ParentUser",
        &[json!({"User": "a", "ParentUser": "b"})],
        &[json!({"User": "a", "ParentUser": "A"})],
    );
    check_item(
        "CommandLine|fieldref|contains: Image",
        &[json!({"CommandLine": "\"C:\\x.exe\" -a", "Image": "c:\\X.exe"})],
        &[json!({"CommandLine": "y.exe -a", "Image": "c:\\X.exe"})],
    );
    check_item(
        "TargetFilename|fieldref|endswith: Name",
        &[json!({"TargetFilename": "C:\\dir\\A.txt", "Name": "a.txt"})],
        &[json!({"TargetFilename": "C:\\dir\\A.txt", "Name": "dir"})],
    );
}

#[test]
fn keywords_search_every_field() {
    check(
        "    keywords:\n        - 'event::clear'\n        - 'sekurlsa'\n    condition: keywords",
        &[
            json!({"Message": "mimikatz # EVENT::Clear"}),
            json!({"A": 1, "B": "x sekurlsa::logonpasswords"}),
            json!({"List": ["a", "use sekurlsa"]}),
        ],
        &[
            json!({"Message": "event clear"}),
            json!({"sekurlsa": "field names do not count"}),
        ],
    );
    check(
        "    keywords:\n        '|all':\n            - 'OabVirtualDirectory'\n            - ' -ExternalUrl '\n    condition: keywords",
        &[
            json!({"Payload": "Set-OabVirtualDirectory -ExternalUrl http://x"}),
            json!({"A": "oabvirtualdirectory", "B": "x -externalurl y"}),
        ],
        &[json!({"Payload": "Set-OabVirtualDirectory"})],
    );
    check(
        "    keywords:\n        - 4625\n    condition: keywords",
        &[
            json!({"EventID": 4625}),
            json!({"Message": "failure 4625 seen"}),
        ],
        &[json!({"EventID": 4624})],
    );
}

#[test]
fn array_fields_match_any_element() {
    check_item(
        "Tags|contains: 'evil'",
        &[json!({"Tags": ["good", "EVIL one"]})],
        &[json!({"Tags": ["good", "bad"]}), json!({"Tags": []})],
    );
    check_item(
        "Ports: 443",
        &[json!({"Ports": [80, 443]})],
        &[json!({"Ports": [80, 8443]})],
    );
}

// ------------------------------------------------------------ conditions

const ABC: &str = "    a:\n        A: 1\n    b:\n        B: 1\n    c:\n        C: 1\n";

fn check_condition(condition: &str, table: &[(Value, bool)]) {
    let rules = detection(&format!("{ABC}    condition: {condition}"));
    for (fields, want) in table {
        assert_eq!(
            hits(&rules, fields.clone()),
            *want,
            "{condition} on {fields}"
        );
    }
}

#[test]
fn condition_precedence_not_and_or() {
    let all = |a: u8, b: u8, c: u8| json!({"A": a, "B": b, "C": c});
    // a or (b and (not c))
    check_condition(
        "a or b and not c",
        &[
            (all(1, 0, 1), true),
            (all(0, 1, 0), true),
            (all(0, 1, 1), false),
            (all(0, 0, 0), false),
        ],
    );
    check_condition(
        "(a or b) and not c",
        &[
            (all(1, 0, 1), false),
            (all(1, 0, 0), true),
            (all(0, 1, 0), true),
        ],
    );
    check_condition(
        "not a and not b",
        &[(all(0, 0, 1), true), (all(1, 0, 0), false)],
    );
    check_condition(
        "not (a or b)",
        &[(all(0, 0, 1), true), (all(0, 1, 0), false)],
    );
    check_condition(
        "a AND (b OR c)",
        &[(all(1, 0, 1), true), (all(1, 0, 0), false)],
    );
    check_condition("not not a", &[(all(1, 0, 0), true), (all(0, 0, 0), false)]);
}

#[test]
fn condition_quantifiers() {
    let body = "    selection_a:\n        A: 1\n    selection_b:\n        B: 1\n    filter_x:\n        X: 1\n    _hidden:\n        H: 1\n";
    let run = |condition: &str, table: &[(Value, bool)]| {
        let rules = detection(&format!("{body}    condition: {condition}"));
        for (fields, want) in table {
            assert_eq!(
                hits(&rules, fields.clone()),
                *want,
                "{condition} on {fields}"
            );
        }
    };
    run(
        "1 of selection_*",
        &[
            (json!({"A": 1}), true),
            (json!({"B": 1}), true),
            (json!({"X": 1}), false),
        ],
    );
    run(
        "any of selection_*",
        &[(json!({"B": 1}), true), (json!({"H": 1}), false)],
    );
    run(
        "all of selection_*",
        &[(json!({"A": 1}), false), (json!({"A": 1, "B": 1}), true)],
    );
    run(
        "all of selection_* and not 1 of filter_*",
        &[
            (json!({"A": 1, "B": 1}), true),
            (json!({"A": 1, "B": 1, "X": 1}), false),
        ],
    );
    // `them` and patterns leave `_hidden` out.
    run(
        "1 of them",
        &[(json!({"H": 1}), false), (json!({"X": 1}), true)],
    );
    run(
        "all of them",
        &[
            (json!({"A": 1, "B": 1, "X": 1}), true),
            (json!({"A": 1, "B": 1, "H": 1}), false),
        ],
    );
    run(
        "1 of *",
        &[(json!({"H": 1}), false), (json!({"A": 1}), true)],
    );
    run("all of *", &[(json!({"A": 1, "B": 1, "X": 1}), true)]);
    // Naming `_hidden` (or a `_` pattern) explicitly works.
    run("_hidden", &[(json!({"H": 1}), true)]);
    run(
        "1 of _hid*",
        &[(json!({"H": 1}), true), (json!({"A": 1}), false)],
    );
    run(
        "2 of selection_* or filter_x",
        &[
            (json!({"A": 1}), false),
            (json!({"A": 1, "B": 1}), true),
            (json!({"X": 1}), true),
        ],
    );
}

#[test]
fn condition_lists_are_or() {
    let rules = detection(&format!(
        "{ABC}    condition:\n        - a and b\n        - c"
    ));
    assert!(hits(&rules, json!({"A": 1, "B": 1})));
    assert!(hits(&rules, json!({"C": 1})));
    assert!(!hits(&rules, json!({"A": 1})));
    assert_eq!(rules.rules()[0].condition(), "a and b or c");
}

// ------------------------------------------------------------- evidence

#[test]
fn matches_name_the_fields_that_matched() {
    let rules = detection(
        "    selection:\n        Image|endswith: '\\cmd.exe'\n        CommandLine|contains: 'whoami'\n    other:\n        User: alice\n    filter:\n        IntegrityLevel: System\n    keywords:\n        - 'needle'\n    condition: (selection or other) and not filter or keywords",
    );
    let e = event(json!({
        "Image": "C:\\Windows\\cmd.exe",
        "CommandLine": "cmd /c WHOAMI",
        "User": "bob",
        "IntegrityLevel": "Medium",
        "Note": "a needle here",
    }));
    let found = rules.evaluate(&e);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].fields,
        [
            ("Image".to_string(), "C:\\Windows\\cmd.exe".to_string()),
            ("CommandLine".to_string(), "cmd /c WHOAMI".to_string()),
            ("Note".to_string(), "a needle here".to_string()),
        ]
    );
    assert_eq!(found[0].rule.id.as_deref(), Some("test-rule"));
}

// ------------------------------------------------------------- log sources

#[test]
fn rules_apply_to_the_log_sources_they_cover() {
    let mut rules = RuleSet::new();
    let rule = |id: &str, logsource: &str| {
        format!("title: {id}\nid: {id}\nlogsource: {logsource}\ndetection:\n    s:\n        Image|endswith: 'x.exe'\n    condition: s\n")
    };
    let text = [
        rule("proc", "{product: windows, category: process_creation}"),
        rule("sysmon", "{product: windows, service: sysmon}"),
        rule("security", "{product: windows, service: security}"),
        rule("windows", "{product: windows}"),
        rule("linux", "{product: linux, category: process_creation}"),
        rule("net", "{category: network_connection}"),
    ]
    .join("---\n");
    assert_eq!(rules.add_yaml(&text, None).unwrap(), 6);
    let ids = |logsources: Vec<LogSource>| -> Vec<String> {
        let mut e = event(json!({"Image": "C:\\x.exe"}));
        e.logsources = logsources;
        rules
            .evaluate(&e)
            .iter()
            .map(|m| m.rule.id.clone().unwrap())
            .collect()
    };
    let sysmon_proc = LogSource::new(Some("windows"), Some("process_creation"), Some("sysmon"));
    assert_eq!(
        ids(vec![sysmon_proc.clone()]),
        ["proc", "sysmon", "windows"]
    );
    assert_eq!(
        ids(vec![LogSource::new(
            Some("windows"),
            Some("process_creation"),
            Some("security")
        )]),
        ["proc", "security", "windows"]
    );
    assert_eq!(
        ids(vec![LogSource::new(
            Some("linux"),
            Some("process_creation"),
            None
        )]),
        ["linux"]
    );
    assert_eq!(
        ids(vec![LogSource::new(
            Some("windows"),
            Some("network_connection"),
            Some("sysmon")
        )]),
        ["sysmon", "windows", "net"]
    );
    // Two log sources: the union, each rule once, in rule order.
    assert_eq!(
        ids(vec![
            LogSource::new(Some("linux"), Some("process_creation"), None),
            sysmon_proc
        ]),
        ["proc", "sysmon", "windows", "linux"]
    );
    // Not routed: every rule.
    assert_eq!(
        ids(vec![]),
        ["proc", "sysmon", "security", "windows", "linux", "net"]
    );
}

#[test]
fn parallel_evaluation_agrees_with_sequential() {
    let rules = detection("    s:\n        N|endswith: ['1', '3']\n    condition: s");
    let events: Vec<Event> = (0..500)
        .map(|i| event(json!({"N": i.to_string()})))
        .collect();
    let parallel = rules.evaluate_all(&events);
    for (e, p) in events.iter().zip(&parallel) {
        assert_eq!(rules.evaluate(e).len(), p.len());
    }
    assert_eq!(parallel.iter().filter(|m| !m.is_empty()).count(), 100);
}

// ----------------------------------------------------------- metadata

#[test]
fn metadata_tags_and_confidence() {
    let mut rules = RuleSet::new();
    let summary = rules
        .add_path(&ttpmap_test_support::testdata(
            "sigma/valid/proc_creation_whoami.yml",
        ))
        .unwrap();
    assert_eq!((summary.files, summary.rules, summary.skipped), (1, 1, 0));
    let rule = &rules.rules()[0];
    assert_eq!(rule.title, "Whoami Execution");
    assert_eq!(
        rule.id.as_deref(),
        Some("00000000-0000-4000-8000-000000000001")
    );
    assert_eq!(rule.level, Level::High);
    assert_eq!(rule.status, Status::Stable);
    assert_eq!(rule.techniques(), ["T1033"]);
    assert_eq!(rule.tactics(), ["discovery"]);
    assert_eq!(rule.groups(), ["G0007"]);
    assert_eq!(rule.software(), ["S0154"]);
    assert_eq!(rule.other_tags(), ["cve.2026-0001"]);
    assert_eq!(
        rule.logsource,
        LogSource::new(Some("windows"), Some("process_creation"), None)
    );
    assert_eq!(
        rule.logsource_definition.as_deref(),
        Some("Sysmon EventID 1 or Security 4688")
    );
    assert_eq!(rule.author.as_deref(), Some("ttpmap tests"));
    assert_eq!(rule.date.as_deref(), Some("2026-05-01"));
    assert_eq!(rule.modified.as_deref(), Some("2026-05-02"));
    assert_eq!(rule.references, ["https://example.invalid/whoami"]);
    assert_eq!(rule.falsepositives, ["Administrators"]);
    assert_eq!(rule.fields, ["CommandLine"]);
    assert_eq!(rule.related.len(), 1);
    assert_eq!(rule.related[0].kind, "derived");
    assert_eq!(rule.search_identifiers(), ["selection", "filter_system"]);
    assert!((rule.confidence() - 0.85).abs() < 1e-9);
    assert!(rule
        .path
        .as_deref()
        .unwrap()
        .ends_with("proc_creation_whoami.yml"));

    let tagged = detection("    s:\n        A: 1\n    condition: s");
    let rule = &tagged.rules()[0];
    assert_eq!(
        (rule.level, rule.status),
        (Level::Medium, Status::Experimental)
    );
    assert!((rule.confidence() - 0.56).abs() < 1e-9);

    let yaml = "title: T\nlogsource: {product: windows}\ndetection: {s: {A: 1}, condition: s}\ntags: [attack.defense_evasion, attack.t1059.001, attack.T1027, attack.command-and-control, attack.ds0005, attack.t123]\nlevel: critical\nstatus: deprecated\n";
    let mut rules = RuleSet::new();
    rules.add_yaml(yaml, None).unwrap();
    let rule = &rules.rules()[0];
    assert_eq!(rule.techniques(), ["T1059.001", "T1027"]);
    assert_eq!(rule.tactics(), ["defense-evasion", "command-and-control"]);
    assert_eq!(rule.other_tags(), ["attack.ds0005", "attack.t123"]);
    assert!((rule.confidence() - 0.475).abs() < 1e-9);

    let weights = [
        (Level::Critical, 0.95),
        (Level::High, 0.85),
        (Level::Medium, 0.7),
        (Level::Low, 0.5),
        (Level::Informational, 0.3),
    ];
    for (level, w) in weights {
        assert!((level.weight() - w).abs() < 1e-9);
    }
    let factors = [
        (Status::Stable, 1.0),
        (Status::Test, 0.9),
        (Status::Experimental, 0.8),
        (Status::Deprecated, 0.5),
        (Status::Unsupported, 0.5),
    ];
    for (status, f) in factors {
        assert!((status.weight() - f).abs() < 1e-9);
    }
}

#[test]
fn fixture_folder_loads_collections_and_skips_meta_rules() {
    let mut rules = RuleSet::new();
    let summary = rules
        .add_path(&ttpmap_test_support::testdata("sigma/valid"))
        .unwrap();
    assert!(summary.errors.is_empty(), "{:?}", summary.errors);
    assert_eq!(summary.files, 4);
    // whoami 1, collection 3, correlation file 1 (+2 skipped), unsupported 7 skipped
    assert_eq!(summary.rules, 5);
    assert_eq!(summary.skipped, 9);

    let sc = |cmd: &str| {
        let mut e = event(json!({"Image": "C:\\Windows\\System32\\sc.exe", "CommandLine": cmd}));
        e.logsources = vec![LogSource::new(
            Some("windows"),
            Some("process_creation"),
            None,
        )];
        rules
            .evaluate(&e)
            .iter()
            .map(|m| m.rule.id.clone().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(sc("sc create x"), ["00000000-0000-4000-8000-000000000002"]);
    assert_eq!(sc("sc delete x"), ["00000000-0000-4000-8000-000000000003"]);
    let second = rules.rule("00000000-0000-4000-8000-000000000002").unwrap();
    assert_eq!(second.title, "Suspicious Service Tool");
    assert_eq!(second.status, Status::Test);
    assert_eq!(
        second.logsource,
        LogSource::new(Some("windows"), Some("process_creation"), None)
    );
    let reset = rules.rule("00000000-0000-4000-8000-000000000004").unwrap();
    assert_eq!(reset.level, Level::Medium);
    assert_eq!(reset.logsource, LogSource::new(Some("linux"), None, None));

    let reasons: Vec<(String, String)> = rules
        .skipped()
        .iter()
        .map(|s| (s.id.clone().unwrap_or_default(), s.reason.to_string()))
        .collect();
    let expected = [
        (
            "00000000-0000-4000-8000-000000000006",
            "correlation rule (not evaluated per event)",
        ),
        (
            "00000000-0000-4000-8000-000000000007",
            "filter meta rule (not evaluated)",
        ),
        (
            "00000000-0000-4000-8000-000000000008",
            "unsupported aggregation `| count() by TargetUserName > 10`",
        ),
        (
            "00000000-0000-4000-8000-000000000009",
            "unsupported `near` in condition `a near b`",
        ),
        (
            "00000000-0000-4000-8000-000000000010",
            "unknown modifier `sounds_like`",
        ),
        (
            "00000000-0000-4000-8000-000000000011",
            "unsupported modifier `hour`",
        ),
        (
            "00000000-0000-4000-8000-000000000012",
            "unresolved placeholder %Administrators% (in `%Administrators%`)",
        ),
    ];
    for (i, (id, reason)) in expected.iter().enumerate() {
        assert_eq!(reasons[i], ((*id).to_string(), (*reason).to_string()));
    }
    assert_eq!(reasons[7].0, "00000000-0000-4000-8000-000000000013");
    assert!(
        reasons[7]
            .1
            .starts_with("unsupported regular expression `foo(?!bar)`: "),
        "{}",
        reasons[7].1
    );
    assert_eq!(
        reasons[8],
        (
            "00000000-0000-4000-8000-000000000014".to_string(),
            "invalid value: bad CIDR network `10.0.0.0/99`".to_string()
        )
    );
    // Skips point at the unsupported part.
    let near = &rules.skipped()[3];
    assert_eq!(near.line, 21);
    assert!(near
        .to_string()
        .contains("unsupported.yml:21: Near Condition"));
}

#[test]
fn unsupported_features_are_named() {
    assert_eq!(
        skip_reason("    s:\n        A|base64offset|re: 'x'\n    condition: s"),
        SkipReason::ModifierCombination("base64offset|re".into())
    );
    assert_eq!(
        skip_reason("    s:\n        A|cidr|contains: '10.0.0.0/8'\n    condition: s"),
        SkipReason::ModifierCombination("cidr|contains".into())
    );
    assert_eq!(
        skip_reason("    s:\n        A|i: 'x'\n    condition: s"),
        SkipReason::ModifierCombination("i".into())
    );
    assert_eq!(
        skip_reason("    s:\n        A|contains|base64: 'x'\n    condition: s"),
        SkipReason::InvalidValue("base64 of a value with wildcards (`*x*`)".into())
    );
    assert_eq!(
        skip_reason("    s:\n        A|gt: 'many'\n    condition: s"),
        SkipReason::InvalidValue("`A|gt` needs a number".into())
    );
    assert_eq!(
        skip_reason("    s:\n        A|re: '(a'\n    condition: s").kind(),
        "unsupported regular expression"
    );
    assert_eq!(
        skip_reason("    s:\n        A|expand: '%Servers%'\n    condition: s"),
        SkipReason::UnresolvedPlaceholder("%Servers% (in `%Servers%`)".into())
    );
    assert_eq!(
        skip_reason("    s:\n        A: 1\n    condition: s | count() > 5"),
        SkipReason::Aggregation("| count() > 5".into())
    );
}

#[test]
fn placeholders_expand_when_given() {
    let mut rules = RuleSet::new();
    rules.set_placeholder("Admins", vec!["root".into(), "adm*".into()]);
    rules
        .add_yaml(
            "title: T\nlogsource: {product: x}\ndetection:\n    s:\n        User|expand: 'CORP\\\\%Admins%'\n        Note|expand: '\\%Admins%'\n    condition: s\n",
            None,
        )
        .unwrap();
    assert_eq!(rules.len(), 1);
    let note = "%Admins%";
    assert!(!rules
        .evaluate(&event(json!({"User": "CORP\\root", "Note": note})))
        .is_empty());
    assert!(!rules
        .evaluate(&event(json!({"User": "corp\\admin7", "Note": note})))
        .is_empty());
    assert!(rules
        .evaluate(&event(json!({"User": "CORP\\bob", "Note": note})))
        .is_empty());
    assert!(rules
        .evaluate(&event(json!({"User": "CORP\\root", "Note": "root"})))
        .is_empty());
}

// ------------------------------------------------------------ load errors

#[test]
fn malformed_rules_are_located() {
    let e = load_error("title: T\nlogsource: {product: x}\ndetection:\n    s:\n        A: [1, 2\n    condition: s\n");
    assert_eq!(e.path.as_deref(), Some(Path::new("bad.yml")));
    assert!(e.message.starts_with("malformed YAML"), "{e}");
    assert_eq!(e.line, Some(7));

    let e = load_error("title: No Detection\nlogsource: {product: x}\n");
    assert_eq!(
        (e.line, e.message.as_str()),
        (Some(1), "missing `detection`")
    );
    assert_eq!(e.rule.as_deref(), Some("No Detection"));
    assert_eq!(
        e.to_string(),
        "bad.yml:1: missing `detection` (rule `No Detection`)"
    );

    let e = load_error("title: T\nlogsource: {product: x}\ndetection:\n    s:\n        A: 1\n    condition: s and not f\n");
    assert_eq!(e.line, Some(6));
    assert_eq!(
        e.message,
        "unknown search identifier `f` in condition `s and not f`"
    );

    let e = load_error("title: T\ndetection:\n    s:\n        A: 1\n");
    assert_eq!(
        (e.line, e.message.as_str()),
        (Some(3), "`detection` has no `condition`")
    );

    let e = load_error("title: T\ndetection:\n    s:\n        A: 1\n    condition: (s\n");
    assert_eq!(e.line, Some(5));
    assert_eq!(e.message, "missing `)` in condition `(s`");

    let e = load_error("title: T\ndetection:\n    s:\n        A: 1\n    condition: 1 of x*\n");
    assert_eq!(
        e.message,
        "`1 of x*` names no search identifier in condition `1 of x*`"
    );

    let e = load_error("logsource: {product: x}\ndetection: {s: {A: 1}, condition: s}\n");
    assert_eq!(e.message, "missing `title`");

    let e = load_error("title: T\ndetection:\n    s:\n        A: []\n    condition: s\n");
    assert_eq!(
        (e.line, e.message.as_str()),
        (Some(4), "`A` has an empty list of values")
    );

    let e =
        load_error("title: T\ndetection:\n    s:\n        A: 1\n        A: 2\n    condition: s\n");
    assert_eq!(e.line, Some(5));

    let e = load_error("- just\n- a list\n");
    assert_eq!(e.message, "a rule must be a YAML mapping");

    // All or nothing: a good rule before a bad one is not added.
    let mut rules = RuleSet::new();
    let text = "title: Good\ndetection: {s: {A: 1}, condition: s}\n---\ntitle: Bad\n";
    assert!(rules.add_yaml(text, None).is_err());
    assert!(rules.is_empty());
}

#[test]
fn malformed_fixture_files_are_reported_not_fatal() {
    let mut rules = RuleSet::new();
    let summary = rules
        .add_path(&ttpmap_test_support::testdata("sigma/malformed"))
        .unwrap();
    assert_eq!((summary.files, summary.rules, summary.skipped), (5, 0, 0));
    let errors: Vec<(String, Option<usize>, String)> = summary
        .errors
        .iter()
        .map(|e| {
            (
                e.path
                    .as_deref()
                    .and_then(Path::file_name)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                e.line,
                e.message.clone(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 5);
    assert_eq!(
        errors[0],
        (
            "bad_level.yml".into(),
            Some(8),
            "unknown level `severe`".into()
        )
    );
    assert_eq!(errors[1].0, "bad_yaml.yml");
    assert_eq!(errors[1].1, Some(7));
    assert!(errors[1].2.starts_with("malformed YAML: "));
    assert_eq!(
        errors[2],
        (
            "no_condition.yml".into(),
            Some(5),
            "`detection` has no `condition`".into()
        )
    );
    assert_eq!(
        errors[3],
        (
            "no_detection.yml".into(),
            Some(1),
            "missing `detection`".into()
        )
    );
    assert_eq!(
        errors[4],
        (
            "unknown_identifier.yml".into(),
            Some(7),
            "unknown search identifier `filter` in condition `selection and not filter`".into()
        )
    );
    assert!(matches!(
        rules.add_path(Path::new("/nonexistent/sigma")),
        Err(Error::Io { .. })
    ));
}

// ------------------------------------------------------- SigmaHQ rules

fn load_sigmahq(shared: &Path) -> RuleSet {
    let mut rules = RuleSet::new();
    for folder in ["rules", "rules-emerging-threats", "rules-threat-hunting"] {
        let summary = rules.add_path(&shared.join("sigma").join(folder)).unwrap();
        assert!(summary.errors.is_empty(), "{folder}: {:?}", summary.errors);
        eprintln!(
            "{folder}: {} files, {} rules, {} skipped",
            summary.files, summary.rules, summary.skipped
        );
    }
    rules
}

#[test]
fn sigmahq_rules_load_with_reasons_for_every_skip() {
    let Some(shared) = ttpmap_test_support::shared_dir() else {
        return;
    };
    let start = std::time::Instant::now();
    let rules = load_sigmahq(&shared);
    rules.prepare();
    eprintln!("loaded and indexed in {:?} (test profile)", start.elapsed());
    let mut reasons: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for s in rules.skipped() {
        reasons
            .entry(s.reason.kind())
            .or_default()
            .push(s.to_string());
    }
    for (kind, list) in &reasons {
        eprintln!("skipped, {kind}: {}", list.len());
        for s in list {
            eprintln!("    {s}");
        }
    }
    assert_eq!(rules.len(), 3752);
    assert_eq!(rules.skipped().len(), 2);
    assert_eq!(reasons.get("unresolved placeholder").map(Vec::len), Some(2));
    let with_techniques = rules
        .rules()
        .iter()
        .filter(|r| !r.techniques().is_empty())
        .count();
    eprintln!("rules naming ATT&CK techniques: {with_techniques}");
}

// ------------------------------------------------------ regression events

/// An evtx-JSON record as a flat event: EventData (or UserData) fields
/// and System's EventID, Channel, Provider_Name, Computer.
fn evtx_event(doc: &Value) -> Event {
    let root = &doc["Event"];
    let system = &root["System"];
    let mut e = Event::new();
    let event_id = match &system["EventID"] {
        Value::Object(o) => o.get("#text").cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    e.insert("EventID", event_id);
    for key in ["Channel", "Computer"] {
        if let Some(v) = system.get(key) {
            e.insert(key, v.clone());
        }
    }
    if let Some(name) = system["Provider"]["#attributes"].get("Name") {
        e.insert("Provider_Name", name.clone());
    }
    let data = match root.get("EventData") {
        Some(Value::Object(o)) => Some(o.clone()),
        _ => match root.get("UserData") {
            Some(Value::Object(o)) => o.values().find_map(|v| v.as_object().cloned()),
            _ => None,
        },
    };
    for (k, v) in data.unwrap_or_default() {
        // Sigma field names drop the spaces of event field names.
        if k != "#attributes" {
            e.insert(k.replace(' ', ""), v);
        }
    }
    e
}

/// The Sigma log sources of a Windows event by channel and event id (a
/// small stand-in for the real router).
fn route(e: &Event) -> Vec<LogSource> {
    let channel = e.text("Channel").unwrap_or_default().to_string();
    let id = e
        .text("EventID")
        .and_then(|t| t.parse::<u32>().ok())
        .unwrap_or(0);
    let windows = |category: Option<&str>, service: Option<&str>| {
        LogSource::new(Some("windows"), category, service)
    };
    match channel.as_str() {
        "Microsoft-Windows-Sysmon/Operational" => {
            let categories: &[&str] = match id {
                1 => &["process_creation"],
                2 => &["file_change"],
                3 => &["network_connection"],
                5 => &["process_termination"],
                6 => &["driver_load"],
                7 => &["image_load"],
                8 => &["create_remote_thread"],
                9 => &["raw_access_thread"],
                10 => &["process_access"],
                11 => &["file_event"],
                12 => {
                    if e.text("EventType").is_some_and(|t| t.starts_with("Delete")) {
                        &["registry_delete", "registry_event"]
                    } else {
                        &["registry_add", "registry_event"]
                    }
                }
                13 => &["registry_set", "registry_event"],
                14 => &["registry_rename", "registry_event"],
                15 => &["create_stream_hash"],
                17 | 18 => &["pipe_created"],
                19..=21 => &["wmi_event"],
                22 => &["dns_query"],
                23 => &["file_delete"],
                24 => &["clipboard_capture"],
                25 => &["process_tampering"],
                26 => &["file_delete_detected", "file_delete"],
                27 => &["file_block_executable"],
                28 => &["file_block_shredding"],
                29 => &["file_executable_detected"],
                _ => &["sysmon_status"],
            };
            categories
                .iter()
                .map(|c| windows(Some(c), Some("sysmon")))
                .collect()
        }
        "Security" => vec![windows(None, Some("security"))],
        "System" => vec![windows(None, Some("system"))],
        "Application" => vec![windows(None, Some("application"))],
        "Microsoft-Windows-Windows Defender/Operational" => vec![windows(None, Some("windefend"))],
        "Microsoft-Windows-TaskScheduler/Operational" => vec![windows(None, Some("taskscheduler"))],
        "Microsoft-Windows-WMI-Activity/Operational" => vec![windows(None, Some("wmi"))],
        "Microsoft-Windows-PowerShell/Operational" => match id {
            4103 => vec![windows(Some("ps_module"), Some("powershell"))],
            4104 => vec![windows(Some("ps_script"), Some("powershell"))],
            _ => vec![windows(None, Some("powershell"))],
        },
        _ => vec![windows(None, None)],
    }
}

fn regression_cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            regression_cases(&path, out);
        } else if path.file_name().is_some_and(|n| n == "info.yml") {
            out.push(path);
        }
    }
}

#[test]
fn sigmahq_regression_events_match_their_rules() {
    let Some(shared) = ttpmap_test_support::shared_dir() else {
        return;
    };
    let rules = load_sigmahq(&shared);
    let mut cases = Vec::new();
    regression_cases(&shared.join("sigma/regression_data"), &mut cases);
    cases.sort();
    let (mut exact, mut some, mut total, mut no_events) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for info_path in &cases {
        let info = std::fs::read_to_string(info_path).unwrap();
        let docs = yaml_rust2::YamlLoader::load_from_str(&info).unwrap();
        let info = &docs[0];
        let rule_id = info["rule_metadata"][0]["id"].as_str().unwrap().to_string();
        let expected = info["regression_tests_info"][0]["match_count"]
            .as_i64()
            .unwrap_or(1) as usize;
        let dir = info_path.parent().unwrap();
        let json_path = dir.join(format!("{rule_id}.json"));
        let Ok(text) = std::fs::read_to_string(&json_path) else {
            no_events += 1;
            continue;
        };
        total += 1;
        let mut matched = 0;
        for doc in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
            let mut e = evtx_event(&doc.unwrap());
            e.logsources = route(&e);
            if rules
                .evaluate(&e)
                .iter()
                .any(|m| m.rule.id.as_deref() == Some(rule_id.as_str()))
            {
                matched += 1;
            }
        }
        if matched > 0 {
            some += 1;
        }
        if matched == expected {
            exact += 1;
        } else {
            failures.push(format!(
                "{}: {matched} of {expected} expected",
                dir.strip_prefix(&shared).unwrap_or(dir).display()
            ));
        }
    }
    eprintln!(
        "regression: {total} cases with events ({no_events} without); the rule matched in {some}; exactly match_count events in {exact}"
    );
    for f in &failures {
        eprintln!("    {f}");
    }
    assert_eq!(total, 202);
    // Every rule matches its events. Six files hold more events that
    // satisfy the rule than `match_count` says (e.g. AnyDesk: three file
    // events under `\AnyDesk\user.conf`, all matching the rule's
    // `contains`).
    assert_eq!(some, 202, "{failures:#?}");
    assert_eq!(exact, 196, "{failures:#?}");
}

// ------------------------------------------- the index behind evaluation

#[test]
fn conditions_hold_exactly_whatever_the_rule_requires() {
    // `(a and b) or c`: the index requires combinations of the parts'
    // literals; the outcome must still be the condition's truth table.
    let body = "    a:\n        Image|endswith: '\\certutil.exe'\n    b:\n        CommandLine|contains: '-urlcache'\n    c:\n        CommandLine|contains: 'decodehex'\n    condition: (a and b) or c";
    let rules = detection(body);
    for (image, cmd, expected) in [
        ("C:\\certutil.exe", "x -urlcache y", true),
        ("C:\\certutil.exe", "x -split y", false),
        ("C:\\other.exe", "x -urlcache y", false),
        ("C:\\other.exe", "x -decodehex y", true),
        ("C:\\certutil.exe", "x -decodehex -urlcache", true),
    ] {
        assert_eq!(
            hits(&rules, json!({"Image": image, "CommandLine": cmd})),
            expected,
            "{image} {cmd}"
        );
    }
    // `1 of` over selections of several items each.
    check(
        "    s1:\n        A|contains: 'alpha1'\n        B|contains: 'bravo1'\n    s2:\n        A|contains: 'alpha2'\n        B|contains: 'bravo2'\n    condition: 1 of s*",
        &[
            json!({"A": "alpha1", "B": "bravo1"}),
            json!({"A": "alpha2", "B": "bravo2"}),
        ],
        &[
            json!({"A": "alpha1", "B": "bravo2"}),
            json!({"A": "alpha2", "B": "bravo1"}),
            json!({"A": "alpha1 alpha2"}),
        ],
    );
}

#[test]
fn required_numbers_match_every_form_of_the_number() {
    check_item(
        "EventID: [4688, 1]",
        &[
            json!({"EventID": [7, "1"]}),
            json!({"EventID": "4688.0"}),
            json!({"EventID": 1e0}),
        ],
        &[
            json!({"EventID": [7, 4689]}),
            json!({"EventID": "x"}),
            json!({"EventID": true}),
        ],
    );
    check_item(
        "Code: 0",
        &[
            json!({"Code": -0.0}),
            json!({"Code": "0"}),
            json!({"Code": " -0 "}),
        ],
        &[json!({"Code": 1})],
    );
    // `|all` of numbers: every one must be among the array's elements.
    check_item(
        "Ports|all: [80, 443]",
        &[json!({"Ports": [443, 80, 22]})],
        &[json!({"Ports": [80, 22]}), json!({"Ports": 80})],
    );
}

#[test]
fn keyword_occurrences_stay_within_one_value() {
    // A keyword with the character that separates values in the keyword
    // pass: it must not be found across two values.
    check(
        "    keywords:\n        - \"a\\0b\"\n        - 'whole-value'\n    condition: keywords",
        &[
            json!({"X": "xa\u{0}by"}),
            json!({"X": "first", "Y": "whole-value"}),
            json!({"X": "whole-value"}),
        ],
        &[
            json!({"X": "xa", "Y": "by"}),
            json!({"X": "whole-", "Y": "value"}),
        ],
    );
}

#[test]
fn more_sets_of_log_sources_than_plans_kept() {
    // Every event selects another group; beyond the plans kept, events use
    // the plan of every group, which must find the same.
    let text: Vec<String> = (0..80)
        .map(|i| {
            format!(
                "title: r{i}\nid: r{i}\nlogsource: {{product: p{i}}}\ndetection:\n    s:\n        Message|contains: 'needle{i}'\n    condition: s\n"
            )
        })
        .collect();
    let mut rules = RuleSet::new();
    assert_eq!(rules.add_yaml(&text.join("---\n"), None).unwrap(), 80);
    for round in 0..2 {
        for i in 0..80 {
            let mut e =
                event(json!({"Message": format!("a needle{i} and needle{}", (i + 1) % 80)}));
            e.logsources = vec![LogSource::new(Some(&format!("p{i}")), None, None)];
            let ids: Vec<String> = rules
                .evaluate(&e)
                .iter()
                .map(|m| m.rule.id.clone().unwrap())
                .collect();
            assert_eq!(ids, [format!("r{i}")], "round {round}, product p{i}");
        }
    }
}

#[test]
fn repeated_field_values_give_the_same_results() {
    // Short texts are remembered with the literals found in them, per
    // thread: results must not depend on what was evaluated before.
    let body = "    s:\n        User|endswith: '\\alice'\n        IntegrityLevel: 'High'\n    t:\n        User|startswith: 'NT AUTHORITY\\'\n        Company|contains: 'evil'\n    condition: s or t";
    let users = [
        "CORP\\alice",
        "NT AUTHORITY\\SYSTEM",
        "corp\\ALICE",
        "CORP\\bob",
        "x",
    ];
    let levels = ["High", "Medium", "HIGH", "System"];
    let companies = [
        "Evil Corp",
        "Microsoft® Corporation",
        "",
        "eviL",
        "ÉVIL Évil evil",
    ];
    let events: Vec<Value> = (0..200usize)
        .map(|i| {
            json!({
                "User": users[i % users.len()],
                "IntegrityLevel": levels[(i / 3) % levels.len()],
                "Company": companies[(i / 7) % companies.len()],
            })
        })
        .collect();
    // Each alone, by a rule set that has seen nothing else...
    let expected: Vec<bool> = events
        .iter()
        .map(|fields| hits(&detection(body), fields.clone()))
        .collect();
    // ...and one after the other by one rule set.
    let shared = detection(body);
    let actual: Vec<bool> = events
        .iter()
        .map(|fields| hits(&shared, fields.clone()))
        .collect();
    assert_eq!(actual, expected);
    // ...and as the condition says.
    let by_hand: Vec<bool> = events
        .iter()
        .map(|e| {
            let field = |name: &str| e[name].as_str().unwrap_or_default().to_lowercase();
            (field("User").ends_with("\\alice") && field("IntegrityLevel") == "high")
                || (field("User").starts_with("nt authority\\")
                    && field("Company").contains("evil"))
        })
        .collect();
    assert_eq!(expected, by_hand);
    assert_eq!(expected.iter().filter(|&&m| m).count(), 68);
}
