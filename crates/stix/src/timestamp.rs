//! STIX timestamps: RFC 3339, UTC, with a literal `Z`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, Timelike, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::{Error, Result};

/// A STIX timestamp that remembers how it was written.
///
/// `2017-05-31T21:30:18.931Z` and `2017-05-31T21:30:18.000Z` both print back
/// exactly as read: the number of fraction digits is kept. Comparison and
/// equality are by instant, so `…18.9Z` equals `…18.900Z`.
///
/// # Example
///
/// ```
/// use ttpmap_stix::Timestamp;
///
/// let t: Timestamp = "2017-05-31T21:30:18.000Z".parse()?;
/// assert_eq!(t.to_string(), "2017-05-31T21:30:18.000Z");
/// assert_eq!(t.fraction_digits(), 3);
/// assert!(t < "2017-05-31T21:30:18.001Z".parse()?);
/// assert!("2017-05-31T21:30:18+01:00".parse::<Timestamp>().is_err());
/// # Ok::<(), ttpmap_stix::Error>(())
/// ```
#[derive(Clone)]
pub struct Timestamp {
    instant: DateTime<Utc>,
    /// Fraction digits as written (0 = no decimal point).
    digits: u8,
    /// The original text, kept only when the instant and digit count cannot
    /// reproduce it (more than nine fraction digits, or a leap second).
    text: Option<Box<str>>,
}

impl Timestamp {
    /// Parse a STIX timestamp.
    pub fn parse(text: &str) -> Result<Timestamp> {
        parse(text.as_bytes()).map_err(|reason| Error::InvalidTimestamp {
            text: text.to_owned(),
            reason,
        })
    }

    /// The current time with millisecond precision, as STIX producers write
    /// `created` and `modified`.
    pub fn now() -> Timestamp {
        Timestamp::from_datetime(Utc::now().trunc_subsecs(3), 3)
    }

    /// A timestamp at `instant`, printed with `digits` fraction digits
    /// (0 to 9; the instant is truncated to that precision).
    pub fn from_datetime(instant: DateTime<Utc>, digits: u8) -> Timestamp {
        let digits = digits.min(9);
        Timestamp {
            instant: instant.trunc_subsecs(u16::from(digits)),
            digits,
            text: None,
        }
    }

    /// The instant.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.instant
    }

    /// How many fraction digits the timestamp was written with.
    pub fn fraction_digits(&self) -> usize {
        match &self.text {
            Some(text) => text.find('.').map_or(0, |dot| text.len() - dot - 2),
            None => usize::from(self.digits),
        }
    }

    /// Whether the timestamp has at least millisecond precision, as
    /// `created` and `modified` must.
    pub fn has_millisecond_precision(&self) -> bool {
        self.fraction_digits() >= 3
    }

    /// A later timestamp, the smallest step after this one at the same
    /// precision (at least milliseconds).
    #[must_use]
    pub fn next_after(&self) -> Timestamp {
        let digits = self.digits.clamp(3, 9);
        let step = 10i64.pow(9 - u32::from(digits));
        let instant =
            self.instant.trunc_subsecs(u16::from(digits)) + chrono::Duration::nanoseconds(step);
        Timestamp::from_datetime(instant, digits)
    }
}

