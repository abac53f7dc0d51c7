//! Constant literals: the timestamp form of the grammar, hex and base64.

/// Check the grammar's timestamp form: `YYYY-MM-DDTHH:MM:SS[.s+]Z` with
/// month 01–12, day 01–31, hour 00–23, minute 00–59, second 00–60.
pub(crate) fn check_timestamp(text: &str) -> Result<(), &'static str> {
    const FORM: &str = "expected YYYY-MM-DDTHH:MM:SS[.s+]Z";
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        part.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    if b.len() < 20 || !(sep(4, b'-') && sep(7, b'-') && sep(13, b':') && sep(16, b':')) {
        return Err(FORM);
    }
    if !sep(10, b'T') {
        return Err("expected an uppercase `T` between date and time");
    }
    let (Some(_), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return Err(FORM);
    };
    if !(1..=12).contains(&month) {
        return Err("month must be 01 to 12");
    }
    if !(1..=31).contains(&day) {
        return Err("day must be 01 to 31");
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err("time must be 00:00:00 to 23:59:60");
    }
    let mut i = 19;
    if sep(i, b'.') {
        i += 1;
        let first = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == first {
            return Err("a decimal point must be followed by digits");
        }
    }
    match b.get(i..) {
        Some(b"Z") => Ok(()),
        Some(b"z") => Err("the time zone must be an uppercase `Z`"),
        Some([]) => Err("missing the UTC designator `Z`"),
        _ => Err(FORM),
    }
}

/// Decode hex digit pairs.
pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    b.chunks(2)
        .map(|pair| {
            let hi = char::from(*pair.first()?).to_digit(16)?;
            let lo = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

/// Decode standard padded base64 as the grammar allows it (at least one
/// group of four).
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let b = text.as_bytes();
    if b.is_empty() || b.len() % 4 != 0 {
        return None;
    }
    let groups = b.len() / 4;
    let mut out = Vec::with_capacity(groups * 3);
    for (g, quad) in b.chunks(4).enumerate() {
        let last = g + 1 == groups;
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in quad.iter().take(4 - pad) {
            n = (n << 6) | sextet(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = n.to_be_bytes();
        out.extend_from_slice(bytes.get(1..4 - pad).unwrap_or_default());
    }
    Some(out)
}

/// Encode bytes as standard padded base64.
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        for k in 0..4 {
            if k <= chunk.len() {
                let index = ((n >> (18 - 6 * k)) & 63) as usize;
                out.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for bytes in [&b"a"[..], b"ab", b"abc", b"abcd", b"\x00\xff\x10"] {
            let text = encode_base64(bytes);
            assert_eq!(decode_base64(&text).unwrap(), bytes, "{text}");
        }
        assert_eq!(decode_base64("YWxpY2U=").unwrap(), b"alice");
        assert!(decode_base64("====").is_none());
        assert!(decode_base64("YQ==YQ==").is_none());
        assert!(decode_base64("").is_none());
    }

    #[test]
    fn timestamp_forms() {
        assert!(check_timestamp("2024-02-30T12:00:00Z").is_ok());
        assert!(check_timestamp("2024-01-15T12:30:60.5Z").is_ok());
        assert!(check_timestamp("2024-13-01T12:00:00Z").is_err());
        assert!(check_timestamp("2024-01-15T12:30:45").is_err());
        assert!(check_timestamp("2024-01-15t12:30:45Z").is_err());
    }
}
