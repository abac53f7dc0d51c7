//! Log-source routing: the embedded tables, user tables, errors, and the
//! SigmaHQ regression events routed to their rules' log sources.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{json, Value};
use ttpmap_mapper::route::{RouteError, RouteStats, Router};
use ttpmap_mapper::{Event, LogSource};
use yaml_rust2::{Yaml, YamlLoader};

fn ls(product: &str, category: Option<&str>, service: Option<&str>) -> LogSource {
    LogSource::new(Some(product), category, service)
}

fn routed(value: Value) -> Event {
    let mut event = Event::from_json(value);
    Router::shared().route(&mut event);
    event
}

fn sysmon(event_id: &Value) -> Event {
    routed(json!({
        "Channel": "Microsoft-Windows-Sysmon/Operational",
        "Provider_Name": "Microsoft-Windows-Sysmon",
        "EventID": event_id,
    }))
}

#[test]
fn every_sysmon_event_id_routes_to_its_categories_and_the_sysmon_service() {
    let table: &[(u32, &[&str])] = &[
        (1, &["process_creation"]),
        (2, &["file_change"]),
        (3, &["network_connection"]),
        (4, &["sysmon_status"]),
        (5, &["process_termination"]),
        (6, &["driver_load"]),
        (7, &["image_load"]),
        (8, &["create_remote_thread"]),
        (9, &["raw_access_thread"]),
        (10, &["process_access"]),
        (11, &["file_event"]),
        (12, &["registry_add", "registry_delete", "registry_event"]),
        (13, &["registry_event", "registry_set"]),
        (14, &["registry_event", "registry_rename"]),
        (15, &["create_stream_hash"]),
        (16, &["sysmon_status"]),
        (17, &["pipe_created"]),
        (18, &["pipe_created"]),
        (19, &["wmi_event"]),
        (20, &["wmi_event"]),
        (21, &["wmi_event"]),
        (22, &["dns_query"]),
        (23, &["file_delete"]),
        (24, &["clipboard_capture", "clipboard_change"]),
        (25, &["process_tampering"]),
        (26, &["file_delete", "file_delete_detected"]),
        (27, &["file_block_executable"]),
        (28, &["file_block_shredding"]),
        (29, &["file_executable_detected"]),
        (255, &["sysmon_error"]),
    ];
    for &(id, categories) in table {
        let expected: Vec<LogSource> = categories
            .iter()
            .map(|c| ls("windows", Some(c), Some("sysmon")))
            .collect();
        // The id as a number and as text route alike.
        for event_id in [json!(id), json!(id.to_string())] {
            let event = sysmon(&event_id);
            assert_eq!(event.logsources, expected, "Sysmon {event_id}");
            let service_rule = ls("windows", None, Some("sysmon"));
            assert!(event.logsources.iter().any(|s| service_rule.covers(s)));
        }
    }
    // An event id without a route of its own keeps the service.
    assert_eq!(
        sysmon(&json!(999)).logsources,
        [ls("windows", None, Some("sysmon"))]
    );
}

