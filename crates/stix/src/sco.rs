//! The 18 STIX Cyber-observable Objects (spec §6) and their embedded types.

use serde_json::{Map, Number, Value};

use crate::{Hashes, Identifier, Timestamp};

sco! {
    /// An array of bytes, as base64 or a URL.
    struct Artifact = "artifact", builder ArtifactBuilder, id_contributing ["hashes", "payload_bin"] {
        /// IANA media type.
        optional mime_type: String,
        /// The content, base64-encoded.
        optional payload_bin: String,
        /// Where the content can be fetched.
        optional url: String,
        /// Hashes of the content.
        optional hashes: Hashes,
        /// Encryption algorithm of the content.
        optional encryption_algorithm: String,
        /// Key to decrypt the content.
        optional decryption_key: String,
    }
}

sco! {
    /// An autonomous system.
    struct AutonomousSystem = "autonomous-system", builder AutonomousSystemBuilder, id_contributing ["number"] {
        /// The AS number.
        required number: i64,
        /// The AS name.
        optional name: String,
        /// The Regional Internet Registry.
        optional rir: String,
    }
}

sco! {
    /// A file-system directory.
    struct Directory = "directory", builder DirectoryBuilder, id_contributing ["path"] {
        /// The path.
        required path: String,
        /// Character set of the path, when not Unicode.
        optional path_enc: String,
        /// Creation time.
        optional ctime: Timestamp,
        /// Modification time.
        optional mtime: Timestamp,
        /// Access time.
        optional atime: Timestamp,
        /// Files and directories inside.
        optional contains_refs: Vec<Identifier>,
    }
}

sco! {
    /// A network domain name.
    struct DomainName = "domain-name", builder DomainNameBuilder, id_contributing ["value"] {
        /// The domain name.
        required value: String,
        /// Addresses or domains it resolves to.
        optional resolves_to_refs: Vec<Identifier>,
    }
}

sco! {
    /// An email address.
    struct EmailAddr = "email-addr", builder EmailAddrBuilder, id_contributing ["value"] {
        /// The address.
        required value: String,
        /// The display name.
        optional display_name: String,
        /// The user account it belongs to.
        optional belongs_to_ref: Identifier,
    }
}

sco! {
    /// An email message.
    struct EmailMessage = "email-message", builder EmailMessageBuilder, id_contributing ["from_ref", "subject", "body"] {
        /// Whether the body is MIME multipart.
        required is_multipart: bool,
        /// When sent.
        optional date: Timestamp,
        /// The Content-Type header.
        optional content_type: String,
        /// The From address.
        optional from_ref: Identifier,
        /// The Sender address.
        optional sender_ref: Identifier,
        /// To addresses.
        optional to_refs: Vec<Identifier>,
        /// Cc addresses.
        optional cc_refs: Vec<Identifier>,
        /// Bcc addresses.
        optional bcc_refs: Vec<Identifier>,
        /// The Message-ID header.
        optional message_id: String,
        /// The Subject header.
        optional subject: String,
        /// Received header lines.
        optional received_lines: Vec<String>,
        /// Other headers.
        optional additional_header_fields: Map<String, Value>,
        /// The body, when not multipart.
        optional body: String,
        /// The MIME parts, when multipart.
        optional body_multipart: Vec<EmailMimePart>,
        /// The raw message (`artifact`).
        optional raw_email_ref: Identifier,
    }
}

sco! {
    /// A file.
    struct File = "file", builder FileBuilder, id_contributing ["hashes", "name", "extensions", "parent_directory_ref"] {
        /// Hashes of the content.
        optional hashes: Hashes,
        /// Size in bytes.
        optional size: i64,
        /// The file name.
        optional name: String,
        /// Character set of the name, when not Unicode.
        optional name_enc: String,
        /// The magic number, hex.
        optional magic_number_hex: String,
        /// IANA media type.
        optional mime_type: String,
        /// Creation time.
        optional ctime: Timestamp,
        /// Modification time.
        optional mtime: Timestamp,
        /// Access time.
        optional atime: Timestamp,
        /// The directory holding the file.
        optional parent_directory_ref: Identifier,
        /// Objects contained in the file.
        optional contains_refs: Vec<Identifier>,
        /// The content (`artifact`).
        optional content_ref: Identifier,
    }
}

sco! {
    /// An IPv4 address or CIDR block.
    struct Ipv4Addr = "ipv4-addr", builder Ipv4AddrBuilder, id_contributing ["value"] {
        /// The address or block.
        required value: String,
        /// MAC addresses it resolves to.
        optional resolves_to_refs: Vec<Identifier>,
        /// Autonomous systems it belongs to.
        optional belongs_to_refs: Vec<Identifier>,
    }
}

