//! The STIX 2.1 Cyber-observable Object definitions, as far as patterns
//! need them: each type's properties and their types, the predefined
//! extensions and the embedded types (spec §6). A data table.

/// The type of a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Str,
    Int,
    Float,
    Bool,
    Timestamp,
    Hex,
    Binary,
    /// An identifier of an object of one of these types (empty: any SCO).
    Ref(&'static [&'static str]),
    /// A list of such identifiers.
    Refs(&'static [&'static str]),
    /// A list of values.
    List(&'static Ty),
    /// An embedded object with fixed properties.
    Obj(Props),
    /// A dictionary with open keys and values.
    Dict,
    /// A hashes dictionary: algorithm name to hash string.
    Hashes,
    /// The `extensions` dictionary with the type's predefined extensions.
    Extensions(&'static [(&'static str, Props)]),
}

impl Ty {
    /// A name for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Ty::Str => "a string",
            Ty::Int => "an integer",
            Ty::Float => "a float",
            Ty::Bool => "a boolean",
            Ty::Timestamp => "a timestamp",
            Ty::Hex => "a hex value",
            Ty::Binary => "a binary value",
            Ty::Ref(_) => "a reference",
            Ty::Refs(_) | Ty::List(_) => "a list",
            Ty::Obj(_) => "an object",
            Ty::Dict | Ty::Hashes | Ty::Extensions(_) => "a dictionary",
        }
    }
}

/// Property names and types.
pub(crate) type Props = &'static [(&'static str, Ty)];

/// The properties every SCO has.
const COMMON: Props = &[
    ("type", Ty::Str),
    ("id", Ty::Str),
    ("spec_version", Ty::Str),
    ("object_marking_refs", Ty::Refs(&["marking-definition"])),
    ("granular_markings", Ty::List(&Ty::Dict)),
    ("defanged", Ty::Bool),
];

const ADDRESSES: &[&str] = &["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"];

const ARTIFACT: Props = &[
    ("mime_type", Ty::Str),
    ("payload_bin", Ty::Binary),
    ("url", Ty::Str),
    ("hashes", Ty::Hashes),
    ("encryption_algorithm", Ty::Str),
    ("decryption_key", Ty::Str),
];
const AUTONOMOUS_SYSTEM: Props = &[("number", Ty::Int), ("name", Ty::Str), ("rir", Ty::Str)];
const DIRECTORY: Props = &[
    ("path", Ty::Str),
    ("path_enc", Ty::Str),
    ("ctime", Ty::Timestamp),
    ("mtime", Ty::Timestamp),
    ("atime", Ty::Timestamp),
    ("contains_refs", Ty::Refs(&["file", "directory"])),
];
const DOMAIN_NAME: Props = &[
    ("value", Ty::Str),
    (
        "resolves_to_refs",
        Ty::Refs(&["ipv4-addr", "ipv6-addr", "domain-name"]),
    ),
];
const EMAIL_ADDR: Props = &[
    ("value", Ty::Str),
    ("display_name", Ty::Str),
    ("belongs_to_ref", Ty::Ref(&["user-account"])),
];
const MIME_PART: Props = &[
    ("body", Ty::Str),
    ("body_raw_ref", Ty::Ref(&["artifact", "file"])),
    ("content_type", Ty::Str),
    ("content_disposition", Ty::Str),
];
const EMAIL_MESSAGE: Props = &[
    ("is_multipart", Ty::Bool),
    ("date", Ty::Timestamp),
    ("content_type", Ty::Str),
    ("from_ref", Ty::Ref(&["email-addr"])),
    ("sender_ref", Ty::Ref(&["email-addr"])),
    ("to_refs", Ty::Refs(&["email-addr"])),
    ("cc_refs", Ty::Refs(&["email-addr"])),
    ("bcc_refs", Ty::Refs(&["email-addr"])),
    ("message_id", Ty::Str),
    ("subject", Ty::Str),
    ("received_lines", Ty::List(&Ty::Str)),
    ("additional_header_fields", Ty::Dict),
    ("body", Ty::Str),
    ("body_multipart", Ty::List(&Ty::Obj(MIME_PART))),
    ("raw_email_ref", Ty::Ref(&["artifact"])),
];
const ARCHIVE_EXT: Props = &[
    ("contains_refs", Ty::Refs(&["file", "directory"])),
    ("comment", Ty::Str),
];
const ALTERNATE_DATA_STREAM: Props =
    &[("name", Ty::Str), ("hashes", Ty::Hashes), ("size", Ty::Int)];
