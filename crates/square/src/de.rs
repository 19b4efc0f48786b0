//! Serde helpers for Square's loosely typed numbers.
//!
//! Square's schema says int64, but official examples send some int64 values as strings
//! (`pricing_rule_reference.catalog_version: "1605486402527"`). Every integer field in the
//! models goes through these helpers: a JSON number or a decimal string is accepted, a
//! number is written back.
//!
//! Use `#[serde(with = "crate::de::int64")]` on `i64` and
//! `#[serde(default, with = "crate::de::int64_opt")]` on `Option<i64>`.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

struct Int64Visitor;

impl Visitor<'_> for Int64Visitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, as a JSON number or a string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("integer {v} does not fit in int64")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // `40.0` is an integer written as a float; `40.5` is not an integer.
        if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
            Ok(v as i64)
        } else {
            Err(E::custom(format!("{v} is not an integer")))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse::<i64>()
            .map_err(|_| E::custom(format!("{v:?} is not an int64")))
    }
}

/// `i64` that accepts a JSON number or a string and writes a number.
pub mod int64 {
    use serde::{Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        deserializer.deserialize_any(super::Int64Visitor)
    }

    pub fn serialize<S: Serializer>(value: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(*value)
    }
}

/// `Option<i64>` that accepts a JSON number, a string, or null, and writes a number.
pub mod int64_opt {
    use serde::{Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<i64>, D::Error> {
        deserializer.deserialize_option(super::OptionVisitor)
    }

    pub fn serialize<S: Serializer>(value: &Option<i64>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.serialize_some(v),
            None => serializer.serialize_none(),
        }
    }
}

struct OptionVisitor;

impl<'de> Visitor<'de> for OptionVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, as a JSON number or a string, or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(Int64Visitor).map(Some)
    }
}

/// `Option<Timestamp>` where an empty string means "none" (RetrieveTokenStatus sends
/// `expires_at: ""` for tokens that never expire).
pub mod timestamp_or_empty {
    use crate::models::Timestamp;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        let raw = Option::<String>::deserialize(deserializer)?;
        match raw.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => Timestamp::parse(text)
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }

    pub fn serialize<S: Serializer>(
        value: &Option<Timestamp>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(with = "super::int64")]
        required: i64,
        #[serde(default, with = "super::int64_opt")]
        optional: Option<i64>,
    }

    fn parse(json: &str) -> Result<Holder, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn int64_accepts_number_and_string() {
        let h = parse(r#"{"required": 1599775456731, "optional": "1605486402527"}"#).unwrap();
        assert_eq!(h.required, 1_599_775_456_731);
        assert_eq!(h.optional, Some(1_605_486_402_527));
        let h = parse(r#"{"required": "-34"}"#).unwrap();
        assert_eq!(h.required, -34);
        assert_eq!(h.optional, None);
    }

    #[test]
    fn int64_optional_accepts_null() {
        let h = parse(r#"{"required": 1, "optional": null}"#).unwrap();
        assert_eq!(h.optional, None);
    }

    #[test]
    fn int64_rejects_fractions_and_words() {
        assert!(parse(r#"{"required": 1.5}"#).is_err());
        assert!(parse(r#"{"required": "ten"}"#).is_err());
        assert!(parse(r#"{"required": "1.0"}"#).is_err());
        assert!(parse(r#"{"required": 18446744073709551615}"#).is_err());
    }

    #[test]
    fn int64_accepts_whole_float() {
        assert_eq!(parse(r#"{"required": 40.0}"#).unwrap().required, 40);
    }
}
