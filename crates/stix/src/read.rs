//! Reading STIX documents (a bundle, one object, or a `mitre/cti` folder),
//! with errors that say where.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{ParseError, ParseErrorKind};
use crate::object::fields::{Key, DUPLICATE_PREFIX, ID_MISMATCH_PREFIX, TYPE_MISMATCH_PREFIX};
use crate::{Bundle, Error, Result, StixObject};

/// A STIX document: a bundle or a single object.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Document {
    /// A bundle.
    Bundle(Bundle),
    /// A single object.
    Object(Box<StixObject>),
}

impl Document {
    /// Read a document from JSON text: a bundle when `type` is `bundle`,
    /// otherwise one object.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_stix::read::Document;
    ///
    /// let doc = Document::from_json(r#"{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]}"#)?;
    /// assert_eq!(doc.into_objects().len(), 0);
    /// # Ok::<(), ttpmap_stix::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Document> {
        document_from_str(text, None)
    }

    /// Read a document from a file; errors name the file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Document> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(Some(path), e))?;
        document_from_str(&text, Some(path))
    }

    /// The objects of the document.
    pub fn into_objects(self) -> Vec<StixObject> {
        match self {
            Document::Bundle(b) => b.objects.unwrap_or_default(),
            Document::Object(o) => vec![*o],
        }
    }
}

/// Read every object under `path`: a bundle file, a single-object file, or
/// a folder in the `mitre/cti` layout (`<type>/<id>.json`, searched
/// recursively; files are read in sorted path order).
///
/// Returns each object with the file it came from.
pub fn objects_from_path(path: impl AsRef<Path>) -> Result<Vec<(PathBuf, StixObject)>> {
    let path = path.as_ref();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(Some(path), e))?;
    if !meta.is_dir() {
        let doc = Document::from_path(path)?;
        return Ok(doc
            .into_objects()
            .into_iter()
            .map(|o| (path.to_path_buf(), o))
            .collect());
    }
    let mut files = Vec::new();
    json_files(path, &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let doc = Document::from_path(&file)?;
        out.extend(doc.into_objects().into_iter().map(|o| (file.clone(), o)));
    }
    Ok(out)
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(Some(dir), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(Some(dir), e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| Error::io(Some(&path), e))?;
        if kind.is_dir() {
            json_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

pub(crate) fn utf8<'a>(bytes: &'a [u8], path: Option<&Path>) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let (line, column) = line_column(bytes, offset);
        Error::Parse(Box::new(ParseError {
            path: path.map(Path::to_path_buf),
            line: Some(line),
            column: Some(column),
            object_index: None,
            object_id: None,
            json_path: None,
            kind: ParseErrorKind::Syntax,
            message: "invalid UTF-8".to_owned(),
        }))
    })
}

pub(crate) fn bundle_from_str(text: &str, path: Option<&Path>) -> Result<Bundle> {
    serde_json::from_str::<Bundle>(text).map_err(|e| diagnose::<Bundle>(text, path, &e))
}

pub(crate) fn object_from_str(text: &str, path: Option<&Path>) -> Result<StixObject> {
    serde_json::from_str::<StixObject>(text).map_err(|e| diagnose::<StixObject>(text, path, &e))
}

pub(crate) fn document_from_str(text: &str, path: Option<&Path>) -> Result<Document> {
    serde_json::from_str::<Document>(text).map_err(|e| diagnose::<Document>(text, path, &e))
}

impl<'de> Deserialize<'de> for Document {
    /// One pass: read up to `type`, then continue as a bundle or as the
    /// object that type names.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct DocumentVisitor;
        impl<'de> serde::de::Visitor<'de> for DocumentVisitor {
            type Value = Document;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a STIX bundle or object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Document, A::Error> {
                let mut before = Vec::new();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    if key == "type" {
                        let object_type: Key<'de> = map.next_value()?;
                        if object_type.0 == "bundle" {
                            return crate::bundle::read_bundle(before, true, map)
                                .map(Document::Bundle);
                        }
                        return StixObject::dispatch(&object_type.0, before, map)
                            .map(|o| Document::Object(Box::new(o)));
                    }
                    let value: serde_json::Value = map.next_value()?;
                    before.push((key.into_owned(), value));
                }
                Err(serde::de::Error::missing_field("type"))
            }
        }
        d.deserialize_map(DocumentVisitor)
    }
}

