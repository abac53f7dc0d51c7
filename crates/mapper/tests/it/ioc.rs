//! Indicator-of-compromise extraction and refanging (`ttpmap_mapper::ioc`).

use std::fmt::Write as _;
use std::time::Instant;

use ttpmap_mapper::ioc::{extract, is_tld, refang, tlds, Ioc, IocKind};

/// `(kind, value, start, end)` of every indicator in `text`, checking that
/// `raw` is the input's slice at the offsets.
fn found(text: &str) -> Vec<(IocKind, String, usize, usize)> {
    extract(text)
        .into_iter()
        .map(|i| {
            assert_eq!(&text[i.start..i.end], i.raw, "raw is the input slice");
            (i.kind, i.value, i.start, i.end)
        })
        .collect()
}

/// The only indicator in `text`.
fn only(text: &str) -> Ioc {
    let mut all = extract(text);
    assert_eq!(all.len(), 1, "one indicator in {text:?}: {all:#?}");
    all.remove(0)
}

/// `(kind, value)` pairs, in order.
fn values(text: &str) -> Vec<(IocKind, String)> {
    extract(text)
        .into_iter()
        .map(|i| (i.kind, i.value))
        .collect()
}

fn none(text: &str) {
    let all = extract(text);
    assert!(all.is_empty(), "no indicator in {text:?}: {all:#?}");
}

fn at(kind: IocKind, value: &str, start: usize, end: usize) -> (IocKind, String, usize, usize) {
    (kind, value.to_owned(), start, end)
}

// ---------------------------------------------------------------- TLD list

#[test]
fn tld_list_is_the_iana_root_zone() {
    let list = tlds();
    assert!(list.len() > 1000, "{} TLDs", list.len());
    for tld in ["com", "io", "zip", "xn--p1ai", "org", "mov", "sh"] {
        assert!(list.contains(&tld), "{tld}");
        assert!(is_tld(tld), "{tld}");
    }
    assert!(is_tld("COM") && is_tld("Xn--P1ai"));
    for not in ["exe", "dll", "ps1", "pdf", "", "c0m", "localhost"] {
        assert!(!is_tld(not), "{not}");
    }
    assert!(list.windows(2).all(|w| w[0] < w[1]), "sorted, unique");
    assert!(
        list.iter().all(|t| *t == t.to_ascii_lowercase()),
        "lower-case"
    );
}

// ------------------------------------------------------------------ refang

#[test]
fn refang_rewrites_every_defanged_token() {
    let cases = [
        ("hxxp://evil.com", "http://evil.com"),
        ("hxxps://evil.com", "https://evil.com"),
        ("HXXPS[://]evil.com", "https://evil.com"),
        ("hXXp[:]//evil.com", "http://evil.com"),
        ("fxp://files.example.net", "ftp://files.example.net"),
        ("http[://]a.b", "http://a.b"),
        ("https[:]//a.b", "https://a.b"),
        ("evil[.]com", "evil.com"),
        ("evil(.)com", "evil.com"),
        ("evil{.}com", "evil.com"),
        ("evil[dot]com", "evil.com"),
        ("evil(dot)com", "evil.com"),
        ("evil[DOT]com", "evil.com"),
        ("evil dot com", "evil.com"),
        ("user[@]example.org", "user@example.org"),
        ("user(at)example.org", "user@example.org"),
        ("user[at]example.org", "user@example.org"),
        ("1.2.3[.]4[:]8080", "1.2.3.4:8080"),
    ];
    for (input, expected) in cases {
        assert_eq!(refang(input), expected, "{input}");
    }
}

#[test]
fn refang_leaves_plain_text_alone() {
    let text = "Nothing (at all) [here] is {defanged}: a.b, x@y, hxxp alone, path C:\\x.";
    assert_eq!(refang(text), text);
    assert_eq!(refang(""), "");
}

// -------------------------------------------------------------------- IPv4

