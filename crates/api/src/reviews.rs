//! Reviews for the Reviews screen and `keeper reviews`: list stored reviews (rating,
//! sentiment, mentions, urgency), per-staff sentiment, import an exported file, and fetch from
//! Google Business Profile and Yelp (base URLs settable, so the simulators stand in).

use crate::{ApiError, Result};
use chrono::{DateTime, Utc};
use keeper_reviews::ReviewsError;
use keeper_reviews::db::{self, ListFilter, ReviewRow, StaffSentiment};
use keeper_reviews::sentiment::Method;
use keeper_reviews::source::ReviewSource;
use keeper_reviews::source::file::FileSource;
use keeper_reviews::source::google::{AccessToken, FixedToken, GoogleSource};
use keeper_reviews::source::google_oauth::{GoogleOAuthConfig, StoredGoogleToken};
use keeper_reviews::source::yelp::{YelpKey, YelpSource};
use keeper_reviews::stage::{self, SourceSummary};
use keeper_square::client::SystemClock;
use keeper_store::Store;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

pub use keeper_reviews::source::yelp::YELP_NOTE;

impl From<ReviewsError> for ApiError {
    fn from(e: ReviewsError) -> Self {
        ApiError {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

/// Which reviews to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReviewsQuery {
    #[serde(default)]
    pub urgent_only: bool,
    /// `google`, `yelp` or `file`.
    pub source: Option<String>,
    pub limit: Option<usize>,
}

/// Stored reviews, newest first, with mentions and urgency.
pub fn list_reviews(db_path: &Path, q: &ReviewsQuery) -> Result<Vec<ReviewRow>> {
    let store = Store::open(db_path)?;
    Ok(db::list(
        store.conn(),
        &ListFilter {
            urgent_only: q.urgent_only,
            source: q.source.clone(),
            limit: q.limit,
        },
    )?)
}

/// Review sentiment per team member (for the staff metrics).
pub fn staff_sentiment(db_path: &Path) -> Result<Vec<StaffSentiment>> {
    let store = Store::open(db_path)?;
    Ok(db::staff_sentiment(store.conn())?)
}

/// Imports a CSV or JSON export; a bad file fails before anything is written.
pub async fn import_file(db_path: &Path, file: &Path, now: DateTime<Utc>) -> Result<SourceSummary> {
    let fetched = FileSource {
        path: file.to_path_buf(),
    }
    .fetch()
    .await?;
    let mut store = Store::open(db_path)?;
    Ok(stage::store_fetched(
        &mut store,
        fetched,
        Method::VaderSalon,
        now,
    )?)
}

/// How to reach Google Business Profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GoogleFetch {
    pub base_url: String,
    pub account_id: String,
    pub location_id: String,
    /// A bearer token to use as is (the simulator's); `None`: the keyring's tokens,
    /// refreshed with `client_id`.
    pub access_token: Option<String>,
    pub client_id: Option<String>,
}

/// How to reach Yelp Fusion.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct YelpFetch {
    pub base_url: String,
    pub business_id: String,
    /// The API key; `None`: the one in the keyring.
    pub api_key: Option<String>,
}

/// Fetches from the configured sources, then analyses and stores.
pub async fn fetch_reviews(
    db_path: &Path,
    google: Option<GoogleFetch>,
    yelp: Option<YelpFetch>,
    now: DateTime<Utc>,
) -> Result<Vec<SourceSummary>> {
    let mut sources: Vec<Box<dyn ReviewSource>> = Vec::new();
    if let Some(g) = google {
        let token: Arc<dyn AccessToken> = match (g.access_token, g.client_id) {
            (Some(t), _) => Arc::new(FixedToken(t)),
            (None, Some(client_id)) => Arc::new(StoredGoogleToken::keyring(
                &g.account_id,
                GoogleOAuthConfig::google(client_id),
                Arc::new(SystemClock::new()),
            )),
            (None, None) => {
                return Err(ApiError {
                    code: "google_not_configured".into(),
                    message: "Google needs an access token or the OAuth client id".into(),
                });
            }
        };
        sources.push(Box::new(GoogleSource::new(
            g.base_url,
            g.account_id,
            g.location_id,
            token,
        )?));
    }
    if let Some(y) = yelp {
        let key = match y.api_key {
            Some(k) => k,
            None => YelpKey::load()?,
        };
        sources.push(Box::new(YelpSource::new(y.base_url, y.business_id, key)?));
    }
    if sources.is_empty() {
        return Err(ApiError {
            code: "no_review_source".into(),
            message: "no review source configured (Google, Yelp or a file)".into(),
        });
    }
    let refs: Vec<&dyn ReviewSource> = sources.iter().map(|s| s.as_ref()).collect();
    let mut store = Store::open(db_path)?;
    Ok(stage::fetch_all(&mut store, &refs, Method::VaderSalon, now).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn import_then_list_shows_sentiment_and_urgency() {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("k.sqlite3");
        let file = dir.path().join("r.csv");
        std::fs::write(
            &file,
            "id,author,rating,text,date\n1,Ann Lee,5,Wonderful!,2025-05-01\n\
             2,Bo Park,1,Rude and I want a refund.,2025-05-02\n",
        )
        .unwrap();
        let now = DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let s = import_file(&db_path, &file, now).await.unwrap();
        assert_eq!(s.counts.inserted, 2);
        let all = list_reviews(&db_path, &ReviewsQuery::default()).unwrap();
        assert_eq!(all.len(), 2);
        assert!(all[1].sentiment.unwrap() > 0.3);
        let urgent = list_reviews(
            &db_path,
            &ReviewsQuery {
                urgent_only: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(urgent.len(), 1);
        assert!(
            urgent[0]
                .urgent_reason
                .as_deref()
                .unwrap()
                .contains("refund")
        );
        let e = fetch_reviews(&db_path, None, None, now).await.unwrap_err();
        assert_eq!(e.code, "no_review_source");
    }
}
