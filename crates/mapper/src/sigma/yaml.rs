//! YAML documents as trees of nodes that remember their line.
//!
//! `yaml-rust2`'s own `Yaml` tree forgets where a node was, and resolves
//! plain scalars such as `0x17` to integers without keeping what was
//! written. Sigma needs both: errors name the line, and a number keeps its
//! text so `0x17` still matches the text `0x17`. This module builds its own
//! tree from the parser's marked events.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A YAML node and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: Kind,
    pub line: usize,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    /// An integer and the text it was written as.
    Int(i64, String),
    /// A float and the text it was written as.
    Float(f64, String),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in document order, with the line of each key.
    Map(Vec<(Key, Node)>),
}

/// A mapping key: its text and line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    pub text: String,
    pub line: usize,
}

/// A YAML syntax error with its 1-based line.
#[derive(Debug, Clone)]
pub(crate) struct YamlError {
    pub line: usize,
    pub message: String,
}

impl Node {
    /// The value of key `name` in a mapping.
    pub fn get(&self, name: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k.text == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar (strings, numbers as written, booleans).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) | Kind::Int(_, s) | Kind::Float(_, s) => Some(s.clone()),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The string of a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the node is null.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }
}

/// Every document of `text` (an empty document is skipped).
pub(crate) fn load(text: &str) -> Result<Vec<Node>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder::default();
    parser.load(&mut builder, true).map_err(|e| YamlError {
        line: e.marker().line(),
        message: e.info().to_string(),
    })?;
    if let Some(error) = builder.error {
        return Err(error);
    }
    Ok(builder.docs)
}

enum Frame {
    Seq {
        items: Vec<Node>,
        line: usize,
        anchor: usize,
    },
    Map {
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
        line: usize,
        anchor: usize,
    },
}

#[derive(Default)]
struct Builder {
    docs: Vec<Node>,
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, Node>,
    error: Option<YamlError>,
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.event(event, mark) {
            self.error = Some(e);
        }
    }
}

impl Builder {
    fn event(&mut self, event: Event, mark: Marker) -> Result<(), YamlError> {
        let line = mark.line();
        match event {
            Event::DocumentEnd => {
                if let Some(root) = self.root.take() {
                    if !root.is_null() {
                        self.docs.push(root);
                    }
                }
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq {
                items: Vec::new(),
                line,
                anchor,
            }),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map {
                entries: Vec::new(),
                key: None,
                line,
                anchor,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        line,
                        anchor,
                    }) => (
                        Node {
                            kind: Kind::Seq(items),
                            line,
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        entries,
                        line,
                        anchor,
                        ..
                    }) => (
                        Node {
                            kind: Kind::Map(entries),
                            line,
                        },
                        anchor,
                    ),
                    None => {
                        return Err(YamlError {
                            line,
                            message: "unbalanced collection end".into(),
                        })
                    }
                };
                self.insert(node, anchor)?;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let kind = resolve(value, style, tag.as_ref());
                self.insert(Node { kind, line }, anchor)?;
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| YamlError {
                    line,
                    message: "alias to an unknown anchor".into(),
                })?;
                self.insert(node, 0)?;
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart => {}
        }
        Ok(())
    }

    fn insert(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let text = match &node.kind {
                        Kind::Null => String::new(),
                        _ => node.scalar_text().ok_or_else(|| YamlError {
                            line: node.line,
                            message: "a mapping key must be a scalar".into(),
                        })?,
                    };
                    if entries.iter().any(|(k, _)| k.text == text) {
                        return Err(YamlError {
                            line: node.line,
                            message: format!("duplicated key `{text}` in a mapping"),
                        });
                    }
                    *key = Some(Key {
                        text,
                        line: node.line,
                    });
                }
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }
}

/// The value of a scalar: quoted and block scalars are strings; plain ones
/// are resolved as YAML 1.2's core schema does (null, booleans, integers,
/// floats), keeping the written text of numbers.
fn resolve(value: String, style: TScalarStyle, tag: Option<&Tag>) -> Kind {
    if style != TScalarStyle::Plain {
        return Kind::Str(value);
    }
    if let Some(tag) = tag {
        if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
            match tag.suffix.as_str() {
                "str" => return Kind::Str(value),
                "null" => return Kind::Null,
                _ => {}
            }
        } else {
            return Kind::Str(value);
        }
    }
    match value.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        _ => {}
    }
    if let Some(i) = parse_int(&value) {
        return Kind::Int(i, value);
    }
    let bytes = value.as_bytes();
    let numeric_start = bytes
        .first()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'));
    if numeric_start
        && bytes.iter().any(u8::is_ascii_digit)
        && bytes
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        if let Ok(f) = value.parse::<f64>() {
            return Kind::Float(f, value);
        }
    }
    Kind::Str(value)
}

fn parse_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, text.get(1..)?),
        b'+' => (false, text.get(1..)?),
        _ => (false, text),
    };
    let magnitude = if let Some(hex) = digits.strip_prefix("0x") {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        if oct.is_empty() || !oct.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return None;
        }
        i64::from_str_radix(oct, 8).ok()?
    } else {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<i64>().ok()?
    };
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_keep_lines_and_number_text() {
        let docs = load("a: 1\nb:\n  - '0x17'\n  - 0x17\n  - null\n---\nc: 1.5\n").unwrap();
        assert_eq!(docs.len(), 2);
        let b = docs[0].get("b").unwrap();
        assert_eq!(b.line, 3);
        let Kind::Seq(items) = &b.kind else { panic!() };
        assert_eq!(items[0].kind, Kind::Str("0x17".into()));
        assert_eq!(items[1].kind, Kind::Int(23, "0x17".into()));
        assert_eq!(items[1].line, 4);
        assert!(items[2].is_null());
        assert_eq!(
            docs[1].get("c").unwrap().kind,
            Kind::Float(1.5, "1.5".into())
        );
    }

    #[test]
    fn duplicate_keys_and_syntax_errors_have_lines() {
        let e = load("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = load("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
    }
}
