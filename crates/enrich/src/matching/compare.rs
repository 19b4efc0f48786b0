//! Field-by-field comparison of two records into agreement levels (level 0 = missing on a side).

use super::nicknames::Nicknames;
use super::similarity::jaro_winkler;
use crate::normalize::Record;
use serde::Serialize;

/// The fields compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchField {
    /// First name.
    GivenName,
    /// Last name.
    FamilyName,
    /// Any phone.
    Phone,
    /// Any email.
    Email,
    /// Birthday.
    Birthday,
    /// House number and street.
    Street,
    /// City or suburb.
    Locality,
    /// Postcode.
    Postcode,
}

/// Number of compared fields.
pub const N_FIELDS: usize = 8;

/// Fields in comparison-vector order.
pub const FIELDS: [MatchField; N_FIELDS] = [
    MatchField::GivenName,
    MatchField::FamilyName,
    MatchField::Phone,
    MatchField::Email,
    MatchField::Birthday,
    MatchField::Street,
    MatchField::Locality,
    MatchField::Postcode,
];

/// Level names per field, index = level; index 0 is always "missing".
pub const LEVELS: [&[&str]; N_FIELDS] = [
    &[
        "missing",
        "exact",
        "nickname",
        "typo",
        "similar",
        "initial",
        "different",
    ],
    &["missing", "exact", "typo", "similar", "different"],
    &["missing", "exact", "one_digit_or_last7", "different"],
    &["missing", "exact", "same_local_or_typo", "different"],
    &[
        "missing",
        "exact",
        "day_month_no_year",
        "one_part_off",
        "different",
    ],
    &["missing", "exact", "similar", "number_or_name", "different"],
    &["missing", "exact", "similar", "different"],
    &["missing", "exact", "one_char_off", "different"],
];

impl MatchField {
    /// Position in the comparison vector.
    pub fn index(self) -> usize {
        FIELDS.iter().position(|f| *f == self).unwrap_or(0)
    }

    /// snake_case name for explanations.
    pub fn name(self) -> &'static str {
        match self {
            MatchField::GivenName => "given_name",
            MatchField::FamilyName => "family_name",
            MatchField::Phone => "phone",
            MatchField::Email => "email",
            MatchField::Birthday => "birthday",
            MatchField::Street => "street",
            MatchField::Locality => "locality",
            MatchField::Postcode => "postcode",
        }
    }
}

/// Agreement levels of one pair, plus whether the names were compared crosswise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Comparison {
    /// Level per field, in [`FIELDS`] order.
    pub levels: [u8; N_FIELDS],
    /// Given and family names were swapped on one side.
    pub swapped_names: bool,
}

/// At most one edit apart (substitution, insertion, deletion or adjacent transposition),
/// in linear time without allocating.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => {
            let first = (0..a.len()).find(|&i| a[i] != b[i]);
            match first {
                None => true,
                Some(i) => {
                    a[i + 1..] == b[i + 1..]
                        || (i + 1 < a.len()
                            && a[i] == b[i + 1]
                            && a[i + 1] == b[i]
                            && a[i + 2..] == b[i + 2..])
                }
            }
        }
        1 => {
            let i = (0..short.len())
                .find(|&i| short[i] != long[i])
                .unwrap_or(short.len());
            short[i..] == long[i + 1..]
        }
        _ => false,
    }
}

/// Same length and at most one differing position, or one adjacent transposition.
pub fn one_edit_same_length(a: &str, b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match diffs.as_slice() {
        [] | [_] => true,
        [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
        _ => false,
    }
}

fn given_level(a: &str, b: &str, nick: &Nicknames) -> u8 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a == b {
        return 1;
    }
    if nick.equivalent(a, b) {
        return 2;
    }
    let jw = jaro_winkler(a, b);
    if jw >= 0.92 || (a.len() >= 4 && within_one_edit(a, b)) {
        return 3;
    }
    if jw >= 0.8 {
        return 4;
    }
    if (a.len() == 1 || b.len() == 1) && a.as_bytes()[0] == b.as_bytes()[0] {
        return 5;
    }
    6
}

fn family_level(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a == b {
        return 1;
    }
    let (ca, cb) = (a.replace(' ', ""), b.replace(' ', ""));
    if ca == cb {
        return 1;
    }
    let jw = jaro_winkler(&ca, &cb);
    if jw >= 0.92 || (ca.len() >= 4 && within_one_edit(&ca, &cb)) {
        2
    } else if jw >= 0.8 {
        3
    } else {
        4
    }
}

