//! The `extensions` property: predefined SCO extensions typed, everything
//! else (extension-definition ids, custom `x-…-ext`) kept as JSON.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::object::fields::{DuplicateProperty, Key};
use crate::sco::{AlternateDataStream, WindowsPeSection};
use crate::{Identifier, Timestamp};

/// The `extensions` dictionary of an object, in the order read.
///
/// Keys are either a predefined extension name (`archive-ext`, `ntfs-ext`,
/// …), which read into typed [`Extension`] variants, or an
/// extension-definition id / custom name, kept as [`Extension::Other`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extensions(pub indexmap::IndexMap<String, Extension>);

impl Extensions {
    /// The extension under `key`.
    pub fn get(&self, key: &str) -> Option<&Extension> {
        self.0.get(key)
    }

    /// How many extensions there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys and extensions, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Extension)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

macro_rules! extensions {
    ($( $key:literal => $variant:ident($ty:ident) ),* $(,)?) => {
        /// One extension's content.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Extension {
            $(
                #[doc = concat!("The predefined `", $key, "`.")]
                $variant($ty),
            )*
            /// Any other extension, as JSON (for extension definitions the
            /// object holds `extension_type`).
            Other(Map<String, Value>),
        }

        impl Extension {
            /// The predefined extension names.
            pub const PREDEFINED: &'static [&'static str] = &[$($key),*];

            fn read<'de, A: MapAccess<'de>>(key: &str, map: &mut A) -> Result<Extension, A::Error> {
                Ok(match key {
                    $( $key => Extension::$variant(map.next_value()?), )*
                    _ => Extension::Other(map.next_value()?),
                })
            }
        }

        impl Serialize for Extension {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Extension::$variant(e) => e.serialize(s), )*
                    Extension::Other(m) => m.serialize(s),
                }
            }
        }
    };
}

extensions! {
    "archive-ext" => Archive(ArchiveExt),
    "ntfs-ext" => Ntfs(NtfsExt),
    "pdf-ext" => Pdf(PdfExt),
    "raster-image-ext" => RasterImage(RasterImageExt),
    "windows-pebinary-ext" => WindowsPeBinary(WindowsPeBinaryExt),
    "http-request-ext" => HttpRequest(HttpRequestExt),
    "icmp-ext" => Icmp(IcmpExt),
    "socket-ext" => Socket(SocketExt),
    "tcp-ext" => Tcp(TcpExt),
    "windows-process-ext" => WindowsProcess(WindowsProcessExt),
    "windows-service-ext" => WindowsService(WindowsServiceExt),
    "unix-account-ext" => UnixAccount(UnixAccountExt),
}

impl Serialize for Extensions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Extensions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ExtVisitor;
        impl<'de> Visitor<'de> for ExtVisitor {
            type Value = Extensions;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a dictionary of extensions")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extensions, A::Error> {
                use serde::de::Error as _;
                let mut out = indexmap::IndexMap::new();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    let ext = Extension::read(&key, &mut map)?;
                    if out.insert(key.clone().into_owned(), ext).is_some() {
                        return Err(A::Error::custom(DuplicateProperty(&key)));
                    }
                }
                Ok(Extensions(out))
            }
        }
        d.deserialize_map(ExtVisitor)
    }
}

stix_struct! {
    /// File extension for archives (zip, tar, …).
    struct ArchiveExt = "archive-ext", sub, builder ArchiveExtBuilder {
        /// Files and directories in the archive.
        required contains_refs: Vec<Identifier>,
        /// The archive comment.
        optional comment: String,
    }
}

stix_struct! {
    /// File extension for NTFS properties.
    struct NtfsExt = "ntfs-ext", sub, builder NtfsExtBuilder {
        /// The security id.
        optional sid: String,
        /// Alternate data streams.
        optional alternate_data_streams: Vec<AlternateDataStream>,
    }
}

stix_struct! {
    /// File extension for PDF documents.
    struct PdfExt = "pdf-ext", sub, builder PdfExtBuilder {
        /// PDF version.
        optional version: String,
        /// Whether optimised (linearised).
        optional is_optimized: bool,
        /// The document information dictionary.
        optional document_info_dict: Map<String, Value>,
        /// First file identifier.
        optional pdfid0: String,
        /// Second file identifier.
        optional pdfid1: String,
    }
}

stix_struct! {
    /// File extension for raster images.
    struct RasterImageExt = "raster-image-ext", sub, builder RasterImageExtBuilder {
        /// Height in pixels.
        optional image_height: i64,
        /// Width in pixels.
        optional image_width: i64,
        /// Bits per pixel.
        optional bits_per_pixel: i64,
        /// EXIF tags.
        optional exif_tags: Map<String, Value>,
    }
}