#[test]
fn ipv4_plain_with_offsets() {
    assert_eq!(
        found("C2: 198.51.100.23:443 and 10.0.0.1."),
        [
            at(IocKind::Ipv4, "198.51.100.23", 4, 17),
            at(IocKind::Ipv4, "10.0.0.1", 26, 34)
        ]
    );
    let ip = only("0.0.0.0");
    assert_eq!((ip.value.as_str(), ip.defanged), ("0.0.0.0", false));
    assert_eq!(
        found("255.255.255.255"),
        [at(IocKind::Ipv4, "255.255.255.255", 0, 15)]
    );
    assert_eq!(
        found("net 192.0.2.0/24"),
        [at(IocKind::Ipv4, "192.0.2.0", 4, 13)]
    );
}

#[test]
fn ipv4_defanged() {
    let ip = only("beacon to 1.2.3[.]4 now");
    assert_eq!(
        (ip.value.as_str(), ip.raw.as_str()),
        ("1.2.3.4", "1.2.3[.]4")
    );
    assert_eq!((ip.start, ip.end, ip.defanged), (10, 19, true));
    assert_eq!(only("10[.]0[.]0[.]1").value, "10.0.0.1");
    assert_eq!(only("10(dot)0(dot)0(dot)1").value, "10.0.0.1");
    assert_eq!(only("10{.}0(.)0[dot]1").value, "10.0.0.1");
}

#[test]
fn ipv4_rejects_versions_and_bad_octets() {
    none("version 1.2.3.4.5");
    none("1.2.3.4.5 and 0.1.2.3.4.5.6");
    none("v1.2.3.4");
    none("loader version 4.2.0.1 and build 10.0.19041.1");
    none("1.2.3[.]4[.]5");
    none("256.1.1.1 1.2.3.256 1.2.3.999");
    none("01.2.3.4 1.02.3.4 1.2.3.004");
    none("1.2.3 and 1.2.3.");
    none("1.2.3.4567 and a1.2.3.4 and 1.2.3.4b");
    // a sentence may still end right after one
    assert_eq!(only("Seen from 8.8.8.8.").value, "8.8.8.8");
}

// -------------------------------------------------------------------- IPv6

#[test]
fn ipv6_forms() {
    assert_eq!(
        found("to 2001:db8::1 now"),
        [at(IocKind::Ipv6, "2001:db8::1", 3, 14)]
    );
    assert_eq!(
        only("fe80::1ff:fe23:4567:890a").value,
        "fe80::1ff:fe23:4567:890a"
    );
    assert_eq!(only("::ffff:192.0.2.128").value, "::ffff:192.0.2.128");
    assert_eq!(only("64:ff9b::192.0.2.33").value, "64:ff9b::c000:221");
    // canonical form: lower-case, leading zeros dropped, the longest zero run compressed
    let full = only("2001:0DB8:0000:0000:0000:FF00:0042:8329");
    assert_eq!(full.value, "2001:db8::ff00:42:8329");
    assert_eq!(full.raw, "2001:0DB8:0000:0000:0000:FF00:0042:8329");
    assert_eq!(
        found("[2001:db8::2]:443"),
        [at(IocKind::Ipv6, "2001:db8::2", 1, 12)]
    );
    assert_eq!(
        found("at 2001:db8::3."),
        [at(IocKind::Ipv6, "2001:db8::3", 3, 14)]
    );
}

#[test]
fn ipv6_rejects_times_macs_and_code() {
    none("at 12:30:45 UTC");
    none("mac 00:1a:2b:3c:4d:5e");
    none("std::vector<int> and Foo::bar");
    none(":: and ::1 and 1::");
    none("1:2:3:4:5:6:7:8:9");
    none("2001:db8:::1");
    none("x2001:db8::1");
}

// ------------------------------------------------------------------ domains

