//! Reading one window from Square: the request each stream's window needs (historical by
//! `created_at`/`start_at`, or incremental by `updated_at`/`begin_time` in a sync), page by
//! page, each page handed to the writer with the cursor that follows it.

use crate::plan::{CATALOG_TYPES, Stream, Window};
use crate::writer::Item;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use keeper_square::client::{
    BookingsWindow, ClientError, ListBookingsQuery, ListCatalogQuery, ListCustomersQuery,
    ListPaymentsQuery, ListRefundsQuery, Pages, PaymentsSortField, RefundsSortField, SquareClient,
};
use keeper_square::models::{CatalogObjectType, SortOrder, TimeRange, Timestamp};
use keeper_square::requests::{
    CustomerFilter, CustomerQuery, LoyaltyEventDateTimeFilter, LoyaltyEventFilter,
    LoyaltyEventQuery, SearchCatalogObjectsRequest, SearchCustomersRequest,
    SearchLoyaltyAccountsRequest, SearchLoyaltyEventsRequest, SearchOrdersDateTimeFilter,
    SearchOrdersFilter, SearchOrdersQuery, SearchOrdersRequest, SearchOrdersSort,
    SearchOrdersSortField, SearchTeamMembersRequest,
};
use keeper_square::responses::Page;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::mpsc;

/// How a window is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Historical: by `created_at` (`start_at` for bookings) inside the window.
    Import,
    /// Incremental: objects updated since the window's `begin`; a `key` of `all` reads the
    /// stream in full.
    Sync,
}

/// One stored-to-be page of a window.
#[derive(Debug)]
pub struct PageOut {
    pub window: usize,
    pub items: Vec<Item>,
    /// The cursor after this page (`None` on the last).
    pub cursor: Option<String>,
    pub done: bool,
}

/// What fetchers send to the writer.
#[derive(Debug)]
pub enum Msg {
    Page(PageOut),
    Failed { window: usize, error: Error },
}

/// What a fetcher needs besides its window.
#[derive(Clone)]
pub struct Fetcher {
    pub client: SquareClient,
    pub mode: Mode,
    pub tx: mpsc::Sender<Msg>,
    /// Requests answered (pages and single reads), for the benchmark's floor.
    pub requests: Arc<AtomicUsize>,
}

fn ts(t: DateTime<Utc>) -> Timestamp {
    Timestamp::from(t)
}

fn sq(stream: Stream) -> impl Fn(ClientError) -> Error {
    move |source| Error::Square {
        stream: stream.as_str(),
        source,
    }
}

impl Fetcher {
    /// Reads window `idx`, sending its pages; a failure is sent as [`Msg::Failed`].
    pub async fn run(self, idx: usize, window: Window) {
        if let Err(error) = self.window(idx, &window).await {
            let _ = self.tx.send(Msg::Failed { window: idx, error }).await;
        }
    }

    async fn send(&self, page: PageOut) -> Result<()> {
        // A closed channel means the run was abandoned: nothing left to do.
        let _ = self.tx.send(Msg::Page(page)).await;
        Ok(())
    }

    async fn drain<R>(
        &self,
        idx: usize,
        stream: Stream,
        mut pages: Pages<R>,
        last: bool,
    ) -> Result<()>
    where
        R: Page + DeserializeOwned,
        R::Item: crate::fetched::Fetched,
    {
        loop {
            let page = pages.next_page().await.map_err(sq(stream))?;
            let Some(page) = page else {
                if last {
                    self.send(PageOut {
                        window: idx,
                        items: Vec::new(),
                        cursor: None,
                        done: true,
                    })
                    .await?;
                }
                return Ok(());
            };
            self.requests.fetch_add(1, Ordering::Relaxed);
            let items = Item::all(stream.as_str(), page.items())?;
            let done = pages.is_done();
            self.send(PageOut {
                window: idx,
                items,
                cursor: pages.cursor().map(str::to_owned),
                done: done && last,
            })
            .await?;
            if done {
                return Ok(());
            }
        }
    }

