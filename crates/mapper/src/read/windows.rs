//! Windows events as JSON (`evtx_dump -o json`, the `evtx` crate,
//! python-evtx through `xmltodict`) normalised to flat named fields.
//!
//! A document is a Windows event when it has an `Event` object holding a
//! `System` object (or is that `Event` object itself). Its fields become:
//!
//! - from `System`: `EventID`, `Channel`, `Provider_Name`, `Computer`,
//!   `Level`, `Task`, `Keywords`, `TimeCreated` (the `SystemTime` text),
//!   `EventRecordID`, `Security_UserID` when present; then, when no data
//!   field has the name, `Version`, `Opcode`, `Provider_Guid`,
//!   `Provider_EventSourceName`, `Execution_ProcessID`,
//!   `Execution_ThreadID`, `Correlation_ActivityID`,
//!   `Correlation_RelatedActivityID`. `EventID`, `Version`, `Level`,
//!   `Task`, `Opcode`, `EventRecordID` and the execution ids are numbers
//!   (python-evtx writes them as text);
//! - every `EventData` field by its own name, whether it arrives as an
//!   object of named values (evtx_dump), as `Data` items with a name
//!   (`@Name`, `Name` or `#attributes.Name`) and a `#text`, or as an array
//!   of such items. Unnamed `Data` items become the field `Data` (one
//!   value, or an array of them). A data field named like one of the
//!   `System` fields above, when that is set, is kept as `EventData.<name>`;
//! - the fields of `UserData`'s inner element by their own names (the same
//!   way; a clash is kept as `UserData.<name>`);
//! - anything else under `Event` (`RenderingInfo`, …) flattened with dots.
//!
//! Values keep their JSON types; an element with attributes gives its
//! `#text`. GUIDs (`Provider_Guid`, the correlation ids, data fields
//! named `…Guid`) are written as Windows renders them, in braces and lower
//! case, whichever way the tool wrote them.

use serde_json::{Map, Value};

use crate::event::Event;

/// The `System` fields every normalised event may have, set before the data.
const CORE: [&str; 10] = [
    "EventID",
    "Channel",
    "Provider_Name",
    "Computer",
    "Level",
    "Task",
    "Keywords",
    "TimeCreated",
    "EventRecordID",
    "Security_UserID",
];

/// An event of a JSON document: a Windows event normalised (see the module
/// documentation), any other object flattened with dots; `None` for a
/// document that is not an object.
pub fn event_from_document(value: Value) -> Option<Event> {
    let Value::Object(mut map) = value else {
        return None;
    };
    if windows_event_object(&map).is_some() {
        if let Some(Value::Object(event)) = map.shift_remove("Event") {
            let mut out = normalize(event);
            // Members beside `Event` (a tool's own metadata), when their names are free.
            for (key, value) in map {
                flatten_into(&mut out, &key, value);
            }
            return Some(out);
        }
    }
    if is_event_element(&map) {
        return Some(normalize(map));
    }
    Some(Event::from_json(Value::Object(map)))
}

/// Whether a JSON document is a Windows event in the shape of
/// `evtx_dump -o json` or python-evtx (see [`event_from_document`]).
pub fn is_windows_event(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|map| windows_event_object(map).is_some() || is_event_element(map))
}

fn windows_event_object(map: &Map<String, Value>) -> Option<&Map<String, Value>> {
    map.get("Event")
        .and_then(Value::as_object)
        .filter(|event| is_event_element(event))
}

/// An `Event` element: a `System` object with an `EventID` or a `Provider`.
fn is_event_element(map: &Map<String, Value>) -> bool {
    map.get("System")
        .and_then(Value::as_object)
        .is_some_and(|system| system.contains_key("EventID") || system.contains_key("Provider"))
}

/// Whether a member name is an attribute or namespace declaration, not a child element.
fn is_attribute_key(key: &str) -> bool {
    key == "#attributes" || key.starts_with('@') || key == "xmlns" || key.ends_with("_attributes")
}

