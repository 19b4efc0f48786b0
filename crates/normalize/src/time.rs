//! Timestamps as the store keeps them: UTC, RFC 3339, always three fractional digits and
//! `Z` (`2021-10-13T19:34:33.524Z`), so that text order is time order.

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use keeper_square::models::Timestamp;

/// The store's text for an instant. Written digit by digit: every payment, order and
/// booking has two or three timestamps, and chrono's general-purpose formatter is slow for
/// a hot loop.
pub fn utc_text(t: &DateTime<Utc>) -> String {
    let year = t.year();
    if !(0..=9999).contains(&year) {
        return t.to_rfc3339_opts(SecondsFormat::Millis, true);
    }
    // A leap second (nanosecond ≥ 1e9) keeps chrono's spelling.
    let nanos = t.nanosecond();
    if nanos >= 1_000_000_000 {
        return t.to_rfc3339_opts(SecondsFormat::Millis, true);
    }
    let mut out = [0u8; 24];
    let mut put = |at: usize, value: u32, width: usize| {
        let mut v = value;
        for i in (0..width).rev() {
            out[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year as u32, 4);
    put(5, t.month(), 2);
    put(8, t.day(), 2);
    put(11, t.hour(), 2);
    put(14, t.minute(), 2);
    put(17, t.second(), 2);
    put(20, nanos / 1_000_000, 3);
    for (at, sep) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
        (23, b'Z'),
    ] {
        out[at] = sep;
    }
    out.iter().map(|&b| char::from(b)).collect()
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
    fn utc_text_matches_chronos_rfc3339_with_milliseconds() {
        // From year 5 to 9999, in odd steps so every field takes many values.
        let mut ms: i64 = -62_000_000_000_000;
        while ms < 253_402_300_799_999 {
            let t = DateTime::<Utc>::from_timestamp_millis(ms).unwrap();
            assert_eq!(
                utc_text(&t),
                t.to_rfc3339_opts(SecondsFormat::Millis, true),
                "{ms}"
            );
            ms += 97_123_456_789;
        }
        // A leap second and years outside four digits keep chrono's spelling.
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 1_500))
            .unwrap()
            .and_utc();
        assert_eq!(
            utc_text(&leap),
            leap.to_rfc3339_opts(SecondsFormat::Millis, true)
        );
        for ms in [-70_000_000_000_000, 300_000_000_000_000] {
            let t = DateTime::<Utc>::from_timestamp_millis(ms).unwrap();
            assert_eq!(utc_text(&t), t.to_rfc3339_opts(SecondsFormat::Millis, true));
        }
    }

    #[test]
    fn timestamps_are_stored_in_utc_with_milliseconds() {
        let t = Timestamp::parse("2021-10-13T12:34:33-07:00").unwrap();
        assert_eq!(ts_text(&t), "2021-10-13T19:34:33.000Z");
        let t = Timestamp::parse("2021-10-13T19:34:33.524123Z").unwrap();
        assert_eq!(ts_text(&t), "2021-10-13T19:34:33.524Z");
    }
}
