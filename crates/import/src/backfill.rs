//! The historical import: every stream for a window, one stream after another, each page
//! written in its own transaction. Customers, team, catalog and loyalty accounts are read in
//! full; payments, refunds and orders by `created_at` inside the window; bookings in windows
//! of at most 31 days from the window's start to a horizon after it (upcoming appointments).

use crate::writer::{Item, PageWrite, write_page};
use crate::{Error, Result};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use keeper_normalize::Context;
use keeper_square::client::{
    ClientError, ListBookingsQuery, ListCatalogQuery, ListCustomersQuery, ListPaymentsQuery,
    ListRefundsQuery, SquareClient, bookings_windows,
};
use keeper_square::models::{CatalogObjectType, SortOrder, TimeRange, Timestamp};
use keeper_square::requests::{
    SearchLoyaltyAccountsRequest, SearchLoyaltyEventsRequest, SearchOrdersDateTimeFilter,
    SearchOrdersFilter, SearchOrdersQuery, SearchOrdersRequest, SearchOrdersSort,
    SearchOrdersSortField, SearchTeamMembersRequest,
};
use keeper_store::Store;
use serde::Serialize;
use std::time::{Duration, Instant};

/// The catalog types Keeper reads (nested types must be named explicitly).
pub const CATALOG_TYPES: [&str; 5] = [
    "ITEM",
    "ITEM_VARIATION",
    "MODIFIER_LIST",
    "MODIFIER",
    "CATEGORY",
];

/// What to import.
#[derive(Debug, Clone)]
pub struct Backfill {
    /// Start of the window (e.g. 12 months before `now`).
    pub since: DateTime<Utc>,
    /// The present, passed in.
    pub now: DateTime<Utc>,
    /// How far ahead upcoming bookings are read.
    pub bookings_horizon: ChronoDuration,
}

impl Backfill {
    /// The last `months` months up to `now`, with 31 days of upcoming bookings.
    pub fn last_months(now: DateTime<Utc>, months: u32) -> Self {
        Backfill {
            since: now - ChronoDuration::days(i64::from(months) * 365 / 12),
            now,
            bookings_horizon: ChronoDuration::days(31),
        }
    }
}

/// Per-stream figures of an import.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StreamStats {
    pub stream: &'static str,
    pub pages: usize,
    pub objects: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub quarantined: usize,
    #[serde(serialize_with = "millis")]
    pub elapsed: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

impl StreamStats {
    fn add(&mut self, w: PageWrite) {
        self.pages += 1;
        self.objects += w.objects;
        self.inserted += w.inserted;
        self.updated += w.updated;
        self.unchanged += w.unchanged;
        self.quarantined += w.quarantined;
    }
}

fn ts(t: DateTime<Utc>) -> Timestamp {
    Timestamp::from(t)
}

fn sq(stream: &'static str) -> impl Fn(ClientError) -> Error {
    move |source| Error::Square { stream, source }
}

fn version_or_updated(version: Option<i64>, updated_at: Option<&Timestamp>) -> Option<String> {
    version
        .map(|v| v.to_string())
        .or_else(|| updated_at.map(|t| t.to_string()))
}