/// The attribute `name` of the element `key` of `parent`: from
/// `#attributes`, `@name`, a sibling `<key>_attributes` (evtx's
/// `separate_json_attributes`) or a plain member of the element.
fn attribute<'a>(parent: &'a Map<String, Value>, key: &str, name: &str) -> Option<&'a Value> {
    let element = parent.get(key);
    if let Some(element) = element.and_then(Value::as_object) {
        if let Some(found) = element
            .get("#attributes")
            .and_then(Value::as_object)
            .and_then(|attributes| attributes.get(name))
        {
            return Some(found);
        }
        if let Some((_, found)) = element
            .iter()
            .find(|(k, _)| k.strip_prefix('@') == Some(name))
        {
            return Some(found);
        }
        if let Some(found) = element.get(name) {
            return Some(found);
        }
    }
    parent
        .iter()
        .find(|(k, _)| k.strip_suffix("_attributes") == Some(key))
        .and_then(|(_, attributes)| attributes.as_object())
        .and_then(|attributes| attributes.get(name))
}

/// The content of an element: its `#text` when it is an object with one
/// (or only attributes: null), else the value itself.
fn content(value: Value) -> Value {
    match value {
        Value::Object(mut map) => {
            if let Some(text) = map.shift_remove("#text") {
                return text;
            }
            if map.keys().all(|k| is_attribute_key(k)) {
                return Value::Null;
            }
            Value::Object(map)
        }
        other => other,
    }
}

/// [`content`] of a borrowed element, copying only what it gives.
fn content_of(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            if let Some(text) = map.get("#text") {
                return text.clone();
            }
            if map.keys().all(|k| is_attribute_key(k)) {
                return Value::Null;
            }
            value.clone()
        }
        other => other.clone(),
    }
}

/// A number of a numeric text (python-evtx writes every value as text).
fn number(value: Value) -> Value {
    match &value {
        Value::String(text) => {
            let text = text.trim();
            if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
                if let Ok(n) = text.parse::<u64>() {
                    return Value::from(n);
                }
            }
            value
        }
        _ => value,
    }
}

fn normalize(event: Map<String, Value>) -> Event {
    let mut out = Event::new();
    // `System` is read in place (small values); the data is moved, not copied.
    let mut system = None;
    let mut children = Vec::with_capacity(event.len());
    for (key, value) in event {
        match value {
            Value::Object(map) if key == "System" && system.is_none() => system = Some(map),
            value => children.push((key, value)),
        }
    }
    let system = system.unwrap_or_default();
    let system = &system;
    let element = |key: &str| system.get(key).map(content_of);
    let core = |out: &mut Event, name: &str, value: Option<Value>| {
        if let Some(value) = value {
            out.insert(name, value);
        }
    };
    core(&mut out, "EventID", element("EventID").map(number));
    core(&mut out, "Channel", element("Channel"));
    core(
        &mut out,
        "Provider_Name",
        attribute(system, "Provider", "Name").cloned(),
    );
    core(&mut out, "Computer", element("Computer"));
    core(&mut out, "Level", element("Level").map(number));
    core(&mut out, "Task", element("Task").map(number));
    core(&mut out, "Keywords", element("Keywords"));
    core(
        &mut out,
        "TimeCreated",
        attribute(system, "TimeCreated", "SystemTime").cloned(),
    );
    core(
        &mut out,
        "EventRecordID",
        element("EventRecordID").map(number),
    );
    core(
        &mut out,
        "Security_UserID",
        attribute(system, "Security", "UserID").cloned(),
    );

    for (key, value) in children {
        match key.as_str() {
            "EventData" => add_data(&mut out, "EventData", value),
            "UserData" => add_user_data(&mut out, value),
            key if is_attribute_key(key) => {}
            key => flatten_into(&mut out, key, value),
        }
    }

    let extras: [(&str, Option<Value>); 8] = [
        ("Version", element("Version").map(number)),
        ("Opcode", element("Opcode").map(number)),
        (
            "Provider_Guid",
            attribute(system, "Provider", "Guid")
                .cloned()
                .map(canonical_guid),
        ),
        (
            "Provider_EventSourceName",
            attribute(system, "Provider", "EventSourceName").cloned(),
        ),
        (
            "Execution_ProcessID",
            attribute(system, "Execution", "ProcessID")
                .cloned()
                .map(number),
        ),
        (
            "Execution_ThreadID",
            attribute(system, "Execution", "ThreadID")
                .cloned()
                .map(number),
        ),
        (
            "Correlation_ActivityID",
            attribute(system, "Correlation", "ActivityID")
                .cloned()
                .map(canonical_guid),
        ),
        (
            "Correlation_RelatedActivityID",
            attribute(system, "Correlation", "RelatedActivityID")
                .cloned()
                .map(canonical_guid),
        ),
    ];
    for (name, value) in extras {
        if let Some(value) = value {
            if out.get(name).is_none() {
                out.insert(name, value);
            }
        }
    }
    // Other `System` children, unknown to the schema above.
    for (key, value) in system {
        let known = matches!(
            key.as_str(),
            "Provider"
                | "EventID"
                | "Version"
                | "Level"
                | "Task"
                | "Opcode"
                | "Keywords"
                | "TimeCreated"
                | "EventRecordID"
                | "Correlation"
                | "Execution"
                | "Channel"
                | "Computer"
                | "Security"
        );
        if !known && !is_attribute_key(key) {
            flatten_into(&mut out, &format!("System.{key}"), value.clone());
        }
    }
    out
}