/// Parse `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
fn parse(b: &[u8]) -> std::result::Result<Timestamp, &'static str> {
    const FORM: &str = "expected YYYY-MM-DDTHH:MM:SS[.s+]Z";
    if b.len() < 20 {
        return Err(FORM);
    }
    let num = |range: std::ops::Range<usize>| -> std::result::Result<u32, &'static str> {
        let mut n = 0u32;
        for &c in &b[range] {
            if !c.is_ascii_digit() {
                return Err(FORM);
            }
            n = n * 10 + u32::from(c - b'0');
        }
        Ok(n)
    };
    let year = num(0..4)?;
    if b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return Err(FORM);
    }
    if b[10] != b'T' {
        return Err("expected `T` between date and time");
    }
    let (month, day, hour, minute, second) = (
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut pos = 19;
    let mut nanos = 0u32;
    let mut digits = 0usize;
    if b[pos] == b'.' {
        pos += 1;
        let start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            if pos - start < 9 {
                nanos = nanos * 10 + u32::from(b[pos] - b'0');
            }
            pos += 1;
        }
        digits = pos - start;
        if digits == 0 {
            return Err("a decimal point must be followed by digits");
        }
        for _ in digits..9 {
            nanos *= 10;
        }
    }
    match &b[pos..] {
        b"Z" => {}
        [b'z'] => return Err("the time zone must be an uppercase `Z`"),
        [b'+' | b'-', ..] => {
            return Err("the time must be in UTC, written with `Z`, not an offset")
        }
        [] => return Err("missing the UTC designator `Z`"),
        _ => return Err(FORM),
    }
    let year = i32::try_from(year).map_err(|_| FORM)?;
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or("no such calendar date")?;
    let leap = second == 60;
    let time = if leap {
        if hour != 23 || minute != 59 {
            return Err("a leap second can only be 23:59:60");
        }
        NaiveTime::from_hms_nano_opt(23, 59, 59, 1_000_000_000 + nanos)
    } else {
        NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
    }
    .ok_or("no such time of day")?;
    let instant = NaiveDateTime::new(date, time).and_utc();
    let text = if leap || digits > 9 {
        // `b` is valid UTF-8: it came from a `&str` and every byte checked is ASCII.
        Some(String::from_utf8_lossy(b).into())
    } else {
        None
    };
    Ok(Timestamp {
        instant,
        digits: digits.min(9) as u8,
        text,
    })
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(text) = &self.text {
            return f.write_str(text);
        }
        let t = &self.instant;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )?;
        if self.digits > 0 {
            let nanos = t.nanosecond() % 1_000_000_000;
            let scaled = nanos / 10u32.pow(9 - u32::from(self.digits));
            write!(f, ".{scaled:0width$}", width = usize::from(self.digits))?;
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.instant == other.instant
    }
}

impl Eq for Timestamp {}

impl Hash for Timestamp {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.instant.hash(state);
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant.cmp(&other.instant)
    }
}

impl FromStr for Timestamp {
    type Err = Error;
    fn from_str(s: &str) -> Result<Timestamp> {
        Timestamp::parse(s)
    }
}

impl TryFrom<&str> for Timestamp {
    type Error = Error;
    fn try_from(s: &str) -> Result<Timestamp> {
        Timestamp::parse(s)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    /// Millisecond precision, as STIX producers write `created` and `modified`.
    fn from(instant: DateTime<Utc>) -> Timestamp {
        Timestamp::from_datetime(instant, 3)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct TsVisitor;
        impl Visitor<'_> for TsVisitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 UTC timestamp such as 2017-05-31T21:30:18.931Z")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(TsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_exact_digits() {
        for text in [
            "2017-05-31T21:30:18Z",
            "2017-05-31T21:30:18.9Z",
            "2017-05-31T21:30:18.931Z",
            "2017-05-31T21:30:18.000Z",
            "2017-05-31T21:30:18.000001Z",
            "2017-05-31T21:30:18.123456789Z",
            "2017-05-31T21:30:18.1234567890123Z",
            "2016-12-31T23:59:60.5Z",
            "0001-01-01T00:00:00Z",
        ] {
            assert_eq!(Timestamp::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn rejects_non_stix_forms() {
        for (text, reason) in [
            (
                "2017-05-31T21:30:18+00:00",
                "the time must be in UTC, written with `Z`, not an offset",
            ),
            ("2017-05-31T21:30:18", "expected YYYY-MM-DDTHH:MM:SS[.s+]Z"),
            (
                "2017-05-31T21:30:18.Z",
                "a decimal point must be followed by digits",
            ),
            ("2017-13-31T21:30:18Z", "no such calendar date"),
            ("2017-02-30T21:30:18Z", "no such calendar date"),
            ("2017-02-20T24:30:18Z", "no such time of day"),
            ("2017-02-20 21:30:18Z", "expected `T` between date and time"),
            (
                "2017-05-31T21:30:18z",
                "the time zone must be an uppercase `Z`",
            ),
        ] {
            match Timestamp::parse(text) {
                Err(Error::InvalidTimestamp { reason: got, .. }) => {
                    assert_eq!(got, reason, "{text}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn next_after_is_later() {
        let t = Timestamp::parse("2020-01-01T00:00:00Z").unwrap();
        let n = t.next_after();
        assert!(n > t);
        assert_eq!(n.to_string(), "2020-01-01T00:00:00.001Z");
    }
}
