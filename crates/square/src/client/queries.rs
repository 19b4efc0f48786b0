//! Query parameters of the GET list operations, and the 31-day rule of ListBookings.
//! Each query turns into `(name, value)` pairs in a fixed order, so a follow-up page sends
//! exactly the same query string plus the cursor.

use super::error::ClientError;
use crate::models::{CatalogObjectType, SortOrder, Timestamp};
use crate::requests::CustomerSortField;
use chrono::Duration as ChronoDuration;

/// ListBookings refuses `start_at_max - start_at_min` above this.
pub const MAX_BOOKINGS_WINDOW: ChronoDuration = ChronoDuration::days(31);

type Pairs = Vec<(String, String)>;

fn push(pairs: &mut Pairs, name: &str, value: Option<String>) {
    if let Some(value) = value {
        pairs.push((name.to_owned(), value));
    }
}

fn ts(t: &Option<Timestamp>) -> Option<String> {
    t.as_ref().map(Timestamp::to_rfc3339)
}

/// `GET /v2/customers`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListCustomersQuery {
    /// 1..=100 (Square answers 400 outside).
    pub limit: Option<u32>,
    pub sort_field: Option<CustomerSortField>,
    pub sort_order: Option<SortOrder>,
}

impl ListCustomersQuery {
    /// Keeper's backfill: 100 per page, oldest first.
    pub fn backfill() -> Self {
        ListCustomersQuery {
            limit: Some(100),
            sort_field: Some(CustomerSortField::CreatedAt),
            sort_order: Some(SortOrder::Asc),
        }
    }

    pub(crate) fn pairs(&self) -> Pairs {
        let mut p = Pairs::new();
        push(&mut p, "limit", self.limit.map(|l| l.to_string()));
        push(
            &mut p,
            "sort_field",
            self.sort_field.as_ref().map(|s| s.as_str().to_owned()),
        );
        push(
            &mut p,
            "sort_order",
            self.sort_order.as_ref().map(|s| s.as_str().to_owned()),
        );
        p
    }
}

open_enum! {
    /// ListPayments `sort_field`.
    pub enum PaymentsSortField {
        CreatedAt = "CREATED_AT",
        OfflineCreatedAt = "OFFLINE_CREATED_AT",
        UpdatedAt = "UPDATED_AT",
    }
}

open_enum! {
    /// ListPaymentRefunds `sort_field`.
    pub enum RefundsSortField {
        CreatedAt = "CREATED_AT",
        UpdatedAt = "UPDATED_AT",
    }
}

/// `GET /v2/payments`. `location_id` defaults to the seller's main location only: pass it
/// per location.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListPaymentsQuery {
    /// created_at ≥ (default: a year before `end_time`).
    pub begin_time: Option<Timestamp>,
    /// created_at < (default: now).
    pub end_time: Option<Timestamp>,
    pub updated_at_begin_time: Option<Timestamp>,
    pub updated_at_end_time: Option<Timestamp>,
    pub sort_field: Option<PaymentsSortField>,
    pub sort_order: Option<SortOrder>,
    pub location_id: Option<String>,
    /// ≤ 100.
    pub limit: Option<u32>,
}

impl ListPaymentsQuery {
    pub(crate) fn pairs(&self) -> Pairs {
        let mut p = Pairs::new();
        push(&mut p, "begin_time", ts(&self.begin_time));
        push(&mut p, "end_time", ts(&self.end_time));
        push(
            &mut p,
            "updated_at_begin_time",
            ts(&self.updated_at_begin_time),
        );
        push(&mut p, "updated_at_end_time", ts(&self.updated_at_end_time));
        push(
            &mut p,
            "sort_field",
            self.sort_field.as_ref().map(|s| s.as_str().to_owned()),
        );
        push(
            &mut p,
            "sort_order",
            self.sort_order.as_ref().map(|s| s.as_str().to_owned()),
        );
        push(&mut p, "location_id", self.location_id.clone());
        push(&mut p, "limit", self.limit.map(|l| l.to_string()));
        p
    }
}

/// `GET /v2/refunds` (all locations unless `location_id` is set).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListRefundsQuery {
    pub begin_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
    pub updated_at_begin_time: Option<Timestamp>,
    pub updated_at_end_time: Option<Timestamp>,
    pub sort_field: Option<RefundsSortField>,
    pub sort_order: Option<SortOrder>,
    pub location_id: Option<String>,
    pub status: Option<String>,
    pub source_type: Option<String>,
    pub limit: Option<u32>,
}

impl ListRefundsQuery {
    pub(crate) fn pairs(&self) -> Pairs {
        let mut p = Pairs::new();
        push(&mut p, "begin_time", ts(&self.begin_time));
        push(&mut p, "end_time", ts(&self.end_time));
        push(
            &mut p,
            "updated_at_begin_time",
            ts(&self.updated_at_begin_time),
        );
        push(&mut p, "updated_at_end_time", ts(&self.updated_at_end_time));
        push(
            &mut p,
            "sort_field",
            self.sort_field.as_ref().map(|s| s.as_str().to_owned()),
        );
        push(
            &mut p,
            "sort_order",
            self.sort_order.as_ref().map(|s| s.as_str().to_owned()),
        );
        push(&mut p, "location_id", self.location_id.clone());
        push(&mut p, "status", self.status.clone());
        push(&mut p, "source_type", self.source_type.clone());
        push(&mut p, "limit", self.limit.map(|l| l.to_string()));
        p
    }
}