fn phone_level(a: &[String], b: &[String]) -> u8 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a.iter().any(|x| b.contains(x)) {
        return 1;
    }
    let last7 = |s: &str| s.get(s.len().saturating_sub(7)..).unwrap_or("").to_string();
    let close = a.iter().any(|x| {
        b.iter()
            .any(|y| last7(x) == last7(y) || one_edit_same_length(x, y))
    });
    if close { 2 } else { 3 }
}

fn email_level(a: &[String], b: &[String]) -> u8 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a.iter().any(|x| b.contains(x)) {
        return 1;
    }
    let local = |s: &str| s.split('@').next().unwrap_or("").to_string();
    let close = a.iter().any(|x| {
        b.iter()
            .any(|y| (local(x) == local(y) && local(x).len() >= 4) || within_one_edit(x, y))
    });
    if close { 2 } else { 3 }
}

fn birthday_level(a: &Record, b: &Record) -> u8 {
    let (Some(x), Some(y)) = (a.birthday, b.birthday) else {
        return 0;
    };
    let md = x.month == y.month && x.day == y.day;
    match (x.year, y.year) {
        (Some(ya), Some(yb)) if ya == yb && md => 1,
        (None, _) | (_, None) if md => 2,
        (Some(ya), Some(yb)) => {
            let swapped = x.month == y.day && x.day == y.month;
            let parts_equal =
                (ya == yb) as u8 + (x.month == y.month) as u8 + (x.day == y.day) as u8;
            let year_typo = md && one_edit_same_length(&ya.to_string(), &yb.to_string());
            if (ya == yb && swapped) || parts_equal == 2 || year_typo {
                3
            } else {
                4
            }
        }
        _ => 4,
    }
}

fn street_level(a: &Record, b: &Record) -> u8 {
    let empty = |r: &Record| r.street.is_empty() && r.street_number.is_empty();
    if empty(a) || empty(b) {
        return 0;
    }
    let number_eq = a.street_number == b.street_number;
    let number_missing = a.street_number.is_empty() || b.street_number.is_empty();
    let name_exact = a.street == b.street;
    let name_similar = !a.street.is_empty()
        && !b.street.is_empty()
        && (name_exact || jaro_winkler(&a.street, &b.street) >= 0.88);
    if number_eq && name_exact {
        1
    } else if (number_eq || number_missing) && name_similar {
        2
    } else if (number_eq && !a.street_number.is_empty()) || name_similar {
        3
    } else {
        4
    }
}

fn locality_level(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        0
    } else if a == b {
        1
    } else if jaro_winkler(a, b) >= 0.88 {
        2
    } else {
        3
    }
}

fn postcode_level(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        0
    } else if a == b {
        1
    } else if one_edit_same_length(a, b) {
        2
    } else {
        3
    }
}

/// Names compared straight or crosswise, whichever fits clearly better.
fn name_levels(a: &Record, b: &Record, nick: &Nicknames) -> (u8, u8, bool) {
    let sim = |x: &str, y: &str| {
        if x.is_empty() || y.is_empty() {
            0.0
        } else {
            jaro_winkler(x, y)
        }
    };
    let straight = sim(&a.given, &b.given) + sim(&a.family, &b.family);
    let crossed = sim(&a.given, &b.family) + sim(&a.family, &b.given);
    if crossed > straight + 0.15 {
        // Read a's names the other way round.
        return (
            given_level(&a.family, &b.given, nick),
            family_level(&a.given, &b.family),
            true,
        );
    }
    (
        given_level(&a.given, &b.given, nick),
        family_level(&a.family, &b.family),
        false,
    )
}

/// Compares two records.
pub fn compare(a: &Record, b: &Record, nick: &Nicknames) -> Comparison {
    let (given, family, swapped_names) = name_levels(a, b, nick);
    Comparison {
        levels: [
            given,
            family,
            phone_level(&a.phones, &b.phones),
            email_level(&a.emails, &b.emails),
            birthday_level(a, b),
            street_level(a, b),
            locality_level(&a.locality, &b.locality),
            postcode_level(&a.postcode, &b.postcode),
        ],
        swapped_names,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_covers_typos_of_every_kind() {
        for (a, b) in [
            ("smith", "smith"),
            ("smith", "smyth"),
            ("smith", "smth"),
            ("smith", "smitth"),
            ("smith", "msith"),
            ("smith", "smiht"),
        ] {
            assert!(within_one_edit(a, b), "{a} {b}");
            assert!(within_one_edit(b, a), "{b} {a}");
        }
        for (a, b) in [
            ("smith", "jones"),
            ("smith", "smithers"),
            ("smith", "msiht"),
        ] {
            assert!(!within_one_edit(a, b), "{a} {b}");
        }
    }
}