/// A GUID written bare or in braces, in either case, as Windows renders it:
/// `{5770385f-c22a-43e0-bf4c-06f5698ffbd9}` (older `evtx_dump` versions
/// wrote `5770385F-C22A-43E0-BF4C-06F5698FFBD9`); other values unchanged.
fn canonical_guid(value: Value) -> Value {
    let Value::String(text) = &value else {
        return value;
    };
    let bare = match text.strip_prefix('{') {
        Some(inner) => match inner.strip_suffix('}') {
            Some(bare) => bare,
            None => return value,
        },
        None => text.as_str(),
    };
    let groups: Vec<&str> = bare.split('-').collect();
    let shape = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]);
    if !shape
        || !groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return value;
    }
    Value::String(format!("{{{}}}", bare.to_ascii_lowercase()))
}

/// Whether a field holds a GUID by its name (`ProcessGuid`, `LogonGuid`, …).
fn is_guid_name(name: &str) -> bool {
    name.len() >= 4
        && name
            .get(name.len() - 4..)
            .is_some_and(|end| end.eq_ignore_ascii_case("guid"))
}

/// Set a data field, keeping a clash with a `System` field under
/// `section.name`; a GUID in a field named `…Guid` is made canonical.
fn put(out: &mut Event, section: &str, name: &str, value: Value) {
    let value = if is_guid_name(name) {
        canonical_guid(value)
    } else {
        value
    };
    if CORE.iter().any(|core| core.eq_ignore_ascii_case(name)) && out.get(name).is_some() {
        out.insert(format!("{section}.{name}"), value);
    } else {
        out.insert(name, value);
    }
}

/// A field of a value: its content, nested objects flattened under `name`.
fn put_value(out: &mut Event, section: &str, name: &str, value: Value) {
    match content(value) {
        Value::Object(inner) if !inner.is_empty() => {
            for (key, value) in inner {
                if !is_attribute_key(&key) {
                    put_value(out, section, &format!("{name}.{key}"), value);
                }
            }
        }
        other => put(out, section, name, other),
    }
}

/// The name of a `Data` item: `@Name`, `Name` or `#attributes.Name`.
fn item_name(item: &Map<String, Value>) -> Option<&str> {
    item.get("@Name")
        .or_else(|| item.get("Name"))
        .or_else(|| {
            item.get("#attributes")
                .and_then(Value::as_object)
                .and_then(|a| a.get("Name"))
        })
        .and_then(Value::as_str)
}

/// The value of a named `Data` item: `#text`, else `Value`, else null.
fn item_value(mut item: Map<String, Value>) -> Value {
    item.shift_remove("#text")
        .or_else(|| item.shift_remove("Value"))
        .map_or(Value::Null, content)
}

/// `Data` items (one or an array): named ones become fields, unnamed ones
/// are gathered into `unnamed`.
fn add_items(out: &mut Event, section: &str, items: Value, unnamed: &mut Vec<Value>) {
    match items {
        Value::Array(items) => {
            for item in items {
                add_items(out, section, item, unnamed);
            }
        }
        Value::Object(mut item) => {
            if let Some(name) = item_name(&item).map(str::to_owned) {
                put(out, section, &name, item_value(item));
            } else if let Some(text) = item.shift_remove("#text") {
                match text {
                    Value::Array(texts) => unnamed.extend(texts),
                    other => unnamed.push(other),
                }
            } else {
                // An object of named values.
                for (key, value) in item {
                    if !is_attribute_key(&key) {
                        put_value(out, section, &key, value);
                    }
                }
            }
        }
        Value::Null => {}
        other => unnamed.push(other),
    }
}

