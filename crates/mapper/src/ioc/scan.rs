//! One pass a kind over the original text (a regex, or a byte loop for
//! hashes); each candidate is checked where it stands (boundaries,
//! validity, heuristics) and refanged.

use std::net::Ipv6Addr;
use std::sync::LazyLock;

use regex::Regex;

use super::refang::{dot_prefix, dot_suffix, ends_with_at, has_at_token, refang};
use super::tld::{is_file_extension, is_tld};
use super::IocKind;

/// A checked candidate; overlaps between kinds are resolved by the caller.
pub(super) struct Found {
    pub(super) kind: IocKind,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) value: String,
    pub(super) defanged: bool,
}

/// A dot, plain or defanged.
const DOT: &str = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[(?i:dot)\]|\((?i:dot)\)|\{(?i:dot)\})";
/// An `@`, plain or defanged.
const AT: &str = r"(?:@|\[@\]|\(@\)|\{@\}|\[(?i:at)\]|\((?i:at)\)|\{(?i:at)\})";
/// A host name label as the scanner sees it (`_` is let in, then refused, so
/// `my_file.com` is not read as `file.com`).
const LABEL: &str = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?";

fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("IOC pattern is a literal and compiles")
}

static DOMAIN: LazyLock<Regex> = LazyLock::new(|| compile(&format!("{LABEL}(?:{DOT}{LABEL})+")));

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    let local = format!("[A-Za-z0-9_%+-]+(?:{DOT}[A-Za-z0-9_%+-]+)*");
    compile(&format!("{local}{AT}{LABEL}(?:{DOT}{LABEL})+"))
});

static URL: LazyLock<Regex> = LazyLock::new(|| {
    // The body runs to whitespace, a closing `)`/`]`/`>` or a quote; an IPv6
    // host `[…]` and defanged tokens with brackets are taken whole first.
    compile(concat!(
        r"(?i:hxxps?|https?|ftp|fxp)(?:://|\[://\]|\[:\]//|\[:/\]/)",
        r"(?:\[[0-9A-Fa-f:.]+\]|\[\.\]|\(\.\)|\{\.\}|\[(?i:dot)\]|\((?i:dot)\)|\{(?i:dot)\}|\[:\]|\[@\]|\(@\)|\[(?i:at)\]|\((?i:at)\)",
        r#"|[^\s<>"'`\)\]‘’“”«»])+"#,
    ))
});

static IPV4: LazyLock<Regex> =
    LazyLock::new(|| compile(&format!("[0-9]{{1,3}}(?:{DOT}[0-9]{{1,3}}){{3}}")));

static IPV6: LazyLock<Regex> =
    LazyLock::new(|| compile(r"[0-9A-Fa-f]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*"));

static CVE: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?i:cve)[-\x{2010}\x{2011}\x{2013}][0-9]{4}[-\x{2010}\x{2011}\x{2013}][0-9]{4,}")
});

/// A Windows path: a start (`C:\`, `%VAR%\`, `\\server\`), directories
/// (which may hold single spaces before a capitalised word: `Program Files`,
/// `Windows NT`, `Program Files (x86)`, and `Documents and Settings`), and a
/// last component without spaces.
static WINDOWS_PATH: LazyLock<Regex> = LazyLock::new(|| {
    let ch = r#"[^\\/:*?"<>|\s,;'`‘’“”]"#;
    let dir = format!("{ch}+(?: (?:and Settings|[A-Z0-9(]{ch}*))*");
    compile(&format!(
        r"(?:[A-Za-z]:\\|%[A-Za-z_][A-Za-z0-9_()]*%\\|\\\\[A-Za-z0-9._$-]+\\)(?:{dir}\\)*{ch}+\\?"
    ))
});

static POSIX_PATH: LazyLock<Regex> =
    LazyLock::new(|| compile(r"/[A-Za-z0-9._~@%+=-]+(?:/[A-Za-z0-9._~@%+=-]+)+/?"));

