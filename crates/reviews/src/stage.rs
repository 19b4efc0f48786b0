//! Fetch → analyse → store, for any set of sources; and the demo stage, which runs the
//! Google and Yelp simulators in-process for the simulated merchant, signs in to Google
//! through the loopback + PKCE flow, fetches both, analyses and summarises.

use crate::analyze::analyze;
use crate::db::{self, StaffSentiment, UpsertCounts};
use crate::error::Result;
use crate::sentiment::Method;
use crate::sim::{ReviewSims, ReviewWorld};
use crate::source::google::{FixedToken, GoogleSource};
use crate::source::google_oauth::{GoogleOAuthConfig, connect};
use crate::source::yelp::YelpSource;
use crate::source::{Fetched, ReviewSource};
use chrono::{DateTime, Utc};
use keeper_square::client::SystemClock;
use keeper_store::Store;
use rand::SeedableRng;
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one source gave and what changed in the store.
#[derive(Debug, Clone, Serialize)]
pub struct SourceSummary {
    pub source: String,
    pub fetched: usize,
    pub pages: usize,
    pub total_reported: Option<u64>,
    #[serde(flatten)]
    pub counts: UpsertCounts,
    pub note: Option<String>,
}

/// Analyses `fetched` and upserts it (each review in its own transaction).
pub fn store_fetched(
    store: &mut Store,
    fetched: Fetched,
    method: Method,
    now: DateTime<Utc>,
) -> Result<SourceSummary> {
    let dir = db::load_directory(store.conn())?;
    let mut counts = UpsertCounts::default();
    let n = fetched.reviews.len();
    for r in fetched.reviews {
        let a = analyze(r, &dir, method);
        counts.add(db::upsert(store.conn_mut(), &a, now)?);
    }
    Ok(SourceSummary {
        source: fetched.source.as_str().to_owned(),
        fetched: n,
        pages: fetched.pages,
        total_reported: fetched.total_reported,
        counts,
        note: fetched.note,
    })
}

/// Fetches every source, then analyses and stores what each returned. A source that fails
/// stops the run with its error (what earlier sources stored stays).
pub async fn fetch_all(
    store: &mut Store,
    sources: &[&dyn ReviewSource],
    method: Method,
    now: DateTime<Utc>,
) -> Result<Vec<SourceSummary>> {
    let mut out = Vec::new();
    for s in sources {
        let fetched = s.fetch().await?;
        out.push(store_fetched(store, fetched, method, now)?);
    }
    Ok(out)
}

/// The demo stage's result.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewsSummary {
    pub sources: Vec<SourceSummary>,
    pub stored: i64,
    pub urgent: i64,
    pub linked_to_customers: i64,
    pub staff_mentions: i64,
    pub service_mentions: i64,
    pub mean_sentiment: Option<f64>,
    pub staff: Vec<StaffSentiment>,
    pub elapsed_ms: u64,
}

impl std::fmt::Display for ReviewsSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "Reviews")?;
        for s in &self.sources {
            writeln!(
                f,
                "  {:<7} fetched {:>3} in {} page(s): {} new, {} updated, {} unchanged",
                s.source,
                s.fetched,
                s.pages,
                s.counts.inserted,
                s.counts.updated,
                s.counts.unchanged
            )?;
            if let Some(n) = &s.note {
                writeln!(f, "          {n}")?;
            }
        }
        writeln!(
            f,
            "  stored {}, urgent {}, linked to customers {}, mentions: {} staff, {} services, mean sentiment {}",
            self.stored,
            self.urgent,
            self.linked_to_customers,
            self.staff_mentions,
            self.service_mentions,
            self.mean_sentiment
                .map_or("-".to_owned(), |m| format!("{m:+.2}"))
        )?;
        for s in self.staff.iter().take(10) {
            writeln!(
                f,
                "  {:<24} {:>3} mentions, sentiment {:+.2}, {} negative",
                s.name.as_deref().unwrap_or(&s.team_member_id),
                s.mentions,
                s.mean_sentiment.unwrap_or(0.0),
                s.negative_mentions
            )?;
        }
        Ok(())
    }
}

/// Totals over the stored reviews.
pub fn summarize(
    store: &Store,
    sources: Vec<SourceSummary>,
    elapsed_ms: u64,
) -> Result<ReviewsSummary> {
    let conn = store.conn();
    let one = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    Ok(ReviewsSummary {
        sources,
        stored: one("SELECT COUNT(*) FROM reviews")?,
        urgent: one("SELECT COUNT(*) FROM reviews WHERE urgent = 1")?,
        linked_to_customers: one("SELECT COUNT(*) FROM reviews WHERE customer_id IS NOT NULL")?,
        staff_mentions: one("SELECT COUNT(*) FROM review_mentions WHERE kind = 'team_member'")?,
        service_mentions: one("SELECT COUNT(*) FROM review_mentions WHERE kind = 'service'")?,
        mean_sentiment: conn.query_row("SELECT AVG(sentiment) FROM reviews", [], |r| r.get(0))?,
        staff: db::staff_sentiment(conn)?,
        elapsed_ms,
    })
}

/// The demo stage: serves `world`'s reviews from both simulators (deterministic in `seed`
/// and `now`), signs in to the Google simulator (loopback + PKCE; the simulator's token is
/// kept in memory, not in the keyring, as it is no secret), fetches both sources, analyses
/// with VADER + salon rules, stores, and summarises. Call it after the Square import so the
/// team, catalog and customers are in the store for mentions and links.
pub async fn run_stage(
    store: &mut Store,
    world: &ReviewWorld,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<ReviewsSummary> {
    let started = Instant::now();
    let sims = ReviewSims::start(world, seed, now).await?;
    let result = async {
        let st = &sims.state;
        let mut config = GoogleOAuthConfig::with_base(
            st.google_client_id.clone(),
            sims.google_base_url(),
            sims.google_base_url(),
        );
        config.timeout = Duration::from_secs(30);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        // The sign-in waits on the wall clock (its time-out is real time).
        let clock = SystemClock::new();
        let tokens = connect(
            &config,
            &st.account_id,
            &*keeper_square::oauth::redirect_following_browser(),
            &mut rng,
            &clock,
        )
        .await?;
        let google = GoogleSource::new(
            sims.google_base_url(),
            st.account_id.clone(),
            st.location_id.clone(),
            Arc::new(FixedToken(tokens.access_token.expose().to_owned())),
        )?;
        let yelp = YelpSource::new(
            sims.yelp_base_url(),
            st.yelp_business_id.clone(),
            st.yelp_api_key.clone(),
        )?;
        fetch_all(store, &[&google, &yelp], Method::VaderSalon, now).await
    }
    .await;
    sims.shutdown().await;
    let sources = result?;
    summarize(store, sources, started.elapsed().as_millis() as u64)
}

/// Builds the world from a running Square simulator's dataset.
pub fn world_of(sim: &keeper_sim::SimHandle) -> ReviewWorld {
    ReviewWorld::from_dataset(&sim.state().data())
}