fn add_data(out: &mut Event, section: &str, data: Value) {
    let mut unnamed = Vec::new();
    match data {
        Value::Object(map) => {
            for (key, value) in map {
                match key.as_str() {
                    "Data" => add_items(out, section, value, &mut unnamed),
                    "#text" => match value {
                        Value::Array(texts) => unnamed.extend(texts),
                        other => unnamed.push(other),
                    },
                    key if is_attribute_key(key) => {}
                    key => put_value(out, section, key, value),
                }
            }
        }
        other => add_items(out, section, other, &mut unnamed),
    }
    match unnamed.len() {
        0 => {}
        1 => {
            if let Some(value) = unnamed.pop() {
                put(out, section, "Data", value);
            }
        }
        _ => put(out, section, "Data", Value::Array(unnamed)),
    }
}

/// `UserData`'s inner element (or elements): their fields by their own names.
fn add_user_data(out: &mut Event, user_data: Value) {
    match user_data {
        Value::Object(map) => {
            for (key, inner) in map {
                if is_attribute_key(&key) {
                    continue;
                }
                match inner {
                    Value::Object(_) => add_data(out, "UserData", inner),
                    other => put(out, "UserData", &key, other),
                }
            }
        }
        Value::Null => {}
        other => add_data(out, "UserData", other),
    }
}