#[test]
fn domains_plain_and_defanged() {
    assert_eq!(
        found("resolves evil.com and Sub.EXAMPLE.Org."),
        [
            at(IocKind::Domain, "evil.com", 9, 17),
            at(IocKind::Domain, "sub.example.org", 22, 37)
        ]
    );
    let d = only("evil(dot)com");
    assert_eq!(
        (d.value.as_str(), d.start, d.end, d.defanged),
        ("evil.com", 0, 12, true)
    );
    let d = only("C2 evil[.]example[.]com");
    assert_eq!(
        (d.value.as_str(), d.start, d.end, d.defanged),
        ("evil.example.com", 3, 23, true)
    );
    assert_eq!(only("xn--e1afmkfd.xn--p1ai").value, "xn--e1afmkfd.xn--p1ai");
    assert_eq!(only("a-b.co").value, "a-b.co");
}

#[test]
fn file_names_are_not_domains() {
    none("cmd.exe invoke.ps1 report.pdf rundll32.dll run.bat a.js notes.txt x.lnk");
    none("payload.zip install.sh clip.mov tool.py script.pl lib.rs libc.so README.md");
    none("Invoice_8841.zip my_file.com");
}

#[test]
fn file_extension_tlds_count_as_domains_in_context() {
    assert_eq!(
        values("update[.]zip"),
        [(IocKind::Domain, "update.zip".to_owned())]
    );
    assert_eq!(
        values("www.files.zip"),
        [(IocKind::Domain, "www.files.zip".to_owned())]
    );
    assert_eq!(
        values("cdn.files.zip"),
        [(IocKind::Domain, "cdn.files.zip".to_owned())]
    );
    assert_eq!(
        values("https://evil.zip/x"),
        [(IocKind::Url, "https://evil.zip/x".to_owned())]
    );
    assert_eq!(
        values("bob@files.zip"),
        [(IocKind::Email, "bob@files.zip".to_owned())]
    );
    assert_eq!(
        values("@github.io"),
        [(IocKind::Domain, "github.io".to_owned())]
    );
}

#[test]
fn domain_rejections() {
    none("e.g. i.e. U.S. a.b");
    none("the end.Next sentence");
    none("1.2.3.4.5.6");
    none("host.localdomain and srv.internal and x.corp");
    none("-.com a..com");
    let long = format!("{}.com", "z".repeat(64));
    none(&long);
    let ok = format!("{}.com", "z".repeat(63));
    assert_eq!(only(&ok).value, ok);
    let too_long = format!("{}.com", ["abcdefghi"; 26].join("."));
    assert!(too_long.len() > 253);
    none(&too_long);
    none("münchen.de");
}

// --------------------------------------------------------------------- URLs

#[test]
fn urls_plain() {
    assert_eq!(
        found("get https://evil.example.com/a/b?x=1&y=2#f. then"),
        [at(
            IocKind::Url,
            "https://evil.example.com/a/b?x=1&y=2#f",
            4,
            42
        )]
    );
    assert_eq!(
        found("(see http://x.com/a)"),
        [at(IocKind::Url, "http://x.com/a", 5, 19)]
    );
    assert_eq!(
        found("<http://x.org/>"),
        [at(IocKind::Url, "http://x.org/", 1, 14)]
    );
    assert_eq!(
        found("\"https://q.net/p\","),
        [at(IocKind::Url, "https://q.net/p", 1, 16)]
    );
    assert_eq!(
        found("[ftp://1.2.3.4/d]"),
        [at(IocKind::Url, "ftp://1.2.3.4/d", 1, 16)]
    );
    assert_eq!(only("url='http://a.io/x'").value, "http://a.io/x");
    assert_eq!(only("ends http://a.io/x?!;:").value, "http://a.io/x");
    // scheme and host lower-cased, path kept
    let u = only("HTTP://user:pw@Host.EXAMPLE.com:8443/Path/File.PHP");
    assert_eq!(
        u.value,
        "http://user:pw@host.example.com:8443/Path/File.PHP"
    );
    assert!(!u.defanged);
    assert_eq!(
        only("http://intranet-srv/gate").value,
        "http://intranet-srv/gate"
    );
    assert_eq!(
        only("http://[2001:db8::1]:80/x").value,
        "http://[2001:db8::1]:80/x"
    );
}