/// Turn a fast-path error into one that says where: file, line, column,
/// object index and id, JSON path. Runs a slower second pass over `text`;
/// only on the error path.
#[cold]
fn diagnose<T: for<'de> Deserialize<'de>>(
    text: &str,
    path: Option<&Path>,
    fast: &serde_json::Error,
) -> Error {
    let mut error = ParseError {
        path: path.map(Path::to_path_buf),
        line: (fast.line() > 0).then_some(fast.line()),
        // serde_json says column 0 at the very start of a line; ours are 1-based.
        column: (fast.line() > 0).then_some(fast.column().max(1)),
        object_index: None,
        object_id: None,
        json_path: None,
        kind: classify(fast),
        message: message_of(fast),
    };
    if fast.is_data() {
        let mut de = serde_json::Deserializer::from_str(text);
        if let Err(tracked) = serde_path_to_error::deserialize::<_, T>(&mut de) {
            let json_path = tracked.path().to_string();
            error.object_index = object_index_of(&json_path);
            error.json_path = Some(if json_path == "." {
                "$".to_owned()
            } else {
                format!("$.{json_path}")
            });
            let inner = tracked.inner();
            if inner.line() > 0 {
                error.line = Some(inner.line());
                error.column = Some(inner.column().max(1));
            }
            error.kind = classify(inner);
            error.message = message_of(inner);
        }
    }
    error.object_id = object_id_near(text, error.object_index);
    Error::Parse(Box::new(error))
}

fn classify(e: &serde_json::Error) -> ParseErrorKind {
    use serde_json::error::Category;
    let message = message_of(e);
    match e.classify() {
        Category::Eof => ParseErrorKind::Eof,
        Category::Syntax if message.starts_with("recursion limit") => ParseErrorKind::TooDeep,
        Category::Syntax | Category::Io => ParseErrorKind::Syntax,
        Category::Data => {
            if message.starts_with("missing required property") {
                ParseErrorKind::MissingProperty
            } else if message.starts_with(DUPLICATE_PREFIX) {
                ParseErrorKind::DuplicateProperty
            } else if message.starts_with("invalid identifier") {
                ParseErrorKind::InvalidIdentifier
            } else if message.starts_with("invalid timestamp") {
                ParseErrorKind::InvalidTimestamp
            } else if message.starts_with(ID_MISMATCH_PREFIX)
                || message.starts_with(TYPE_MISMATCH_PREFIX)
            {
                ParseErrorKind::IdTypeMismatch
            } else if message.starts_with("invalid type") {
                ParseErrorKind::WrongType
            } else {
                ParseErrorKind::InvalidValue
            }
        }
    }
}

/// serde_json's message without its " at line L column C" suffix, with
/// serde's "field" said as STIX's "property".
fn message_of(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) if e.line() > 0 => text[..at].to_owned(),
        _ => text,
    };
    match text.strip_prefix("missing field ") {
        Some(rest) => format!("missing required property {rest}"),
        None => text,
    }
}

/// The index in `objects` named by a JSON path such as `objects[12].name`.
fn object_index_of(json_path: &str) -> Option<usize> {
    let rest = json_path.strip_prefix("objects[")?;
    rest[..rest.find(']')?].parse().ok()
}

/// The `id` of object `index` of a bundle, or of the single object.
fn object_id_near(text: &str, index: Option<usize>) -> Option<String> {
    #[derive(Deserialize)]
    struct RawBundle<'a> {
        #[serde(borrow)]
        objects: Vec<&'a RawValue>,
    }
    #[derive(Deserialize)]
    struct IdOnly {
        id: Option<serde_json::Value>,
    }
    let raw = match index {
        Some(i) => serde_json::from_str::<RawBundle<'_>>(text)
            .ok()?
            .objects
            .get(i)?
            .get(),
        None => text,
    };
    match serde_json::from_str::<IdOnly>(raw).ok()?.id? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    }
}

/// 1-based line and column of byte `offset`.
#[allow(clippy::naive_bytecount)] // error path only; not worth a dependency
fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}
