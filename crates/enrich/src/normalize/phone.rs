//! A small, honest E.164 normaliser for the countries Keeper's merchants are in: the North
//! American Numbering Plan and common European (plus AU/NZ) formats.
//!
//! It knows each country's calling code, trunk prefix and national number lengths; it does not
//! know every numbering range (that is libphonenumber's job), so it validates lengths and the
//! NANP area/exchange rules, and accepts other international numbers of plausible length.

use serde::{Deserialize, Serialize};

/// Dialling rules of one country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Country {
    /// ISO 3166 alpha-2 code.
    pub iso: &'static str,
    /// Calling code.
    pub calling: &'static str,
    /// National trunk prefix dropped in international form (`0`, or `1` for NANP).
    pub trunk: Option<char>,
    /// Shortest national significant number.
    pub min_len: usize,
    /// Longest national significant number.
    pub max_len: usize,
    /// International call prefix dialled from this country.
    pub exit: &'static str,
}

const fn c(
    iso: &'static str,
    calling: &'static str,
    trunk: Option<char>,
    min_len: usize,
    max_len: usize,
    exit: &'static str,
) -> Country {
    Country {
        iso,
        calling,
        trunk,
        min_len,
        max_len,
        exit,
    }
}

/// Countries with known rules.
pub const COUNTRIES: &[Country] = &[
    c("US", "1", Some('1'), 10, 10, "011"),
    c("CA", "1", Some('1'), 10, 10, "011"),
    c("GB", "44", Some('0'), 9, 10, "00"),
    c("IE", "353", Some('0'), 7, 9, "00"),
    c("FR", "33", Some('0'), 9, 9, "00"),
    c("DE", "49", Some('0'), 6, 13, "00"),
    c("AT", "43", Some('0'), 4, 13, "00"),
    c("CH", "41", Some('0'), 9, 9, "00"),
    c("NL", "31", Some('0'), 9, 9, "00"),
    c("BE", "32", Some('0'), 8, 9, "00"),
    c("ES", "34", None, 9, 9, "00"),
    c("PT", "351", None, 9, 9, "00"),
    c("IT", "39", None, 6, 11, "00"),
    c("SE", "46", Some('0'), 7, 13, "00"),
    c("DK", "45", None, 8, 8, "00"),
    c("NO", "47", None, 8, 8, "00"),
    c("FI", "358", Some('0'), 5, 12, "00"),
    c("PL", "48", None, 9, 9, "00"),
    c("AU", "61", Some('0'), 9, 9, "0011"),
    c("NZ", "64", Some('0'), 8, 10, "00"),
];

/// Rules for an ISO country code (case-insensitive).
pub fn country(iso: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.iso.eq_ignore_ascii_case(iso))
}

/// Digits of a phone text with any extension (`x12`, `ext. 12`, `#12`) removed, and whether it
/// was written in international form (`+`).
fn digits(text: &str) -> (String, bool) {
    let lower = text.to_ascii_lowercase();
    let cut = ["ext", "x", "#"]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .unwrap_or(lower.len());
    let main = &lower[..cut];
    // "+44 (0)20 ..." — a bracketed trunk zero after a country code is dropped.
    let main = main.replace("(0)", "");
    let plus = main.trim_start().starts_with('+');
    (main.chars().filter(|c| c.is_ascii_digit()).collect(), plus)
}

/// Whether `text` is shaped like a phone number (7-15 digits and only phone punctuation).
pub fn looks_like_phone(text: &str) -> bool {
    let t = text.trim();
    let n = t.chars().filter(|c| c.is_ascii_digit()).count();
    (7..=15).contains(&n)
        && t.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        && !(t.len() == 8
            && t.bytes().all(|b| b.is_ascii_digit())
            && crate::normalize::date::looks_like_date(t))
}

fn nanp_ok(nsn: &str) -> bool {
    let b = nsn.as_bytes();
    b.len() == 10 && (b'2'..=b'9').contains(&b[0]) && (b'2'..=b'9').contains(&b[3])
}

