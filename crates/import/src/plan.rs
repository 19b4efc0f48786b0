//! What a run reads: the streams, in the seed's priority order (customers, payments,
//! appointments, then the rest), each cut into windows — calendar months (UTC) of
//! `created_at` for payments (per location), refunds, loyalty events and orders (≤ 10
//! locations per search), 31-day `start_at` windows for bookings through the coming weeks,
//! `created_at` windows for customers (years before the history, months within it, open at
//! both ends so every profile is read), and one window for the streams read in full.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde::Serialize;

/// The catalog types Keeper reads (nested types must be named explicitly).
pub const CATALOG_TYPES: [&str; 5] = [
    "ITEM",
    "ITEM_VARIATION",
    "MODIFIER_LIST",
    "MODIFIER",
    "CATEGORY",
];

/// A stream of Square objects the import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    Locations,
    Customers,
    Payments,
    Bookings,
    Orders,
    Refunds,
    TeamMembers,
    Catalog,
    LoyaltyAccounts,
    LoyaltyEvents,
}

impl Stream {
    /// Every stream, in priority order.
    pub const ALL: [Stream; 10] = [
        Stream::Locations,
        Stream::Customers,
        Stream::Payments,
        Stream::Bookings,
        Stream::Orders,
        Stream::Refunds,
        Stream::TeamMembers,
        Stream::Catalog,
        Stream::LoyaltyAccounts,
        Stream::LoyaltyEvents,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stream::Locations => "locations",
            Stream::Customers => "customers",
            Stream::Payments => "payments",
            Stream::Bookings => "bookings",
            Stream::Orders => "orders",
            Stream::Refunds => "refunds",
            Stream::TeamMembers => "team_members",
            Stream::Catalog => "catalog",
            Stream::LoyaltyAccounts => "loyalty_accounts",
            Stream::LoyaltyEvents => "loyalty_events",
        }
    }

    pub fn parse(name: &str) -> Option<Stream> {
        Stream::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The raw store's object type of the stream's objects (`None` for catalog: many types).
    pub fn object_type(self) -> Option<&'static str> {
        Some(match self {
            Stream::Locations => "LOCATION",
            Stream::Customers => "CUSTOMER",
            Stream::Payments => "PAYMENT",
            Stream::Bookings => "BOOKING",
            Stream::Orders => "ORDER",
            Stream::Refunds => "REFUND",
            Stream::TeamMembers => "TEAM_MEMBER",
            Stream::Catalog => return None,
            Stream::LoyaltyAccounts => "LOYALTY_ACCOUNT",
            Stream::LoyaltyEvents => "LOYALTY_EVENT",
        })
    }

    /// The JSON field whose time places an object in a window (`None`: read in full).
    pub fn window_field(self) -> Option<&'static str> {
        match self {
            Stream::Payments | Stream::Refunds | Stream::Orders | Stream::LoyaltyEvents => {
                Some("created_at")
            }
            Stream::Bookings => Some("start_at"),
            _ => None,
        }
    }
}

impl std::fmt::Display for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One unit of work with its own checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    pub stream: Stream,
    /// Unique within the stream: `all`, `2025-03`, `2025-03@L1`, `2025-03@L1,L2`.
    pub key: String,
    /// Position in the priority order.
    pub seq: i64,
    pub begin: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// Location ids the window is limited to (empty: all).
    pub scope: Vec<String>,
}

impl Window {
    fn full(stream: Stream) -> Window {
        Window {
            stream,
            key: "all".to_owned(),
            seq: 0,
            begin: None,
            end: None,
            scope: Vec::new(),
        }
    }
}

impl Window {
    /// A prior guess of the window's length in pages (its cursor chain), used to start the
    /// longest chains first: the import's wall time is set by the chains still running at
    /// the end. Volumes are relative (a visit is about one payment, order, booking and
    /// loyalty event; new customers and refunds are rarer), divided by the stream's page
    /// size and by the window's share of `locations`. Windows without bounds count a year.
    pub fn expected_pages(&self, locations: usize) -> f64 {
        // (objects per day relative to visits, objects per page)
        let (per_day, page) = match self.stream {
            Stream::Payments => (1.0, 100.0),
            Stream::Orders => (1.0, 500.0),
            Stream::Bookings => (1.0, 100.0),
            Stream::LoyaltyEvents => (1.0, 30.0),
            Stream::Refunds => (0.03, 100.0),
            Stream::Customers => (0.2, 100.0),
            Stream::LoyaltyAccounts => (0.2, 200.0),
            Stream::Locations | Stream::TeamMembers | Stream::Catalog => return 1.0,
        };
        let days = match (self.begin, self.end) {
            (Some(b), Some(e)) => (e - b).num_hours() as f64 / 24.0,
            _ => 365.0,
        };
        let share = match self.stream {
            Stream::Payments | Stream::Orders if locations > 0 => {
                self.scope.len().clamp(1, locations) as f64 / locations as f64
            }
            _ => 1.0,
        };
        // At least the one request that finds the window empty.
        1.0 + per_day * days * share / page
    }
}

