//! Timestamps as the store keeps them: UTC, RFC 3339, always three fractional digits and
//! `Z` (`2021-10-13T19:34:33.524Z`), so that text order is time order.

use chrono::{DateTime, SecondsFormat, Utc};
use keeper_square::models::Timestamp;

/// The store's text for an instant.
pub fn utc_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The store's text for a Square timestamp (converted to UTC; digits past the millisecond
/// are dropped).
pub fn ts_text(t: &Timestamp) -> String {
    utc_text(&t.to_utc())
}

/// [`ts_text`] of an optional timestamp.
pub fn opt_ts(t: Option<&Timestamp>) -> Option<String> {
    t.map(ts_text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_stored_in_utc_with_milliseconds() {
        let t = Timestamp::parse("2021-10-13T12:34:33-07:00").unwrap();
        assert_eq!(ts_text(&t), "2021-10-13T19:34:33.000Z");
        let t = Timestamp::parse("2021-10-13T19:34:33.524123Z").unwrap();
        assert_eq!(ts_text(&t), "2021-10-13T19:34:33.524Z");
    }
}
