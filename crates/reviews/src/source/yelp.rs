//! Yelp Fusion reviews: `GET {base}/v3/businesses/{id}/reviews` with the API key as a bearer
//! token (kept in the OS keyring, [`YelpKey`]). Yelp gives **at most three reviews, as
//! excerpts** — the result's `note` says so, and each review is marked `excerpt`.
//! `time_created` is Pacific time without an offset; it is read as UTC−8.

use super::http;
use super::{Fetched, ReviewSource};
use crate::error::{Result, ReviewsError};
use crate::model::{RawReview, SourceKind};
use chrono::{NaiveDateTime, TimeZone, Utc};
use keeper_square::client::BoxFuture;
use serde::Deserialize;

pub const YELP_BASE_URL: &str = "https://api.yelp.com";
/// What the UI and the CLI say about Yelp's limit.
pub const YELP_NOTE: &str =
    "Yelp's API gives only the three most recent reviews, as excerpts; open Yelp for the rest.";
/// The keyring service the API key is filed under (user: "api-key").
pub const YELP_KEYRING_SERVICE: &str = "keeper-yelp-api-key";

/// The Yelp API key in the OS keyring.
pub struct YelpKey;

impl YelpKey {
    fn entry() -> Result<keyring::Entry> {
        keyring::Entry::new(YELP_KEYRING_SERVICE, "api-key").map_err(|e| ReviewsError::Keyring {
            detail: e.to_string(),
        })
    }

    /// The stored key (`NotConnected` when there is none).
    pub fn load() -> Result<String> {
        match Self::entry()?.get_password() {
            Ok(k) => Ok(k),
            Err(keyring::Error::NoEntry) => Err(ReviewsError::NotConnected {
                source_name: "yelp",
                detail: "no Yelp API key is stored; add one in Settings".into(),
            }),
            Err(e) => Err(ReviewsError::Keyring {
                detail: e.to_string(),
            }),
        }
    }

    /// Stores `key`, replacing the previous one.
    pub fn save(key: &str) -> Result<()> {
        Self::entry()?
            .set_password(key)
            .map_err(|e| ReviewsError::Keyring {
                detail: e.to_string(),
            })
    }
}

/// One business's review excerpts.
pub struct YelpSource {
    pub base_url: String,
    pub business_id: String,
    api_key: String,
    http: reqwest::Client,
}

impl YelpSource {
    pub fn new(
        base_url: impl Into<String>,
        business_id: impl Into<String>,
        api_key: impl Into<String>,
    ) -> Result<YelpSource> {
        Ok(YelpSource {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            business_id: business_id.into(),
            api_key: api_key.into(),
            http: http::client()?,
        })
    }
}

#[derive(Debug, Deserialize)]
struct Page {
    #[serde(default)]
    reviews: Vec<YReview>,
    total: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct YReview {
    id: String,
    url: Option<String>,
    #[serde(default)]
    text: String,
    rating: Option<f64>,
    time_created: String,
    user: Option<User>,
}

#[derive(Debug, Deserialize)]
struct User {
    name: Option<String>,
}

fn convert(y: YReview) -> Result<RawReview> {
    let local =
        NaiveDateTime::parse_from_str(&y.time_created, "%Y-%m-%d %H:%M:%S").map_err(|e| {
            ReviewsError::BadResponse {
                source_name: "yelp",
                detail: format!("time_created {:?}: {e}", y.time_created),
            }
        })?;
    let created_at = Utc.from_utc_datetime(&(local + chrono::Duration::hours(8)));
    Ok(RawReview {
        source: SourceKind::Yelp,
        source_id: y.id,
        author_name: y.user.and_then(|u| u.name),
        rating: y.rating.map(|r| r.round().clamp(1.0, 5.0) as u8),
        text: y.text,
        created_at,
        updated_at: None,
        owner_reply: None,
        excerpt: true,
        url: y.url,
    })
}

impl ReviewSource for YelpSource {
    fn kind(&self) -> SourceKind {
        SourceKind::Yelp
    }

    fn fetch(&self) -> BoxFuture<'_, Result<Fetched>> {
        Box::pin(async move {
            let url = format!(
                "{}/v3/businesses/{}/reviews",
                self.base_url, self.business_id
            );
            let req = self
                .http
                .get(&url)
                .bearer_auth(&self.api_key)
                .query(&[("limit", "3"), ("sort_by", "newest")]);
            let page: Page = http::get_json("yelp", req).await?;
            let reviews = page
                .reviews
                .into_iter()
                .map(convert)
                .collect::<Result<Vec<_>>>()?;
            Ok(Fetched {
                source: SourceKind::Yelp,
                reviews,
                pages: 1,
                total_reported: page.total,
                note: Some(YELP_NOTE.to_owned()),
            })
        })
    }
}
