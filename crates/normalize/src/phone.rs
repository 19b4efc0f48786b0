//! A small, honest phone normalizer: turns what customers type into E.164 (`+12125554240`)
//! for the countries Keeper's merchants are in, and says why when it cannot.
//!
//! - Punctuation, spaces and a `(0)` after the country code are ignored; an extension
//!   (`x12`, `ext. 12`, `#12`, `;ext=12`) is dropped. Any other letter is an error (vanity
//!   numbers are not guessed).
//! - `+CC…`, `00CC…` and (in NANP countries) `011CC…` are international. A known calling
//!   code gets its length checked and a stray trunk `0` removed (`+44 020…` → `+4420…`,
//!   except Italy, where the `0` belongs to the number); an unknown calling code is kept as
//!   written when it has 8 to 15 digits, since the caller spelled out the country.
//! - Anything else is national, read with the customer's country (their address) or the
//!   default country from the location. NANP (US, CA, PR): 10 digits whose area code does
//!   not start with `0` or `1`, or 11 starting with `1`. The exchange (digits 4–6) is not
//!   checked: Square's directory holds numbers typed in by hand and imported from other
//!   systems, and the seed's rule is only "at least 10 digits"; a number the owner can read
//!   is worth more on a call list than a nulled one. UK, IE, AU, NZ, FR, DE, AT, CH, NL, BE, SE, FI:
//!   the trunk `0` is dropped. ES, PT, IT, DK, NO: no trunk prefix.
//! - A national number from a country not listed here is an error: it is not guessed.
//!
//! The validation rule on top of this (≥ 10 digits) lives in `validate`.

use std::fmt;

/// One country's national numbering, as far as normalization needs it.
struct Plan {
    iso: &'static str,
    code: &'static str,
    /// National numbers start with a `0` that is dropped in international form.
    trunk_zero: bool,
    /// Allowed lengths of the national significant number (after the trunk `0`).
    nsn: (usize, usize),
}

const PLANS: &[Plan] = &[
    Plan {
        iso: "GB",
        code: "44",
        trunk_zero: true,
        nsn: (9, 10),
    },
    Plan {
        iso: "IE",
        code: "353",
        trunk_zero: true,
        nsn: (7, 9),
    },
    Plan {
        iso: "AU",
        code: "61",
        trunk_zero: true,
        nsn: (9, 9),
    },
    Plan {
        iso: "NZ",
        code: "64",
        trunk_zero: true,
        nsn: (8, 10),
    },
    Plan {
        iso: "FR",
        code: "33",
        trunk_zero: true,
        nsn: (9, 9),
    },
    Plan {
        iso: "DE",
        code: "49",
        trunk_zero: true,
        nsn: (6, 11),
    },
    Plan {
        iso: "AT",
        code: "43",
        trunk_zero: true,
        nsn: (7, 13),
    },
    Plan {
        iso: "CH",
        code: "41",
        trunk_zero: true,
        nsn: (9, 9),
    },
    Plan {
        iso: "NL",
        code: "31",
        trunk_zero: true,
        nsn: (9, 9),
    },
    Plan {
        iso: "BE",
        code: "32",
        trunk_zero: true,
        nsn: (8, 9),
    },
    Plan {
        iso: "SE",
        code: "46",
        trunk_zero: true,
        nsn: (7, 10),
    },
    Plan {
        iso: "FI",
        code: "358",
        trunk_zero: true,
        nsn: (6, 10),
    },
    Plan {
        iso: "ES",
        code: "34",
        trunk_zero: false,
        nsn: (9, 9),
    },
    Plan {
        iso: "PT",
        code: "351",
        trunk_zero: false,
        nsn: (9, 9),
    },
    Plan {
        iso: "IT",
        code: "39",
        trunk_zero: false,
        nsn: (6, 11),
    },
    Plan {
        iso: "DK",
        code: "45",
        trunk_zero: false,
        nsn: (8, 8),
    },
    Plan {
        iso: "NO",
        code: "47",
        trunk_zero: false,
        nsn: (8, 8),
    },
];

const NANP: &[&str] = &["US", "CA", "PR"];