/// `value` under `name`, nested objects flattened with dots, attributes
/// dropped and elements with text given as their text.
fn flatten_into(out: &mut Event, name: &str, value: Value) {
    let element = value.is_object();
    match content(value) {
        Value::Object(inner) if !inner.is_empty() => {
            for (key, value) in inner {
                if !is_attribute_key(&key) {
                    flatten_into(out, &format!("{name}.{key}"), value);
                }
            }
        }
        Value::Null if element => {}
        other => {
            if out.get(name).is_none() {
                out.insert(name, other);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(event: &Event) -> Vec<(String, Value)> {
        event
            .fields()
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn python_evtx_shape_is_normalised() {
        let doc = json!({"Event": {
            "@xmlns": "http://schemas.microsoft.com/win/2004/08/events/event",
            "System": {
                "Provider": {"@Name": "Microsoft-Windows-Security-Auditing", "@Guid": "{5478}"},
                "EventID": {"@Qualifiers": "", "#text": "4688"},
                "Version": "2", "Level": "0", "Task": "13312", "Opcode": "0",
                "Keywords": "0x8020000000000000",
                "TimeCreated": {"@SystemTime": "2024-01-01 10:00:00.123456"},
                "EventRecordID": "42",
                "Correlation": null,
                "Execution": {"@ProcessID": "4", "@ThreadID": "8"},
                "Channel": "Security", "Computer": "ws1",
                "Security": null
            },
            "EventData": {"Data": [
                {"@Name": "NewProcessName", "#text": "C:\\Windows\\System32\\cmd.exe"},
                {"@Name": "CommandLine", "#text": "cmd /c whoami"},
                {"@Name": "Empty"},
                {"@Name": "Level", "#text": "clash"}
            ]}
        }});
        let event = event_from_document(doc).unwrap();
        assert_eq!(
            fields(&event),
            [
                ("EventID".to_owned(), json!(4688)),
                ("Channel".to_owned(), json!("Security")),
                (
                    "Provider_Name".to_owned(),
                    json!("Microsoft-Windows-Security-Auditing")
                ),
                ("Computer".to_owned(), json!("ws1")),
                ("Level".to_owned(), json!(0)),
                ("Task".to_owned(), json!(13312)),
                ("Keywords".to_owned(), json!("0x8020000000000000")),
                (
                    "TimeCreated".to_owned(),
                    json!("2024-01-01 10:00:00.123456")
                ),
                ("EventRecordID".to_owned(), json!(42)),
                (
                    "NewProcessName".to_owned(),
                    json!("C:\\Windows\\System32\\cmd.exe")
                ),
                ("CommandLine".to_owned(), json!("cmd /c whoami")),
                ("Empty".to_owned(), Value::Null),
                ("EventData.Level".to_owned(), json!("clash")),
                ("Version".to_owned(), json!(2)),
                ("Opcode".to_owned(), json!(0)),
                ("Provider_Guid".to_owned(), json!("{5478}")),
                ("Execution_ProcessID".to_owned(), json!(4)),
                ("Execution_ThreadID".to_owned(), json!(8)),
            ]
        );
    }

    #[test]
    fn separate_attributes_unnamed_data_and_user_data() {
        let doc = json!({"Event": {
            "System": {
                "Provider": null,
                "Provider_attributes": {"Name": "Service Control Manager"},
                "EventID": 7045,
                "EventID_attributes": {"Qualifiers": 16384},
                "TimeCreated_attributes": {"SystemTime": "2024-01-01T00:00:00Z"},
            },
            "EventData": {"Data": {"#text": ["a", "b"]}, "Binary": "00FF"},
            "UserData": {"LogFileCleared": {
                "#attributes": {"xmlns": "http://manifests.microsoft.com/win/2004/08/windows/eventlog"},
                "SubjectUserName": "admin",
                "Detail": {"Inner": 1}
            }}
        }});
        let event = event_from_document(doc).unwrap();
        assert_eq!(event.get("EventID"), Some(&json!(7045)));
        assert_eq!(
            event.text("Provider_Name").as_deref(),
            Some("Service Control Manager")
        );
        assert_eq!(
            event.text("TimeCreated").as_deref(),
            Some("2024-01-01T00:00:00Z")
        );
        assert_eq!(event.get("Data"), Some(&json!(["a", "b"])));
        assert_eq!(event.get("Binary"), Some(&json!("00FF")));
        assert_eq!(event.get("SubjectUserName"), Some(&json!("admin")));
        assert_eq!(event.get("Detail.Inner"), Some(&json!(1)));
    }

    #[test]
    fn guids_are_canonical() {
        for (given, canonical) in [
            (
                "5770385F-C22A-43E0-BF4C-06F5698FFBD9",
                "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}",
            ),
            (
                "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
                "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}",
            ),
            (
                "{5770385F-C22A-43E0-BF4C-06F5698FFBD9",
                "{5770385F-C22A-43E0-BF4C-06F5698FFBD9",
            ),
            ("5770385F-C22A-43E0-BF4C", "5770385F-C22A-43E0-BF4C"),
            (
                "ZZZZZZZZ-C22A-43E0-BF4C-06F5698FFBD9",
                "ZZZZZZZZ-C22A-43E0-BF4C-06F5698FFBD9",
            ),
        ] {
            assert_eq!(canonical_guid(json!(given)), json!(canonical));
        }
        let event = event_from_document(json!({"Event": {
            "System": {"EventID": 1, "Provider": {"#attributes": {"Guid": "5770385F-C22A-43E0-BF4C-06F5698FFBD9"}}},
            "EventData": {"ProcessGuid": "5AA13A44-0D74-68FC-EB1D-000000004002", "ScriptBlockId": "d2c5c1a4-0000-4000-8000-000000000001"}
        }}))
        .unwrap();
        assert_eq!(
            event.text("Provider_Guid").as_deref(),
            Some("{5770385f-c22a-43e0-bf4c-06f5698ffbd9}")
        );
        assert_eq!(
            event.text("ProcessGuid").as_deref(),
            Some("{5aa13a44-0d74-68fc-eb1d-000000004002}")
        );
        assert_eq!(
            event.text("ScriptBlockId").as_deref(),
            Some("d2c5c1a4-0000-4000-8000-000000000001")
        );
    }

    #[test]
    fn other_documents_are_flattened() {
        let event = event_from_document(json!({"winlog": {"event_id": 1}, "Event": 3})).unwrap();
        assert_eq!(event.get("winlog.event_id"), Some(&json!(1)));
        assert_eq!(event.get("Event"), Some(&json!(3)));
        assert!(event_from_document(json!([1])).is_none());
        assert!(!is_windows_event(&json!({"System": {}})));
    }
}
