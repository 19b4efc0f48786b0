//! Reading one window from Square: the request each stream's window needs (historical by
//! `created_at`/`start_at`, or incremental by `updated_at`/`begin_time` in a sync), page by
//! page, each page handed to the writer with the cursor that follows it and each object's
//! JSON exactly as Square sent it. A window interrupted mid-way continues from its stored
//! cursor; when Square no longer accepts that cursor (`INVALID_CURSOR`), the window starts
//! again from its beginning.

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
    CustomerFilter, CustomerQuery, CustomerSort, CustomerSortField, LoyaltyEventDateTimeFilter,
    LoyaltyEventFilter, LoyaltyEventQuery, SearchCatalogObjectsRequest, SearchCustomersRequest,
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
    /// The stored cursor was refused: the window is read again from its beginning (its
    /// checkpoint goes back to zero before the pages that follow).
    Restart {
        window: usize,
    },
    Failed {
        window: usize,
        error: Error,
    },
}

/// Whether `e` is Square refusing a cursor (expired, or not made for this query).
pub fn is_invalid_cursor(e: &Error) -> bool {
    let Error::Square { source, .. } = e else {
        return false;
    };
    source.square_error().is_some_and(|s| {
        s.api_errors()
            .iter()
            .any(|a| a.code == keeper_square::error::ErrorCode::InvalidCursor)
    })
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
    /// Reads window `idx` (from `resume`, the cursor stored by an interrupted read, when
    /// given), sending its pages; a failure is sent as [`Msg::Failed`].
    pub async fn run(self, idx: usize, window: Window, resume: Option<String>) {
        let mut result = self.window(idx, &window, resume.clone()).await;
        if resume.is_some() && result.as_ref().is_err_and(is_invalid_cursor) {
            tracing::info!(stream = %window.stream, window = %window.key,
                "stored cursor refused; reading the window from its start");
            if self.tx.send(Msg::Restart { window: idx }).await.is_err() {
                return;
            }
            result = self.window(idx, &window, None).await;
        }
        if let Err(error) = result {
            let _ = self.tx.send(Msg::Failed { window: idx, error }).await;
        }
    }

    /// Hands a page to the writer; `false` when the run was abandoned (nothing left to do).
    async fn send(&self, page: PageOut) -> bool {
        self.tx.send(Msg::Page(page)).await.is_ok()
    }

    async fn drain<R>(
        &self,
        idx: usize,
        stream: Stream,
        pages: Pages<R>,
        last: bool,
        resume: Option<String>,
    ) -> Result<()>
    where
        R: Page + DeserializeOwned,
        R::Item: crate::fetched::Fetched,
    {
        let mut pages = match resume {
            Some(cursor) => pages.resume_at(cursor),
            None => pages,
        };
        loop {
            let page = pages.next_page_raw().await.map_err(sq(stream))?;
            let Some((page, raw)) = page else {
                if last {
                    self.send(PageOut {
                        window: idx,
                        items: Vec::new(),
                        cursor: None,
                        done: true,
                    })
                    .await;
                }
                return Ok(());
            };
            self.requests.fetch_add(1, Ordering::Relaxed);
            let items = page
                .items()
                .iter()
                .zip(raw)
                .map(|(item, json)| {
                    Item::exact(stream.as_str(), item, Box::<str>::from(json).into())
                })
                .collect::<Result<Vec<_>>>()?;
            let done = pages.is_done();
            let sent = self
                .send(PageOut {
                    window: idx,
                    items,
                    cursor: pages.cursor().map(str::to_owned),
                    done: done && last,
                })
                .await;
            if done || !sent {
                return Ok(());
            }
        }
    }

    async fn window(&self, idx: usize, w: &Window, resume: Option<String>) -> Result<()> {
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
                .await;
                Ok(())
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
                self.drain(idx, stream, c.search_customers(body), true, resume)
                    .await
            }
            Stream::Customers if w.key == "all" => {
                let pages = c.list_customers(&ListCustomersQuery::backfill());
                self.drain(idx, stream, pages, true, resume).await
            }
            Stream::Customers => {
                // A historical window: the profiles created inside it, oldest first.
                let body = SearchCustomersRequest {
                    limit: Some(100),
                    query: Some(CustomerQuery {
                        filter: Some(CustomerFilter {
                            created_at: Some(TimeRange {
                                start_at: begin,
                                end_at: end,
                            }),
                            ..Default::default()
                        }),
                        sort: Some(CustomerSort {
                            field: Some(CustomerSortField::CreatedAt),
                            order: Some(SortOrder::Asc),
                        }),
                    }),
                    ..Default::default()
                };
                self.drain(idx, stream, c.search_customers(body), true, resume)
                    .await
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
                self.drain(idx, stream, c.list_payments(&q), true, resume)
                    .await
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
                self.drain(idx, stream, c.list_refunds(&q), true, resume)
                    .await
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
                self.drain(idx, stream, pages, true, resume).await
            }
            Stream::Bookings => {
                let (Some(b), Some(e)) = (begin, end) else {
                    return Err(Error::Plan {
                        detail: format!("bookings window {} has no bounds", w.key),
                    });
                };
                let window = BookingsWindow::new(b, e).map_err(sq(stream))?;
                let pages = c.list_bookings(&ListBookingsQuery::new(window));
                self.drain(idx, stream, pages, true, resume).await
            }
            Stream::TeamMembers => {
                let body = SearchTeamMembersRequest {
                    limit: Some(200),
                    ..Default::default()
                };
                self.drain(idx, stream, c.search_team_members(body), true, resume)
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
                self.drain(idx, stream, pages, true, resume).await
            }
            Stream::Catalog => {
                let query = ListCatalogQuery {
                    types: CATALOG_TYPES.map(CatalogObjectType::from).to_vec(),
                    catalog_version: None,
                };
                self.drain(idx, stream, c.list_catalog(&query), true, resume)
                    .await
            }
            Stream::LoyaltyAccounts => {
                // A resumed read continues the accounts; the program was stored before.
                if resume.is_some() {
                    let body = SearchLoyaltyAccountsRequest {
                        limit: Some(200),
                        ..Default::default()
                    };
                    let pages = c.search_loyalty_accounts(body);
                    return self.drain(idx, stream, pages, true, resume).await;
                }
                let program = c
                    .retrieve_loyalty_program_main()
                    .await
                    .map_err(sq(stream))?;
                self.requests.fetch_add(1, Ordering::Relaxed);
                let Some(program) = program else {
                    self.send(PageOut {
                        window: idx,
                        items: Vec::new(),
                        cursor: None,
                        done: true,
                    })
                    .await;
                    return Ok(());
                };
                let items = Item::all(stream.as_str(), &[program])?;
                let sent = self
                    .send(PageOut {
                        window: idx,
                        items,
                        cursor: None,
                        done: false,
                    })
                    .await;
                if !sent {
                    return Ok(());
                }
                let body = SearchLoyaltyAccountsRequest {
                    limit: Some(200),
                    ..Default::default()
                };
                self.drain(idx, stream, c.search_loyalty_accounts(body), true, resume)
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
                self.drain(idx, stream, c.search_loyalty_events(body), true, resume)
                    .await
            }
        }
    }
}
