//! `Booking` (an appointment) and its `AppointmentSegment`s; team-member booking profiles.

use super::{Address, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// Booking state.
    pub enum BookingStatus {
        Pending = "PENDING",
        CancelledByCustomer = "CANCELLED_BY_CUSTOMER",
        CancelledBySeller = "CANCELLED_BY_SELLER",
        Declined = "DECLINED",
        Accepted = "ACCEPTED",
        NoShow = "NO_SHOW",
    }
}

open_enum! {
    /// Where the appointment takes place.
    pub enum BookingLocationType {
        BusinessLocation = "BUSINESS_LOCATION",
        CustomerLocation = "CUSTOMER_LOCATION",
        Phone = "PHONE",
    }
}

open_enum! {
    /// How the booking was made (needs seller-level permission).
    pub enum BookingSource {
        FirstPartyMerchant = "FIRST_PARTY_MERCHANT",
        FirstPartyBuyer = "FIRST_PARTY_BUYER",
        ThirdPartyBuyer = "THIRD_PARTY_BUYER",
        Api = "API",
    }
}

open_enum! {
    /// Who created the booking.
    pub enum BookingCreatorType {
        TeamMember = "TEAM_MEMBER",
        Customer = "CUSTOMER",
    }
}

/// An appointment. There is no end time: it ends at `start_at` plus the segments'
/// durations and intermissions.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Booking {
    pub id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub version: Option<i64>,
    pub status: Option<BookingStatus>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub start_at: Option<Timestamp>,
    pub location_id: Option<String>,
    pub customer_id: Option<String>,
    pub customer_note: Option<String>,
    pub seller_note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appointment_segments: Vec<AppointmentSegment>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub transition_time_minutes: Option<i64>,
    pub all_day: Option<bool>,
    pub location_type: Option<BookingLocationType>,
    pub creator_details: Option<BookingCreatorDetails>,
    pub source: Option<BookingSource>,
    pub address: Option<Address>,
}

/// One service within a booking, performed by one team member.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentSegment {
    #[serde(default, with = "crate::de::int64_opt")]
    pub duration_minutes: Option<i64>,
    /// An ITEM_VARIATION of an APPOINTMENTS_SERVICE item.
    pub service_variation_id: Option<String>,
    pub team_member_id: String,
    #[serde(default, with = "crate::de::int64_opt")]
    pub service_variation_version: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub intermission_minutes: Option<i64>,
    pub any_team_member: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_ids: Vec<String>,
}

/// Who created a booking.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BookingCreatorDetails {
    pub creator_type: Option<BookingCreatorType>,
    pub team_member_id: Option<String>,
    pub customer_id: Option<String>,
}

/// A team member's public booking profile.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TeamMemberBookingProfile {
    pub team_member_id: Option<String>,
    pub description: Option<String>,
    pub display_name: Option<String>,
    pub is_bookable: Option<bool>,
    pub profile_image_url: Option<String>,
}
