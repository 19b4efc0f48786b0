//! The historical import: every stream for a window, one stream after another, each page
//! written in its own transaction. Customers, team, catalog and loyalty accounts are read in
//! full; payments, refunds and orders by `created_at` inside the window; bookings in windows
//! of at most 31 days from the window's start to a horizon after it (upcoming appointments).

use crate::fetched::Fetched;
use crate::writer::{PageWrite, write_page};
use crate::{Error, Result};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use keeper_normalize::Context;
use keeper_square::client::{
    ClientError, ListBookingsQuery, ListCatalogQuery, ListCustomersQuery, ListPaymentsQuery,
    ListRefundsQuery, Pages, SquareClient, bookings_windows,
};
use keeper_square::models::{CatalogObjectType, SortOrder, TimeRange, Timestamp};
use keeper_square::requests::{
    SearchLoyaltyAccountsRequest, SearchLoyaltyEventsRequest, SearchOrdersDateTimeFilter,
    SearchOrdersFilter, SearchOrdersQuery, SearchOrdersRequest, SearchOrdersSort,
    SearchOrdersSortField, SearchTeamMembersRequest,
};
use keeper_square::responses::Page;
use keeper_store::Store;
use serde::Serialize;
use serde::de::DeserializeOwned;
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

/// Where fetched pages go: the store, the normalization context, the progress callback.
struct Sink<'a> {
    store: &'a mut Store,
    fetched_at: String,
    ctx: Context,
    progress: &'a mut dyn FnMut(&StreamStats),
}

impl Sink<'_> {
    fn write<T: Fetched>(&mut self, stats: &mut StreamStats, items: &[T]) -> Result<()> {
        let page = write_page(
            self.store,
            stats.stream,
            items,
            &self.fetched_at,
            &self.ctx,
            true,
        )?;
        stats.add(page);
        (self.progress)(stats);
        Ok(())
    }

    /// Writes every page of `pages` (each in its own transaction).
    async fn drain<R>(&mut self, stats: &mut StreamStats, mut pages: Pages<R>) -> Result<()>
    where
        R: Page + DeserializeOwned,
        R::Item: Fetched,
    {
        while let Some(page) = pages.next_page().await.map_err(sq(stats.stream))? {
            self.write(stats, page.items())?;
        }
        Ok(())
    }
}

fn stream(name: &'static str) -> (StreamStats, Instant) {
    (
        StreamStats {
            stream: name,
            ..Default::default()
        },
        Instant::now(),
    )
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

    // Merchant and locations: the main location's country decides how phones are read.
    let (mut stats, started) = stream("locations");
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
    write_page(store, "merchant", &[merchant], &fetched_at, &ctx, false)?;
    let mut sink = Sink {
        store,
        fetched_at,
        ctx,
        progress,
    };
    sink.write(&mut stats, &locations)?;
    stats.elapsed = started.elapsed();
    all.push(stats);
    let location_ids: Vec<String> = locations.iter().filter_map(|l| l.id.clone()).collect();

    // Team members, active and inactive.
    let (mut stats, started) = stream("team_members");
    let team = SearchTeamMembersRequest {
        limit: Some(200),
        ..Default::default()
    };
    sink.drain(&mut stats, client.search_team_members(team))
        .await?;
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Catalog, with the nested types named explicitly.
    let (mut stats, started) = stream("catalog");
    let query = ListCatalogQuery {
        types: CATALOG_TYPES.map(CatalogObjectType::from).to_vec(),
        catalog_version: None,
    };
    sink.drain(&mut stats, client.list_catalog(&query)).await?;
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Customers, all of them.
    let (mut stats, started) = stream("customers");
    sink.drain(
        &mut stats,
        client.list_customers(&ListCustomersQuery::backfill()),
    )
    .await?;
    stats.elapsed = started.elapsed();
    all.push(stats);

    let (begin, end) = (ts(plan.since), ts(plan.now));

    // Payments, per location (ListPayments defaults to the main location only).
    let (mut stats, started) = stream("payments");
    for location in &location_ids {
        let query = ListPaymentsQuery {
            begin_time: Some(begin),
            end_time: Some(end),
            sort_order: Some(SortOrder::Asc),
            location_id: Some(location.clone()),
            limit: Some(100),
            ..Default::default()
        };
        sink.drain(&mut stats, client.list_payments(&query)).await?;
    }
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Refunds (all locations by default).
    let (mut stats, started) = stream("refunds");
    let query = ListRefundsQuery {
        begin_time: Some(begin),
        end_time: Some(end),
        sort_order: Some(SortOrder::Asc),
        ..Default::default()
    };
    sink.drain(&mut stats, client.list_refunds(&query)).await?;
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Orders by created_at, at most 10 locations per search.
    let (mut stats, started) = stream("orders");
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
        let pages = client.search_orders(body).map_err(sq("orders"))?;
        sink.drain(&mut stats, pages).await?;
    }
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Bookings in windows of at most 31 days, through the coming weeks.
    let (mut stats, started) = stream("bookings");
    for window in bookings_windows(&begin, &ts(plan.now + plan.bookings_horizon)) {
        sink.drain(
            &mut stats,
            client.list_bookings(&ListBookingsQuery::new(window)),
        )
        .await?;
    }
    stats.elapsed = started.elapsed();
    all.push(stats);

    // Loyalty: the program, every account, and the event ledger.
    let (mut stats, started) = stream("loyalty");
    if let Some(program) = client
        .retrieve_loyalty_program_main()
        .await
        .map_err(sq("loyalty"))?
    {
        sink.write(&mut stats, &[program])?;
        let accounts = SearchLoyaltyAccountsRequest {
            limit: Some(200),
            ..Default::default()
        };
        sink.drain(&mut stats, client.search_loyalty_accounts(accounts))
            .await?;
        let events = SearchLoyaltyEventsRequest {
            limit: Some(30),
            ..Default::default()
        };
        sink.drain(&mut stats, client.search_loyalty_events(events))
            .await?;
    }
    stats.elapsed = started.elapsed();
    all.push(stats);
    Ok(all)
}
