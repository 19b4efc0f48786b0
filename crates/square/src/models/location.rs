//! `Location`: a seller's business location (its IANA `timezone` decides what "today" is).

use super::{Address, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// Whether the location is active.
    pub enum LocationStatus {
        Active = "ACTIVE",
        Inactive = "INACTIVE",
    }
}

open_enum! {
    /// Physical shop or mobile business.
    pub enum LocationType {
        Physical = "PHYSICAL",
        Mobile = "MOBILE",
    }
}

open_enum! {
    /// What the location can do.
    pub enum LocationCapability {
        CreditCardProcessing = "CREDIT_CARD_PROCESSING",
        AutomaticTransfers = "AUTOMATIC_TRANSFERS",
        UnlinkedRefunds = "UNLINKED_REFUNDS",
    }
}

/// A business location.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub id: Option<String>,
    pub name: Option<String>,
    pub address: Option<Address>,
    /// IANA time zone (`America/Los_Angeles`).
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<LocationCapability>,
    pub status: Option<LocationStatus>,
    pub created_at: Option<Timestamp>,
    pub merchant_id: Option<String>,
    pub country: Option<String>,
    pub language_code: Option<String>,
    pub currency: Option<String>,
    pub phone_number: Option<String>,
    pub business_name: Option<String>,
    #[serde(rename = "type")]
    pub location_type: Option<LocationType>,
    pub website_url: Option<String>,
    pub business_hours: Option<BusinessHours>,
    pub business_email: Option<String>,
    pub description: Option<String>,
    pub coordinates: Option<Coordinates>,
    pub logo_url: Option<String>,
    pub mcc: Option<String>,
}

/// Opening hours of a location.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BusinessHours {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<BusinessHoursPeriod>,
}

/// One opening period (`day_of_week` `MON`..`SUN`, local times `HH:MM:SS`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BusinessHoursPeriod {
    pub day_of_week: Option<String>,
    pub start_local_time: Option<String>,
    pub end_local_time: Option<String>,
}

/// Latitude and longitude of a location.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Coordinates {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}
