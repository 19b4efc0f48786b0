//! Shapes shared by every Square object: `Timestamp` (RFC 3339), `Money`, `Address`.

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::skip_serializing_none;
use std::fmt;

/// An RFC 3339 instant as Square sends it: `Z` or a numeric offset (including `-00:00`),
/// 0 to 9 fractional digits. The offset is kept; written back with `Z` for UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<FixedOffset>);

/// A string that is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an RFC 3339 timestamp")]
pub struct TimestampError(pub String);

impl Timestamp {
    /// Parses an RFC 3339 timestamp.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        DateTime::parse_from_rfc3339(text.trim())
            .map(Timestamp)
            .map_err(|_| TimestampError(text.to_owned()))
    }

    /// The instant with the offset Square sent.
    pub fn as_datetime(&self) -> DateTime<FixedOffset> {
        self.0
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }

    /// RFC 3339 with `Z` for UTC and only as many fractional digits as needed (0, 3, 6 or 9).
    pub fn to_rfc3339(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(value: DateTime<FixedOffset>) -> Self {
        Timestamp(value)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Timestamp(value.fixed_offset())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// An amount of money in the smallest unit of its currency (`{amount: 150, currency: "USD"}`
/// is $1.50). Some amounts are negative (refund processing fees).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Money {
    #[serde(default, with = "crate::de::int64_opt")]
    pub amount: Option<i64>,
    /// ISO 4217 code (`USD`), kept as sent.
    pub currency: Option<String>,
}

impl Money {
    /// A money value with both parts set.
    pub fn new(amount: i64, currency: &str) -> Self {
        Money {
            amount: Some(amount),
            currency: Some(currency.to_owned()),
        }
    }
}

/// A postal address.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    pub address_line_1: Option<String>,
    pub address_line_2: Option<String>,
    pub address_line_3: Option<String>,
    pub locality: Option<String>,
    pub sublocality: Option<String>,
    pub sublocality_2: Option<String>,
    pub sublocality_3: Option<String>,
    pub administrative_district_level_1: Option<String>,
    pub administrative_district_level_2: Option<String>,
    pub administrative_district_level_3: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

open_enum! {
    /// Sort direction of list and search endpoints.
    pub enum SortOrder {
        Asc = "ASC",
        Desc = "DESC",
    }
}

/// A time window (`start_at`, `end_at`) used by search filters.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TimeRange {
    pub start_at: Option<Timestamp>,
    pub end_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_accepts_z_offsets_and_fraction_lengths() {
        for text in [
            "2021-10-13T19:34:33Z",
            "2021-10-13T19:34:33.5Z",
            "2021-10-13T19:34:33.524Z",
            "2021-10-13T19:34:33.524123Z",
            "2021-10-13T19:34:33.524123456Z",
            "2018-02-01T00:00:00-00:00",
            "2019-03-04T21:54:45+00:00",
            "2021-10-13T12:34:33.524-07:00",
        ] {
            assert!(Timestamp::parse(text).is_ok(), "{text} should parse");
        }
    }

    #[test]
    fn timestamp_minus_zero_offset_is_utc() {
        let a = Timestamp::parse("2018-02-01T00:00:00-00:00").unwrap();
        let b = Timestamp::parse("2018-02-01T00:00:00Z").unwrap();
        assert_eq!(a.to_utc(), b.to_utc());
        assert_eq!(a.to_rfc3339(), "2018-02-01T00:00:00Z");
    }

    #[test]
    fn timestamp_keeps_offset_and_instant() {
        let t = Timestamp::parse("2021-10-13T12:34:33.524-07:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2021-10-13T12:34:33.524-07:00");
        assert_eq!(t.to_utc().to_rfc3339(), "2021-10-13T19:34:33.524+00:00");
    }

    #[test]
    fn timestamp_rejects_dates_and_garbage() {
        for text in ["2021-10-13", "yesterday", "", "2021-13-01T00:00:00Z"] {
            assert!(Timestamp::parse(text).is_err(), "{text} should not parse");
        }
    }

    #[test]
    fn money_amount_may_be_negative_or_a_string() {
        let m: Money = serde_json::from_str(r#"{"amount": "-34", "currency": "USD"}"#).unwrap();
        assert_eq!(m, Money::new(-34, "USD"));
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"amount":-34,"currency":"USD"}"#
        );
    }
}
