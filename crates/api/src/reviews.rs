//! Reviews for the Reviews screen and `keeper reviews`: list stored reviews (rating,
//! sentiment, mentions, urgency), per-staff sentiment, import an exported file, and fetch from
//! Google Business Profile and Yelp (base URLs settable, so the simulators stand in); the
//! sources the app fetches daily ([`configured_sources`]); and which urgent reviews the owner
//! has not been told about yet ([`UrgentWatch`], the desktop notification's text).

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
use std::collections::HashSet;
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
    list_on(store.conn(), q)
}

/// Stored reviews on an open connection (the app's screens keep one).
pub fn list_on(conn: &rusqlite::Connection, q: &ReviewsQuery) -> Result<Vec<ReviewRow>> {
    Ok(db::list(
        conn,
        &ListFilter {
            urgent_only: q.urgent_only,
            source: q.source.clone(),
            limit: q.limit,
            customer_id: None,
        },
    )?)
}

/// One customer's reviews, newest first, with their mentions: the rows [`db::list`] gives,
/// read through the `reviews_customer` index instead of listing every review.
pub fn reviews_of_customer(
    conn: &rusqlite::Connection,
    customer_id: &str,
) -> Result<Vec<ReviewRow>> {
    Ok(db::list(
        conn,
        &ListFilter {
            customer_id: Some(customer_id.to_owned()),
            ..ListFilter::default()
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

/// What to connect Google Business Profile with.
#[derive(Debug, Clone)]
pub struct GoogleConnect {
    /// The OAuth client id of Keeper's Google Cloud project.
    pub client_id: String,
    /// The Business Profile account whose reviews Keeper reads (the tokens are filed under it).
    pub account_id: String,
    /// Sign-in and token endpoints under another base (the simulator); `None`: Google's.
    pub oauth_base: Option<String>,
    /// How long to wait for the owner in the browser.
    pub timeout: std::time::Duration,
}

/// A finished Google sign-in (no token in it).
#[derive(Debug, Clone, Serialize)]
pub struct GoogleConnected {
    pub account_id: String,
    pub access_expires_at: Option<String>,
    pub refresh_token_kept: bool,
}

fn token_store_err(e: keeper_square::control::TokenStoreError) -> ApiError {
    ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

/// Connects Google Business Profile: checks `tokens` can keep tokens (before the browser),
/// runs the loopback + PKCE sign-in with `open_browser`, and saves the tokens under the
/// account id (the OS keyring's [`GOOGLE_KEYRING_SERVICE`] in the app and the CLI).
///
/// [`GOOGLE_KEYRING_SERVICE`]: keeper_reviews::source::google_oauth::GOOGLE_KEYRING_SERVICE
pub async fn connect_google(
    c: &GoogleConnect,
    open_browser: &keeper_square::oauth::BrowserOpener,
    tokens: &dyn keeper_square::control::TokenStore,
    rng: &mut (dyn rand::RngCore + Send),
    clock: &dyn keeper_square::client::Clock,
) -> Result<GoogleConnected> {
    tokens.check_available().map_err(token_store_err)?;
    let mut config = match &c.oauth_base {
        Some(base) => GoogleOAuthConfig::with_base(c.client_id.clone(), base, base),
        None => GoogleOAuthConfig::google(c.client_id.clone()),
    };
    config.timeout = c.timeout;
    let set = keeper_reviews::source::google_oauth::connect(
        &config,
        &c.account_id,
        open_browser,
        rng,
        clock,
    )
    .await?;
    tokens.put(&set).map_err(token_store_err)?;
    Ok(GoogleConnected {
        account_id: c.account_id.clone(),
        access_expires_at: set.expires_at.map(|t| t.to_rfc3339()),
        refresh_token_kept: set.refresh_token.is_some(),
    })
}

/// Saves the Yelp Fusion API key in the OS keyring (surrounding blanks removed; an empty
/// key is refused). The key is never written anywhere else.
pub fn save_yelp_key(key: &str) -> Result<()> {
    let key = key.trim();
    if key.is_empty() {
        return Err(ApiError {
            code: "yelp_key_empty".into(),
            message: "the Yelp API key is empty".into(),
        });
    }
    Ok(YelpKey::save(key)?)
}

/// Google Business Profile's API base.
pub const GOOGLE_API_BASE: &str = "https://mybusiness.googleapis.com";
/// Yelp Fusion's API base.
pub const YELP_API_BASE: &str = "https://api.yelp.com";

/// The review sources the app fetches on its own (daily and on demand) for a Square
/// merchant, from the environment: `KEEPER_GOOGLE_ACCOUNT`, `KEEPER_GOOGLE_LOCATION` and
/// `KEEPER_GOOGLE_CLIENT_ID` (tokens in the keyring, from `keeper reviews connect-google`),
/// `KEEPER_YELP_BUSINESS` (key in the keyring, from `keeper reviews yelp-key`). `None` when
/// neither is set. `var` reads one variable (the process environment in the app).
pub fn configured_sources(
    var: &dyn Fn(&str) -> Option<String>,
) -> Option<(Option<GoogleFetch>, Option<YelpFetch>)> {
    let google = match (
        var("KEEPER_GOOGLE_ACCOUNT"),
        var("KEEPER_GOOGLE_LOCATION"),
        var("KEEPER_GOOGLE_CLIENT_ID"),
    ) {
        (Some(account_id), Some(location_id), Some(client_id)) => Some(GoogleFetch {
            base_url: var("KEEPER_GOOGLE_API_BASE").unwrap_or_else(|| GOOGLE_API_BASE.into()),
            account_id,
            location_id,
            access_token: None,
            client_id: Some(client_id),
        }),
        _ => None,
    };
    let yelp = var("KEEPER_YELP_BUSINESS").map(|business_id| YelpFetch {
        base_url: var("KEEPER_YELP_API_BASE").unwrap_or_else(|| YELP_API_BASE.into()),
        business_id,
        api_key: None,
    });
    (google.is_some() || yelp.is_some()).then_some((google, yelp))
}

/// The urgent reviews stored now, newest first.
pub fn urgent_reviews(db_path: &Path) -> Result<Vec<ReviewRow>> {
    list_reviews(
        db_path,
        &ReviewsQuery {
            urgent_only: true,
            ..Default::default()
        },
    )
}

/// A desktop notification about reviews that became urgent (plain text).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UrgentNotice {
    pub count: usize,
    pub title: String,
    pub body: String,
    /// The reviews it is about, newest first.
    pub review_ids: Vec<String>,
}

/// Which urgent reviews the owner has been told about, so each is notified once.
#[derive(Debug, Default, Clone)]
pub struct UrgentWatch {
    notified: HashSet<String>,
}

impl UrgentWatch {
    /// Starts from the reviews already urgent when the app starts: the owner saw them in the
    /// app before, so only reviews that become urgent from now on are notified.
    pub fn baseline(urgent: &[ReviewRow]) -> UrgentWatch {
        UrgentWatch {
            notified: urgent.iter().map(|r| r.id.clone()).collect(),
        }
    }

    /// After a fetch: the notice for the urgent reviews not notified yet (`urgent` newest
    /// first, as [`urgent_reviews`] lists them), which are then marked notified. A review
    /// edited into urgency counts as new; one that stays urgent is never notified twice.
    pub fn notice(&mut self, urgent: &[ReviewRow]) -> Option<UrgentNotice> {
        let fresh: Vec<&ReviewRow> = urgent
            .iter()
            .filter(|r| r.urgent && !self.notified.contains(&r.id))
            .collect();
        let first = fresh.first()?;
        self.notified.extend(fresh.iter().map(|r| r.id.clone()));
        let count = fresh.len();
        let title = if count == 1 {
            "1 urgent review".to_owned()
        } else {
            format!("{count} urgent reviews")
        };
        let who = first
            .customer_name
            .clone()
            .filter(|n| !n.is_empty())
            .or_else(|| first.author_name.clone())
            .unwrap_or_else(|| "A reviewer".to_owned());
        let source = match first.source.as_str() {
            "google" => "Google",
            "yelp" => "Yelp",
            _ => "a file",
        };
        let mut body = format!("{who} on {source}");
        if let Some(reason) = &first.urgent_reason {
            body.push_str(&format!(": {reason}"));
        }
        if count > 1 {
            body.push_str(&format!(" (and {} more)", count - 1));
        }
        Some(UrgentNotice {
            count,
            title,
            body,
            review_ids: fresh.iter().map(|r| r.id.clone()).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviews_of_a_customer_are_the_full_lists_rows_of_that_customer() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO team_members (id, given_name, family_name) VALUES ('T1', 'Jess', 'Lee');
                 INSERT INTO customers (id, given_name, family_name) VALUES
                   ('C1', 'Maria', 'Lopez'), ('C2', 'Bob', 'Stone');
                 INSERT INTO reviews (id, source, source_id, author_name, rating, text, created_at,
                                      customer_id, sentiment, urgent, urgent_reason, fetched_at) VALUES
                   ('google:1', 'google', '1', 'Maria L.', 5, 'Jess was great', '2026-10-01T10:00:00Z',
                    'C1', 0.8, 0, NULL, '2026-11-01T00:00:00Z'),
                   ('yelp:2', 'yelp', '2', 'Maria', 1, 'Rude', '2026-11-01T10:00:00Z',
                    'C1', -0.7, 1, 'one star', '2026-11-01T00:00:00Z'),
                   ('google:3', 'google', '3', 'Bob', 4, 'Fine', '2026-11-02T10:00:00Z',
                    'C2', 0.2, 0, NULL, '2026-11-03T00:00:00Z'),
                   ('google:4', 'google', '4', 'Anon', 3, 'Ok', '2026-11-03T10:00:00Z',
                    NULL, 0.0, 0, NULL, '2026-11-03T00:00:00Z');
                 INSERT INTO review_mentions (review_id, kind, target_id, matched, sentiment) VALUES
                   ('google:1', 'team_member', 'T1', 'Jess', 0.8);",
            )
            .unwrap();
        let all = list_on(store.conn(), &ReviewsQuery::default()).unwrap();
        let expected: Vec<String> = all
            .iter()
            .filter(|r| r.customer_id.as_deref() == Some("C1"))
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        let got: Vec<String> = reviews_of_customer(store.conn(), "C1")
            .unwrap()
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        assert_eq!(got, expected);
        assert_eq!(got.len(), 2);
        assert!(got[1].contains("Jess Lee"), "mentions keep the staff name");
        assert!(
            reviews_of_customer(store.conn(), "nobody")
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn connect_google_signs_in_to_the_simulator_and_files_the_tokens_under_the_account() {
        use keeper_square::control::{SimulatorTokenStore, TokenStore};
        use rand::SeedableRng;
        let now = DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let (data, _) = keeper_sim::generate::generate(
            keeper_sim::Profile::Small,
            3,
            keeper_sim::Ts(now.timestamp_millis()),
        );
        let world = keeper_reviews::sim::ReviewWorld::from_dataset(&data);
        let sims = keeper_reviews::sim::ReviewSims::start(&world, 3, now)
            .await
            .unwrap();
        let st = &sims.state;
        let store = SimulatorTokenStore::default();
        let c = GoogleConnect {
            client_id: st.google_client_id.clone(),
            account_id: st.account_id.clone(),
            oauth_base: Some(sims.google_base_url().to_owned()),
            timeout: std::time::Duration::from_secs(20),
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let done = connect_google(
            &c,
            &*keeper_square::oauth::redirect_following_browser(),
            &store,
            &mut rng,
            &SystemClock::new(),
        )
        .await
        .unwrap();
        assert_eq!(done.account_id, st.account_id);
        assert!(done.refresh_token_kept);
        let saved = store.load(&st.account_id).unwrap().unwrap();
        assert_eq!(saved.access_token.expose(), st.google_token);
        // A client id Google does not know: nothing is stored.
        let other = SimulatorTokenStore::default();
        let wrong = GoogleConnect {
            client_id: "someone-else".into(),
            ..c
        };
        let e = connect_google(
            &wrong,
            &*keeper_square::oauth::redirect_following_browser(),
            &other,
            &mut rng,
            &SystemClock::new(),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code, "browser_failed");
        assert!(other.load(&st.account_id).unwrap().is_none());
        sims.shutdown().await;
    }

    #[test]
    fn an_empty_yelp_key_is_refused_before_the_keyring() {
        assert_eq!(save_yelp_key("  \n").unwrap_err().code, "yelp_key_empty");
    }

    fn review(id: &str, author: &str, urgent: bool, reason: Option<&str>) -> ReviewRow {
        ReviewRow {
            id: id.into(),
            source: "google".into(),
            source_id: id.into(),
            author_name: Some(author.into()),
            rating: Some(1),
            text: "text".into(),
            created_at: "2025-05-01T00:00:00Z".into(),
            updated_at: None,
            owner_reply: None,
            customer_id: None,
            customer_name: None,
            sentiment: Some(-0.8),
            urgent,
            urgent_reason: reason.map(str::to_owned),
            excerpt: false,
            url: None,
            mentions: vec![],
        }
    }

    #[test]
    fn urgent_reviews_present_at_start_are_not_notified_and_new_ones_are_once() {
        let old = review("r1", "Old Grumble", true, Some("rating 1★"));
        let mut watch = UrgentWatch::baseline(std::slice::from_ref(&old));
        assert_eq!(watch.notice(std::slice::from_ref(&old)), None);
        let newest = review(
            "r3",
            "Bo Park",
            true,
            Some("rating 1★; words: rude, refund"),
        );
        let other = review("r2", "Cy Dee", true, Some("strongly negative (-0.81)"));
        let n = watch
            .notice(&[newest.clone(), other.clone(), old.clone()])
            .unwrap();
        assert_eq!(n.count, 2);
        assert_eq!(n.title, "2 urgent reviews");
        assert_eq!(
            n.body,
            "Bo Park on Google: rating 1★; words: rude, refund (and 1 more)"
        );
        assert_eq!(n.review_ids, vec!["r3".to_owned(), "r2".to_owned()]);
        assert_eq!(
            watch.notice(&[newest, other, old]),
            None,
            "a review that stays urgent is told once"
        );
    }

    #[test]
    fn a_single_urgent_review_names_the_linked_customer() {
        let mut watch = UrgentWatch::default();
        let mut r = review("r9", "ann l.", true, Some("words: allergic"));
        r.source = "yelp".into();
        r.customer_name = Some("Ann Lee".into());
        let n = watch.notice(&[r]).unwrap();
        assert_eq!(n.title, "1 urgent review");
        assert_eq!(n.body, "Ann Lee on Yelp: words: allergic");
        assert_eq!(watch.notice(&[review("x", "Zed", false, None)]), None);
    }

    #[test]
    fn sources_come_from_the_environment_and_need_every_google_setting() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert!(configured_sources(&env(&[])).is_none());
        let (g, y) = configured_sources(&env(&[
            ("KEEPER_GOOGLE_ACCOUNT", "1"),
            ("KEEPER_GOOGLE_LOCATION", "2"),
            ("KEEPER_GOOGLE_CLIENT_ID", "cid"),
        ]))
        .unwrap();
        let g = g.unwrap();
        assert_eq!(g.base_url, GOOGLE_API_BASE);
        assert_eq!(g.client_id.as_deref(), Some("cid"));
        assert!(y.is_none());
        let (g, y) = configured_sources(&env(&[
            ("KEEPER_GOOGLE_ACCOUNT", "1"),
            ("KEEPER_YELP_BUSINESS", "shop"),
        ]))
        .unwrap();
        assert!(
            g.is_none(),
            "an account without location and client id is not enough"
        );
        assert_eq!(y.unwrap().business_id, "shop");
    }

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
