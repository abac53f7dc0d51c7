//! Hash value formats by algorithm (`hashes.'SHA-256'` and the like).

/// Check a hash value against its algorithm's format; unknown algorithms
/// pass. The error says what was expected.
pub(crate) fn check_hash(algorithm: &str, value: &str) -> Result<(), &'static str> {
    // The algorithm name without `-`/`_`, uppercase; names longer than any
    // known one are unknown.
    let mut buf = [0u8; 12];
    let mut len = 0;
    for b in algorithm.bytes().filter(|b| *b != b'-' && *b != b'_') {
        let Some(slot) = buf.get_mut(len) else {
            return Ok(());
        };
        *slot = b.to_ascii_uppercase();
        len += 1;
    }
    let key = std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or("");
    let hex = |lens: &[usize]| {
        value.bytes().all(|b| b.is_ascii_hexdigit()) && lens.contains(&value.len())
    };
    let (ok, expected) = match key {
        "MD5" => (hex(&[32]), "32 hex digits"),
        "SHA1" | "RIPEMD160" => (hex(&[40]), "40 hex digits"),
        "SHA224" | "SHA3224" => (hex(&[56]), "56 hex digits"),
        "SHA256" | "SHA3256" => (hex(&[64]), "64 hex digits"),
        "SHA384" | "SHA3384" => (hex(&[96]), "96 hex digits"),
        "SHA512" | "SHA3512" | "WHIRLPOOL" => (hex(&[128]), "128 hex digits"),
        "MD6" => (hex(&[32, 40, 56, 64, 96, 128]), "32 to 128 hex digits"),
        "TLSH" => {
            let body = value.strip_prefix("T1").unwrap_or(value);
            (
                body.len() == 70 && body.bytes().all(|b| b.is_ascii_hexdigit()),
                "70 hex digits, optionally after `T1`",
            )
        }
        "SSDEEP" => (is_ssdeep(value), "blocksize:hash:hash"),
        _ => (true, ""),
    };
    if ok {
        Ok(())
    } else {
        Err(expected)
    }
}

fn is_ssdeep(value: &str) -> bool {
    let value = value.split_once(',').map_or(value, |(hash, _)| hash);
    let mut parts = value.split(':');
    let b64 = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
    };
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(size), Some(a), Some(b), None)
            if !size.is_empty() && size.bytes().all(|c| c.is_ascii_digit()) && b64(a) && b64(b)
    )
}
