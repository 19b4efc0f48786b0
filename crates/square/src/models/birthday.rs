//! `Birthday`: `Customer.birthday` is `YYYY-MM-DD`, where year `0000` means the customer
//! gave a month and day but no year.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A validated birthday; `year` is `None` when Square sent `0000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Birthday {
    pub year: Option<u16>,
    pub month: u8,
    pub day: u8,
}

/// Text that is not a valid `YYYY-MM-DD` birthday.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a birthday (YYYY-MM-DD, year 0000 = no year)")]
pub struct BirthdayError(pub String);

impl Birthday {
    /// Parses `YYYY-MM-DD`. A trailing time (`1998-09-21T00:00:00-00:00`, sent by older API
    /// versions) is ignored. Feb 29 is accepted without a year and in leap years.
    pub fn parse(text: &str) -> Result<Self, BirthdayError> {
        let err = || BirthdayError(text.to_owned());
        let date = match text.split_once('T') {
            Some((date, _time)) => date,
            None => text,
        };
        let bytes = date.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(err());
        }
        let number = |range: std::ops::Range<usize>| -> Result<u16, BirthdayError> {
            let part = &date[range];
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        let year = number(0..4)?;
        let month = number(5..7)? as u8;
        let day = number(8..10)? as u8;
        let year = (year != 0).then_some(year);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(err());
        }
        Ok(Birthday { year, month, day })
    }
}

fn days_in_month(year: Option<u16>, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) => 28,
            _ => 29,
        },
        _ => 31,
    }
}

impl fmt::Display for Birthday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year.unwrap_or(0),
            self.month,
            self.day
        )
    }
}

impl std::str::FromStr for Birthday {
    type Err = BirthdayError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Birthday::parse(text)
    }
}

impl Serialize for Birthday {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Birthday {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Birthday::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birthday_year_0000_means_no_year() {
        let b = Birthday::parse("0000-09-21").unwrap();
        assert_eq!(
            b,
            Birthday {
                year: None,
                month: 9,
                day: 21
            }
        );
        assert_eq!(b.to_string(), "0000-09-21");
    }

    #[test]
    fn birthday_with_year_round_trips() {
        let b: Birthday = serde_json::from_str(r#""1998-09-21""#).unwrap();
        assert_eq!(b.year, Some(1998));
        assert_eq!(serde_json::to_string(&b).unwrap(), r#""1998-09-21""#);
    }

    #[test]
    fn birthday_ignores_a_trailing_time() {
        let b = Birthday::parse("0000-01-31T00:00:00-00:00").unwrap();
        assert_eq!((b.year, b.month, b.day), (None, 1, 31));
    }

    #[test]
    fn birthday_feb_29_needs_a_leap_year_or_no_year() {
        assert!(Birthday::parse("0000-02-29").is_ok());
        assert!(Birthday::parse("2000-02-29").is_ok());
        assert!(Birthday::parse("1900-02-29").is_err());
        assert!(Birthday::parse("2023-02-29").is_err());
    }

    #[test]
    fn birthday_rejects_bad_month_and_day() {
        for text in [
            "1998-13-01",
            "1998-00-10",
            "1998-04-31",
            "1998-01-00",
            "98-01-01",
            "1998/01/01",
            "",
        ] {
            assert!(
                Birthday::parse(text).is_err(),
                "{text:?} should be rejected"
            );
        }
    }
}
