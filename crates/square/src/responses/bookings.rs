//! Booking envelopes.

use super::{one_response, page_response};
use crate::models::{Booking, TeamMemberBookingProfile};

page_response! {
    /// `GET /v2/bookings` (windows of at most 31 days on `start_at`).
    ListBookingsResponse { bookings: Booking }
}

one_response! {
    /// `GET /v2/bookings/{booking_id}`.
    RetrieveBookingResponse { booking: Booking }
}

page_response! {
    /// `GET /v2/bookings/team-member-booking-profiles`.
    ListTeamMemberBookingProfilesResponse { team_member_booking_profiles: TeamMemberBookingProfile }
}
