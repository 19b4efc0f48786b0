//! Bookings and their appointment segments (service, team member, duration).

use crate::row_macro::table_row;

table_row! {
    /// A booking (appointment).
    Booking => "bookings", key (id) {
        id: String,
        version: Option<i64>,
        status: Option<String>,
        location_id: Option<String>,
        customer_id: Option<String>,
        start_at: Option<String>,
        created_at: Option<String>,
        updated_at: Option<String>,
        source: Option<String>,
        customer_note: Option<String>,
        seller_note: Option<String>,
    }
}

table_row! {
    /// One segment of a booking, in the booking's order.
    BookingSegment => "booking_segments", key (booking_id, ordinal) {
        booking_id: String,
        ordinal: i64,
        team_member_id: Option<String>,
        service_variation_id: Option<String>,
        duration_minutes: Option<i64>,
        intermission_minutes: Option<i64>,
    }
}