#[test]
fn security_4688_is_process_creation_with_sigma_field_names() {
    let mut event = routed(json!({
        "Channel": "Security",
        "Provider_Name": "Microsoft-Windows-Security-Auditing",
        "EventID": 4688,
        "SubjectUserName": "alice",
        "SubjectDomainName": "CORP",
        "SubjectLogonId": "0x3e7",
        "NewProcessId": "0x1a2c",
        "NewProcessName": "C:\\Windows\\System32\\cmd.exe",
        "CommandLine": "cmd.exe /c whoami",
        "ProcessId": "0x2f0",
        "ParentProcessName": "C:\\Windows\\explorer.exe",
        "MandatoryLabel": "S-1-16-12288",
    }));
    assert_eq!(
        event.logsources,
        [ls("windows", Some("process_creation"), Some("security"))]
    );
    let text = |e: &Event, f: &str| e.text(f).map(std::borrow::Cow::into_owned);
    assert_eq!(
        text(&event, "Image").as_deref(),
        Some("C:\\Windows\\System32\\cmd.exe")
    );
    assert_eq!(
        text(&event, "ParentImage").as_deref(),
        Some("C:\\Windows\\explorer.exe")
    );
    assert_eq!(text(&event, "User").as_deref(), Some("CORP\\alice"));
    assert_eq!(text(&event, "LogonId").as_deref(), Some("0x3e7"));
    assert_eq!(text(&event, "ParentProcessId").as_deref(), Some("0x2f0"));
    assert_eq!(text(&event, "IntegrityLevel").as_deref(), Some("High"));
    assert_eq!(
        text(&event, "CommandLine").as_deref(),
        Some("cmd.exe /c whoami")
    );
    // The vendor fields stay.
    assert!(event.get("NewProcessName").is_some());
    assert!(event.get("ParentProcessName").is_some());
    // Both rule kinds cover it.
    for rule in [
        ls("windows", Some("process_creation"), None),
        ls("windows", None, Some("security")),
    ] {
        assert!(event.logsources.iter().any(|s| rule.covers(s)), "{rule}");
    }

    // A Sigma field the event already has is not replaced.
    let mut own = Event::from_json(json!({
        "Channel": "Security", "EventID": "4688",
        "NewProcessName": "C:\\a.exe", "Image": "C:\\b.exe",
    }));
    assert!(Router::shared().route(&mut own));
    assert_eq!(own.text("Image").as_deref(), Some("C:\\b.exe"));
    // Routing twice changes nothing.
    let before = event.clone();
    Router::shared().route(&mut event);
    assert_eq!(event, before);

    // Other Security events: the service only, no mapping.
    let logon = routed(json!({"Channel": "Security", "EventID": 4624, "NewProcessName": "x"}));
    assert_eq!(logon.logsources, [ls("windows", None, Some("security"))]);
    assert!(logon.get("Image").is_none());
}

#[test]
fn security_4657_routes_by_operation_type() {
    let event = routed(json!({
        "Channel": "Security", "EventID": 4657, "OperationType": "%%1905",
        "ObjectName": "\\REGISTRY\\MACHINE\\SOFTWARE\\Run", "ObjectValueName": "evil",
        "NewValue": "c:\\evil.exe", "ProcessName": "C:\\Windows\\regedit.exe",
    }));
    assert_eq!(
        event.logsources,
        [
            ls("windows", Some("registry_event"), Some("security")),
            ls("windows", Some("registry_set"), Some("security")),
        ]
    );
    assert_eq!(
        event.text("TargetObject").as_deref(),
        Some("\\REGISTRY\\MACHINE\\SOFTWARE\\Run\\evil")
    );
    assert_eq!(event.text("Details").as_deref(), Some("c:\\evil.exe"));
    let created = routed(json!({
        "Channel": "Security", "EventID": 4657, "OperationType": "New registry value created",
    }));
    assert_eq!(
        created.logsources,
        [
            ls("windows", Some("registry_add"), Some("security")),
            ls("windows", Some("registry_event"), Some("security")),
        ]
    );
}

#[test]
fn powershell_script_module_and_classic() {
    let cases = [
        (
            "Microsoft-Windows-PowerShell/Operational",
            4104,
            "ps_script",
            "powershell",
        ),
        (
            "Microsoft-Windows-PowerShell/Operational",
            4103,
            "ps_module",
            "powershell",
        ),
        (
            "PowerShellCore/Operational",
            4104,
            "ps_script",
            "powershell",
        ),
        (
            "Windows PowerShell",
            400,
            "ps_classic_start",
            "powershell-classic",
        ),
        (
            "Windows PowerShell",
            600,
            "ps_classic_provider_start",
            "powershell-classic",
        ),
        (
            "Windows PowerShell",
            800,
            "ps_classic_script",
            "powershell-classic",
        ),
    ];
    for (channel, id, category, service) in cases {
        let event = routed(json!({"Channel": channel, "EventID": id, "ScriptBlockText": "whoami"}));
        assert_eq!(
            event.logsources,
            [ls("windows", Some(category), Some(service))],
            "{channel} {id}"
        );
        assert!(ls("windows", Some(category), None).covers(&event.logsources[0]));
    }
    // Without a Channel, the provider places it.
    let event = routed(json!({"Provider_Name": "Microsoft-Windows-PowerShell", "EventID": 4104}));
    assert_eq!(
        event.logsources,
        [ls("windows", Some("ps_script"), Some("powershell"))]
    );
}