const NTFS_EXT: Props = &[
    ("sid", Ty::Str),
    (
        "alternate_data_streams",
        Ty::List(&Ty::Obj(ALTERNATE_DATA_STREAM)),
    ),
];
const PDF_EXT: Props = &[
    ("version", Ty::Str),
    ("is_optimized", Ty::Bool),
    ("document_info_dict", Ty::Dict),
    ("pdfid0", Ty::Str),
    ("pdfid1", Ty::Str),
];
const RASTER_IMAGE_EXT: Props = &[
    ("image_height", Ty::Int),
    ("image_width", Ty::Int),
    ("bits_per_pixel", Ty::Int),
    ("exif_tags", Ty::Dict),
];
const PE_OPTIONAL_HEADER: Props = &[
    ("magic_hex", Ty::Hex),
    ("major_linker_version", Ty::Int),
    ("minor_linker_version", Ty::Int),
    ("size_of_code", Ty::Int),
    ("size_of_initialized_data", Ty::Int),
    ("size_of_uninitialized_data", Ty::Int),
    ("address_of_entry_point", Ty::Int),
    ("base_of_code", Ty::Int),
    ("base_of_data", Ty::Int),
    ("image_base", Ty::Int),
    ("section_alignment", Ty::Int),
    ("file_alignment", Ty::Int),
    ("major_os_version", Ty::Int),
    ("minor_os_version", Ty::Int),
    ("major_image_version", Ty::Int),
    ("minor_image_version", Ty::Int),
    ("major_subsystem_version", Ty::Int),
    ("minor_subsystem_version", Ty::Int),
    ("win32_version_value_hex", Ty::Hex),
    ("size_of_image", Ty::Int),
    ("size_of_headers", Ty::Int),
    ("checksum_hex", Ty::Hex),
    ("subsystem_hex", Ty::Hex),
    ("dll_characteristics_hex", Ty::Hex),
    ("size_of_stack_reserve", Ty::Int),
    ("size_of_stack_commit", Ty::Int),
    ("size_of_heap_reserve", Ty::Int),
    ("size_of_heap_commit", Ty::Int),
    ("loader_flags_hex", Ty::Hex),
    ("number_of_rva_and_sizes", Ty::Int),
    ("hashes", Ty::Hashes),
];
const PE_SECTION: Props = &[
    ("name", Ty::Str),
    ("size", Ty::Int),
    ("entropy", Ty::Float),
    ("hashes", Ty::Hashes),
];
const PEBINARY_EXT: Props = &[
    ("pe_type", Ty::Str),
    ("imphash", Ty::Str),
    ("machine_hex", Ty::Hex),
    ("number_of_sections", Ty::Int),
    ("time_date_stamp", Ty::Timestamp),
    ("pointer_to_symbol_table_hex", Ty::Hex),
    ("number_of_symbols", Ty::Int),
    ("size_of_optional_header", Ty::Int),
    ("characteristics_hex", Ty::Hex),
    ("file_header_hashes", Ty::Hashes),
    ("optional_header", Ty::Obj(PE_OPTIONAL_HEADER)),
    ("sections", Ty::List(&Ty::Obj(PE_SECTION))),
];
const FILE: Props = &[
    (
        "extensions",
        Ty::Extensions(&[
            ("archive-ext", ARCHIVE_EXT),
            ("ntfs-ext", NTFS_EXT),
            ("pdf-ext", PDF_EXT),
            ("raster-image-ext", RASTER_IMAGE_EXT),
            ("windows-pebinary-ext", PEBINARY_EXT),
        ]),
    ),
    ("hashes", Ty::Hashes),
    ("size", Ty::Int),
    ("name", Ty::Str),
    ("name_enc", Ty::Str),
    ("magic_number_hex", Ty::Hex),
    ("mime_type", Ty::Str),
    ("ctime", Ty::Timestamp),
    ("mtime", Ty::Timestamp),
    ("atime", Ty::Timestamp),
    ("parent_directory_ref", Ty::Ref(&["directory"])),
    ("contains_refs", Ty::Refs(&[])),
    ("content_ref", Ty::Ref(&["artifact"])),
];
const IP_ADDR: Props = &[
    ("value", Ty::Str),
    ("resolves_to_refs", Ty::Refs(&["mac-addr"])),
    ("belongs_to_refs", Ty::Refs(&["autonomous-system"])),
];
const MAC_ADDR: Props = &[("value", Ty::Str)];
const MUTEX: Props = &[("name", Ty::Str)];
const HTTP_REQUEST_EXT: Props = &[
    ("request_method", Ty::Str),
    ("request_value", Ty::Str),
    ("request_version", Ty::Str),
    ("request_header", Ty::Dict),
    ("message_body_length", Ty::Int),
    ("message_body_data_ref", Ty::Ref(&["artifact"])),
];
const ICMP_EXT: Props = &[("icmp_type_hex", Ty::Hex), ("icmp_code_hex", Ty::Hex)];
const SOCKET_EXT: Props = &[
    ("address_family", Ty::Str),
    ("is_blocking", Ty::Bool),
    ("is_listening", Ty::Bool),
    ("options", Ty::Dict),
    ("socket_type", Ty::Str),
    ("socket_descriptor", Ty::Int),
    ("socket_handle", Ty::Int),
];
const TCP_EXT: Props = &[("src_flags_hex", Ty::Hex), ("dst_flags_hex", Ty::Hex)];
const NETWORK_TRAFFIC: Props = &[
    (
        "extensions",
        Ty::Extensions(&[
            ("http-request-ext", HTTP_REQUEST_EXT),
            ("icmp-ext", ICMP_EXT),
            ("socket-ext", SOCKET_EXT),
            ("tcp-ext", TCP_EXT),
        ]),
    ),
    ("start", Ty::Timestamp),
    ("end", Ty::Timestamp),
    ("is_active", Ty::Bool),
    ("src_ref", Ty::Ref(ADDRESSES)),
    ("dst_ref", Ty::Ref(ADDRESSES)),
    ("src_port", Ty::Int),
    ("dst_port", Ty::Int),
    ("protocols", Ty::List(&Ty::Str)),
    ("src_byte_count", Ty::Int),
    ("dst_byte_count", Ty::Int),
    ("src_packets", Ty::Int),
    ("dst_packets", Ty::Int),
    ("ipfix", Ty::Dict),
    ("src_payload_ref", Ty::Ref(&["artifact"])),
    ("dst_payload_ref", Ty::Ref(&["artifact"])),
    ("encapsulates_refs", Ty::Refs(&["network-traffic"])),
    ("encapsulated_by_ref", Ty::Ref(&["network-traffic"])),
];
const WINDOWS_PROCESS_EXT: Props = &[
    ("aslr_enabled", Ty::Bool),
    ("dep_enabled", Ty::Bool),
    ("priority", Ty::Str),
    ("owner_sid", Ty::Str),
    ("window_title", Ty::Str),
    ("startup_info", Ty::Dict),
    ("integrity_level", Ty::Str),
];
const WINDOWS_SERVICE_EXT: Props = &[
    ("service_name", Ty::Str),
    ("descriptions", Ty::List(&Ty::Str)),
    ("display_name", Ty::Str),
    ("group_name", Ty::Str),
    ("start_type", Ty::Str),
    ("service_dll_refs", Ty::Refs(&["file"])),
    ("service_type", Ty::Str),
    ("service_status", Ty::Str),
];
const PROCESS: Props = &[
    (
        "extensions",
        Ty::Extensions(&[
            ("windows-process-ext", WINDOWS_PROCESS_EXT),
            ("windows-service-ext", WINDOWS_SERVICE_EXT),
        ]),
    ),
    ("is_hidden", Ty::Bool),
    ("pid", Ty::Int),
    ("created_time", Ty::Timestamp),
    ("cwd", Ty::Str),
    ("command_line", Ty::Str),
    ("environment_variables", Ty::Dict),
    ("opened_connection_refs", Ty::Refs(&["network-traffic"])),
    ("creator_user_ref", Ty::Ref(&["user-account"])),
    ("image_ref", Ty::Ref(&["file"])),
    ("parent_ref", Ty::Ref(&["process"])),
    ("child_refs", Ty::Refs(&["process"])),
];
const SOFTWARE: Props = &[
    ("name", Ty::Str),
    ("cpe", Ty::Str),
    ("swid", Ty::Str),
    ("languages", Ty::List(&Ty::Str)),
    ("vendor", Ty::Str),
    ("version", Ty::Str),
];
const URL: Props = &[("value", Ty::Str)];
const UNIX_ACCOUNT_EXT: Props = &[
    ("gid", Ty::Int),
    ("groups", Ty::List(&Ty::Str)),
    ("home_dir", Ty::Str),
    ("shell", Ty::Str),
];
const USER_ACCOUNT: Props = &[
    (
        "extensions",
        Ty::Extensions(&[("unix-account-ext", UNIX_ACCOUNT_EXT)]),
    ),
    ("user_id", Ty::Str),
    ("credential", Ty::Str),
    ("account_login", Ty::Str),
    ("account_type", Ty::Str),
    ("display_name", Ty::Str),
    ("is_service_account", Ty::Bool),
    ("is_privileged", Ty::Bool),
    ("can_escalate_privs", Ty::Bool),
    ("is_disabled", Ty::Bool),
    ("account_created", Ty::Timestamp),
    ("account_expires", Ty::Timestamp),
    ("credential_last_changed", Ty::Timestamp),
    ("account_first_login", Ty::Timestamp),
    ("account_last_login", Ty::Timestamp),
];
const REGISTRY_VALUE: Props = &[("name", Ty::Str), ("data", Ty::Str), ("data_type", Ty::Str)];
const WINDOWS_REGISTRY_KEY: Props = &[
    ("key", Ty::Str),
    ("values", Ty::List(&Ty::Obj(REGISTRY_VALUE))),
    ("modified_time", Ty::Timestamp),
    ("creator_user_ref", Ty::Ref(&["user-account"])),
    ("number_of_subkeys", Ty::Int),
];
const X509_V3_EXTENSIONS: Props = &[
    ("basic_constraints", Ty::Str),
    ("name_constraints", Ty::Str),
    ("policy_constraints", Ty::Str),
    ("key_usage", Ty::Str),
    ("extended_key_usage", Ty::Str),
    ("subject_key_identifier", Ty::Str),
    ("authority_key_identifier", Ty::Str),
    ("subject_alternative_name", Ty::Str),
    ("issuer_alternative_name", Ty::Str),
    ("subject_directory_attributes", Ty::Str),
    ("crl_distribution_points", Ty::Str),
    ("inhibit_any_policy", Ty::Str),
    ("private_key_usage_period_not_before", Ty::Timestamp),
    ("private_key_usage_period_not_after", Ty::Timestamp),
    ("certificate_policies", Ty::Str),
    ("policy_mappings", Ty::Str),
];
const X509_CERTIFICATE: Props = &[
    ("is_self_signed", Ty::Bool),
    ("hashes", Ty::Hashes),
    ("version", Ty::Str),
    ("serial_number", Ty::Str),
    ("signature_algorithm", Ty::Str),
    ("issuer", Ty::Str),
    ("validity_not_before", Ty::Timestamp),
    ("validity_not_after", Ty::Timestamp),
    ("subject", Ty::Str),
    ("subject_public_key_algorithm", Ty::Str),
    ("subject_public_key_modulus", Ty::Str),
    ("subject_public_key_exponent", Ty::Int),
    ("x509_v3_extensions", Ty::Obj(X509_V3_EXTENSIONS)),
];

