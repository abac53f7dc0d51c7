//! The IANA root zone list of top-level domains, and the file extensions
//! that are also top-level domains.

use std::sync::LazyLock;

/// `data/tlds.txt`: one lower-case TLD a line, `#` comments (source and date).
const TLD_FILE: &str = include_str!("../../data/tlds.txt");

/// The TLDs, sorted for binary search.
static TLDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut tlds: Vec<&'static str> = TLD_FILE
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    tlds.sort_unstable();
    tlds.dedup();
    tlds
});

/// File extensions common in incident reports. A two-label name ending in
/// one of them that is also a TLD (`zip`, `mov`, `sh`, `py`, `pl`, `rs`, `so`,
/// `md`, `cab`, `one`, `app`) is taken for a file name unless something else
/// says it is a domain (see the module documentation); the rest are not TLDs
/// and are listed so the list reads as what it is.
pub(super) const FILE_EXTENSIONS: &[&str] = &[
    "app", "bat", "bin", "cab", "cfg", "dat", "dll", "doc", "docx", "exe", "hta", "ini", "jar",
    "js", "lnk", "log", "md", "mov", "one", "pdf", "pl", "ps1", "py", "rs", "sh", "so", "tmp",
    "txt", "vbs", "xls", "xlsx", "zip",
];

/// Whether `label` (any case) is a top-level domain of the IANA root zone.
pub fn is_tld(label: &str) -> bool {
    if label.is_empty() || label.len() > 63 {
        return false;
    }
    let mut buf = [0u8; 63];
    let lower = &mut buf[..label.len()];
    lower.copy_from_slice(label.as_bytes());
    lower.make_ascii_lowercase();
    TLDS.binary_search_by(|tld| tld.as_bytes().cmp(lower))
        .is_ok()
}

/// The top-level domains of the IANA root zone, lower-case (`xn--` for the
/// internationalised ones), sorted.
pub fn tlds() -> &'static [&'static str] {
    &TLDS
}

/// Whether `tld` (lower-case) is also a common file extension.
pub(super) fn is_file_extension(tld: &str) -> bool {
    FILE_EXTENSIONS.contains(&tld)
}