#[test]
fn every_service_channel_routes_to_its_service() {
    let router = Router::shared();
    let services = router.services();
    assert!(services.len() >= 40, "{} services", services.len());
    for service in services {
        for channel in &service.channels {
            let event = routed(json!({"Channel": channel, "EventID": 65_000}));
            let rule = LogSource::new(Some(&service.product), None, Some(&service.service));
            assert!(
                event.logsources.iter().any(|s| rule.covers(s)),
                "{channel}: {:?}",
                event.logsources
            );
        }
    }
    assert_eq!(
        router.channels("windows", "windefend"),
        Some(&["Microsoft-Windows-Windows Defender/Operational".to_owned()][..])
    );
    // Channel names match ignoring case.
    let event =
        routed(json!({"Channel": "microsoft-windows-taskscheduler/operational", "EventID": 129}));
    assert_eq!(
        event.logsources,
        [ls("windows", None, Some("taskscheduler"))]
    );
    // One channel, two service names (pySigma's and SigmaHQ's rules').
    let event = routed(json!({"Channel": "Microsoft-Windows-LDAP-Client/Debug", "EventID": 30}));
    assert_eq!(
        event.logsources,
        [
            ls("windows", None, Some("ldap")),
            ls("windows", None, Some("ldap_debug"))
        ]
    );
}

#[test]
fn events_without_a_channel_route_by_provider() {
    let event = routed(json!({"Provider_Name": "Microsoft-Windows-Sysmon", "EventID": 1}));
    assert_eq!(
        event.logsources,
        [ls("windows", Some("process_creation"), Some("sysmon"))]
    );
    let event = routed(json!({"Provider_Name": "Microsoft-Windows-Kernel-File", "EventID": 12}));
    assert_eq!(event.logsources, [ls("windows", Some("file_access"), None)]);
    let event = routed(json!({
        "Provider_Name": "Microsoft-Windows-Kernel-File", "EventID": "27",
        "FileName": "C:\\a.doc", "FilePath": "C:\\a.doc.locked",
    }));
    assert_eq!(event.logsources, [ls("windows", Some("file_rename"), None)]);
    assert_eq!(
        event.text("TargetFilename").as_deref(),
        Some("C:\\a.doc.locked")
    );
}

#[test]
fn sysmon_for_linux_is_product_linux() {
    let cases = [
        (1, "process_creation"),
        (3, "network_connection"),
        (5, "process_termination"),
        (11, "file_event"),
        (23, "file_delete"),
    ];
    for (id, category) in cases {
        let event = routed(json!({
            "Channel": "Linux-Sysmon/Operational", "Provider_Name": "Linux-Sysmon",
            "EventID": id, "Image": "/usr/bin/curl",
        }));
        assert_eq!(
            event.logsources,
            [ls("linux", Some(category), Some("sysmon"))],
            "{id}"
        );
        assert!(ls("linux", Some(category), None).covers(&event.logsources[0]));
        assert!(!ls("windows", Some(category), None).covers(&event.logsources[0]));
    }
    let auditd =
        routed(json!({"type": "EXECVE", "msg": "audit(1364481363.243:24287):", "a0": "curl"}));
    assert_eq!(auditd.logsources, [ls("linux", None, Some("auditd"))]);
}

