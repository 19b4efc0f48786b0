//! Local simulators of the Google Business Profile reviews API and the Yelp Fusion reviews
//! API, serving the reviews [`generate`] writes for the Square simulator's merchant. They
//! listen on loopback only and check credentials as the real APIs do (an OAuth bearer token
//! for Google, an API key for Yelp), so the sources are tested exactly as they run.

pub mod generate;
pub mod google;
pub mod yelp;

pub use generate::{ReviewWorld, SimReview};

use crate::error::{Result, ReviewsError};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// Reviews on each side and the credentials both simulators accept.
#[derive(Debug)]
pub struct SimState {
    pub google_token: String,
    pub yelp_api_key: String,
    pub account_id: String,
    pub location_id: String,
    pub yelp_business_id: String,
    pub google: RwLock<Vec<SimReview>>,
    pub yelp: RwLock<Vec<SimReview>>,
    /// The OAuth client id the Google sign-in simulator accepts.
    pub google_client_id: String,
    pub google_refresh_token: String,
    /// Authorization codes issued and not yet exchanged: code → (challenge, redirect URI).
    pub google_codes: Mutex<HashMap<String, (String, String)>>,
}

/// How many reviews each simulator holds for the demo merchant.
pub const GOOGLE_REVIEWS: usize = 60;
pub const YELP_REVIEWS: usize = 12;

/// Both simulators, running.
pub struct ReviewSims {
    pub state: Arc<SimState>,
    google: Server,
    yelp: Server,
}

struct Server {
    base_url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    join: Option<tokio::task::JoinHandle<()>>,
}

async fn serve(router: axum::Router) -> Result<Server> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| ReviewsError::Simulator {
            detail: format!("cannot bind a loopback port: {e}"),
        })?;
    let addr = listener.local_addr().map_err(|e| ReviewsError::Simulator {
        detail: e.to_string(),
    })?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let join = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(Server {
        base_url: format!("http://{addr}"),
        shutdown: Some(tx),
        join: Some(join),
    })
}

impl ReviewSims {
    /// Generates the reviews of `world` (deterministic in `seed` and `now`) and serves them.
    pub async fn start(world: &ReviewWorld, seed: u64, now: DateTime<Utc>) -> Result<ReviewSims> {
        let (google, yelp) = generate::generate(world, seed, now, GOOGLE_REVIEWS, YELP_REVIEWS);
        let state = Arc::new(SimState {
            google_token: format!("ya29.sim-{seed:016x}"),
            yelp_api_key: format!("yelp-sim-key-{seed:016x}"),
            account_id: format!("1{:011}", seed % 100_000_000_000),
            location_id: format!("9{:011}", (seed / 7) % 100_000_000_000),
            yelp_business_id: "keeper-demo-salon-springfield".to_owned(),
            google: RwLock::new(google),
            yelp: RwLock::new(yelp),
            google_client_id: format!("{seed}-sim.apps.googleusercontent.invalid"),
            google_refresh_token: format!("1//sim-refresh-{seed:016x}"),
            google_codes: Mutex::new(HashMap::new()),
        });
        let g = serve(google::router(state.clone())).await?;
        let y = serve(yelp::router(state.clone())).await?;
        Ok(ReviewSims {
            state,
            google: g,
            yelp: y,
        })
    }

    pub fn google_base_url(&self) -> &str {
        &self.google.base_url
    }

    pub fn yelp_base_url(&self) -> &str {
        &self.yelp.base_url
    }

    /// Every Google review the simulator holds (the ground truth).
    pub fn google_reviews(&self) -> Vec<SimReview> {
        self.state
            .google
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Every Yelp review the simulator holds (the API shows only three).
    pub fn yelp_reviews(&self) -> Vec<SimReview> {
        self.state
            .yelp
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The reviewer edits a Google review (new stars and text at `at`): what a later fetch
    /// must pick up.
    pub fn edit_google_review(&self, id: &str, rating: u8, text: &str, at: DateTime<Utc>) -> bool {
        let mut g = self.state.google.write().unwrap_or_else(|e| e.into_inner());
        match g.iter_mut().find(|r| r.id == id) {
            Some(r) => {
                r.rating = rating;
                r.text = text.to_owned();
                r.updated_at = at;
                true
            }
            None => false,
        }
    }

    /// Stops both servers.
    pub async fn shutdown(mut self) {
        for s in [&mut self.google, &mut self.yelp] {
            if let Some(tx) = s.shutdown.take() {
                let _ = tx.send(());
            }
            if let Some(j) = s.join.take() {
                let _ = j.await;
            }
        }
    }
}