#[test]
fn urls_defanged() {
    let u = only("C2: hxxps://evil[.]example[.]com/a");
    assert_eq!(u.value, "https://evil.example.com/a");
    assert_eq!((u.start, u.end, u.defanged), (4, 34, true));
    assert_eq!(u.raw, "hxxps://evil[.]example[.]com/a");
    assert_eq!(
        only("HXXP[://]1.2.3[.]4:8080/Gate.php").value,
        "http://1.2.3.4:8080/Gate.php"
    );
    assert_eq!(only("hxxp[:]//evil(dot)com/x").value, "http://evil.com/x");
    assert_eq!(
        only("fxp://files[.]example[.]net/x").value,
        "ftp://files.example.net/x"
    );
    assert_eq!(only("http[://]a[.]b[.]com").value, "http://a.b.com");
}

#[test]
fn url_rejections() {
    none("http:// and https:/// and http://.");
    // not a URL scheme, but the host is still a domain
    assert_eq!(
        values("gopher://evil.com/"),
        [(IocKind::Domain, "evil.com".to_owned())]
    );
    none("http://a..b/ and http://999.1.1.1/");
    none("xhttp://");
}

// ------------------------------------------------------------------- e-mail

#[test]
fn emails() {
    assert_eq!(
        found("from admin@Evil.Example.com, cc john.doe+x@mail.co.uk."),
        [
            at(IocKind::Email, "admin@evil.example.com", 5, 27),
            at(IocKind::Email, "john.doe+x@mail.co.uk", 32, 53),
        ]
    );
    let e = only("user[@]example[.]org");
    assert_eq!(
        (e.value.as_str(), e.start, e.end, e.defanged),
        ("user@example.org", 0, 20, true)
    );
    assert_eq!(only("user(at)example(dot)org").value, "user@example.org");
    assert_eq!(
        only("john[.]doe[at]example[.]org").value,
        "john.doe@example.org"
    );
    // the local part keeps its case
    assert_eq!(only("Billing@X.com").value, "Billing@x.com");
}

#[test]
fn email_rejections() {
    none("user@localhost root@host.local a@b.exe");
    none("email (at) the office");
}

// ------------------------------------------------------------------- hashes

const MD5: &str = "d41d8cd98f00b204e9800998ecf8427e";
const SHA1: &str = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
const SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn sha512() -> String {
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce".repeat(2)
}

#[test]
fn hashes_of_each_length() {
    let text = format!(
        "md5 {MD5}, sha1={SHA1}; sha256:{SHA256} sha512 {}",
        sha512()
    );
    assert_eq!(
        found(&text),
        [
            at(IocKind::Md5, MD5, 4, 36),
            at(IocKind::Sha1, SHA1, 43, 83),
            at(IocKind::Sha256, SHA256, 92, 156),
            at(IocKind::Sha512, &sha512(), 164, 292),
        ]
    );
    let upper = only(&SHA256.to_ascii_uppercase());
    assert_eq!(
        (upper.kind, upper.value.as_str()),
        (IocKind::Sha256, SHA256)
    );
}

#[test]
fn hash_length_boundaries() {
    let hex = "0123456789abcdef".repeat(9);
    for len in [31, 33, 39, 41, 63, 65, 127, 129, 130] {
        none(&hex[..len]);
    }
    for (len, kind) in [
        (32, IocKind::Md5),
        (40, IocKind::Sha1),
        (64, IocKind::Sha256),
        (128, IocKind::Sha512),
    ] {
        let text = format!("{}{}", hex.repeat(2), "");
        let ioc = only(&text[..len]);
        assert_eq!((ioc.kind, ioc.end - ioc.start), (kind, len));
    }
    // not inside a word or a longer run
    none(&format!("x{MD5}"));
    none(&format!("{MD5}g"));
    none(&format!("_{MD5}"));
    none(&format!("{MD5}{MD5}0"));
}

