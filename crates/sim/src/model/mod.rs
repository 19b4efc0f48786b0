//! Square objects as the simulator serves them: plain structs whose JSON matches Square's
//! field names, with absent and empty fields omitted. Field lists follow
//! `shared/docs/square-api.md` §4.

pub mod catalog;
pub mod commerce;
pub mod loyalty;
pub mod people;

pub use catalog::*;
pub use commerce::*;
pub use loyalty::*;
pub use people::*;

use serde::Serialize;

/// `{amount, currency}` with the amount in minor units.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct Money {
    pub amount: i64,
    pub currency: &'static str,
}

impl Money {
    pub fn usd(amount: i64) -> Money {
        Money {
            amount,
            currency: "USD",
        }
    }
}

/// A postal address.
#[derive(Clone, Debug, Serialize, Default)]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line_1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line_2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub administrative_district_level_1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<&'static str>,
}
