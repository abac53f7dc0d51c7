//! Indicators of compromise in report text: extraction and refanging.
//!
//! [`extract`] finds IPv4 and IPv6 addresses, domain names, URLs, e-mail
//! addresses, MD5 / SHA-1 / SHA-256 / SHA-512 hashes, CVE ids, Windows and
//! POSIX file paths and Windows registry keys in free text, written plainly
//! or *defanged* (`hxxps://evil[.]example[.]com`, `1.2.3[.]4`,
//! `user[@]example[.]org`, `evil(dot)com`). Each [`Ioc`] carries the
//! refanged, normalised value, the text as written, and its byte offsets in
//! the input. [`refang`] undoes defanging in a whole text.
//!
//! ```
//! use ttpmap_mapper::ioc::{self, IocKind};
//!
//! let text = "Beacon to hxxps://evil[.]example[.]com/gate, then 203.0.113[.]7; \
//!             dropped C:\\Users\\Public\\svc.exe (CVE-2021-44228).";
//! let found = ioc::extract(text);
//! let values: Vec<_> = found.iter().map(|i| (i.kind, i.value.as_str())).collect();
//! assert_eq!(values, [
//!     (IocKind::Url, "https://evil.example.com/gate"),
//!     (IocKind::Ipv4, "203.0.113.7"),
//!     (IocKind::FilePath, "C:\\Users\\Public\\svc.exe"),
//!     (IocKind::Cve, "CVE-2021-44228"),
//! ]);
//! assert!(found[1].defanged);
//! assert_eq!(&text[found[1].start..found[1].end], "203.0.113[.]7");
//! assert_eq!(found[1].raw, "203.0.113[.]7");
//! assert_eq!(ioc::refang("evil(dot)com"), "evil.com");
//! ```
//!
//! # How it works
//!
//! One pass a kind (a regex; a byte loop for hashes) runs over the
//! *original* text with defang-aware
//! patterns (a dot may be `.`, `[.]`, `(.)`, `{.}`, `[dot]`, `(dot)` or
//! `{dot}`; an `@` may be `[@]`, `(@)`, `[at]` or `(at)`; a scheme `hxxp`,
//! `hxxps` or `fxp`, its `://` also `[://]` or `[:]//`), so offsets need no
//! mapping back; each match is checked where it stands, then refanged and
//! normalised. Overlaps are resolved by position: the earliest start wins,
//! then the longest match, so a URL's host is not also a domain, an e-mail's
//! domain not a domain, an address inside a URL not an address. Every pass
//! is linear; in a release build a 1 MB report takes about 5 ms when it is
//! mostly prose, and about 25 ms when an indicator stands every 60 bytes.
//!
//! # Heuristics
//!
//! * **Domains**: labels of 1–63 of `[a-z0-9-]`, not starting or ending with
//!   `-`, at most 253 characters, and a last label in the IANA root zone
//!   ([`is_tld`], from `data/tlds.txt`). `cmd.exe`, `invoke.ps1` or
//!   `report.pdf` are never domains (no such TLD). Some TLDs are also file
//!   extensions (`zip`, `mov`, `sh`, `py`, `pl`, `rs`, `so`, `md`, `cab`,
//!   `one`, `app`): a name ending in one is a domain only when written
//!   defanged (`update[.]zip`), preceded by `://` or `@`, starting with
//!   `www.`, or having three labels or more (`cdn.files.zip`); `payload.zip`
//!   is taken for a file. A two-label name whose TLD is written in title
//!   case (`end.Next`) is a sentence missing its space, not a domain. A
//!   space-separated ` dot ` is refanged by [`refang`] but not extracted
//!   (too common in prose).
//! * **IPv4**: four octets 0–255 without leading zeros; not when a letter or
//!   digit touches it, nor when another `.digit` follows or precedes it
//!   (`1.2.3.4.5`, `v1.2.3.4` are versions).
//! * **IPv6**: validated by [`std::net::Ipv6Addr`] (`::` compression and an
//!   embedded IPv4 included) and reported in canonical RFC 5952 form; at
//!   least two groups, so `::`, `::1` and code like `x::` are not taken.
//! * **URLs**: `http`, `https`, `ftp` (and `hxxp`, `hxxps`, `fxp`), up to
//!   whitespace, a closing `)`/`]`/`>` or a quote, trailing `.,;:!?`
//!   stripped; the host must be an IP address or dot-separated labels (no
//!   TLD needed: `http://intranet-srv/` is a URL). Scheme and host are
//!   lower-cased, the path kept as written.
//! * **E-mail**: `local@domain`, the `@` possibly `[@]`/`(at)`, the domain
//!   held to the domain rules above (but not the file-extension one); the
//!   domain is lower-cased, the local part kept.
//! * **Hashes**: a run of exactly 32, 40, 64 or 128 hex digits with no
//!   letter, digit or `_` on either side; a longer or shorter run is none.
//! * **CVE**: `CVE-YYYY-NNNN…` in any case (also with Unicode hyphens),
//!   reported upper-case with ASCII hyphens.
//! * **File paths**: Windows `C:\…`, `%VAR%\…`, `\\server\share\…`; a
//!   directory may hold single spaces before a capitalised word (`Program
//!   Files (x86)`, `Windows NT`), the last component stops at a space. POSIX
//!   absolute paths of two components or more, starting at the beginning
//!   of the text, after whitespace or after one of ``"'`(<[{=,;:|>``.
//! * **Registry keys**: `HKLM`, `HKCU`, `HKCR`, `HKU`, `HKCC` or `HKEY_*`
//!   (optionally `HKLM:\`, PowerShell's drive) with at least one subkey;
//!   spaces as for Windows directories.