#[test]
fn a_hash_is_not_also_a_shorter_hash() {
    // a SHA-256 contains 32- and 40-digit runs, but only the whole counts
    let text = format!("sha256 {SHA256}");
    assert_eq!(values(&text), [(IocKind::Sha256, SHA256.to_owned())]);
    let text = format!("{MD5}-{SHA1}");
    assert_eq!(
        values(&text),
        [
            (IocKind::Md5, MD5.to_owned()),
            (IocKind::Sha1, SHA1.to_owned())
        ]
    );
}

// --------------------------------------------------------------------- CVEs

#[test]
fn cves() {
    assert_eq!(
        found("cve-2021-44228 and CVE-2024-123456."),
        [
            at(IocKind::Cve, "CVE-2021-44228", 0, 14),
            at(IocKind::Cve, "CVE-2024-123456", 19, 34),
        ]
    );
    let nb = only("CVE\u{2011}2021\u{2011}44228");
    // U+2011 is three bytes in UTF-8
    assert_eq!((nb.value.as_str(), nb.end), ("CVE-2021-44228", 18));
    none("CVE-21-1234 CVE-2021-123 XCVE-2021-44228 CVE-2021-44228x CVE_2021_44228");
}

// --------------------------------------------------------------- file paths

#[test]
fn windows_paths() {
    assert_eq!(
        found(r"ran C:\Windows\System32\cmd.exe, then %APPDATA%\Microsoft\updater.exe."),
        [
            at(IocKind::FilePath, r"C:\Windows\System32\cmd.exe", 4, 31),
            at(
                IocKind::FilePath,
                r"%APPDATA%\Microsoft\updater.exe",
                38,
                69
            ),
        ]
    );
    assert_eq!(
        only(r"\\fileserver\share$\drop\a.dll").value,
        r"\\fileserver\share$\drop\a.dll"
    );
    assert_eq!(
        only(r"installed to C:\Program Files (x86)\Vendor App\svc.exe as a service").value,
        r"C:\Program Files (x86)\Vendor App\svc.exe"
    );
    assert_eq!(
        only(r"C:\Documents and Settings\bob\x.scr").value,
        r"C:\Documents and Settings\bob\x.scr"
    );
    assert_eq!(
        only(r"(C:\ProgramData\x.ps1)").value,
        r"C:\ProgramData\x.ps1"
    );
    assert_eq!(only(r"'c:\temp\a b.txt'").value, r"c:\temp\a");
    assert_eq!(only(r"dir D:\Backups\ now").value, r"D:\Backups\");
    // a capitalised word may continue a directory, but not a registry hive
    assert_eq!(
        values(r"C:\Temp\Foo HKLM\Software\X"),
        [
            (IocKind::FilePath, r"C:\Temp\Foo".to_owned()),
            (IocKind::RegistryKey, r"HKLM\Software\X".to_owned()),
        ]
    );
    none(r"C:\ alone, and abc:\x");
}

#[test]
fn posix_paths() {
    assert_eq!(
        found("read /etc/passwd and /tmp/.X11-unix/kworker."),
        [
            at(IocKind::FilePath, "/etc/passwd", 5, 16),
            at(IocKind::FilePath, "/tmp/.X11-unix/kworker", 21, 43),
        ]
    );
    assert_eq!(only("(/var/log/)").value, "/var/log/");
    assert_eq!(only("path=/usr/bin/x").value, "/usr/bin/x");
    none("/ and /tmp and and/or/maybe, TCP/IP, 1/2/2024, km/h");
    none("//double");
}

#[test]
fn paths_inside_urls_are_not_paths() {
    assert_eq!(
        values("http://a.com/b/c and hxxp://evil[.]com/x/y"),
        [
            (IocKind::Url, "http://a.com/b/c".to_owned()),
            (IocKind::Url, "http://evil.com/x/y".to_owned()),
        ]
    );
    assert_eq!(
        values("evil.com/a/b"),
        [(IocKind::Domain, "evil.com".to_owned())]
    );
}

// ------------------------------------------------------------ registry keys

#[test]
fn registry_keys() {
    assert_eq!(
        found(r"reg add HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v x /d y"),
        [at(
            IocKind::RegistryKey,
            r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run",
            8,
            58
        )]
    );
    for key in [
        r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon",
        r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\evil",
        r"HKEY_CURRENT_USER\Environment",
        r"HKCR\*\shell\open\command",
        r"HKU\S-1-5-21-1004\Software",
        r"HKCC\System\x",
        r"HKLM:\Software\Classes",
        r"hklm\software\x\",
    ] {
        let ioc = only(&format!("key {key}."));
        assert_eq!(
            (ioc.kind, ioc.value.as_str(), ioc.start),
            (IocKind::RegistryKey, key, 4)
        );
    }
}

#[test]
fn registry_key_lists_and_rejections() {
    assert_eq!(
        values(r"HKCU\Software\A HKLM\Software\B, HKU\x"),
        [
            (IocKind::RegistryKey, r"HKCU\Software\A".to_owned()),
            (IocKind::RegistryKey, r"HKLM\Software\B".to_owned()),
            (IocKind::RegistryKey, r"HKU\x".to_owned()),
        ]
    );
    none(r"HKLM alone, HKLM\ , HKLMX\foo, xHKCU\foo");
}

// ----------------------------------------------------------------- overlaps

#[test]
fn overlaps_keep_the_outer_indicator() {
    // a URL's host (domain or address) and path (hash, path) are not reported again
    let text = format!("hxxp://1.2.3[.]4/{MD5}/a/b and https://cdn.evil.com/x.exe");
    assert_eq!(
        values(&text),
        [
            (IocKind::Url, format!("http://1.2.3.4/{MD5}/a/b")),
            (IocKind::Url, "https://cdn.evil.com/x.exe".to_owned()),
        ]
    );
    // an e-mail's domain is not a domain
    assert_eq!(
        values("ops@evil.com"),
        [(IocKind::Email, "ops@evil.com".to_owned())]
    );
    // an embedded IPv4 is part of the IPv6 address
    assert_eq!(
        values("::ffff:10.1.2.3"),
        [(IocKind::Ipv6, "::ffff:10.1.2.3".to_owned())]
    );
    // a domain inside a path is part of the path
    assert_eq!(
        values(r"C:\Users\x\evil.com and /srv/www/evil.com/index.php"),
        [
            (IocKind::FilePath, r"C:\Users\x\evil.com".to_owned()),
            (IocKind::FilePath, "/srv/www/evil.com/index.php".to_owned()),
        ]
    );
    let all = extract("x https://a.com/p user@b.org evil.net 1.1.1.1");
    assert!(
        all.windows(2).all(|w| w[0].end <= w[1].start),
        "sorted, disjoint"
    );
}

// ------------------------------------------------------- a realistic report

const REPORT: &str = "\
On 14 March the actor sent phishing mail from billing[@]invoice-portal[.]com carrying \
Invoice_8841.zip. Opening it dropped C:\\Users\\Public\\Libraries\\svchost.exe \
(MD5 5F4DCC3B5AA765D61D8327DEB882CF99, SHA-256 \
9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08), which persisted via \
HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run and beaconed every 60 s to \
hxxps://cdn-update[.]azureedge-sync[.]net/api/v2/check, falling back to 185.220.101[.]47:8443 \
and 2001:db8:85a3::8a2e:370:7334. Lateral movement exploited CVE-2020-1472 (Zerologon) \
against \\\\DC01\\SYSVOL\\corp.local\\scripts\\logon.bat; on Linux hosts the actor staged \
/tmp/.X11-unix/kworker and edited /etc/cron.d/sysupdate. Exfiltration used \
ftp://203.0.113.55/outgoing/ and exfil(dot)storage-sync(dot)org, with sync-telemetry.info \
as a dead drop (SHA-1 356a192b7913b04c54574d18c28d46e6395428ab). The loader, version 4.2.0.1, \
ran as rundll32.exe from report.pdf.lnk.";

#[test]
fn a_realistic_report() {
    let all = extract(REPORT);
    let got: Vec<(IocKind, &str)> = all.iter().map(|i| (i.kind, i.value.as_str())).collect();
    assert_eq!(
        got,
        [
            (IocKind::Email, "billing@invoice-portal.com"),
            (IocKind::FilePath, r"C:\Users\Public\Libraries\svchost.exe"),
            (IocKind::Md5, "5f4dcc3b5aa765d61d8327deb882cf99"),
            (
                IocKind::Sha256,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
            ),
            (
                IocKind::RegistryKey,
                r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run"
            ),
            (
                IocKind::Url,
                "https://cdn-update.azureedge-sync.net/api/v2/check"
            ),
            (IocKind::Ipv4, "185.220.101.47"),
            (IocKind::Ipv6, "2001:db8:85a3::8a2e:370:7334"),
            (IocKind::Cve, "CVE-2020-1472"),
            (
                IocKind::FilePath,
                r"\\DC01\SYSVOL\corp.local\scripts\logon.bat"
            ),
            (IocKind::FilePath, "/tmp/.X11-unix/kworker"),
            (IocKind::FilePath, "/etc/cron.d/sysupdate"),
            (IocKind::Url, "ftp://203.0.113.55/outgoing/"),
            (IocKind::Domain, "exfil.storage-sync.org"),
            (IocKind::Domain, "sync-telemetry.info"),
            (IocKind::Sha1, "356a192b7913b04c54574d18c28d46e6395428ab"),
        ]
    );
    for ioc in &all {
        assert_eq!(&REPORT[ioc.start..ioc.end], ioc.raw);
    }
    let defanged: Vec<&str> = all
        .iter()
        .filter(|i| i.defanged)
        .map(|i| i.raw.as_str())
        .collect();
    assert_eq!(
        defanged,
        [
            "billing[@]invoice-portal[.]com",
            "hxxps://cdn-update[.]azureedge-sync[.]net/api/v2/check",
            "185.220.101[.]47",
            "exfil(dot)storage-sync(dot)org",
        ]
    );
    // refanging the whole report keeps every indicator (now plain)
    let plain = refang(REPORT);
    let again: Vec<(IocKind, String)> = values(&plain);
    let before: Vec<(IocKind, String)> = all.into_iter().map(|i| (i.kind, i.value)).collect();
    assert_eq!(again, before);
}

#[test]
fn offsets_are_byte_offsets_in_non_ascii_text() {
    let text = "Zugriff über «evil[.]com» und 🚀 1.2.3.4 — fertig";
    let all = extract(text);
    assert_eq!(all.len(), 2);
    for ioc in &all {
        assert_eq!(&text[ioc.start..ioc.end], ioc.raw);
    }
    assert_eq!(all[0].value, "evil.com");
    assert_eq!(all[1].value, "1.2.3.4");
}

// ------------------------------------------------------------------- scale

#[test]
fn one_megabyte_of_text() {
    let noise = "Lorem ipsum dolor sit amet, v1.2.3.4.5 e.g. cmd.exe and/or 12:30:45 — ü ñ 漢字. ";
    let mut text = String::with_capacity(1 << 20);
    let mut n = 0u32;
    while text.len() < 1 << 20 {
        text.push_str(REPORT);
        text.push(' ');
        text.push_str(&noise.repeat(20));
        write!(
            text,
            "host{n}.example.com 10.{}.{}.1 ",
            n % 256,
            (n / 256) % 256
        )
        .expect("writing to a String cannot fail");
        n += 1;
    }
    // pathological runs too: long hex, long dotted, long colon runs, no spaces
    text.push_str(&"a".repeat(50_000));
    text.push(' ');
    text.push_str(&"1.".repeat(20_000));
    text.push(' ');
    text.push_str(&"ab:".repeat(20_000));
    text.push(' ');
    text.push_str(&"x.y".repeat(20_000));
    text.push_str(" C:\\x");
    text.push_str(&")".repeat(50_000));
    text.push_str(" HKLM\\A");
    text.push_str(&" B".repeat(50_000));
    text.push_str("\\x hxxp://a.b/");
    text.push_str(&"[.]".repeat(20_000));
    // the patterns compile on first use; time the scan alone
    let warm = Instant::now();
    extract("1.2.3.4");
    let warm = warm.elapsed();
    let started = Instant::now();
    let all = extract(&text);
    let elapsed = started.elapsed();
    assert_eq!(all.len(), n as usize * 18 + 3);
    assert!(all.windows(2).all(|w| w[0].end <= w[1].start));
    // generous: an unoptimised build on a slow machine; release is far faster
    assert!(elapsed.as_secs() < 10, "took {elapsed:?}");
    eprintln!(
        "{} bytes, {} indicators in {elapsed:?} (first call {warm:?})",
        text.len(),
        all.len()
    );
}

// ------------------------------------------------------------------- kinds

#[test]
fn kind_names_and_stix_paths() {
    let names: Vec<&str> = IocKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "ipv4",
            "ipv6",
            "domain",
            "url",
            "email",
            "md5",
            "sha1",
            "sha256",
            "sha512",
            "cve",
            "file_path",
            "registry_key"
        ]
    );
    for kind in IocKind::ALL {
        assert_eq!(kind.to_string(), kind.as_str());
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
        assert_eq!(serde_json::from_str::<IocKind>(&json).unwrap(), kind);
    }
    assert_eq!(IocKind::Ipv4.stix_pattern_path(), ("ipv4-addr", "value"));
    assert_eq!(IocKind::Ipv6.stix_pattern_path(), ("ipv6-addr", "value"));
    assert_eq!(
        IocKind::Domain.stix_pattern_path(),
        ("domain-name", "value")
    );
    assert_eq!(IocKind::Url.stix_pattern_path(), ("url", "value"));
    assert_eq!(IocKind::Email.stix_pattern_path(), ("email-addr", "value"));
    assert_eq!(IocKind::Md5.stix_pattern_path(), ("file", "hashes.MD5"));
    assert_eq!(
        IocKind::Sha1.stix_pattern_path(),
        ("file", "hashes.'SHA-1'")
    );
    assert_eq!(
        IocKind::Sha256.stix_pattern_path(),
        ("file", "hashes.'SHA-256'")
    );
    assert_eq!(
        IocKind::Sha512.stix_pattern_path(),
        ("file", "hashes.'SHA-512'")
    );
    assert_eq!(IocKind::Cve.stix_pattern_path(), ("vulnerability", "name"));
    assert_eq!(IocKind::FilePath.stix_pattern_path(), ("file", "name"));
    assert_eq!(
        IocKind::RegistryKey.stix_pattern_path(),
        ("windows-registry-key", "key")
    );
}

