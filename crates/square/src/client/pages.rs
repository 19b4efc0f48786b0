//! `Pages`: cursor pagination as a sequence of pages. Each call to
//! [`Pages::next_page`] sends the original request again with only the cursor changed:
//! the same query string for GET lists, and for POST searches the same body through
//! [`CursorRequest::set_cursor`] (Square rejects a changed query with an old cursor).
//! [`Pages::next_page_raw`] also hands out each item's JSON exactly as Square sent it (fields
//! the typed models do not know included), and [`Pages::resume_at`] continues a chain from
//! a stored cursor.

use super::SquareClient;
use super::error::ClientError;
use super::transport::{Method, RequestSpec};
use crate::control::EndpointFamily;
use crate::requests::CursorRequest;
use crate::responses::Page;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::marker::PhantomData;

/// One page decoded twice from the same body: as the typed envelope, and as the JSON text of
/// each item of its item array (same order, same count).
struct Decoded<R> {
    page: R,
    raw: Vec<Box<RawValue>>,
}

impl<'de, R: Page + DeserializeOwned> Deserialize<'de> for Decoded<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let body = Box::<RawValue>::deserialize(d)?;
        let page: R = serde_json::from_str(body.get()).map_err(D::Error::custom)?;
        let fields: HashMap<String, &RawValue> =
            serde_json::from_str(body.get()).map_err(D::Error::custom)?;
        let raw: Vec<Box<RawValue>> = match fields.get(R::ITEMS_KEY) {
            Some(items) if items.get() != "null" => {
                serde_json::from_str::<Vec<&RawValue>>(items.get())
                    .map_err(D::Error::custom)?
                    .into_iter()
                    .map(RawValue::to_owned)
                    .collect()
            }
            _ => Vec::new(),
        };
        if raw.len() != page.items().len() {
            return Err(D::Error::custom(format!(
                "`{}` holds {} objects but {} were decoded",
                R::ITEMS_KEY,
                raw.len(),
                page.items().len()
            )));
        }
        Ok(Decoded { page, raw })
    }
}

/// Builds the request of one page from the cursor of the previous page.
pub(crate) trait PageQuery: Send + Sync {
    fn request(&mut self, cursor: Option<String>) -> Result<RequestSpec, ClientError>;
}

/// A GET list: the query parameters stay, `cursor` is added.
pub(crate) struct GetQuery {
    pub spec: RequestSpec,
}

impl PageQuery for GetQuery {
    fn request(&mut self, cursor: Option<String>) -> Result<RequestSpec, ClientError> {
        let mut spec = self.spec.clone();
        if let Some(cursor) = cursor {
            spec.query.push(("cursor".to_owned(), cursor));
        }
        Ok(spec)
    }
}

/// A POST search: the body stays, its `cursor` field changes.
pub(crate) struct PostQuery<B> {
    pub operation: &'static str,
    pub family: EndpointFamily,
    pub path: &'static str,
    pub body: B,
}

impl<B: Serialize + CursorRequest + Send + Sync> PageQuery for PostQuery<B> {
    fn request(&mut self, cursor: Option<String>) -> Result<RequestSpec, ClientError> {
        self.body.set_cursor(cursor);
        let body = serde_json::to_vec(&self.body).map_err(|e| ClientError::InvalidRequest {
            detail: format!("could not encode the {} body: {e}", self.operation),
        })?;
        Ok(RequestSpec {
            operation: self.operation,
            family: self.family,
            method: Method::Post,
            path: self.path.to_owned(),
            query: Vec::new(),
            body: Some(body),
        })
    }
}

/// The pages of one list or search. `R` is the response envelope (`ListPaymentsResponse`…).
pub struct Pages<R> {
    client: SquareClient,
    query: Box<dyn PageQuery>,
    operation: &'static str,
    cursor: Option<String>,
    done: bool,
    fetched: usize,
    _page: PhantomData<fn() -> R>,
}

impl<R> std::fmt::Debug for Pages<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &self.operation)
            .field("fetched", &self.fetched)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<R: Page + DeserializeOwned> Pages<R> {
    pub(crate) fn new(
        client: SquareClient,
        operation: &'static str,
        query: Box<dyn PageQuery>,
    ) -> Self {
        Pages {
            client,
            query,
            operation,
            cursor: None,
            done: false,
            fetched: 0,
            _page: PhantomData,
        }
    }

    /// Continues the chain at `cursor` (a cursor an earlier run of the same query stored):
    /// the next page asked for is the one that cursor points at. Square answers
    /// `INVALID_CURSOR` when the cursor no longer fits the query.
    pub fn resume_at(mut self, cursor: String) -> Self {
        self.cursor = Some(cursor);
        self
    }

    /// The next page, or `None` after the last one. After an error the same page can be
    /// asked for again (the cursor only moves on success).
    pub async fn next_page(&mut self) -> Result<Option<R>, ClientError> {
        if self.done {
            return Ok(None);
        }
        let spec = self.query.request(self.cursor.clone())?;
        let page: R = self.client.execute(&spec).await?;
        self.advance(&page)?;
        Ok(Some(page))
    }

    /// Like [`Pages::next_page`], with each item's JSON text exactly as Square sent it
    /// (one per item of the page, in the same order).
    pub async fn next_page_raw(&mut self) -> Result<Option<(R, Vec<Box<RawValue>>)>, ClientError> {
        if self.done {
            return Ok(None);
        }
        let spec = self.query.request(self.cursor.clone())?;
        let Decoded { page, raw } = self.client.execute::<Decoded<R>>(&spec).await?;
        self.advance(&page)?;
        Ok(Some((page, raw)))
    }

    fn advance(&mut self, page: &R) -> Result<(), ClientError> {
        self.fetched += 1;
        match page.next_cursor() {
            Some(next) if Some(&next) == self.cursor.as_ref() => {
                self.done = true;
                return Err(ClientError::CursorLoop {
                    operation: self.operation,
                });
            }
            Some(next) => self.cursor = Some(next),
            None => self.done = true,
        }
        Ok(())
    }

    /// Every item of every remaining page.
    pub async fn collect_items(mut self) -> Result<Vec<R::Item>, ClientError> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await? {
            items.extend(page.into_items());
        }
        Ok(items)
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> usize {
        self.fetched
    }

    /// The cursor the next page will be requested with (`None` before the first page and
    /// after the last).
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// Whether the last page has been returned.
    pub fn is_done(&self) -> bool {
        self.done
    }
}