mod refang;
mod scan;
mod tld;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use self::refang::refang;
pub use self::tld::{is_tld, tlds};

/// The kind of an indicator of compromise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IocKind {
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// A domain name.
    Domain,
    /// An `http`, `https` or `ftp` URL.
    Url,
    /// An e-mail address.
    Email,
    /// An MD5 hash (32 hex digits).
    Md5,
    /// A SHA-1 hash (40 hex digits).
    Sha1,
    /// A SHA-256 hash (64 hex digits).
    Sha256,
    /// A SHA-512 hash (128 hex digits).
    Sha512,
    /// A CVE id.
    Cve,
    /// A Windows or POSIX file path.
    FilePath,
    /// A Windows registry key.
    RegistryKey,
}

impl IocKind {
    /// Every kind, in declaration order.
    pub const ALL: [IocKind; 12] = [
        IocKind::Ipv4,
        IocKind::Ipv6,
        IocKind::Domain,
        IocKind::Url,
        IocKind::Email,
        IocKind::Md5,
        IocKind::Sha1,
        IocKind::Sha256,
        IocKind::Sha512,
        IocKind::Cve,
        IocKind::FilePath,
        IocKind::RegistryKey,
    ];

    /// The snake_case name (`ipv4`, `sha256`, `file_path`, `registry_key`),
    /// the same as the serde form.
    pub fn as_str(self) -> &'static str {
        match self {
            IocKind::Ipv4 => "ipv4",
            IocKind::Ipv6 => "ipv6",
            IocKind::Domain => "domain",
            IocKind::Url => "url",
            IocKind::Email => "email",
            IocKind::Md5 => "md5",
            IocKind::Sha1 => "sha1",
            IocKind::Sha256 => "sha256",
            IocKind::Sha512 => "sha512",
            IocKind::Cve => "cve",
            IocKind::FilePath => "file_path",
            IocKind::RegistryKey => "registry_key",
        }
    }

    /// The STIX 2.1 object type and property path that a pattern compares the
    /// value with: `("ipv4-addr", "value")`, `("file", "hashes.'SHA-256'")`.
    ///
    /// A [`IocKind::FilePath`] maps to `("file", "name")`: the last component
    /// of the path is the file's name (its directory goes to
    /// `file:parent_directory_ref.path`). A [`IocKind::Cve`] maps to
    /// `("vulnerability", "name")`, a STIX domain object rather than an
    /// observable, for linking rather than for a pattern.
    pub fn stix_pattern_path(self) -> (&'static str, &'static str) {
        match self {
            IocKind::Ipv4 => ("ipv4-addr", "value"),
            IocKind::Ipv6 => ("ipv6-addr", "value"),
            IocKind::Domain => ("domain-name", "value"),
            IocKind::Url => ("url", "value"),
            IocKind::Email => ("email-addr", "value"),
            IocKind::Md5 => ("file", "hashes.MD5"),
            IocKind::Sha1 => ("file", "hashes.'SHA-1'"),
            IocKind::Sha256 => ("file", "hashes.'SHA-256'"),
            IocKind::Sha512 => ("file", "hashes.'SHA-512'"),
            IocKind::Cve => ("vulnerability", "name"),
            IocKind::FilePath => ("file", "name"),
            IocKind::RegistryKey => ("windows-registry-key", "key"),
        }
    }
}

impl fmt::Display for IocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One indicator of compromise found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ioc {
    /// What it is.
    pub kind: IocKind,
    /// The refanged, normalised value: domains, e-mail domains, URL schemes
    /// and hosts and hashes lower-case, CVE ids upper-case, IPv6 canonical;
    /// paths and registry keys as written.
    pub value: String,
    /// The text as written (`input[start..end]`).
    pub raw: String,
    /// Byte offset of the first byte in the input.
    pub start: usize,
    /// Byte offset one past the last byte in the input.
    pub end: usize,
    /// Whether it was written defanged (`hxxp`, `[.]`, `[@]`, …).
    pub defanged: bool,
}

/// Every indicator of compromise in `text`, sorted by start offset, without
/// overlaps (see the module documentation for the rules).
pub fn extract(text: &str) -> Vec<Ioc> {
    let mut found = Vec::new();
    scan::all(text, &mut found);
    found.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.kind.cmp(&b.kind))
    });
    let mut iocs: Vec<Ioc> = Vec::with_capacity(found.len());
    let mut covered = 0;
    for f in found {
        if f.start < covered {
            continue;
        }
        covered = f.end;
        iocs.push(Ioc {
            kind: f.kind,
            value: f.value,
            raw: text[f.start..f.end].to_owned(),
            start: f.start,
            end: f.end,
            defanged: f.defanged,
        });
    }
    iocs
}
