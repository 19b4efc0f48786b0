//! Dates as people type them: ISO, `YYYYMMDD`, `D/M/Y` or `M/D/Y` (order decided per column),
//! month names, and birthdays without a year (including Square's `0000-MM-DD`).

use crate::columns::DateOrder;
use serde::{Deserialize, Serialize};

/// A calendar date whose year may be unknown (birthdays are often given as day and month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartialDate {
    /// Year, when given.
    pub year: Option<u16>,
    /// 1..=12.
    pub month: u8,
    /// 1..=31.
    pub day: u8,
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.year {
            Some(y) => write!(f, "{y:04}-{:02}-{:02}", self.month, self.day),
            None => write!(f, "--{:02}-{:02}", self.month, self.day),
        }
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_from_word(w: &str) -> Option<u8> {
    let w = w.to_ascii_lowercase();
    if w.len() < 3 || !w.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| w.starts_with(m))
        .map(|i| i as u8 + 1)
}

fn days_in_month(year: Option<u16>, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) => 28,
            _ => 29,
        },
        _ => 0,
    }
}

fn make(year: Option<u16>, month: u32, day: u32) -> Option<PartialDate> {
    let (month, day) = (u8::try_from(month).ok()?, u8::try_from(day).ok()?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if let Some(y) = year
        && !(1850..=2200).contains(&y)
    {
        return None;
    }
    Some(PartialDate { year, month, day })
}

fn year_from(text: &str) -> Option<Option<u16>> {
    let n: u32 = text.parse().ok()?;
    match text.len() {
        4 if n == 0 => Some(None),
        4 => Some(Some(n as u16)),
        // Two-digit years: 00..=29 are 2000s, the rest 1900s.
        2 => Some(Some(if n < 30 {
            2000 + n as u16
        } else {
            1900 + n as u16
        })),
        _ => None,
    }
}

/// Splits `text` into numeric and word parts on any separator.
fn parts(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Strips a trailing time (`T10:00`, ` 10:00:00`) from a date-time.
fn date_part(text: &str) -> &str {
    let t = text.trim();
    let cut = t
        .find('T')
        .filter(|&i| i >= 8)
        .or_else(|| t.find(' ').filter(|&i| t[i..].contains(':')));
    cut.map_or(t, |i| &t[..i])
}

/// Parses a date; `order` decides `a/b/y` forms.
pub fn parse(text: &str, order: DateOrder) -> Option<PartialDate> {
    let t = date_part(text);
    if t.is_empty() {
        return None;
    }
    // 8 digits: YYYYMMDD (FEBRL, many exports).
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return make(
            year_from(&t[..4])?,
            t[4..6].parse().ok()?,
            t[6..].parse().ok()?,
        );
    }
    let p = parts(t);
    let num = |s: &str| {
        s.parse::<u32>()
            .ok()
            .filter(|_| s.bytes().all(|b| b.is_ascii_digit()))
    };
    match p.as_slice() {
        // --MM-DD (ISO without year).
        [a, b] if t.starts_with("--") => make(None, num(a)?, num(b)?),
        [y, m, d] if y.len() == 4 && num(y).is_some() => {
            let month = num(m).or_else(|| month_from_word(m).map(u32::from))?;
            make(year_from(y)?, month, num(d)?)
        }
        [a, b, y] => {
            let year = year_from(y)?;
            match (num(a), num(b), month_from_word(a), month_from_word(b)) {
                (Some(a), Some(b), _, _) => match order {
                    DateOrder::Dmy => make(year, b, a),
                    DateOrder::Mdy => make(year, a, b),
                },
                (Some(d), None, _, Some(m)) => make(year, m as u32, d),
                (None, Some(d), Some(m), _) => make(year, m as u32, d),
                _ => None,
            }
        }
        [a, b] => match (num(a), num(b), month_from_word(a), month_from_word(b)) {
            (Some(a), Some(b), _, _) if a <= 31 && b <= 31 => match order {
                DateOrder::Dmy => make(None, b, a),
                DateOrder::Mdy => make(None, a, b),
            },
            (Some(d), None, _, Some(m)) => make(None, m as u32, d),
            (None, Some(d), Some(m), _) => make(None, m as u32, d),
            _ => None,
        },
        _ => None,
    }
}

/// The two leading numbers of an `a/b[/y]` date (not year-first), for deciding DMY against MDY.
pub fn numeric_day_month(text: &str) -> Option<(u32, u32)> {
    let t = date_part(text);
    let p = parts(t);
    if !(2..=3).contains(&p.len()) || p[0].len() > 2 || p[1].len() > 2 {
        return None;
    }
    if p.len() == 3 && !matches!(p[2].len(), 2 | 4) {
        return None;
    }
    Some((p[0].parse().ok()?, p[1].parse().ok()?))
}

/// Whether `text` parses as a date in either order.
pub fn looks_like_date(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.len() > 30 {
        return false;
    }
    // A bare pair like "3-4" is too weak on its own; require a year, a month word or a slash.
    let p = parts(t);
    let strong = p.len() == 3
        || t.contains('/')
        || p.iter().any(|w| month_from_word(w).is_some())
        || t.starts_with("--");
    let eight = t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit());
    (strong || eight) && (parse(t, DateOrder::Dmy).is_some() || parse(t, DateOrder::Mdy).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: Option<u16>, m: u8, day: u8) -> Option<PartialDate> {
        Some(PartialDate {
            year: y,
            month: m,
            day,
        })
    }

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse("1980-12-25", DateOrder::Dmy), d(Some(1980), 12, 25));
        assert_eq!(parse("19801225", DateOrder::Dmy), d(Some(1980), 12, 25));
        assert_eq!(parse("25/12/1980", DateOrder::Dmy), d(Some(1980), 12, 25));
        assert_eq!(parse("12/25/1980", DateOrder::Mdy), d(Some(1980), 12, 25));
        assert_eq!(parse("25 Dec 1980", DateOrder::Mdy), d(Some(1980), 12, 25));
        assert_eq!(
            parse("December 25, 1980", DateOrder::Dmy),
            d(Some(1980), 12, 25)
        );
        assert_eq!(
            parse("1980-12-25T00:00:00Z", DateOrder::Dmy),
            d(Some(1980), 12, 25)
        );
        assert_eq!(parse("25.12.80", DateOrder::Dmy), d(Some(1980), 12, 25));
    }

    #[test]
    fn year_is_optional_for_birthdays() {
        assert_eq!(parse("0000-12-25", DateOrder::Dmy), d(None, 12, 25));
        assert_eq!(parse("25/12", DateOrder::Dmy), d(None, 12, 25));
        assert_eq!(parse("Dec 25", DateOrder::Dmy), d(None, 12, 25));
        assert_eq!(parse("--12-25", DateOrder::Dmy), d(None, 12, 25));
        assert_eq!(parse("29/02", DateOrder::Dmy), d(None, 2, 29));
    }

    #[test]
    fn rejects_impossible_dates() {
        assert_eq!(parse("31/02/1980", DateOrder::Dmy), None);
        assert_eq!(parse("29/02/1981", DateOrder::Dmy), None);
        assert_eq!(parse("13/13/1980", DateOrder::Dmy), None);
        assert_eq!(parse("hello", DateOrder::Dmy), None);
    }
}