stix_struct! {
    /// File extension for Windows PE binaries.
    struct WindowsPeBinaryExt = "windows-pebinary-ext", sub, builder WindowsPeBinaryExtBuilder {
        /// `exe`, `dll`, `sys` (open vocabulary `windows-pebinary-type-ov`).
        required pe_type: String,
        /// The import hash.
        optional imphash: String,
        /// Target machine, hex.
        optional machine_hex: String,
        /// Number of sections.
        optional number_of_sections: i64,
        /// Link time.
        optional time_date_stamp: Timestamp,
        /// Offset of the symbol table, hex.
        optional pointer_to_symbol_table_hex: String,
        /// Number of symbols.
        optional number_of_symbols: i64,
        /// Size of the optional header.
        optional size_of_optional_header: i64,
        /// Characteristics flags, hex.
        optional characteristics_hex: String,
        /// The optional header.
        optional optional_header: Map<String, Value>,
        /// The sections.
        optional sections: Vec<WindowsPeSection>,
    }
}

stix_struct! {
    /// Network-traffic extension for HTTP requests.
    struct HttpRequestExt = "http-request-ext", sub, builder HttpRequestExtBuilder {
        /// The method, e.g. `get`.
        required request_method: String,
        /// The request target.
        required request_value: String,
        /// The HTTP version.
        optional request_version: String,
        /// Request headers.
        optional request_header: Map<String, Value>,
        /// Body length.
        optional message_body_length: i64,
        /// The body (`artifact`).
        optional message_body_data_ref: Identifier,
    }
}

stix_struct! {
    /// Network-traffic extension for ICMP.
    struct IcmpExt = "icmp-ext", sub, builder IcmpExtBuilder {
        /// ICMP type, hex.
        required icmp_type_hex: String,
        /// ICMP code, hex.
        required icmp_code_hex: String,
    }
}

stix_struct! {
    /// Network-traffic extension for sockets.
    struct SocketExt = "socket-ext", sub, builder SocketExtBuilder {
        /// Address family, e.g. `AF_INET`.
        required address_family: String,
        /// Whether blocking.
        optional is_blocking: bool,
        /// Whether listening.
        optional is_listening: bool,
        /// Socket options.
        optional options: Map<String, Value>,
        /// Socket type, e.g. `SOCK_STREAM`.
        optional socket_type: String,
        /// File descriptor.
        optional socket_descriptor: i64,
        /// Windows handle.
        optional socket_handle: i64,
    }
}

stix_struct! {
    /// Network-traffic extension for TCP.
    struct TcpExt = "tcp-ext", sub, builder TcpExtBuilder {
        /// Source flags, hex.
        optional src_flags_hex: String,
        /// Destination flags, hex.
        optional dst_flags_hex: String,
    }
}

stix_struct! {
    /// Process extension for Windows processes.
    struct WindowsProcessExt = "windows-process-ext", sub, builder WindowsProcessExtBuilder {
        /// Whether ASLR is enabled.
        optional aslr_enabled: bool,
        /// Whether DEP is enabled.
        optional dep_enabled: bool,
        /// Priority class.
        optional priority: String,
        /// Owner SID.
        optional owner_sid: String,
        /// Window title.
        optional window_title: String,
        /// STARTUPINFO.
        optional startup_info: Map<String, Value>,
        /// Integrity level.
        optional integrity_level: String,
    }
}

stix_struct! {
    /// Process extension for Windows services.
    struct WindowsServiceExt = "windows-service-ext", sub, builder WindowsServiceExtBuilder {
        /// Service name.
        optional service_name: String,
        /// Descriptions.
        optional descriptions: Vec<String>,
        /// Display name.
        optional display_name: String,
        /// Load-ordering group.
        optional group_name: String,
        /// Start type.
        optional start_type: String,
        /// DLLs loaded by the service.
        optional service_dll_refs: Vec<Identifier>,
        /// Service type.
        optional service_type: String,
        /// Service status.
        optional service_status: String,
    }
}

stix_struct! {
    /// User-account extension for Unix accounts.
    struct UnixAccountExt = "unix-account-ext", sub, builder UnixAccountExtBuilder {
        /// Primary group id.
        optional gid: i64,
        /// Group names.
        optional groups: Vec<String>,
        /// Home directory.
        optional home_dir: String,
        /// Login shell.
        optional shell: String,
    }
}
