//! Google Business Profile reviews:
//! `GET {base}/v4/accounts/{account}/locations/{location}/reviews?pageSize=50&pageToken=…`,
//! following `nextPageToken` to the end, with an OAuth access token (see [`super::google_oauth`]
//! for connecting and the keyring). `starRating` `ONE`…`FIVE` becomes 1–5
//! (`STAR_RATING_UNSPECIFIED`: no rating); `reviewReply.comment` is the owner's reply.

use super::http;
use super::{Fetched, ReviewSource};
use crate::error::{Result, ReviewsError};
use crate::model::{RawReview, SourceKind};
use chrono::{DateTime, Utc};
use keeper_square::client::BoxFuture;
use serde::Deserialize;
use std::sync::Arc;

/// Google's production endpoint.
pub const GOOGLE_BASE_URL: &str = "https://mybusiness.googleapis.com";
/// Largest page Google serves.
pub const PAGE_SIZE: usize = 50;
/// Pages fetched at most (a guard against a token that never ends).
const MAX_PAGES: usize = 1_000;

/// Gives the current access token (refreshing it when needed).
pub trait AccessToken: Send + Sync {
    fn access_token(&self) -> BoxFuture<'_, Result<String>>;
}

/// A fixed token (tests, the simulator, a token the caller refreshed).
pub struct FixedToken(pub String);

impl AccessToken for FixedToken {
    fn access_token(&self) -> BoxFuture<'_, Result<String>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }
}

/// One location's reviews.
pub struct GoogleSource {
    pub base_url: String,
    pub account_id: String,
    pub location_id: String,
    pub token: Arc<dyn AccessToken>,
    pub page_size: usize,
    http: reqwest::Client,
}

impl GoogleSource {
    pub fn new(
        base_url: impl Into<String>,
        account_id: impl Into<String>,
        location_id: impl Into<String>,
        token: Arc<dyn AccessToken>,
    ) -> Result<GoogleSource> {
        Ok(GoogleSource {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            account_id: account_id.into(),
            location_id: location_id.into(),
            token,
            page_size: PAGE_SIZE,
            http: http::client()?,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    #[serde(default)]
    reviews: Vec<GReview>,
    total_review_count: Option<u64>,
    next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GReview {
    review_id: String,
    reviewer: Option<Reviewer>,
    star_rating: Option<String>,
    comment: Option<String>,
    create_time: DateTime<Utc>,
    update_time: Option<DateTime<Utc>>,
    review_reply: Option<Reply>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reviewer {
    display_name: Option<String>,
    #[serde(default)]
    is_anonymous: bool,
}

#[derive(Debug, Deserialize)]
struct Reply {
    comment: Option<String>,
}

/// `ONE`…`FIVE` → 1–5.
pub fn stars(s: &str) -> Option<u8> {
    match s {
        "ONE" => Some(1),
        "TWO" => Some(2),
        "THREE" => Some(3),
        "FOUR" => Some(4),
        "FIVE" => Some(5),
        _ => None,
    }
}

fn convert(g: GReview) -> RawReview {
    let author = g
        .reviewer
        .filter(|r| !r.is_anonymous)
        .and_then(|r| r.display_name);
    RawReview {
        source: SourceKind::Google,
        source_id: g.review_id,
        author_name: author,
        rating: g.star_rating.as_deref().and_then(stars),
        text: g.comment.unwrap_or_default(),
        created_at: g.create_time,
        updated_at: g.update_time,
        owner_reply: g.review_reply.and_then(|r| r.comment),
        excerpt: false,
        url: None,
    }
}

impl ReviewSource for GoogleSource {
    fn kind(&self) -> SourceKind {
        SourceKind::Google
    }

    fn fetch(&self) -> BoxFuture<'_, Result<Fetched>> {
        Box::pin(async move {
            let url = format!(
                "{}/v4/accounts/{}/locations/{}/reviews",
                self.base_url, self.account_id, self.location_id
            );
            let mut reviews = Vec::new();
            let mut token: Option<String> = None;
            let mut pages = 0;
            let mut total = None;
            loop {
                let bearer = self.token.access_token().await?;
                let mut req = self
                    .http
                    .get(&url)
                    .bearer_auth(bearer)
                    .query(&[("pageSize", self.page_size.to_string())]);
                if let Some(t) = &token {
                    req = req.query(&[("pageToken", t)]);
                }
                let page: Page = http::get_json("google", req).await?;
                pages += 1;
                total = page.total_review_count.or(total);
                reviews.extend(page.reviews.into_iter().map(convert));
                match page.next_page_token.filter(|t| !t.is_empty()) {
                    Some(t) if pages < MAX_PAGES => token = Some(t),
                    Some(_) => {
                        return Err(ReviewsError::BadResponse {
                            source_name: "google",
                            detail: format!("still paging after {MAX_PAGES} pages"),
                        });
                    }
                    None => break,
                }
            }
            Ok(Fetched {
                source: SourceKind::Google,
                reviews,
                pages,
                total_reported: total,
                note: None,
            })
        })
    }
}