/// Calendar-month (UTC) pieces of `[since, until)`: `(key, begin, end)`.
pub fn month_windows(
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<(String, DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    let mut begin = since;
    while begin < until {
        let (y, m) = (begin.year(), begin.month());
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let next = Utc
            .with_ymd_and_hms(ny, nm, 1, 0, 0, 0)
            .single()
            .unwrap_or(until);
        let end = next.min(until);
        out.push((format!("{y:04}-{m:02}"), begin, end));
        begin = end;
    }
    out
}

/// Windows of at most 31 days over `[since, until)`, keyed by their start date.
pub fn day_windows(
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    days: i64,
) -> Vec<(String, DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    let mut begin = since;
    while begin < until {
        let end = (begin + Duration::days(days)).min(until);
        out.push((begin.format("%Y-%m-%dT%H:%M").to_string(), begin, end));
        begin = end;
    }
    out
}

/// A window bound; `None` is open.
type Bound = Option<DateTime<Utc>>;

/// The first year customer windows distinguish: profiles created before it share one window.
pub const CUSTOMERS_FROM_YEAR: i32 = 2014;

/// `created_at` windows covering every customer: `(key, begin, end)` with an open start
/// (before [`CUSTOMERS_FROM_YEAR`]), whole years up to `since`, the months of
/// `[since, until)`, and an open end on the last one (profiles created later are read too).
/// Read in parallel, they replace one long ListCustomers cursor chain.
pub fn customer_windows(since: DateTime<Utc>, until: DateTime<Utc>) -> Vec<(String, Bound, Bound)> {
    let year = |y: i32| Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).single();
    let mut out = Vec::new();
    let mut begin: Bound = None;
    let mut y = CUSTOMERS_FROM_YEAR;
    while let Some(end) = year(y).filter(|e| *e < since) {
        let key = match begin {
            None => format!("..{y}"),
            Some(_) => format!("{}", y - 1),
        };
        out.push((key, begin, Some(end)));
        begin = Some(end);
        y += 1;
    }
    if let Some(b) = begin.filter(|b| *b < since) {
        out.push((format!("{}", y - 1), Some(b), Some(since)));
    } else if begin.is_none() {
        out.push((format!("..{}", since.format("%Y-%m")), None, Some(since)));
    }
    for (key, b, e) in month_windows(since, until) {
        out.push((key, Some(b), Some(e)));
    }
    if let Some(last) = out.last_mut() {
        last.2 = None;
        last.0.push_str("..");
    }
    out
}