/// A registry key: a hive and at least one subkey; subkeys as Windows
/// directories (single spaces before a capitalised word: `Windows NT`).
static REGISTRY: LazyLock<Regex> = LazyLock::new(|| {
    let ch = r#"[^\\\s"<>|,;:'`‘’“”]"#;
    let dir = format!("{ch}+(?: [A-Z0-9(]{ch}*)*");
    compile(&format!(
        r"(?i:HKLM|HKCU|HKCR|HKU|HKCC|HKEY_[A-Z_]+):?\\(?:{dir}\\)*{ch}+\\?"
    ))
});

/// Run every scanner over `text`. Passes whose indicators need a byte the
/// text lacks (`\\` for Windows paths and registry keys, `@` or a defanged
/// one for e-mail) are skipped.
pub(super) fn all(text: &str, out: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    scan(&URL, text, out, url_at);
    if memchr::memchr(b'@', bytes).is_some() || has_at_token(text) {
        scan(&EMAIL, text, out, email_at);
    }
    scan(&DOMAIN, text, out, domain_at);
    scan(&IPV4, text, out, ipv4_at);
    scan(&IPV6, text, out, ipv6_at);
    hashes(text, out);
    scan(&CVE, text, out, cve_at);
    if memchr::memchr(b'\\', bytes).is_some() {
        scan(&WINDOWS_PATH, text, out, windows_path_at);
        registry_keys(text, out);
    }
    scan(&POSIX_PATH, text, out, posix_path_at);
}

/// Each match of `re`, checked by `check` where it stands. One `find_iter`
/// a pass: one regex cache for the whole text, and linear.
fn scan(
    re: &Regex,
    text: &str,
    out: &mut Vec<Found>,
    check: fn(&str, usize, usize) -> Option<Found>,
) {
    out.extend(
        re.find_iter(text)
            .filter_map(|m| check(text, m.start(), m.end())),
    );
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn prev_char(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn next_char(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// Neither the character before `start` nor the one at `end` is a letter,
/// digit or `_`.
fn word_bounded(text: &str, start: usize, end: usize) -> bool {
    !prev_char(text, start).is_some_and(is_word) && !next_char(text, end).is_some_and(is_word)
}

/// `s` without trailing characters of `chars`, nor closing `)` that open
/// none (`(see C:\x.exe)`). Linear: the parentheses are counted once.
fn trim_trailing<'a>(s: &'a str, chars: &[char]) -> &'a str {
    let opens = s.bytes().filter(|&b| b == b'(').count();
    let mut closes = s.bytes().filter(|&b| b == b')').count();
    let mut s = s;
    loop {
        if let Some(rest) = s.strip_suffix(chars) {
            s = rest;
        } else if let Some(rest) = s.strip_suffix(')').filter(|_| closes > opens) {
            closes -= 1;
            s = rest;
        } else {
            return s;
        }
    }
}

/// A refanged candidate: its value and whether it was written defanged.
/// Most candidates hold no bracket and no `hxxp`/`fxp` scheme, and skip the
/// refang regex.
fn refanged(raw: &str) -> (String, bool) {
    let maybe_defanged = raw.bytes().any(|b| matches!(b, b'[' | b'(' | b'{'))
        || raw
            .get(..3)
            .is_some_and(|s| s.eq_ignore_ascii_case("hxx") || s.eq_ignore_ascii_case("fxp"));
    if !maybe_defanged {
        return (raw.to_owned(), false);
    }
    let value = refang(raw);
    let defanged = value != raw;
    (value, defanged)
}

/// The last label of a candidate as written, after its last (possibly
/// defanged) dot: `com` in `evil[.]com`.
fn raw_last_label(raw: &str) -> &str {
    raw.rsplit(['.', ']', ')', '}']).next().unwrap_or_default()
}

/// A DNS name (lower-case): labels of 1–63 of `[a-z0-9-]`, not starting or
/// ending with `-`, at most 253 in all, the last one a real TLD. Returns the
/// number of labels.
fn dns_name_labels(name: &str) -> Option<usize> {
    if name.len() > 253 {
        return None;
    }
    let mut count = 0;
    let mut last = "";
    for label in name.split('.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return None;
        }
        count += 1;
        last = label;
    }
    (count >= 2 && is_tld(last)).then_some(count)
}