sco! {
    /// An IPv6 address or CIDR block.
    struct Ipv6Addr = "ipv6-addr", builder Ipv6AddrBuilder, id_contributing ["value"] {
        /// The address or block.
        required value: String,
        /// MAC addresses it resolves to.
        optional resolves_to_refs: Vec<Identifier>,
        /// Autonomous systems it belongs to.
        optional belongs_to_refs: Vec<Identifier>,
    }
}

sco! {
    /// A MAC address.
    struct MacAddr = "mac-addr", builder MacAddrBuilder, id_contributing ["value"] {
        /// The address, lowercase colon-delimited.
        required value: String,
    }
}

sco! {
    /// A mutual-exclusion object.
    struct Mutex = "mutex", builder MutexBuilder, id_contributing ["name"] {
        /// The name.
        required name: String,
    }
}

sco! {
    /// A network connection or flow.
    struct NetworkTraffic = "network-traffic", builder NetworkTrafficBuilder,
        id_contributing ["start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"] {
        /// When the traffic began.
        optional start: Timestamp,
        /// When it ended.
        optional end: Timestamp,
        /// Whether it is still ongoing.
        optional is_active: bool,
        /// Source address or domain.
        optional src_ref: Identifier,
        /// Destination address or domain.
        optional dst_ref: Identifier,
        /// Source port.
        optional src_port: i64,
        /// Destination port.
        optional dst_port: i64,
        /// Protocols, outermost first.
        required protocols: Vec<String>,
        /// Bytes sent by the source.
        optional src_byte_count: i64,
        /// Bytes sent by the destination.
        optional dst_byte_count: i64,
        /// Packets sent by the source.
        optional src_packets: i64,
        /// Packets sent by the destination.
        optional dst_packets: i64,
        /// IPFIX data.
        optional ipfix: Map<String, Value>,
        /// Payload sent by the source (`artifact`).
        optional src_payload_ref: Identifier,
        /// Payload sent by the destination (`artifact`).
        optional dst_payload_ref: Identifier,
        /// Traffic encapsulated in this one.
        optional encapsulates_refs: Vec<Identifier>,
        /// Traffic encapsulating this one.
        optional encapsulated_by_ref: Identifier,
    }
}

sco! {
    /// A process.
    struct Process = "process", builder ProcessBuilder, id_contributing [] {
        /// Whether the process is hidden.
        optional is_hidden: bool,
        /// The process id.
        optional pid: i64,
        /// When it was created.
        optional created_time: Timestamp,
        /// The working directory.
        optional cwd: String,
        /// The full command line.
        optional command_line: String,
        /// Environment variables.
        optional environment_variables: Map<String, Value>,
        /// Connections it opened.
        optional opened_connection_refs: Vec<Identifier>,
        /// The user that created it.
        optional creator_user_ref: Identifier,
        /// The executable (`file`).
        optional image_ref: Identifier,
        /// The parent process.
        optional parent_ref: Identifier,
        /// Child processes.
        optional child_refs: Vec<Identifier>,
    }
}

sco! {
    /// A software product.
    struct Software = "software", builder SoftwareBuilder, id_contributing ["name", "cpe", "swid", "vendor", "version"] {
        /// The name.
        required name: String,
        /// The CPE 2.3 name.
        optional cpe: String,
        /// The SWID tag.
        optional swid: String,
        /// Supported languages (ISO 639-2).
        optional languages: Vec<String>,
        /// The vendor.
        optional vendor: String,
        /// The version.
        optional version: String,
    }
}

sco! {
    /// A URL.
    struct Url = "url", builder UrlBuilder, id_contributing ["value"] {
        /// The URL.
        required value: String,
    }
}

sco! {
    /// A user account.
    struct UserAccount = "user-account", builder UserAccountBuilder, id_contributing ["account_type", "user_id", "account_login"] {
        /// The account identifier (UID, SID, …).
        optional user_id: String,
        /// The cleartext credential.
        optional credential: String,
        /// The login name.
        optional account_login: String,
        /// Kind of account (open vocabulary `account-type-ov`).
        optional account_type: String,
        /// Display name.
        optional display_name: String,
        /// Whether it is a service account.
        optional is_service_account: bool,
        /// Whether it has elevated privileges.
        optional is_privileged: bool,
        /// Whether it can escalate privileges.
        optional can_escalate_privs: bool,
        /// Whether it is disabled.
        optional is_disabled: bool,
        /// When it was created.
        optional account_created: Timestamp,
        /// When it expires.
        optional account_expires: Timestamp,
        /// When the credential last changed.
        optional credential_last_changed: Timestamp,
        /// First login.
        optional account_first_login: Timestamp,
        /// Last login.
        optional account_last_login: Timestamp,
    }
}