/// Runs the import, calling `progress` after every page with the stream's running figures.
pub async fn backfill(
    client: &SquareClient,
    store: &mut Store,
    plan: &Backfill,
    progress: &mut dyn FnMut(&StreamStats),
) -> Result<Vec<StreamStats>> {
    keeper_normalize::prepare_connection(store.conn()).map_err(|source| Error::Normalize {
        stream: "setup",
        source,
    })?;
    let fetched_at = plan
        .now
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut all = Vec::new();

    // Merchant and locations: the country decides how phone numbers are read.
    let mut stats = StreamStats {
        stream: "locations",
        ..Default::default()
    };
    let started = Instant::now();
    let merchant = client
        .retrieve_merchant_me()
        .await
        .map_err(sq("merchant"))?;
    let locations = client.list_locations().await.map_err(sq("locations"))?;
    let country = locations
        .iter()
        .find(|l| l.id.is_some() && l.id == merchant.main_location_id)
        .and_then(|l| l.country.clone())
        .unwrap_or_else(|| merchant.country.clone());
    let ctx = Context::new(Some(&country), plan.now);
    let m = [Item {
        object_type: "MERCHANT",
        id: merchant.id.as_deref(),
        version: None,
        object: &merchant,
    }];
    write_page(store, "merchant", &m, &fetched_at, &ctx, false)?;
    let items: Vec<_> = locations
        .iter()
        .map(|l| Item {
            object_type: "LOCATION",
            id: l.id.as_deref(),
            version: None,
            object: l,
        })
        .collect();
    stats.add(write_page(
        store,
        "locations",
        &items,
        &fetched_at,
        &ctx,
        true,
    )?);
    stats.elapsed = started.elapsed();
    progress(&stats);
    all.push(stats);
    let location_ids: Vec<String> = locations.iter().filter_map(|l| l.id.clone()).collect();

    // Team members, active and inactive.
    let mut stats = StreamStats {
        stream: "team_members",
        ..Default::default()
    };
    let started = Instant::now();
    let mut pages = client.search_team_members(SearchTeamMembersRequest {
        limit: Some(200),
        ..Default::default()
    });
    while let Some(page) = pages.next_page().await.map_err(sq("team_members"))? {
        let items: Vec<_> = page
            .team_members
            .iter()
            .map(|t| Item {
                object_type: "TEAM_MEMBER",
                id: t.id.as_deref(),
                version: version_or_updated(None, t.updated_at.as_ref()),
                object: t,
            })
            .collect();
        stats.add(write_page(
            store,
            "team_members",
            &items,
            &fetched_at,
            &ctx,
            true,
        )?);
        progress(&stats);
    }
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Catalog, with the nested types named explicitly.
    let mut stats = StreamStats {
        stream: "catalog",
        ..Default::default()
    };
    let started = Instant::now();
    let mut pages = client.list_catalog(&ListCatalogQuery {
        types: CATALOG_TYPES.map(CatalogObjectType::from).to_vec(),
        catalog_version: None,
    });
    while let Some(page) = pages.next_page().await.map_err(sq("catalog"))? {
        let names: Vec<String> = page
            .objects
            .iter()
            .map(|o| o.object_type.as_str().to_owned())
            .collect();
        let items: Vec<_> = page
            .objects
            .iter()
            .zip(&names)
            .map(|(o, t)| Item {
                object_type: t,
                id: Some(o.id.as_str()),
                version: version_or_updated(o.version, o.updated_at.as_ref()),
                object: o,
            })
            .collect();
        stats.add(write_page(
            store,
            "catalog",
            &items,
            &fetched_at,
            &ctx,
            true,
        )?);
        progress(&stats);
    }
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Customers, all of them.
    let mut stats = StreamStats {
        stream: "customers",
        ..Default::default()
    };
    let started = Instant::now();
    let mut pages = client.list_customers(&ListCustomersQuery::backfill());
    while let Some(page) = pages.next_page().await.map_err(sq("customers"))? {
        let items: Vec<_> = page
            .customers
            .iter()
            .map(|c| Item {
                object_type: "CUSTOMER",
                id: c.id.as_deref(),
                version: version_or_updated(c.version, c.updated_at.as_ref()),
                object: c,
            })
            .collect();
        stats.add(write_page(
            store,
            "customers",
            &items,
            &fetched_at,
            &ctx,
            true,
        )?);
        progress(&stats);
    }
    stats.elapsed = started.elapsed();
    all.push(stats);

    let (begin, end) = (ts(plan.since), ts(plan.now));

    // Payments, per location (ListPayments defaults to the main location only).
    let mut stats = StreamStats {
        stream: "payments",
        ..Default::default()
    };
    let started = Instant::now();
    for location in &location_ids {
        let query = ListPaymentsQuery {
            begin_time: Some(begin),
            end_time: Some(end),
            sort_order: Some(SortOrder::Asc),
            location_id: Some(location.clone()),
            limit: Some(100),
            ..Default::default()
        };
        let mut pages = client.list_payments(&query);
        while let Some(page) = pages.next_page().await.map_err(sq("payments"))? {
            let items: Vec<_> = page
                .payments
                .iter()
                .map(|p| Item {
                    object_type: "PAYMENT",
                    id: p.id.as_deref(),
                    version: version_or_updated(None, p.updated_at.as_ref()),
                    object: p,
                })
                .collect();
            stats.add(write_page(
                store,
                "payments",
                &items,
                &fetched_at,
                &ctx,
                true,
            )?);
            progress(&stats);
        }
    }
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Refunds (all locations by default).
    let mut stats = StreamStats {
        stream: "refunds",
        ..Default::default()
    };
    let started = Instant::now();
    let mut pages = client.list_refunds(&ListRefundsQuery {
        begin_time: Some(begin),
        end_time: Some(end),
        sort_order: Some(SortOrder::Asc),
        ..Default::default()
    });
    while let Some(page) = pages.next_page().await.map_err(sq("refunds"))? {
        let items: Vec<_> = page
            .refunds
            .iter()
            .map(|r| Item {
                object_type: "REFUND",
                id: Some(r.id.as_str()),
                version: version_or_updated(None, r.updated_at.as_ref()),
                object: r,
            })
            .collect();
        stats.add(write_page(
            store,
            "refunds",
            &items,
            &fetched_at,
            &ctx,
            true,
        )?);
        progress(&stats);
    }
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Orders by created_at, at most 10 locations per search.
    let mut stats = StreamStats {
        stream: "orders",
        ..Default::default()
    };
    let started = Instant::now();
    for chunk in location_ids.chunks(10) {
        let body = SearchOrdersRequest {
            location_ids: chunk.to_vec(),
            limit: Some(500),
            query: Some(SearchOrdersQuery {
                filter: Some(SearchOrdersFilter {
                    date_time_filter: Some(SearchOrdersDateTimeFilter {
                        created_at: Some(TimeRange {
                            start_at: Some(begin),
                            end_at: Some(end),
                        }),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                sort: Some(SearchOrdersSort {
                    sort_field: SearchOrdersSortField::CreatedAt,
                    sort_order: Some(SortOrder::Asc),
                }),
            }),
            ..Default::default()
        };
        let mut pages = client.search_orders(body).map_err(sq("orders"))?;
        while let Some(page) = pages.next_page().await.map_err(sq("orders"))? {
            let items: Vec<_> = page
                .orders
                .iter()
                .map(|o| Item {
                    object_type: "ORDER",
                    id: o.id.as_deref(),
                    version: version_or_updated(o.version, o.updated_at.as_ref()),
                    object: o,
                })
                .collect();
            stats.add(write_page(
                store,
                "orders",
                &items,
                &fetched_at,
                &ctx,
                true,
            )?);
            progress(&stats);
        }
    }
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Bookings in windows of at most 31 days, through the coming weeks.
    let mut stats = StreamStats {
        stream: "bookings",
        ..Default::default()
    };
    let started = Instant::now();
    for window in bookings_windows(&begin, &ts(plan.now + plan.bookings_horizon)) {
        let mut pages = client.list_bookings(&ListBookingsQuery::new(window));
        while let Some(page) = pages.next_page().await.map_err(sq("bookings"))? {
            let items: Vec<_> = page
                .bookings
                .iter()
                .map(|b| Item {
                    object_type: "BOOKING",
                    id: b.id.as_deref(),
                    version: version_or_updated(b.version, b.updated_at.as_ref()),
                    object: b,
                })
                .collect();
            stats.add(write_page(
                store,
                "bookings",
                &items,
                &fetched_at,
                &ctx,
                true,
            )?);
            progress(&stats);
        }
    }
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Loyalty: the program, every account, and the event ledger.
    let mut stats = StreamStats {
        stream: "loyalty",
        ..Default::default()
    };
    let started = Instant::now();
    if let Some(program) = client
        .retrieve_loyalty_program_main()
        .await
        .map_err(sq("loyalty"))?
    {
        let items = [Item {
            object_type: "LOYALTY_PROGRAM",
            id: program.id.as_deref(),
            version: version_or_updated(None, program.updated_at.as_ref()),
            object: &program,
        }];
        stats.add(write_page(
            store,
            "loyalty",
            &items,
            &fetched_at,
            &ctx,
            true,
        )?);
        let mut pages = client.search_loyalty_accounts(SearchLoyaltyAccountsRequest {
            limit: Some(200),
            ..Default::default()
        });
        while let Some(page) = pages.next_page().await.map_err(sq("loyalty"))? {
            let items: Vec<_> = page
                .loyalty_accounts
                .iter()
                .map(|a| Item {
                    object_type: "LOYALTY_ACCOUNT",
                    id: a.id.as_deref(),
                    version: version_or_updated(None, a.updated_at.as_ref()),
                    object: a,
                })
                .collect();
            stats.add(write_page(
                store,
                "loyalty",
                &items,
                &fetched_at,
                &ctx,
                true,
            )?);
            progress(&stats);
        }
        let mut pages = client.search_loyalty_events(SearchLoyaltyEventsRequest {
            limit: Some(30),
            ..Default::default()
        });
        while let Some(page) = pages.next_page().await.map_err(sq("loyalty"))? {
            let items: Vec<_> = page
                .events
                .iter()
                .map(|e| Item {
                    object_type: "LOYALTY_EVENT",
                    id: Some(e.id.as_str()),
                    version: None,
                    object: e,
                })
                .collect();
            stats.add(write_page(
                store,
                "loyalty",
                &items,
                &fetched_at,
                &ctx,
                true,
            )?);
            progress(&stats);
        }
    }
    stats.elapsed = started.elapsed();
    all.push(stats);
    Ok(all)
}