#[test]
fn self_described_and_ecs_events() {
    let event = routed(json!({"product": "Windows", "category": "process_creation", "Image": "x"}));
    assert_eq!(
        event.logsources,
        [ls("windows", Some("process_creation"), None)]
    );
    let event =
        routed(json!({"logsource": {"product": "linux", "service": "auditd"}, "type": "x"}));
    assert_eq!(event.logsources, [ls("linux", None, Some("auditd"))]);
    let event = routed(json!({"category": "proxy", "c-uri": "/x"}));
    assert_eq!(
        event.logsources,
        [LogSource::new(None, Some("proxy"), None)]
    );
    // A value that is not a plain name is not a log source.
    let event = routed(json!({"product": "Microsoft® Windows® Operating System"}));
    assert!(event.logsources.is_empty());

    let event = routed(json!({
        "event": {"category": ["process"], "type": ["start"]},
        "host": {"os": {"type": "windows"}},
        "process": {
            "executable": "C:\\Windows\\System32\\cmd.exe",
            "command_line": "cmd /c whoami",
            "parent": {"executable": "C:\\Windows\\explorer.exe"},
        },
        "user": {"name": "alice", "domain": "CORP"},
    }));
    assert_eq!(
        event.logsources,
        [ls("windows", Some("process_creation"), None)]
    );
    assert_eq!(
        event.text("Image").as_deref(),
        Some("C:\\Windows\\System32\\cmd.exe")
    );
    assert_eq!(event.text("CommandLine").as_deref(), Some("cmd /c whoami"));
    assert_eq!(
        event.text("ParentImage").as_deref(),
        Some("C:\\Windows\\explorer.exe")
    );
    assert_eq!(event.text("User").as_deref(), Some("CORP\\alice"));

    let event = routed(json!({
        "event": {"category": "network", "type": "connection"},
        "host": {"os": {"type": "linux"}},
        "destination": {"ip": "10.0.0.1", "port": 443},
        "network": {"direction": "egress"},
        "user": {"name": "bob"},
    }));
    assert_eq!(
        event.logsources,
        [ls("linux", Some("network_connection"), None)]
    );
    assert_eq!(event.text("DestinationPort").as_deref(), Some("443"));
    assert_eq!(event.text("Initiated").as_deref(), Some("true"));
    assert_eq!(event.text("User").as_deref(), Some("bob"));
}

#[test]
fn unrouted_events_keep_their_log_sources_and_are_counted() {
    let router = Router::shared();
    let mut events = vec![
        Event::from_json(json!({"Channel": "Some-Vendor/Operational", "EventID": 7})),
        Event::from_json(json!({"message": "hello"})),
        Event::from_json(json!({"Channel": "Security", "EventID": 4624})),
    ];
    let mut preset = Event::from_json(json!({"message": "x"}));
    preset.logsources = vec![ls("windows", Some("process_creation"), None)];
    events.push(preset);
    let stats: RouteStats = router.route_all(&mut events);
    assert_eq!((stats.events, stats.routed, stats.unrouted), (4, 1, 3));
    assert_eq!(
        stats.unrouted_sources.get("Some-Vendor/Operational 7"),
        Some(&1)
    );
    assert_eq!(
        stats.unrouted_sources.get("(no Channel or Provider_Name)"),
        Some(&2)
    );
    assert!(events[0].logsources.is_empty());
    assert_eq!(
        events[3].logsources,
        [ls("windows", Some("process_creation"), None)]
    );
    assert_eq!(stats.to_string(), "4 events: 1 routed, 3 unrouted");

    // Log sources already there are kept and merged.
    let mut event = Event::from_json(json!({"Channel": "Security", "EventID": 4688}));
    event.logsources = vec![
        ls("windows", None, Some("security")),
        ls("custom", None, None),
    ];
    assert!(router.route(&mut event));
    assert_eq!(
        event.logsources,
        [
            ls("custom", None, None),
            ls("windows", Some("process_creation"), Some("security")),
        ]
    );
}

