//! `Customer` profiles, plus the customer groups and segments they belong to.

use super::{Address, Birthday, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// How the customer profile was created.
    pub enum CustomerCreationSource {
        Other = "OTHER",
        Appointments = "APPOINTMENTS",
        Coupon = "COUPON",
        DeletionRecovery = "DELETION_RECOVERY",
        Directory = "DIRECTORY",
        Egifting = "EGIFTING",
        EmailCollection = "EMAIL_COLLECTION",
        Feedback = "FEEDBACK",
        Import = "IMPORT",
        Invoices = "INVOICES",
        Loyalty = "LOYALTY",
        Marketing = "MARKETING",
        Merge = "MERGE",
        OnlineStore = "ONLINE_STORE",
        InstantProfile = "INSTANT_PROFILE",
        Terminal = "TERMINAL",
        ThirdParty = "THIRD_PARTY",
        ThirdPartyImport = "THIRD_PARTY_IMPORT",
        UnmergeRecovery = "UNMERGE_RECOVERY",
    }
}

/// A customer profile.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: Option<String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
    pub company_name: Option<String>,
    pub email_address: Option<String>,
    pub phone_number: Option<String>,
    pub address: Option<Address>,
    pub birthday: Option<Birthday>,
    pub reference_id: Option<String>,
    pub note: Option<String>,
    pub preferences: Option<CustomerPreferences>,
    pub creation_source: Option<CustomerCreationSource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segment_ids: Vec<String>,
    /// Bumped on every change except segment membership.
    #[serde(default, with = "crate::de::int64_opt")]
    pub version: Option<i64>,
    pub tax_ids: Option<CustomerTaxIds>,
}

/// Marketing preferences.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CustomerPreferences {
    pub email_unsubscribed: Option<bool>,
}

/// Tax ids on a customer profile.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CustomerTaxIds {
    pub eu_vat: Option<String>,
}

/// A group the seller put customers in by hand.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerGroup {
    pub id: Option<String>,
    pub name: String,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
}

/// A segment Square computes (`Regulars`, `Lapsed`, ...).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSegment {
    pub id: Option<String>,
    pub name: String,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
}
