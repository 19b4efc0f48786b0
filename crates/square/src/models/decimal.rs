//! `Decimal`: Square's decimal strings (`OrderLineItem.quantity` "2.25", tax `percentage`
//! "5.0"), validated on the way in and kept as the exact text Square sent.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A validated decimal string: optional `-`, digits, optional `.` and digits.
/// Kept as text so nothing is lost to floating point; convert with `to_scaled`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

/// A string that is not a plain decimal number, or a conversion that would lose digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("{0:?} is not a decimal number")]
    Invalid(String),
    #[error("{value} has more than {scale} decimal places")]
    TooPrecise { value: String, scale: u32 },
    #[error("{0} is too large")]
    Overflow(String),
}

impl Decimal {
    /// Validates `text` (`"1"`, `"2.25"`, `"-0.5"`; not `".5"`, `"1e3"`, `""`).
    pub fn parse(text: &str) -> Result<Self, DecimalError> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (whole, frac) = match digits.split_once('.') {
            Some((whole, frac)) => (whole, Some(frac)),
            None => (digits, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if all_digits(whole) && frac.is_none_or(all_digits) {
            Ok(Decimal(text.to_owned()))
        } else {
            Err(DecimalError::Invalid(text.to_owned()))
        }
    }

    /// The text exactly as Square sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the value is below zero (`"-0"` is not).
    pub fn is_negative(&self) -> bool {
        self.0.starts_with('-') && self.0.bytes().any(|b| (b'1'..=b'9').contains(&b))
    }

    /// An approximation for display and statistics.
    pub fn as_f64(&self) -> f64 {
        // Validated text always parses as f64.
        self.0.parse().unwrap_or(f64::NAN)
    }

    /// The value times 10^`scale` as an exact integer: `"2.25".to_scaled(3) == 2250`
    /// (thousandths). Fails rather than round when a non-zero digit would be lost.
    pub fn to_scaled(&self, scale: u32) -> Result<i64, DecimalError> {
        let negative = self.0.starts_with('-');
        let digits = self.0.trim_start_matches('-');
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let kept = frac.len().min(scale as usize);
        if frac[kept..].bytes().any(|b| b != b'0') {
            return Err(DecimalError::TooPrecise {
                value: self.0.clone(),
                scale,
            });
        }
        let overflow = || DecimalError::Overflow(self.0.clone());
        let mut value: i64 = 0;
        for b in whole.bytes().chain(frac[..kept].bytes()) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
                .ok_or_else(overflow)?;
        }
        for _ in kept..scale as usize {
            value = value.checked_mul(10).ok_or_else(overflow)?;
        }
        Ok(if negative { -value } else { value })
    }

    /// `amount` (minor units, e.g. a unit price) times this value, rounded half away from
    /// zero to whole minor units: `"2.5"` × 333 = 833 (832.5 rounded).
    pub fn times_minor_units(&self, amount: i64) -> Result<i64, DecimalError> {
        let digits = self.0.trim_start_matches('-');
        let scale = digits.split_once('.').map_or(0, |(_, frac)| frac.len()) as u32;
        if scale > 18 {
            return Err(DecimalError::TooPrecise {
                value: self.0.clone(),
                scale: 18,
            });
        }
        let scaled = i128::from(self.to_scaled(scale)?);
        let unit = 10_i128.pow(scale);
        let product = scaled * i128::from(amount);
        let rounded = (product.abs() + unit / 2) / unit * product.signum();
        i64::try_from(rounded).map_err(|_| DecimalError::Overflow(self.0.clone()))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Decimal {
    type Err = DecimalError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Decimal::parse(text)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Decimal::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn decimal_accepts_integers_and_fractions() {
        for text in ["1", "2.25", "0", "0.00001", "-0.5", "1000000"] {
            assert_eq!(d(text).as_str(), text);
        }
    }

    #[test]
    fn decimal_rejects_non_decimal_text() {
        for text in [
            "", ".5", "1.", "1e3", "1,5", " 1", "+1", "--1", "NaN", "1.2.3",
        ] {
            assert!(Decimal::parse(text).is_err(), "{text:?} should be rejected");
        }
    }

    #[test]
    fn decimal_quantity_scales_exactly() {
        assert_eq!(d("2.25").to_scaled(3), Ok(2250));
        assert_eq!(d("1").to_scaled(3), Ok(1000));
        assert_eq!(d("2.2500").to_scaled(2), Ok(225));
        assert_eq!(d("-0.5").to_scaled(1), Ok(-5));
        assert!(matches!(
            d("2.255").to_scaled(2),
            Err(DecimalError::TooPrecise { .. })
        ));
        assert!(matches!(
            d("99999999999999999999").to_scaled(0),
            Err(DecimalError::Overflow(_))
        ));
    }

    #[test]
    fn decimal_quantity_times_unit_price_rounds_half_away_from_zero() {
        assert_eq!(d("3").times_minor_units(2000), Ok(6000));
        assert_eq!(d("2.5").times_minor_units(333), Ok(833));
        assert_eq!(d("0.5").times_minor_units(-3), Ok(-2));
        assert_eq!(d("1.25").times_minor_units(100), Ok(125));
    }

    #[test]
    fn decimal_f64_and_sign() {
        assert_eq!(d("2.25").as_f64(), 2.25);
        assert!(d("-1").is_negative());
        assert!(!d("-0.0").is_negative());
    }

    #[test]
    fn decimal_round_trips_text_through_json() {
        let q: Decimal = serde_json::from_str(r#""2.50""#).unwrap();
        assert_eq!(serde_json::to_string(&q).unwrap(), r#""2.50""#);
        assert!(serde_json::from_str::<Decimal>(r#""two""#).is_err());
        assert!(serde_json::from_str::<Decimal>("2").is_err());
    }
}