sco! {
    /// A Windows registry key.
    struct WindowsRegistryKey = "windows-registry-key", builder WindowsRegistryKeyBuilder, id_contributing ["key", "values"] {
        /// The full key path, hive included.
        optional key: String,
        /// The values.
        optional values: Vec<WindowsRegistryValue>,
        /// When last modified.
        optional modified_time: Timestamp,
        /// The user that created it.
        optional creator_user_ref: Identifier,
        /// Number of subkeys.
        optional number_of_subkeys: i64,
    }
}

sco! {
    /// An X.509 v3 certificate.
    struct X509Certificate = "x509-certificate", builder X509CertificateBuilder, id_contributing ["hashes", "serial_number"] {
        /// Whether self-signed.
        optional is_self_signed: bool,
        /// Hashes of the encoded certificate.
        optional hashes: Hashes,
        /// The certificate version.
        optional version: String,
        /// The serial number.
        optional serial_number: String,
        /// The signature algorithm.
        optional signature_algorithm: String,
        /// The issuer name.
        optional issuer: String,
        /// Validity start.
        optional validity_not_before: Timestamp,
        /// Validity end.
        optional validity_not_after: Timestamp,
        /// The subject name.
        optional subject: String,
        /// The public key algorithm.
        optional subject_public_key_algorithm: String,
        /// The RSA modulus.
        optional subject_public_key_modulus: String,
        /// The RSA exponent.
        optional subject_public_key_exponent: i64,
        /// The v3 extensions.
        optional x509_v3_extensions: X509V3Extensions,
    }
}

stix_struct! {
    /// A MIME part of an email message.
    struct EmailMimePart = "email-mime-part-type", sub, builder EmailMimePartBuilder {
        /// The body text.
        optional body: String,
        /// The body as an `artifact` or `file`.
        optional body_raw_ref: Identifier,
        /// The Content-Type header.
        optional content_type: String,
        /// The Content-Disposition header.
        optional content_disposition: String,
    }
}

stix_struct! {
    /// An NTFS alternate data stream.
    struct AlternateDataStream = "alternate-data-stream-type", sub, builder AlternateDataStreamBuilder {
        /// The stream name.
        required name: String,
        /// Hashes of the stream.
        optional hashes: Hashes,
        /// Size in bytes.
        optional size: i64,
    }
}

stix_struct! {
    /// A section of a Windows PE binary.
    struct WindowsPeSection = "windows-pe-section-type", sub, builder WindowsPeSectionBuilder {
        /// The section name.
        required name: String,
        /// Size in bytes.
        optional size: i64,
        /// Shannon entropy, kept exactly as read.
        optional entropy: Number,
        /// Hashes of the section.
        optional hashes: Hashes,
    }
}

stix_struct! {
    /// A value of a Windows registry key.
    struct WindowsRegistryValue = "windows-registry-value-type", sub, builder WindowsRegistryValueBuilder {
        /// The value name.
        optional name: String,
        /// The data.
        optional data: String,
        /// The registry data type, e.g. `REG_SZ`.
        optional data_type: String,
    }
}

stix_struct! {
    /// The X.509 v3 extensions of a certificate.
    struct X509V3Extensions = "x509-v3-extensions-type", sub, builder X509V3ExtensionsBuilder {
        /// Basic constraints.
        optional basic_constraints: String,
        /// Name constraints.
        optional name_constraints: String,
        /// Policy constraints.
        optional policy_constraints: String,
        /// Key usage.
        optional key_usage: String,
        /// Extended key usage.
        optional extended_key_usage: String,
        /// Subject key identifier.
        optional subject_key_identifier: String,
        /// Authority key identifier.
        optional authority_key_identifier: String,
        /// Subject alternative name.
        optional subject_alternative_name: String,
        /// Issuer alternative name.
        optional issuer_alternative_name: String,
        /// Subject directory attributes.
        optional subject_directory_attributes: String,
        /// CRL distribution points.
        optional crl_distribution_points: String,
        /// Inhibit any policy.
        optional inhibit_any_policy: String,
        /// Private key usage period start.
        optional private_key_usage_period_not_before: Timestamp,
        /// Private key usage period end.
        optional private_key_usage_period_not_after: Timestamp,
        /// Certificate policies.
        optional certificate_policies: String,
        /// Policy mappings.
        optional policy_mappings: String,
    }
}