/// Why a phone number could not be normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    /// No digit at all.
    NoDigits,
    /// Letters other than an extension marker.
    Letters,
    /// A national number and no country (or one without a plan here) to read it with.
    UnknownCountry(Option<String>),
    /// Too short or too long for the country.
    BadLength { country: String, digits: usize },
    /// A NANP number whose area code starts with 0 or 1 (no such area code exists: the
    /// digits are most likely shifted, e.g. a `1` prefix and a digit missing).
    InvalidNanp,
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhoneError::NoDigits => f.write_str("has no digits"),
            PhoneError::Letters => f.write_str("contains letters"),
            PhoneError::UnknownCountry(None) => {
                f.write_str("has no country code and no default country is known")
            }
            PhoneError::UnknownCountry(Some(c)) => {
                write!(
                    f,
                    "has no country code and Keeper has no numbering plan for {c}"
                )
            }
            PhoneError::BadLength { country, digits } => {
                write!(f, "has {digits} digits, not a valid length for {country}")
            }
            PhoneError::InvalidNanp => {
                f.write_str("is not a valid North American number (area code starts with 0 or 1)")
            }
        }
    }
}

/// Normalizes `text` to E.164, reading a national number with `country` (ISO alpha-2).
pub fn to_e164(text: &str, country: Option<&str>) -> Result<String, PhoneError> {
    let (plus, digits) = digits_of(text)?;
    let country = country.map(str::trim).filter(|c| !c.is_empty());
    let nanp_home = country.is_some_and(|c| NANP.iter().any(|n| n.eq_ignore_ascii_case(c)));
    if plus {
        return international(&digits);
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return international(rest);
    }
    if nanp_home && let Some(rest) = digits.strip_prefix("011") {
        return international(rest);
    }
    national(&digits, country)
}

/// The digits of `text` and whether it started with `+`, with any extension removed.
fn digits_of(text: &str) -> Result<(bool, String), PhoneError> {
    let lower = text.trim().to_ascii_lowercase();
    let cut = ["ext", "x", "#", ";"]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .unwrap_or(lower.len());
    let main = lower[..cut].replace("(0)", "");
    if main.chars().any(char::is_alphabetic) {
        return Err(PhoneError::Letters);
    }
    let plus = main.trim_start().starts_with('+');
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(PhoneError::NoDigits);
    }
    Ok((plus, digits))
}

fn international(digits: &str) -> Result<String, PhoneError> {
    if let Some(rest) = digits.strip_prefix('1') {
        return nanp(rest, "NANP");
    }
    // Calling codes are prefix-free, so at most one plan matches.
    if let Some(plan) = PLANS.iter().find(|p| digits.starts_with(p.code)) {
        let mut nsn = &digits[plan.code.len()..];
        if plan.trunk_zero {
            nsn = nsn.strip_prefix('0').unwrap_or(nsn);
        }
        return with_plan(plan, nsn);
    }
    if (8..=15).contains(&digits.len()) {
        Ok(format!("+{digits}"))
    } else {
        Err(PhoneError::BadLength {
            country: "an international number".into(),
            digits: digits.len(),
        })
    }
}

fn national(digits: &str, country: Option<&str>) -> Result<String, PhoneError> {
    let Some(country) = country else {
        return Err(PhoneError::UnknownCountry(None));
    };
    if NANP.iter().any(|n| n.eq_ignore_ascii_case(country)) {
        let ten = match digits.len() {
            11 => digits.strip_prefix('1').unwrap_or(digits),
            _ => digits,
        };
        return nanp(ten, country);
    }
    let Some(plan) = PLANS.iter().find(|p| p.iso.eq_ignore_ascii_case(country)) else {
        return Err(PhoneError::UnknownCountry(Some(
            country.to_ascii_uppercase(),
        )));
    };
    let nsn = if plan.trunk_zero {
        digits.strip_prefix('0').unwrap_or(digits)
    } else {
        digits
    };
    with_plan(plan, nsn)
}

fn with_plan(plan: &Plan, nsn: &str) -> Result<String, PhoneError> {
    if (plan.nsn.0..=plan.nsn.1).contains(&nsn.len()) {
        Ok(format!("+{}{nsn}", plan.code))
    } else {
        Err(PhoneError::BadLength {
            country: plan.iso.to_owned(),
            digits: nsn.len(),
        })
    }
}

