//! Merchant, locations, team members and customers.

use super::Address;
use crate::time::Ts;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Merchant {
    pub id: String,
    pub business_name: String,
    pub country: &'static str,
    pub language_code: &'static str,
    pub currency: &'static str,
    pub status: &'static str,
    pub main_location_id: String,
    pub created_at: Ts,
}

#[derive(Clone, Debug, Serialize)]
pub struct Location {
    pub id: String,
    pub name: String,
    pub address: Address,
    pub timezone: &'static str,
    pub capabilities: Vec<&'static str>,
    pub status: &'static str,
    pub created_at: Ts,
    pub merchant_id: String,
    pub country: &'static str,
    pub language_code: &'static str,
    pub currency: &'static str,
    pub phone_number: String,
    pub business_name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub business_email: String,
    pub mcc: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct AssignedLocations {
    pub assignment_type: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub location_ids: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TeamMember {
    pub id: String,
    pub is_owner: bool,
    pub status: &'static str,
    pub given_name: String,
    pub family_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub assigned_locations: AssignedLocations,
}

#[derive(Clone, Debug, Serialize)]
pub struct CustomerPreferences {
    pub email_unsubscribed: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Customer {
    pub id: String,
    pub created_at: Ts,
    pub updated_at: Ts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub preferences: CustomerPreferences,
    pub creation_source: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group_ids: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub segment_ids: Vec<String>,
    pub version: i64,
}

impl Customer {
    /// Square lists only profiles with a name, company, email or phone.
    pub fn is_listable(&self) -> bool {
        self.given_name.is_some()
            || self.family_name.is_some()
            || self.company_name.is_some()
            || self.email_address.is_some()
            || self.phone_number.is_some()
    }

    /// The key used when SearchCustomers has no query: alphabetical by name.
    pub fn name_key(&self) -> (String, String) {
        (
            self.given_name.clone().unwrap_or_default().to_lowercase(),
            self.family_name.clone().unwrap_or_default().to_lowercase(),
        )
    }
}