/// `GET /v2/catalog/list`. Nested types (ITEM_VARIATION, MODIFIER…) come back only when
/// named in `types`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListCatalogQuery {
    pub types: Vec<CatalogObjectType>,
    pub catalog_version: Option<i64>,
}

impl ListCatalogQuery {
    pub(crate) fn pairs(&self) -> Pairs {
        let mut p = Pairs::new();
        if !self.types.is_empty() {
            let types: Vec<&str> = self.types.iter().map(CatalogObjectType::as_str).collect();
            p.push(("types".to_owned(), types.join(",")));
        }
        push(
            &mut p,
            "catalog_version",
            self.catalog_version.map(|v| v.to_string()),
        );
        p
    }
}

/// A ListBookings `start_at` window of at most 31 days (checked when built).
#[derive(Debug, Clone, PartialEq)]
pub struct BookingsWindow {
    start_at_min: Timestamp,
    start_at_max: Timestamp,
}

impl BookingsWindow {
    /// `[start_at_min, start_at_max)`; refused locally with
    /// [`ClientError::BookingsWindowTooLong`] above 31 days, or
    /// [`ClientError::InvalidRequest`] when the end precedes the start.
    pub fn new(start_at_min: Timestamp, start_at_max: Timestamp) -> Result<Self, ClientError> {
        let span = start_at_max.to_utc() - start_at_min.to_utc();
        if span < ChronoDuration::zero() {
            return Err(ClientError::InvalidRequest {
                detail: "the bookings window ends before it starts".to_owned(),
            });
        }
        if span > MAX_BOOKINGS_WINDOW {
            return Err(ClientError::BookingsWindowTooLong {
                days: span.num_milliseconds() as f64 / 86_400_000.0,
            });
        }
        Ok(BookingsWindow {
            start_at_min,
            start_at_max,
        })
    }

    pub fn start_at_min(&self) -> &Timestamp {
        &self.start_at_min
    }

    pub fn start_at_max(&self) -> &Timestamp {
        &self.start_at_max
    }
}

/// Consecutive windows of at most 31 days covering `[from, to)`.
pub fn bookings_windows(from: &Timestamp, to: &Timestamp) -> Vec<BookingsWindow> {
    let end = to.to_utc();
    let mut start = from.to_utc();
    let mut windows = Vec::new();
    while start < end {
        let stop = (start + MAX_BOOKINGS_WINDOW).min(end);
        windows.push(BookingsWindow {
            start_at_min: start.into(),
            start_at_max: stop.into(),
        });
        start = stop;
    }
    windows
}

/// `GET /v2/bookings`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListBookingsQuery {
    pub window: BookingsWindow,
    pub location_id: Option<String>,
    pub team_member_id: Option<String>,
    pub customer_id: Option<String>,
    /// 1..=10000.
    pub limit: Option<u32>,
}

impl ListBookingsQuery {
    pub fn new(window: BookingsWindow) -> Self {
        ListBookingsQuery {
            window,
            location_id: None,
            team_member_id: None,
            customer_id: None,
            limit: None,
        }
    }

    pub(crate) fn pairs(&self) -> Pairs {
        let mut p = Pairs::new();
        push(
            &mut p,
            "start_at_min",
            Some(self.window.start_at_min.to_rfc3339()),
        );
        push(
            &mut p,
            "start_at_max",
            Some(self.window.start_at_max.to_rfc3339()),
        );
        push(&mut p, "location_id", self.location_id.clone());
        push(&mut p, "team_member_id", self.team_member_id.clone());
        push(&mut p, "customer_id", self.customer_id.clone());
        push(&mut p, "limit", self.limit.map(|l| l.to_string()));
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn bookings_window_over_31_days_is_refused_locally() {
        let err =
            BookingsWindow::new(t("2025-01-01T00:00:00Z"), t("2025-02-01T00:00:01Z")).unwrap_err();
        assert_eq!(err.code(), "bookings_window_too_long");
        assert!(BookingsWindow::new(t("2025-01-01T00:00:00Z"), t("2025-02-01T00:00:00Z")).is_ok());
        let backwards = BookingsWindow::new(t("2025-02-01T00:00:00Z"), t("2025-01-01T00:00:00Z"));
        assert_eq!(backwards.unwrap_err().code(), "invalid_request");
    }

    #[test]
    fn a_year_splits_into_contiguous_windows_of_at_most_31_days() {
        let windows = bookings_windows(&t("2025-01-01T00:00:00Z"), &t("2026-01-01T00:00:00Z"));
        assert_eq!(windows.len(), 12);
        assert_eq!(windows[0].start_at_min(), &t("2025-01-01T00:00:00Z"));
        assert_eq!(windows[11].start_at_max(), &t("2026-01-01T00:00:00Z"));
        for pair in windows.windows(2) {
            assert_eq!(pair[0].start_at_max(), pair[1].start_at_min());
        }
    }

    #[test]
    fn payments_query_sends_only_what_is_set_in_a_fixed_order() {
        let q = ListPaymentsQuery {
            begin_time: Some(t("2025-01-01T00:00:00Z")),
            sort_order: Some(SortOrder::Asc),
            location_id: Some("L1".into()),
            limit: Some(100),
            ..Default::default()
        };
        let pairs = q.pairs();
        let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["begin_time", "sort_order", "location_id", "limit"]);
        assert_eq!(pairs[0].1, "2025-01-01T00:00:00Z");
    }
}