#[test]
fn iocs_serialise() {
    let ioc = only("1.2.3[.]4");
    let json = serde_json::to_value(&ioc).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "kind": "ipv4", "value": "1.2.3.4", "raw": "1.2.3[.]4",
            "start": 0, "end": 9, "defanged": true
        })
    );
    assert_eq!(serde_json::from_value::<Ioc>(json).unwrap(), ioc);
}

#[test]
fn empty_and_indicator_free_text() {
    none("");
    none("The quick brown fox jumps over the lazy dog.");
}

/// Texts made of indicator-like pieces, defanging, markup and any
/// character (multi-byte ones included).
fn messy_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        Just("hxxp://".to_string()),
        Just("[.]".to_string()),
        Just("(dot)".to_string()),
        Just("[@]".to_string()),
        Just("@".to_string()),
        Just("C:\\".to_string()),
        Just("HKLM\\".to_string()),
        Just("CVE-2024-".to_string()),
        Just("<a href='".to_string()),
        Just("'>".to_string()),
        Just("</a>".to_string()),
        Just("&amp;".to_string()),
        "[a-z0-9.:/\\\\-]{1,10}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    #[test]
    fn extraction_never_panics_and_slices_its_input(text in messy_text()) {
        for ioc in extract(&text) {
            proptest::prop_assert_eq!(text.get(ioc.start..ioc.end), Some(ioc.raw.as_str()));
        }
        // The HTML path (links' targets included) on the same text.
        let _ = extract(&ttpmap_mapper::read::html_to_text(&text));
    }
}