/// Ten NANP digits: `NXX XXX XXXX`, N = 2..9 (area code only; see the module docs).
fn nanp(ten: &str, country: &str) -> Result<String, PhoneError> {
    if ten.len() != 10 {
        return Err(PhoneError::BadLength {
            country: country.to_ascii_uppercase(),
            digits: ten.len(),
        });
    }
    let b = ten.as_bytes();
    if b[0] < b'2' {
        return Err(PhoneError::InvalidNanp);
    }
    Ok(format!("+1{ten}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, country: Option<&str>) -> String {
        to_e164(text, country).unwrap_or_else(|e| panic!("{text:?} ({country:?}): {e}"))
    }

    #[test]
    fn phone_nanp_formats_become_plus_one() {
        for text in [
            "+1-212-555-4240",
            "(212) 555-4240",
            "212.555.4240",
            "1 212 555 4240",
            "212-555-4240 x 12",
            "011 1 212 555 4240",
        ] {
            assert_eq!(ok(text, Some("US")), "+12125554240", "{text}");
        }
        assert_eq!(ok("416 555 0199", Some("CA")), "+14165550199");
    }

    #[test]
    fn phone_nanp_rejects_bad_area_codes_and_lengths() {
        assert_eq!(
            to_e164("112 555 4240", Some("US")),
            Err(PhoneError::InvalidNanp)
        );
        assert_eq!(
            to_e164("+1 012 555 4240", None),
            Err(PhoneError::InvalidNanp)
        );
        assert!(matches!(
            to_e164("555 4240", Some("US")),
            Err(PhoneError::BadLength { digits: 7, .. })
        ));
    }

    /// Regression: the salon demo quarantined 17 % of its customers because numbers whose
    /// exchange starts with 0 or 1 were rejected; Square holds such numbers.
    #[test]
    fn phone_nanp_exchange_starting_with_0_or_1_is_accepted() {
        assert_eq!(ok("(555) 123-4567", Some("US")), "+15551234567");
        assert_eq!(ok("+1 555 123 4567", None), "+15551234567");
        assert_eq!(ok("555.123.4567", Some("US")), "+15551234567");
        assert_eq!(ok("+16170551234", None), "+16170551234");
        assert_eq!(ok("617-055-1234", Some("CA")), "+16170551234");
        assert_eq!(ok("1 (212) 155-4240", Some("US")), "+12121554240");
    }

    #[test]
    fn phone_uk_drops_the_trunk_zero() {
        assert_eq!(ok("020 7946 0958", Some("GB")), "+442079460958");
        assert_eq!(ok("07700 900123", Some("GB")), "+447700900123");
        assert_eq!(ok("+44 (0)20 7946 0958", Some("US")), "+442079460958");
        assert_eq!(ok("+44 020 7946 0958", None), "+442079460958");
        assert_eq!(ok("0044 20 7946 0958", Some("FR")), "+442079460958");
    }

    #[test]
    fn phone_australia_and_new_zealand() {
        assert_eq!(ok("0412 345 678", Some("AU")), "+61412345678");
        assert_eq!(ok("(02) 9374 4000", Some("AU")), "+61293744000");
        assert_eq!(ok("021 123 4567", Some("NZ")), "+64211234567");
    }

    #[test]
    fn phone_europe_with_and_without_trunk_prefix() {
        assert_eq!(ok("01 23 45 67 89", Some("FR")), "+33123456789");
        assert_eq!(ok("030 1234567", Some("DE")), "+49301234567");
        assert_eq!(ok("0151 12345678", Some("DE")), "+4915112345678");
        assert_eq!(ok("06 12345678", Some("NL")), "+31612345678");
        assert_eq!(ok("612 34 56 78", Some("ES")), "+34612345678");
        assert_eq!(ok("06 6982 1234", Some("IT")), "+390669821234");
        assert_eq!(ok("+39 06 6982 1234", None), "+390669821234");
        assert_eq!(ok("087 123 4567", Some("IE")), "+353871234567");
        assert_eq!(ok("12 34 56 78", Some("DK")), "+4512345678");
    }

    #[test]
    fn phone_unknown_country_or_letters_is_an_error() {
        assert_eq!(
            to_e164("0812 3456 7890", None),
            Err(PhoneError::UnknownCountry(None))
        );
        assert_eq!(
            to_e164("0812 3456 7890", Some("ID")),
            Err(PhoneError::UnknownCountry(Some("ID".into())))
        );
        assert_eq!(
            to_e164("1-800-FLOWERS", Some("US")),
            Err(PhoneError::Letters)
        );
        assert_eq!(to_e164("n/a", Some("US")), Err(PhoneError::Letters));
        assert_eq!(to_e164("--", Some("US")), Err(PhoneError::NoDigits));
    }

    #[test]
    fn phone_unknown_calling_code_is_kept_when_spelled_out() {
        assert_eq!(ok("+62 812 3456 7890", Some("US")), "+6281234567890");
        assert!(to_e164("+62 12", None).is_err());
    }
}