/// A candidate ending in a real top-level domain, a word on its own:
/// its text, refanged, and whether it was defanged.
fn under_tld(text: &str, start: usize, end: usize) -> Option<(&str, String, bool)> {
    if !word_bounded(text, start, end) {
        return None;
    }
    let raw = text.get(start..end)?;
    // Most candidates (`e.g`, `cmd.exe`, `1.2.3`) fail here, before any copy.
    if !is_tld(raw_last_label(raw)) {
        return None;
    }
    let (refanged, defanged) = refanged(raw);
    Some((raw, refanged, defanged))
}

fn domain_at(text: &str, start: usize, end: usize) -> Option<Found> {
    let (raw, refanged, defanged) = under_tld(text, start, end)?;
    let value = refanged.to_ascii_lowercase();
    let labels = dns_name_labels(&value)?;
    let tld = value.rsplit('.').next().unwrap_or_default();
    if !defanged {
        let before = &text[..start];
        let in_context = before.ends_with("://")
            || before.ends_with("[://]")
            || ends_with_at(before)
            || value.starts_with("www.")
            || labels >= 3;
        if !in_context {
            // `report.zip`, `install.sh`: a file name, not a domain.
            if is_file_extension(tld) {
                return None;
            }
            // `…the end.Next` (a sentence with a missing space), not `end.next`.
            let raw_tld = raw.rsplit('.').next().unwrap_or_default();
            let mut chars = raw_tld.chars();
            let title_case = chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && chars.any(|c| c.is_ascii_lowercase());
            if title_case {
                return None;
            }
        }
    }
    Some(Found {
        kind: IocKind::Domain,
        start,
        end,
        value,
        defanged,
    })
}

fn email_at(text: &str, start: usize, end: usize) -> Option<Found> {
    let (_, refanged, defanged) = under_tld(text, start, end)?;
    let (local, domain) = refanged.rsplit_once('@')?;
    if local.is_empty() || local.len() > 64 {
        return None;
    }
    let domain = domain.to_ascii_lowercase();
    dns_name_labels(&domain)?;
    let value = format!("{local}@{domain}");
    Some(Found {
        kind: IocKind::Email,
        start,
        end,
        value,
        defanged,
    })
}

fn url_at(text: &str, start: usize, end: usize) -> Option<Found> {
    if prev_char(text, start).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let raw = trim_trailing(&text[start..end], &['.', ',', ';', ':', '!', '?']);
    let end = start + raw.len();
    let (refanged, defanged) = refanged(raw);
    let value = normalise_url(&refanged)?;
    Some(Found {
        kind: IocKind::Url,
        start,
        end,
        value,
        defanged,
    })
}

/// `scheme://[userinfo@]host[:port][rest]` with a lower-case scheme and
/// host, or `None` when the scheme or the host is not valid.
fn normalise_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https" | "ftp") {
        return None;
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (userinfo, host_port) = match authority.rfind('@') {
        Some(at) => authority.split_at(at + 1),
        None => ("", authority),
    };
    let (host, port) = if host_port.starts_with('[') {
        let close = host_port.find(']')?;
        host_port[1..close].parse::<Ipv6Addr>().ok()?;
        host_port.split_at(close + 1)
    } else {
        let (host, port) = match host_port.rfind(':') {
            Some(colon) => host_port.split_at(colon),
            None => (host_port, ""),
        };
        if !valid_url_host(host) {
            return None;
        }
        (host, port)
    };
    let port_ok = port.is_empty()
        || (port.len() <= 6 && port.len() >= 2 && port[1..].bytes().all(|b| b.is_ascii_digit()));
    if !port_ok {
        return None;
    }
    Some(format!(
        "{scheme}://{userinfo}{}{port}{tail}",
        host.to_ascii_lowercase()
    ))
}

/// A URL host: an IPv4 address or dot-separated non-empty labels of
/// letters, digits, `-` and `_` (a URL may name an internal host, so no TLD
/// is required).
fn valid_url_host(host: &str) -> bool {
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return ipv4_value(host).is_some();
    }
    host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    })
}