const EXTRA: &str = r"
format: 1
services:
  - service: acme-edr
    channels: [ACME-EDR/Operational]
    providers: [ACME-EDR]
fieldmaps:
  acme-process:
    Image: proc_path
    CommandLine: [proc_cmdline, proc_args]
routes:
  # Replaces the embedded route of the same id.
  - id: sysmon-1
    when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 1}
    logsources:
      - {product: windows, category: process_creation, service: sysmon}
      - {product: windows, category: process_creation_extended}
  - id: acme-process
    when: {Channel: ACME-EDR/Operational, EventID: [1, '2'], kind: {exists: true}}
    logsources:
      - {product: windows, category: process_creation, service: acme-edr}
    fields: acme-process
  - id: sysmon-22
    disabled: true
";

#[test]
fn user_tables_add_and_override_entries() {
    let mut router = Router::default();
    router.add_table("extra.yml", EXTRA).unwrap();

    let mut event =
        Event::from_json(json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1}));
    router.route(&mut event);
    assert_eq!(
        event.logsources,
        [
            ls("windows", Some("process_creation"), Some("sysmon")),
            ls("windows", Some("process_creation_extended"), None),
        ]
    );
    // The override is the router's only: the shared one is unchanged.
    assert_eq!(
        sysmon(&json!(1)).logsources,
        [ls("windows", Some("process_creation"), Some("sysmon"))]
    );

    let mut event = Event::from_json(json!({
        "Provider_Name": "ACME-EDR", "EventID": 2, "kind": "exec",
        "proc_path": "C:\\x.exe", "proc_args": "x -y",
    }));
    assert!(router.route(&mut event));
    assert_eq!(
        event.logsources,
        [ls("windows", Some("process_creation"), Some("acme-edr"))]
    );
    assert_eq!(event.text("Image").as_deref(), Some("C:\\x.exe"));
    assert_eq!(event.text("CommandLine").as_deref(), Some("x -y"));
    // Without `kind` the conditional route does not match: the service only.
    let mut event = Event::from_json(
        json!({"Channel": "ACME-EDR/Operational", "EventID": 1, "proc_path": "C:\\x.exe"}),
    );
    router.route(&mut event);
    assert_eq!(event.logsources, [ls("windows", None, Some("acme-edr"))]);
    assert!(event.get("Image").is_none());

    // A disabled route is gone.
    let mut event =
        Event::from_json(json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 22}));
    router.route(&mut event);
    assert_eq!(event.logsources, [ls("windows", None, Some("sysmon"))]);
    assert!(!router.route_ids().any(|id| id == "sysmon-22"));

    // From a file, and from tables alone.
    let dir = scratch_dir("extra");
    let path = dir.join("extra.yml");
    std::fs::write(&path, EXTRA).unwrap();
    let mut from_file = Router::default();
    from_file.load_extra(&path).unwrap();
    assert!(from_file.route_ids().any(|id| id == "acme-process"));
    let alone = Router::from_tables(&[EXTRA]).unwrap();
    assert_eq!(alone.services().len(), 1);
    let mut event = Event::from_json(json!({"Channel": "Security", "EventID": 4688}));
    assert!(!alone.route(&mut event));
    assert!(event.logsources.is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn routes_without_channel_or_provider_check_every_condition() {
    let router = Router::from_tables(&[r"
routes:
  - id: by-event-id
    when: {EventID: 5, kind: ~}
    logsource: {product: acme, category: thing}
"])
    .unwrap();
    let mut hit = Event::from_json(json!({"EventID": "5"}));
    assert!(router.route(&mut hit));
    assert_eq!(
        hit.logsources,
        [LogSource::new(Some("acme"), Some("thing"), None)]
    );
    for miss in [
        json!({"EventID": 6}),
        json!({"EventID": 5, "kind": "x"}),
        json!({}),
    ] {
        let mut event = Event::from_json(miss.clone());
        assert!(!router.route(&mut event), "{miss}");
    }
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ttpmap-route-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn invalid(text: &str) -> (String, String, String) {
    match Router::from_tables(&[text]) {
        Err(RouteError::Invalid {
            table,
            entry,
            message,
        }) => (table, entry, message),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("accepted:\n{text}"),
    }
}

#[test]
fn malformed_tables_are_reported_with_table_and_entry() {
    let (table, entry, message) = invalid(
        "routes:\n  - id: a\n    when: {Channel: X}\n    logsources: [{product: windows}]\n  - id: b\n    when: {Channel: X}\n    logsoruces: [{product: windows}]\n",
    );
    assert_eq!(table, "table 1");
    assert_eq!(entry, "routes[1] (id b)");
    assert!(message.contains("unknown key `logsoruces`"), "{message}");

    let (_, entry, message) =
        invalid("routes:\n  - id: c\n    when: {EventID: one}\n    logsources: [{category: x}]\n");
    assert!(entry.starts_with("routes[0] (id c)"), "{entry}");
    assert!(message.contains("EventID `one`"), "{message}");

    let (_, entry, message) =
        invalid("routes:\n  - id: d\n    when: {Channel: X}\n    logsources: [{product: windows}]\n    fields: nope\n");
    assert_eq!(entry, "routes[0] (id d)");
    assert!(message.contains("no field map named `nope`"), "{message}");

    let (_, entry, message) =
        invalid("routes:\n  - when: {Channel: X}\n    logsources: [{product: w}]\n");
    assert_eq!(entry, "routes[0]");
    assert!(message.contains("missing `id`"), "{message}");

    let (_, entry, message) = invalid("services:\n  - service: s\n");
    assert_eq!(entry, "services[0] (service s)");
    assert!(message.contains("channels"), "{message}");

    let (_, entry, message) = invalid("fieldmaps:\n  m:\n    User: '{SubjectUserName'\n");
    assert_eq!(entry, "fieldmaps.m.User");
    assert!(message.contains("template"), "{message}");

    let (_, entry, _) = invalid("routes: [\n");
    assert_eq!(entry, "YAML syntax");
    let (_, entry, message) = invalid("format: 2\n");
    assert_eq!(entry, "format");
    assert!(message.contains("unsupported format"), "{message}");
    let (_, _, message) = invalid("routes:\n  - id: e\n    when: {}\n    logsources: [{}]\n");
    assert!(message.contains("needs a product"), "{message}");

    // From a file: the error names the file; the router is unchanged.
    let dir = scratch_dir("bad");
    let path = dir.join("bad.yml");
    std::fs::write(&path, "routes:\n  - id: sysmon-1\n    when: {Channel: X}\n").unwrap();
    let mut router = Router::default();
    let error = router.load_extra(&path).unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("bad.yml"), "{shown}");
    assert!(shown.contains("routes[0] (id sysmon-1)"), "{shown}");
    assert!(shown.contains("missing `logsources`"), "{shown}");
    assert_eq!(
        sysmon(&json!(1)).logsources,
        [ls("windows", Some("process_creation"), Some("sysmon"))]
    );
    let missing = router.load_extra(dir.join("absent.yml")).unwrap_err();
    assert!(matches!(missing, RouteError::Io { .. }), "{missing}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn routing_is_fast() {
    let router = Router::shared();
    let template = Event::from_json(json!({
        "Channel": "Microsoft-Windows-Sysmon/Operational",
        "Provider_Name": "Microsoft-Windows-Sysmon",
        "EventID": 1,
        "Image": "C:\\Windows\\System32\\cmd.exe",
        "CommandLine": "cmd.exe /c whoami",
        "ParentImage": "C:\\Windows\\explorer.exe",
        "User": "CORP\\alice",
    }));
    // The best of several batches: the machine may be busy with other work.
    let batch = 2_000_u32;
    let mut best = std::time::Duration::MAX;
    for _ in 0..10 {
        let mut events: Vec<Event> = (0..batch).map(|_| template.clone()).collect();
        let start = Instant::now();
        for event in &mut events {
            router.route(event);
        }
        best = best.min(start.elapsed() / batch);
        assert!(events.iter().all(|e| e.logsources.len() == 1));
    }
    eprintln!("routing: {best:?} per Sysmon event");
    // Well under 1 µs in release; loose here (debug build, shared machine).
    assert!(best.as_micros() < 20, "{best:?} per event");
}

// ---- SigmaHQ regression data -------------------------------------------------

/// An evtx-JSON document flattened as the readers do: System's EventID,
/// Channel, Provider's Name (Provider_Name), Computer, …, and the fields of
/// EventData (or UserData's one element) by their own names.
fn flatten_evtx(doc: &Value) -> Event {
    let mut event = Event::new();
    let root = doc.get("Event").unwrap_or(doc);
    let system = &root["System"];
    let event_id = match &system["EventID"] {
        Value::Object(o) => o.get("#text").cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    event.insert("EventID", event_id);
    for name in ["Channel", "Computer", "Level", "Task", "Keywords"] {
        if let Some(value) = system.get(name) {
            event.insert(name, value.clone());
        }
    }
    if let Some(Value::String(name)) = system["Provider"]["#attributes"].get("Name") {
        event.insert("Provider_Name", name.clone());
    }
    if let Some(Value::String(time)) = system["TimeCreated"]["#attributes"].get("SystemTime") {
        event.insert("TimeCreated", time.clone());
    }
    let mut data = |object: &serde_json::Map<String, Value>| {
        for (key, value) in object {
            if key != "#attributes" {
                event.insert(key.clone(), value.clone());
            }
        }
    };
    if let Some(Value::Object(object)) = root.get("EventData") {
        data(object);
    }
    if let Some(Value::Object(user)) = root.get("UserData") {
        for inner in user.values() {
            if let Value::Object(object) = inner {
                data(object);
            }
        }
    }
    event
}

fn files_named(dir: &Path, name: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_named(&path, name, out);
        } else if path.file_name().is_some_and(|f| f == name)
            || (name.starts_with('.') && path.extension().is_some_and(|e| *e == name[1..]))
        {
            out.push(path);
        }
    }
}

fn yaml(path: &Path) -> Option<Yaml> {
    let text = std::fs::read_to_string(path).ok()?;
    YamlLoader::load_from_str(&text).ok()?.into_iter().next()
}

fn rule_logsource(rule: &Yaml) -> LogSource {
    let part = |key: &str| rule["logsource"][key].as_str().map(str::to_owned);
    LogSource::new(
        part("product").as_deref(),
        part("category").as_deref(),
        part("service").as_deref(),
    )
}

#[test]
fn sigma_regression_events_route_to_their_rules_log_sources() {
    let Some(shared) = ttpmap_test_support::shared_dir() else {
        return;
    };
    let sigma = shared.join("sigma");
    // Rule id → rule file, from every rules* folder.
    let mut rule_files = Vec::new();
    for dir in ["rules", "rules-emerging-threats", "rules-threat-hunting"] {
        files_named(&sigma.join(dir), ".yml", &mut rule_files);
    }
    let mut rules: HashMap<String, PathBuf> = HashMap::new();
    for path in rule_files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Some(id) = text.lines().find_map(|l| l.strip_prefix("id:")) {
            rules.insert(id.trim().to_owned(), path);
        }
    }
    let mut infos = Vec::new();
    files_named(&sigma.join("regression_data"), "info.yml", &mut infos);
    assert!(infos.len() >= 200, "{} info.yml", infos.len());

    let router = Router::shared();
    let (mut passed, mut failed, mut skipped) = (0, Vec::new(), Vec::new());
    let mut stats = RouteStats::default();
    for info_path in &infos {
        let dir = info_path.parent().unwrap_or(Path::new("."));
        let Some(info) = yaml(info_path) else {
            skipped.push(format!("{}: unreadable info.yml", dir.display()));
            continue;
        };
        let Some(rule_id) = info["rule_metadata"][0]["id"].as_str() else {
            skipped.push(format!("{}: no rule id", dir.display()));
            continue;
        };
        let mut jsons = Vec::new();
        files_named(dir, ".json", &mut jsons);
        let Some(json_path) = jsons.first() else {
            skipped.push(format!("{}: no .json event", dir.display()));
            continue;
        };
        let Some(rule) = rules.get(rule_id).and_then(|p| yaml(p)) else {
            skipped.push(format!("{}: rule {rule_id} not found", dir.display()));
            continue;
        };
        let wanted = rule_logsource(&rule);
        let text = std::fs::read_to_string(json_path).unwrap_or_default();
        let mut covered = false;
        let mut seen = Vec::new();
        for doc in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
            let Ok(doc) = doc else { break };
            let mut event = flatten_evtx(&doc);
            let routed = router.route(&mut event);
            stats.record(&event, routed);
            covered |= event.logsources.iter().any(|s| wanted.covers(s));
            seen.push(format!(
                "{} {} → {:?}",
                event.text("Channel").unwrap_or_default(),
                event.text("EventID").unwrap_or_default(),
                event
                    .logsources
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            ));
        }
        if covered {
            passed += 1;
        } else {
            failed.push(format!("{} (rule {wanted}): {seen:?}", dir.display()));
        }
    }
    eprintln!(
        "regression: {passed} of {} routed to their rule's log source; {} skipped; events: {stats}",
        passed + failed.len(),
        skipped.len()
    );
    for line in skipped.iter().chain(&failed) {
        eprintln!("  {line}");
    }
    assert!(
        failed.is_empty(),
        "{} not routed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    assert!(passed >= 200, "{passed} passed");
}

#[test]
fn every_windows_log_source_of_the_sigma_rules_is_reachable() {
    let Some(shared) = ttpmap_test_support::shared_dir() else {
        return;
    };
    let sigma = shared.join("sigma");
    // What the embedded tables can produce for Windows event logs.
    let router = Router::shared();
    let mut produced: Vec<LogSource> = Vec::new();
    let mut ids: Vec<u32> = (0..=30).collect();
    ids.extend([255, 400, 600, 800, 4103, 4104, 4657, 4688]);
    let mut events = Vec::new();
    for service in router.services() {
        for channel in &service.channels {
            for &id in &ids {
                for operation in ["%%1904", "%%1905"] {
                    events.push(
                        json!({"Channel": channel, "EventID": id, "OperationType": operation}),
                    );
                }
            }
        }
    }
    for id in [12, 27] {
        events.push(json!({"Provider_Name": "Microsoft-Windows-Kernel-File", "EventID": id}));
    }
    for value in events {
        let mut event = Event::from_json(value);
        router.route(&mut event);
        for source in event.logsources {
            if !produced.contains(&source) {
                produced.push(source);
            }
        }
    }
    let mut files = Vec::new();
    for dir in ["rules", "rules-emerging-threats", "rules-threat-hunting"] {
        files_named(&sigma.join(dir), ".yml", &mut files);
    }
    let mut used: Vec<LogSource> = Vec::new();
    for path in &files {
        let Some(rule) = yaml(path) else { continue };
        let wanted = rule_logsource(&rule);
        if wanted.product.as_deref() == Some("windows") && !used.contains(&wanted) {
            used.push(wanted);
        }
    }
    assert!(used.len() > 60, "{} Windows log sources", used.len());
    let missing: Vec<String> = used
        .iter()
        .filter(|wanted| !produced.iter().any(|p| wanted.covers(p)))
        .map(ToString::to_string)
        .collect();
    eprintln!(
        "{} Windows log sources in the rules, {} produced by the tables, unreachable: {missing:?}",
        used.len(),
        produced.len()
    );
    assert!(missing.is_empty(), "unreachable: {missing:?}");
}
