//! Phones for matching. Normalisation to E.164 is `keeper_normalize::phone::to_e164`, the one
//! normaliser Keeper has; this module adds what only spreadsheets need:
//!
//! - [`looks_like_phone`], the content sniffing column detection uses;
//! - [`to_e164`], which reads a cell that spreadsheets stripped of its `+` (Excel turns
//!   `+44 7700 900123` into the number `447700900123`): when the national reading fails and the
//!   cell has at least 11 digits, it is read again as international. A phone that still cannot
//!   be read is `None`; the row keeps its other fields.

use keeper_normalize::phone::{self as core, PhoneError};

/// Countries whose national format writes dates month first.
const NANP: &[&str] = &["US", "CA", "PR"];

/// Whether `iso` is a North American Numbering Plan country (month-first dates, `+1`).
pub fn is_nanp(iso: &str) -> bool {
    NANP.iter().any(|c| c.eq_ignore_ascii_case(iso))
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

/// Normalises to E.164, reading national numbers with `country` (ISO alpha-2).
pub fn to_e164(text: &str, country: &str) -> Option<String> {
    match core::to_e164(text, Some(country)) {
        Ok(p) => Some(p),
        Err(PhoneError::BadLength { .. } | PhoneError::UnknownCountry(_)) => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            let bare = !text.trim_start().starts_with('+') && !digits.starts_with('0');
            if bare && digits.len() >= 11 {
                core::to_e164(&format!("+{digits}"), None).ok()
            } else {
                None
            }
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(to_e164(t, "US").as_deref(), Some("+14155550132"), "{t}");
        }
        assert_eq!(
            to_e164("(115) 555-0132", "US"),
            None,
            "area codes never start with 1"
        );
        assert_eq!(
            to_e164("555-0132", "US"),
            None,
            "seven digits lack an area code"
        );
    }

    #[test]
    fn uk_numbers_national_international_and_stripped_of_their_plus() {
        for t in [
            "07700 900123",
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "0044 7700 900123",
            "447700900123",
        ] {
            assert_eq!(to_e164(t, "GB").as_deref(), Some("+447700900123"), "{t}");
        }
        assert_eq!(
            to_e164("447700900123", "US").as_deref(),
            Some("+447700900123"),
            "a bare international number is read as such when the national reading fails"
        );
    }

    #[test]
    fn foreign_numbers_keep_their_own_country() {
        assert_eq!(
            to_e164("+33 6 12 34 56 78", "GB").as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            to_e164("+39 06 1234 5678", "GB").as_deref(),
            Some("+390612345678"),
            "Italy keeps its leading 0"
        );
        assert_eq!(
            to_e164("06 12 34 56 78", "FR").as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            to_e164("+1 415 555 0132", "GB").as_deref(),
            Some("+14155550132")
        );
    }

    #[test]
    fn garbage_is_not_a_phone() {
        assert_eq!(to_e164("n/a", "GB"), None);
        assert_eq!(to_e164("123", "GB"), None);
        assert_eq!(to_e164("0812 3456 7890", "ID"), None);
        assert!(!looks_like_phone("19801225"));
        assert!(looks_like_phone("07700 900123"));
    }
}