/// A dotted quad with octets 0–255 and no leading zeros.
fn ipv4_value(s: &str) -> Option<String> {
    let mut octets = 0;
    for part in s.split('.') {
        let ok = (1..=3).contains(&part.len())
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'))
            && part.parse::<u16>().is_ok_and(|n| n <= 255);
        if !ok {
            return None;
        }
        octets += 1;
    }
    (octets == 4).then(|| s.to_owned())
}

fn ipv4_at(text: &str, start: usize, end: usize) -> Option<Found> {
    let before = &text[..start];
    let after = &text[end..];
    // A letter or digit against it (`v1.2.3.4`, `1.2.3.4a`) or a further
    // `.digit` on either side (`1.2.3.4.5`): a version number, not an address.
    if prev_char(text, start).is_some_and(is_word) || next_char(text, end).is_some_and(is_word) {
        return None;
    }
    if let Some(len) = dot_suffix(before) {
        if before[..before.len() - len].ends_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
    }
    if let Some(len) = dot_prefix(after) {
        if after[len..].starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
    }
    if after_version_word(before) {
        return None;
    }
    let (refanged, defanged) = refanged(&text[start..end]);
    let value = ipv4_value(&refanged)?;
    Some(Found {
        kind: IocKind::Ipv4,
        start,
        end,
        value,
        defanged,
    })
}

/// Whether `before` ends with a word that names a version (`version `,
/// `ver. `, `build `, `release `, `v`): `version 4.2.0.1` is no address.
fn after_version_word(before: &str) -> bool {
    let tail = before.strip_suffix(' ').unwrap_or(before);
    let start = tail.len().saturating_sub(8);
    let Some(tail) = tail.get(start..) else {
        return false;
    };
    let word = tail
        .rsplit(|c: char| !c.is_ascii_alphabetic() && c != '.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    matches!(
        word.as_str(),
        "version" | "ver" | "ver." | "v" | "v." | "build" | "release" | "firmware"
    )
}

fn ipv6_at(text: &str, start: usize, end: usize) -> Option<Found> {
    let mut raw = text[start..end].trim_end_matches('.');
    if raw.ends_with(':') && !raw.ends_with("::") {
        raw = &raw[..raw.len() - 1];
    }
    let end = start + raw.len();
    if raw.len() > 45 || !word_bounded(text, start, end) {
        return None;
    }
    if prev_char(text, start).is_some_and(|c| c == ':' || c == '.') {
        return None;
    }
    // At least two groups: `::`, `::1` and `a::` are too often code or prose.
    let groups = raw.split(':').filter(|g| !g.is_empty()).count();
    if groups < 2 {
        return None;
    }
    let addr: Ipv6Addr = raw.parse().ok()?;
    Some(Found {
        kind: IocKind::Ipv6,
        start,
        end,
        value: addr.to_string(),
        defanged: false,
    })
}

/// Runs of 32 or more hex digits (a byte loop: faster than a regex here,
/// where every `a`–`f` in prose starts a candidate).
fn hashes(text: &str, out: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_hexdigit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_hexdigit() {
                i += 1;
            }
            if i - start >= 32 {
                out.extend(hash_at(text, start, i));
            }
        } else {
            i += 1;
        }
    }
}

fn hash_at(text: &str, start: usize, end: usize) -> Option<Found> {
    if !word_bounded(text, start, end) {
        return None;
    }
    let kind = match end - start {
        32 => IocKind::Md5,
        40 => IocKind::Sha1,
        64 => IocKind::Sha256,
        128 => IocKind::Sha512,
        _ => return None,
    };
    let value = text[start..end].to_ascii_lowercase();
    Some(Found {
        kind,
        start,
        end,
        value,
        defanged: false,
    })
}

fn cve_at(text: &str, start: usize, end: usize) -> Option<Found> {
    if !word_bounded(text, start, end) {
        return None;
    }
    let mut parts = text[start..end]
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty());
    let (_, year, id) = (parts.next()?, parts.next()?, parts.next()?);
    let value = format!("CVE-{year}-{id}");
    Some(Found {
        kind: IocKind::Cve,
        start,
        end,
        value,
        defanged: false,
    })
}

