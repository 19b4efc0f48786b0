//! `Ts`: a UTC instant in milliseconds, serialized the way Square writes timestamps
//! (RFC 3339, three fractional digits, `Z`). Parsing accepts any RFC 3339 offset.

use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

/// Milliseconds in common spans.
pub const SECOND: i64 = 1_000;
pub const MINUTE: i64 = 60 * SECOND;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;

/// A UTC instant with millisecond precision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(pub i64);

impl Ts {
    /// Parses an RFC 3339 timestamp (`Z`, `-00:00` or any offset).
    pub fn parse(s: &str) -> Option<Ts> {
        DateTime::parse_from_rfc3339(s.trim())
            .ok()
            .map(|d| Ts(d.timestamp_millis()))
    }

    /// The instant as a chrono value.
    pub fn to_datetime(self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.0).unwrap_or_default()
    }

    /// RFC 3339 with milliseconds and `Z`, as Square sends it.
    pub fn rfc3339(self) -> String {
        self.to_datetime()
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// `YYYY-MM` of the instant in UTC (the ground truth's month key).
    pub fn month_key(self) -> String {
        let d = self.to_datetime();
        format!("{:04}-{:02}", d.year(), d.month())
    }

    pub fn plus(self, ms: i64) -> Ts {
        Ts(self.0 + ms)
    }

    pub fn minus(self, ms: i64) -> Ts {
        Ts(self.0 - ms)
    }
}

impl From<DateTime<Utc>> for Ts {
    fn from(d: DateTime<Utc>) -> Self {
        Ts(d.timestamp_millis())
    }
}

impl Serialize for Ts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_millis_and_z_and_parses_offsets() {
        let t = Ts::parse("2025-03-01T10:00:00-00:00").unwrap();
        assert_eq!(t.rfc3339(), "2025-03-01T10:00:00.000Z");
        let u = Ts::parse("2025-03-01T11:00:00+01:00").unwrap();
        assert_eq!(t, u);
        assert_eq!(t.month_key(), "2025-03");
        assert!(Ts::parse("2025-03-01").is_none());
    }
}