/// The windows of a historical import of `[since, until)` over `location_ids`, with
/// bookings read `bookings_horizon` past `until`, in priority order.
pub fn import_windows(
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    bookings_horizon: Duration,
    location_ids: &[String],
) -> Vec<Window> {
    let months = month_windows(since, until);
    let mut out = Vec::new();
    for stream in Stream::ALL {
        match stream {
            Stream::Locations => {}
            Stream::Customers => {
                for (key, begin, end) in customer_windows(since, until) {
                    out.push(Window {
                        stream,
                        key,
                        seq: 0,
                        begin,
                        end,
                        scope: Vec::new(),
                    });
                }
            }
            Stream::Payments => {
                for (key, begin, end) in &months {
                    for loc in location_ids {
                        out.push(Window {
                            stream,
                            key: format!("{key}@{loc}"),
                            seq: 0,
                            begin: Some(*begin),
                            end: Some(*end),
                            scope: vec![loc.clone()],
                        });
                    }
                }
            }
            Stream::Orders => {
                for (key, begin, end) in &months {
                    for chunk in location_ids.chunks(10) {
                        out.push(Window {
                            stream,
                            key: format!("{key}@{}", chunk.join(",")),
                            seq: 0,
                            begin: Some(*begin),
                            end: Some(*end),
                            scope: chunk.to_vec(),
                        });
                    }
                }
            }
            Stream::Refunds | Stream::LoyaltyEvents => {
                for (key, begin, end) in &months {
                    out.push(Window {
                        stream,
                        key: key.clone(),
                        seq: 0,
                        begin: Some(*begin),
                        end: Some(*end),
                        scope: Vec::new(),
                    });
                }
            }
            Stream::Bookings => {
                for (key, begin, end) in day_windows(since, until + bookings_horizon, 31) {
                    out.push(Window {
                        stream,
                        key,
                        seq: 0,
                        begin: Some(begin),
                        end: Some(end),
                        scope: Vec::new(),
                    });
                }
            }
            _ => out.push(Window::full(stream)),
        }
    }
    for (i, w) in out.iter_mut().enumerate() {
        w.seq = i as i64 + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn month_windows_cover_the_range_without_gaps_or_overlap() {
        let w = month_windows(t("2024-11-15T10:00:00Z"), t("2025-02-03T00:00:00Z"));
        let keys: Vec<_> = w.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(keys, ["2024-11", "2024-12", "2025-01", "2025-02"]);
        assert_eq!(w[0].1, t("2024-11-15T10:00:00Z"));
        for pair in w.windows(2) {
            assert_eq!(pair[0].2, pair[1].1);
        }
        assert_eq!(w[3].2, t("2025-02-03T00:00:00Z"));
    }

    #[test]
    fn customer_windows_cover_all_time_without_gaps_and_are_open_at_both_ends() {
        let w = customer_windows(t("2024-11-15T10:00:00Z"), t("2025-02-03T00:00:00Z"));
        assert_eq!(w.first().unwrap().1, None, "profiles from any date before");
        assert_eq!(w.last().unwrap().2, None, "profiles created later too");
        for pair in w.windows(2) {
            assert_eq!(pair[0].2, pair[1].1);
            assert!(pair[0].2.is_some());
        }
        let keys: Vec<_> = w.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(keys[0], "..2014");
        assert!(keys.contains(&"2023") && keys.contains(&"2024"));
        assert_eq!(
            &keys[keys.len() - 4..],
            ["2024-11", "2024-12", "2025-01", "2025-02.."]
        );
        let unique: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len());
    }

    #[test]
    fn long_chains_are_expected_longer_than_short_ones() {
        let locs = vec!["L1".to_owned(), "L2".to_owned()];
        let w = import_windows(
            t("2025-01-01T00:00:00Z"),
            t("2025-03-01T00:00:00Z"),
            Duration::days(31),
            &locs,
        );
        let pages = |s: Stream| {
            w.iter()
                .find(|x| x.stream == s)
                .unwrap()
                .expected_pages(locs.len())
        };
        assert!(pages(Stream::LoyaltyEvents) > pages(Stream::Payments));
        assert!(pages(Stream::Payments) > pages(Stream::Refunds));
        assert_eq!(pages(Stream::TeamMembers), 1.0);
    }

    #[test]
    fn import_windows_follow_the_priority_order_and_split_payments_per_location() {
        let locs = vec!["L1".to_owned(), "L2".to_owned()];
        let w = import_windows(
            t("2025-01-01T00:00:00Z"),
            t("2025-03-01T00:00:00Z"),
            Duration::days(31),
            &locs,
        );
        let first_of = |s: Stream| w.iter().position(|x| x.stream == s).unwrap();
        assert!(first_of(Stream::Customers) < first_of(Stream::Payments));
        assert!(first_of(Stream::Payments) < first_of(Stream::Bookings));
        assert!(first_of(Stream::Bookings) < first_of(Stream::Orders));
        let payments: Vec<_> = w.iter().filter(|x| x.stream == Stream::Payments).collect();
        assert_eq!(payments.len(), 4);
        assert_eq!(payments[1].key, "2025-01@L2");
        let bookings: Vec<_> = w.iter().filter(|x| x.stream == Stream::Bookings).collect();
        assert_eq!(
            bookings.last().unwrap().end,
            Some(t("2025-04-01T00:00:00Z"))
        );
        assert!(
            bookings
                .iter()
                .all(|b| b.end.unwrap() - b.begin.unwrap() <= Duration::days(31))
        );
        let seqs: Vec<_> = w.iter().map(|x| x.seq).collect();
        assert!(seqs.windows(2).all(|p| p[0] < p[1]));
    }
}
