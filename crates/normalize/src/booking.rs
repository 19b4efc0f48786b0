//! Bookings with their appointment segments (service, team member, duration); a segment's
//! ordinal is its index in the booking. A later version with fewer segments drops the rest.

use crate::context::Context;
use crate::error::Result;
use crate::record::{Normalized, Outcome, Subject, finish, id_of};
use crate::time::opt_ts;
use crate::validate::{self, DateKind, Issue, Rule};
use keeper_square::models::Booking;
use keeper_store::table::booking::{Booking as BookingRow, BookingSegment as SegmentRow};
use keeper_store::{Provenance, Written};
use rusqlite::Connection;

pub const OBJECT_TYPE: &str = "BOOKING";

/// A booking's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingRows {
    pub booking: BookingRow,
    pub segments: Vec<SegmentRow>,
}

/// Normalizes one booking.
pub fn booking(b: &Booking, ctx: &Context) -> Normalized<BookingRows> {
    let Some(id) = id_of(b.id.as_deref()) else {
        return Normalized::rejected(Issue::hard(Rule::MissingId, "booking has no id"));
    };
    let mut issues = Vec::new();
    if let Err(issue) = validate::date(
        DateKind::Transaction,
        "created_at",
        b.created_at.map(|t| t.to_utc()),
        ctx,
    ) {
        issues.push(issue);
    }
    if let Err(issue) = validate::date(
        DateKind::Appointment,
        "start_at",
        b.start_at.map(|t| t.to_utc()),
        ctx,
    ) {
        issues.push(issue);
    }
    let segments = b
        .appointment_segments
        .iter()
        .enumerate()
        .map(|(i, s)| SegmentRow {
            booking_id: id.to_owned(),
            ordinal: i as i64,
            team_member_id: Some(s.team_member_id.clone()),
            service_variation_id: s.service_variation_id.clone(),
            duration_minutes: s.duration_minutes,
            intermission_minutes: s.intermission_minutes,
            provenance: Provenance::SquareSync,
        })
        .collect();
    let booking = BookingRow {
        id: id.to_owned(),
        version: b.version,
        status: b.status.as_ref().map(|s| s.as_str().to_owned()),
        location_id: b.location_id.clone(),
        customer_id: b.customer_id.clone(),
        start_at: opt_ts(b.start_at.as_ref()),
        created_at: opt_ts(b.created_at.as_ref()),
        updated_at: opt_ts(b.updated_at.as_ref()),
        source: b.source.as_ref().map(|s| s.as_str().to_owned()),
        customer_note: b.customer_note.clone(),
        seller_note: b.seller_note.clone(),
        provenance: Provenance::SquareSync,
    };
    Normalized::with_issues(BookingRows { booking, segments }, issues)
}

/// Writes a booking's rows; segments beyond the new count (from an earlier version with
/// more) are removed. A new booking has none to remove, which spares a delete.
pub fn write_rows(conn: &Connection, rows: &BookingRows) -> Result<usize> {
    let written = rows.booking.write(conn)?;
    for s in &rows.segments {
        s.upsert(conn)?;
    }
    if written == Written::Updated {
        conn.prepare_cached(
            "DELETE FROM booking_segments WHERE booking_id = ?1 AND ordinal >= ?2",
        )?
        .execute((&rows.booking.id, rows.segments.len() as i64))?;
    }
    Ok(1 + rows.segments.len())
}

/// Normalizes and writes one booking and its segments.
pub fn write_booking(
    conn: &Connection,
    b: &Booking,
    ctx: &Context,
    json: Option<&str>,
) -> Result<Outcome> {
    let subject = Subject {
        object_type: OBJECT_TYPE,
        id: b.id.as_deref(),
        object: b,
        json,
        quarantine_empty: false,
    };
    finish(conn, &subject, booking(b, ctx), ctx, |rows| {
        write_rows(conn, rows)
    })
}