fn national(country: &Country, nsn: &str) -> Option<String> {
    if country.calling == "1" && !nanp_ok(nsn) {
        return None;
    }
    (country.min_len..=country.max_len)
        .contains(&nsn.len())
        .then(|| format!("+{}{}", country.calling, nsn))
}

/// Normalises to E.164 (`+` and digits), using `default` for numbers written nationally.
pub fn to_e164(text: &str, default: &Country) -> Option<String> {
    let (d, plus) = digits(text);
    if d.len() < 6 {
        return None;
    }
    let international = if plus {
        Some(d.as_str())
    } else if let Some(rest) = d.strip_prefix(default.exit) {
        Some(rest)
    } else {
        d.strip_prefix("00")
    };
    if let Some(num) = international {
        return international_form(num);
    }
    // National form: drop the trunk prefix.
    let nsn = match default.trunk {
        Some(t) if default.calling == "1" => {
            d.strip_prefix(t).filter(|_| d.len() == 11).unwrap_or(&d)
        }
        Some(t) => d.strip_prefix(t).unwrap_or(&d),
        None => &d,
    };
    if let Some(n) = national(default, nsn) {
        return Some(n);
    }
    // Written with the country code but without `+` ("44 7700 900123").
    if let Some(rest) = d.strip_prefix(default.calling)
        && let Some(n) = national(default, rest.strip_prefix('0').unwrap_or(rest))
    {
        return Some(n);
    }
    None
}

fn international_form(num: &str) -> Option<String> {
    for len in 1..=3 {
        if num.len() <= len {
            break;
        }
        let (cc, rest) = num.split_at(len);
        if let Some(country) = COUNTRIES.iter().find(|c| c.calling == cc) {
            let rest = match country.trunk {
                Some('0') if rest.starts_with('0') => &rest[1..],
                _ => rest,
            };
            return national(country, rest);
        }
    }
    (8..=15).contains(&num.len()).then(|| format!("+{num}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> &'static Country {
        country("US").unwrap()
    }
    fn gb() -> &'static Country {
        country("gb").unwrap()
    }

    #[test]
    fn nanp_numbers_in_every_common_shape() {
        for t in [
            "(415) 555-0132",
            "415.555.0132",
            "1-415-555-0132",
            "+1 415 555 0132",
            "011 1 415 555 0132",
            "415-555-0132 x12",
        ] {
            assert_eq!(to_e164(t, us()).as_deref(), Some("+14155550132"), "{t}");
        }
        assert_eq!(
            to_e164("(115) 555-0132", us()),
            None,
            "area codes never start with 1"
        );
        assert_eq!(
            to_e164("555-0132", us()),
            None,
            "seven digits lack an area code"
        );
    }

    #[test]
    fn uk_numbers_national_and_international() {
        for t in [
            "07700 900123",
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "0044 7700 900123",
            "447700900123",
        ] {
            assert_eq!(to_e164(t, gb()).as_deref(), Some("+447700900123"), "{t}");
        }
    }

    #[test]
    fn foreign_numbers_keep_their_own_country() {
        assert_eq!(
            to_e164("+33 6 12 34 56 78", gb()).as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            to_e164("+39 06 1234 5678", gb()).as_deref(),
            Some("+390612345678"),
            "Italy keeps its leading 0"
        );
        assert_eq!(
            to_e164("06 12 34 56 78", country("FR").unwrap()).as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            to_e164("+1 415 555 0132", gb()).as_deref(),
            Some("+14155550132")
        );
    }

    #[test]
    fn garbage_is_not_a_phone() {
        assert_eq!(to_e164("n/a", gb()), None);
        assert_eq!(to_e164("123", gb()), None);
        assert!(!looks_like_phone("19801225"));
        assert!(looks_like_phone("07700 900123"));
    }
}