/// The type-specific properties of a STIX 2.1 SCO type.
pub(crate) fn sco_properties(object_type: &str) -> Option<Props> {
    Some(match object_type {
        "artifact" => ARTIFACT,
        "autonomous-system" => AUTONOMOUS_SYSTEM,
        "directory" => DIRECTORY,
        "domain-name" => DOMAIN_NAME,
        "email-addr" => EMAIL_ADDR,
        "email-message" => EMAIL_MESSAGE,
        "file" => FILE,
        "ipv4-addr" | "ipv6-addr" => IP_ADDR,
        "mac-addr" => MAC_ADDR,
        "mutex" => MUTEX,
        "network-traffic" => NETWORK_TRAFFIC,
        "process" => PROCESS,
        "software" => SOFTWARE,
        "url" => URL,
        "user-account" => USER_ACCOUNT,
        "windows-registry-key" => WINDOWS_REGISTRY_KEY,
        "x509-certificate" => X509_CERTIFICATE,
        _ => return None,
    })
}

/// The type of property `name` of an SCO of `object_type`, common
/// properties and a generic `extensions` dictionary included.
pub(crate) fn sco_property(object_type: &str, name: &str) -> Option<Ty> {
    let props = sco_properties(object_type)?;
    lookup(props, name)
        .or_else(|| lookup(COMMON, name))
        .or_else(|| (name == "extensions").then_some(Ty::Extensions(&[])))
}

/// The type of `name` in a property table.
pub(crate) fn lookup(props: Props, name: &str) -> Option<Ty> {
    props.iter().find(|(n, _)| *n == name).map(|&(_, t)| t)
}

/// Whether `name` is a custom property name (`x_` prefix, any case).
pub(crate) fn is_custom_property(name: &str) -> bool {
    name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("x_"))
}

/// Whether `name` is a custom object type or extension name (`x-` prefix).
pub(crate) fn is_custom_type(name: &str) -> bool {
    name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("x-")) || is_custom_property(name)
}

/// Whether an `extensions` key names an extension other than the
/// predefined ones: custom (`x-…`), or an extension definition id.
pub(crate) fn is_custom_extension(name: &str) -> bool {
    is_custom_type(name) || name.starts_with("extension-definition--")
}