/// `span` up to the first space that is followed by a registry hive: a
/// directory name may hold spaces (`Windows NT`), but `C:\\Temp\\A HKLM\\…`
/// is a path and a key.
fn before_hive(span: &str) -> &str {
    span.match_indices(' ')
        .find(|&(space, _)| hive_prefix(&span[space + 1..]).is_some())
        .map_or(span, |(space, _)| &span[..space])
}

fn windows_path_at(text: &str, start: usize, end: usize) -> Option<Found> {
    if prev_char(text, start).is_some_and(|c| is_word(c) || c == '\\') {
        return None;
    }
    let raw = trim_trailing(before_hive(&text[start..end]), &['.', '!', '?']);
    let end = start + raw.len();
    // The drive or share alone (`C:\`) is not a path worth reporting.
    if raw.trim_end_matches('\\').len() <= raw.find('\\').map_or(0, |i| i + 1) {
        return None;
    }
    Some(Found {
        kind: IocKind::FilePath,
        start,
        end,
        value: raw.to_owned(),
        defanged: false,
    })
}

fn posix_path_at(text: &str, start: usize, end: usize) -> Option<Found> {
    // Only where a path can begin: not `and/or`, `TCP/IP`, `10.0.0.0/24`,
    // nor the path of a URL.
    let starts_ok =
        prev_char(text, start).is_none_or(|c| c.is_whitespace() || "\"'`(<[{=,;:|>".contains(c));
    if !starts_ok {
        return None;
    }
    let raw = trim_trailing(&text[start..end], &['.', '!', '?']);
    let end = start + raw.len();
    if raw.split('/').filter(|c| !c.is_empty()).count() < 2 {
        return None;
    }
    Some(Found {
        kind: IocKind::FilePath,
        start,
        end,
        value: raw.to_owned(),
        defanged: false,
    })
}

/// The length of a hive name (with its `\\` or `:\\`) at the start of `s`.
/// Looks at no more than the longest hive name, so it is cheap to call at
/// every space of a key.
fn hive_prefix(s: &str) -> Option<usize> {
    let head = &s.as_bytes()[..s.len().min(32)];
    let name_len = head.iter().position(|&b| b == b':' || b == b'\\')?;
    let name = &head[..name_len];
    let is_hive = ["HKLM", "HKCU", "HKCR", "HKU", "HKCC"]
        .iter()
        .any(|hive| name.eq_ignore_ascii_case(hive.as_bytes()))
        || (name.len() > 5
            && name[..5].eq_ignore_ascii_case(b"HKEY_")
            && name.iter().all(|&b| b.is_ascii_alphabetic() || b == b'_'));
    if !is_hive {
        return None;
    }
    match &head[name_len..] {
        [b'\\', ..] => Some(name_len + 1),
        [b':', b'\\', ..] => Some(name_len + 2),
        _ => None,
    }
}

/// Registry keys; a match that runs on into another hive
/// (`HKCU\Software\A HKLM\Software\B`) is two keys, not one with a space.
fn registry_keys(text: &str, out: &mut Vec<Found>) {
    for m in REGISTRY.find_iter(text) {
        let span = m.as_str();
        let mut start = 0;
        for (space, _) in span.match_indices(' ') {
            if space > start && hive_prefix(&span[space + 1..]).is_some() {
                out.extend(registry_at(text, m.start() + start, m.start() + space));
                start = space + 1;
            }
        }
        out.extend(registry_at(text, m.start() + start, m.end()));
    }
}

fn registry_at(text: &str, start: usize, end: usize) -> Option<Found> {
    if prev_char(text, start).is_some_and(|c| is_word(c) || c == '\\') {
        return None;
    }
    let raw = trim_trailing(&text[start..end], &['.', '!', '?']);
    let end = start + raw.len();
    let hive = hive_prefix(raw)?;
    if raw.len() <= hive || raw[hive..].trim_matches('\\').is_empty() {
        return None;
    }
    Some(Found {
        kind: IocKind::RegistryKey,
        start,
        end,
        value: raw.to_owned(),
        defanged: false,
    })
}