    async fn window(&self, idx: usize, w: &Window) -> Result<()> {
        let c = &self.client;
        let stream = w.stream;
        let incremental = self.mode == Mode::Sync && w.key != "all";
        let begin = w.begin.map(ts);
        let end = w.end.map(ts);
        match stream {
            Stream::Locations => {
                let locations = c.list_locations().await.map_err(sq(stream))?;
                self.requests.fetch_add(1, Ordering::Relaxed);
                let items = Item::all(stream.as_str(), &locations)?;
                self.send(PageOut {
                    window: idx,
                    items,
                    cursor: None,
                    done: true,
                })
                .await
            }
            Stream::Customers if incremental => {
                let body = SearchCustomersRequest {
                    limit: Some(100),
                    query: Some(CustomerQuery {
                        filter: Some(CustomerFilter {
                            updated_at: Some(TimeRange {
                                start_at: begin,
                                end_at: None,
                            }),
                            ..Default::default()
                        }),
                        sort: None,
                    }),
                    ..Default::default()
                };
                self.drain(idx, stream, c.search_customers(body), true)
                    .await
            }
            Stream::Customers => {
                let pages = c.list_customers(&ListCustomersQuery::backfill());
                self.drain(idx, stream, pages, true).await
            }
            Stream::Payments => {
                let mut q = ListPaymentsQuery {
                    sort_order: Some(SortOrder::Asc),
                    location_id: w.scope.first().cloned(),
                    limit: Some(100),
                    ..Default::default()
                };
                if incremental {
                    q.updated_at_begin_time = begin;
                    q.sort_field = Some(PaymentsSortField::UpdatedAt);
                } else {
                    q.begin_time = begin;
                    q.end_time = end;
                }
                self.drain(idx, stream, c.list_payments(&q), true).await
            }
            Stream::Refunds => {
                let mut q = ListRefundsQuery {
                    sort_order: Some(SortOrder::Asc),
                    ..Default::default()
                };
                if incremental {
                    q.updated_at_begin_time = begin;
                    q.sort_field = Some(RefundsSortField::UpdatedAt);
                } else {
                    q.begin_time = begin;
                    q.end_time = end;
                }
                self.drain(idx, stream, c.list_refunds(&q), true).await
            }
            Stream::Orders => {
                let range = Some(TimeRange {
                    start_at: begin,
                    end_at: end,
                });
                let (filter, sort_field) = if incremental {
                    (
                        SearchOrdersDateTimeFilter {
                            updated_at: range,
                            ..Default::default()
                        },
                        SearchOrdersSortField::UpdatedAt,
                    )
                } else {
                    (
                        SearchOrdersDateTimeFilter {
                            created_at: range,
                            ..Default::default()
                        },
                        SearchOrdersSortField::CreatedAt,
                    )
                };
                let body = SearchOrdersRequest {
                    location_ids: w.scope.clone(),
                    limit: Some(500),
                    query: Some(SearchOrdersQuery {
                        filter: Some(SearchOrdersFilter {
                            date_time_filter: Some(filter),
                            ..Default::default()
                        }),
                        sort: Some(SearchOrdersSort {
                            sort_field,
                            sort_order: Some(SortOrder::Asc),
                        }),
                    }),
                    ..Default::default()
                };
                let pages = c.search_orders(body).map_err(sq(stream))?;
                self.drain(idx, stream, pages, true).await
            }
            Stream::Bookings => {
                let (Some(b), Some(e)) = (begin, end) else {
                    return Err(Error::Plan {
                        detail: format!("bookings window {} has no bounds", w.key),
                    });
                };
                let window = BookingsWindow::new(b, e).map_err(sq(stream))?;
                let pages = c.list_bookings(&ListBookingsQuery::new(window));
                self.drain(idx, stream, pages, true).await
            }
            Stream::TeamMembers => {
                let body = SearchTeamMembersRequest {
                    limit: Some(200),
                    ..Default::default()
                };
                self.drain(idx, stream, c.search_team_members(body), true)
                    .await
            }
            Stream::Catalog if incremental => {
                let body = SearchCatalogObjectsRequest {
                    object_types: CATALOG_TYPES.map(CatalogObjectType::from).to_vec(),
                    include_deleted_objects: Some(true),
                    begin_time: begin,
                    ..Default::default()
                };
                let pages = c.search_catalog(body).map_err(sq(stream))?;
                self.drain(idx, stream, pages, true).await
            }
            Stream::Catalog => {
                let query = ListCatalogQuery {
                    types: CATALOG_TYPES.map(CatalogObjectType::from).to_vec(),
                    catalog_version: None,
                };
                self.drain(idx, stream, c.list_catalog(&query), true).await
            }
            Stream::LoyaltyAccounts => {
                let program = c
                    .retrieve_loyalty_program_main()
                    .await
                    .map_err(sq(stream))?;
                self.requests.fetch_add(1, Ordering::Relaxed);
                let Some(program) = program else {
                    return self
                        .send(PageOut {
                            window: idx,
                            items: Vec::new(),
                            cursor: None,
                            done: true,
                        })
                        .await;
                };
                let items = Item::all(stream.as_str(), &[program])?;
                self.send(PageOut {
                    window: idx,
                    items,
                    cursor: None,
                    done: false,
                })
                .await?;
                let body = SearchLoyaltyAccountsRequest {
                    limit: Some(200),
                    ..Default::default()
                };
                self.drain(idx, stream, c.search_loyalty_accounts(body), true)
                    .await
            }
            Stream::LoyaltyEvents => {
                // Historical windows are bounded; incremental ones run to the present.
                let query = begin.is_some().then(|| LoyaltyEventQuery {
                    filter: Some(LoyaltyEventFilter {
                        date_time_filter: Some(LoyaltyEventDateTimeFilter {
                            created_at: TimeRange {
                                start_at: begin,
                                end_at: if incremental { None } else { end },
                            },
                        }),
                        ..Default::default()
                    }),
                });
                let body = SearchLoyaltyEventsRequest {
                    query,
                    limit: Some(30),
                    ..Default::default()
                };
                self.drain(idx, stream, c.search_loyalty_events(body), true)
                    .await
            }
        }
    }
}
