//! The Google and Yelp sources against their in-process simulators (paging, credentials,
//! Yelp's three excerpts, Google's loopback + PKCE sign-in and token refresh), file import
//! into the store, and the whole stage: fetch → analyse → upsert, idempotent, with edits
//! picked up and mentions and customer links checked against the generator's truth.

use chrono::{DateTime, TimeZone, Utc};
use keeper_reviews::db::{self, ListFilter};
use keeper_reviews::sentiment::Method;
use keeper_reviews::sim::{ReviewSims, ReviewWorld};
use keeper_reviews::source::ReviewSource;
use keeper_reviews::source::file::FileSource;
use keeper_reviews::source::google::{FixedToken, GoogleSource};
use keeper_reviews::source::google_oauth::{GoogleOAuthConfig, StoredGoogleToken, connect};
use keeper_reviews::source::yelp::YelpSource;
use keeper_reviews::stage;
use keeper_square::client::{ManualClock, SystemClock};
use keeper_square::control::{SimulatorTokenStore, TokenStore};
use keeper_square::models::Secret;
use keeper_store::Store;
use rand::SeedableRng;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

const NOW_MS: i64 = 1_748_736_000_000; // 2025-06-01T00:00:00Z

fn now() -> DateTime<Utc> {
    Utc.timestamp_millis_opt(NOW_MS).unwrap()
}

fn world() -> ReviewWorld {
    let (d, _) =
        keeper_sim::generate::generate(keeper_sim::Profile::Small, 7, keeper_sim::Ts(NOW_MS));
    ReviewWorld::from_dataset(&d)
}

/// A store holding the world's team, services and customers (what the Square import
/// would have written).
fn seeded_store(w: &ReviewWorld) -> Store {
    let store = Store::open_in_memory().unwrap();
    seed(&store, w);
    store
}

fn seed(store: &Store, w: &ReviewWorld) {
    let c = store.conn();
    for t in &w.team {
        c.execute(
            "INSERT INTO team_members (id, given_name, family_name) VALUES (?1, ?2, ?3)",
            (&t.id, &t.given_name, &t.family_name),
        )
        .unwrap();
    }
    for s in &w.services {
        c.execute(
            "INSERT INTO catalog_items (id, name, product_type) VALUES (?1, ?2, 'APPOINTMENTS_SERVICE')",
            (&s.id, &s.name),
        )
        .unwrap();
    }
    for cu in &w.customers {
        c.execute(
            "INSERT INTO customers (id, given_name, family_name) VALUES (?1, ?2, ?3)",
            (&cu.id, &cu.given_name, &cu.family_name),
        )
        .unwrap();
    }
}

fn google(sims: &ReviewSims, token: &str) -> GoogleSource {
    GoogleSource::new(
        sims.google_base_url(),
        sims.state.account_id.clone(),
        sims.state.location_id.clone(),
        Arc::new(FixedToken(token.to_owned())),
    )
    .unwrap()
}

fn yelp(sims: &ReviewSims, key: &str) -> YelpSource {
    YelpSource::new(
        sims.yelp_base_url(),
        sims.state.yelp_business_id.clone(),
        key,
    )
    .unwrap()
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn google_source_follows_page_tokens_through_every_review() {
    let sims = ReviewSims::start(&world(), 5, now()).await.unwrap();
    let mut g = google(&sims, &sims.state.google_token);
    g.page_size = 7;
    let f = g.fetch().await.unwrap();
    let truth = sims.google_reviews();
    assert_eq!(f.reviews.len(), truth.len());
    assert_eq!(f.pages, truth.len().div_ceil(7));
    assert_eq!(f.total_reported, Some(truth.len() as u64));
    let ids: HashSet<&str> = f.reviews.iter().map(|r| r.source_id.as_str()).collect();
    assert_eq!(ids.len(), truth.len(), "no review twice, none missing");
    for t in &truth {
        let r = f.reviews.iter().find(|r| r.source_id == t.id).unwrap();
        assert_eq!(r.rating, Some(t.rating));
        assert_eq!(r.author_name.as_deref(), Some(t.author.as_str()));
        assert_eq!(r.text, t.text);
        assert_eq!(r.owner_reply, t.reply.as_ref().map(|x| x.0.clone()));
        assert_eq!(r.created_at.timestamp(), t.created_at.timestamp());
    }
    sims.shutdown().await;
}

#[tokio::test]
async fn google_refuses_a_bad_token_and_a_bad_page_size() {
    let sims = ReviewSims::start(&world(), 5, now()).await.unwrap();
    let e = google(&sims, "ya29.wrong").fetch().await.unwrap_err();
    assert_eq!(e.code(), "source_unauthorized");
    assert!(e.to_string().contains("UNAUTHENTICATED"), "{e}");
    let mut g = google(&sims, &sims.state.google_token);
    g.page_size = 51;
    let e = g.fetch().await.unwrap_err();
    assert_eq!(e.code(), "source_error");
    assert!(e.to_string().contains("INVALID_ARGUMENT"), "{e}");
    let mut g = google(&sims, &sims.state.google_token);
    g.location_id = "nope".into();
    assert!(
        g.fetch()
            .await
            .unwrap_err()
            .to_string()
            .contains("NOT_FOUND")
    );
    sims.shutdown().await;
}

#[tokio::test]
async fn yelp_gives_three_excerpts_and_says_so() {
    let sims = ReviewSims::start(&world(), 5, now()).await.unwrap();
    let f = yelp(&sims, &sims.state.yelp_api_key).fetch().await.unwrap();
    assert_eq!(f.reviews.len(), 3);
    assert_eq!(f.total_reported, Some(sims.yelp_reviews().len() as u64));
    assert!(f.note.as_deref().unwrap().contains("three"));
    assert!(f.reviews.iter().all(|r| r.excerpt && r.url.is_some()));
    // The three newest, with their creation time read back from Pacific time.
    let mut truth = sims.yelp_reviews();
    truth.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    for (r, t) in f.reviews.iter().zip(&truth) {
        assert_eq!(r.source_id, t.id);
        assert_eq!(r.created_at.timestamp(), t.created_at.timestamp());
    }
    sims.shutdown().await;
}

#[tokio::test]
async fn yelp_refuses_a_missing_or_wrong_key() {
    let sims = ReviewSims::start(&world(), 5, now()).await.unwrap();
    let e = yelp(&sims, "nope").fetch().await.unwrap_err();
    assert_eq!(e.code(), "source_unauthorized");
    assert!(e.to_string().contains("TOKEN_INVALID"), "{e}");
    let url = format!(
        "{}/v3/businesses/{}/reviews",
        sims.yelp_base_url(),
        sims.state.yelp_business_id
    );
    let resp = reqwest::get(&url).await.unwrap();
    assert_eq!(resp.status(), 401);
    assert!(resp.text().await.unwrap().contains("TOKEN_MISSING"));
    sims.shutdown().await;
}

#[tokio::test]
async fn google_sign_in_uses_loopback_pkce_and_the_stored_token_refreshes() {
    let sims = ReviewSims::start(&world(), 5, now()).await.unwrap();
    let st = &sims.state;
    let config = GoogleOAuthConfig::with_base(
        st.google_client_id.clone(),
        sims.google_base_url(),
        sims.google_base_url(),
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let tokens = connect(
        &config,
        &st.account_id,
        &*keeper_square::oauth::redirect_following_browser(),
        &mut rng,
        &SystemClock::new(),
    )
    .await
    .unwrap();
    assert_eq!(tokens.access_token.expose(), st.google_token);
    assert!(tokens.refresh_token.is_some());

    // Stored and expired: the source refreshes it, saves the new set, and fetches.
    let store: Arc<dyn TokenStore> = Arc::new(SimulatorTokenStore::default());
    let mut expired = tokens.clone();
    expired.access_token = Secret::new("ya29.expired");
    expired.expires_at = Some(now() - chrono::Duration::hours(1));
    store.put(&expired).unwrap();
    let clock = Arc::new(ManualClock::new(Duration::from_millis(NOW_MS as u64)));
    let token = StoredGoogleToken {
        store: store.clone(),
        account_id: st.account_id.clone(),
        config: config.clone(),
        clock,
    };
    let g = GoogleSource::new(
        sims.google_base_url(),
        st.account_id.clone(),
        st.location_id.clone(),
        Arc::new(token),
    )
    .unwrap();
    assert_eq!(
        g.fetch().await.unwrap().reviews.len(),
        sims.google_reviews().len()
    );
    let saved = store.load(&st.account_id).unwrap().unwrap();
    assert_eq!(saved.access_token.expose(), st.google_token);
    assert_eq!(
        saved.refresh_token, tokens.refresh_token,
        "the refresh token is kept"
    );

    // A client the simulator does not know is refused.
    let mut wrong = config.clone();
    wrong.client_id = "someone-else".into();
    let e = connect(
        &wrong,
        &st.account_id,
        &*keeper_square::oauth::redirect_following_browser(),
        &mut rng,
        &SystemClock::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "browser_failed");
    sims.shutdown().await;
}

#[tokio::test]
async fn the_stage_stores_analyses_and_is_idempotent_and_picks_up_edits() {
    let w = world();
    let mut store = seeded_store(&w);
    let s = stage::run_stage(&mut store, &w, 5, now()).await.unwrap();
    let google_n = keeper_reviews::sim::GOOGLE_REVIEWS as i64;
    assert_eq!(s.stored, google_n + 3);
    assert!(s.urgent >= 10, "{s}");
    assert!(s.linked_to_customers > 10, "{s}");
    assert!(s.staff_mentions > 20 && s.service_mentions > 20, "{s}");
    assert!(!s.staff.is_empty());
    assert_eq!(s.sources[0].counts.inserted, google_n as usize);

    // Against the generator's truth: staff mentions found, customer links right.
    let (truth, _) = keeper_reviews::sim::generate::generate(
        &w,
        5,
        now(),
        keeper_reviews::sim::GOOGLE_REVIEWS,
        keeper_reviews::sim::YELP_REVIEWS,
    );
    let rows = db::list(store.conn(), &ListFilter::default()).unwrap();
    let (mut expected, mut found, mut linked, mut linked_right) = (0, 0, 0, 0);
    let mut false_staff = 0;
    for t in &truth {
        let row = rows.iter().find(|r| r.source_id == t.id).unwrap();
        for (staff_id, _) in &t.staff {
            expected += 1;
            found += row.mentions.iter().any(|m| &m.target_id == staff_id) as usize;
        }
        false_staff += row
            .mentions
            .iter()
            .filter(|m| m.kind == "team_member" && !t.staff.iter().any(|s| s.0 == m.target_id))
            .count();
        if let Some(c) = &row.customer_id {
            linked += 1;
            linked_right += (Some(c) == t.customer_id.as_ref()) as usize;
        }
        if t.rating <= 2 || t.urgent_words {
            assert!(row.urgent, "{}: {:?}", t.id, t.text);
        }
    }
    let recall = found as f64 / expected as f64;
    eprintln!(
        "staff mention recall {found}/{expected}, false staff mentions {false_staff}; \
         customer links right {linked_right}/{linked}"
    );
    assert!(
        false_staff <= 2,
        "{false_staff} staff mentions the text does not make"
    );
    assert!(recall >= 0.85, "staff mention recall {recall}");
    assert_eq!(linked_right, linked, "every customer link is right");

    // Again: nothing changes.
    let again = stage::run_stage(&mut store, &w, 5, now()).await.unwrap();
    assert!(
        again
            .sources
            .iter()
            .all(|s| s.counts.inserted == 0 && s.counts.updated == 0)
    );
    assert_eq!(again.stored, s.stored);

    // An edited review is updated in place, with its analysis redone.
    let sims = ReviewSims::start(&w, 5, now()).await.unwrap();
    let id = sims.google_reviews()[0].id.clone();
    sims.edit_google_review(&id, 1, "Rude staff and I want a refund.", now());
    let f = google(&sims, &sims.state.google_token)
        .fetch()
        .await
        .unwrap();
    let summary = stage::store_fetched(&mut store, f, Method::VaderSalon, now()).unwrap();
    assert_eq!((summary.counts.updated, summary.counts.inserted), (1, 0));
    let (rating, urgent, reason): (i64, i64, String) = store
        .conn()
        .query_row(
            "SELECT rating, urgent, urgent_reason FROM reviews WHERE id = ?1",
            [format!("google:{id}")],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((rating, urgent), (1, 1));
    assert!(
        reason.contains("rude") && reason.contains("refund"),
        "{reason}"
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM reviews"), s.stored);
    sims.shutdown().await;
}

#[tokio::test]
async fn a_bad_file_writes_nothing_and_a_good_one_imports_once() {
    let w = world();
    let mut store = seeded_store(&w);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "author,rating,text,date\nAnn Lee,5,Lovely,2025-05-01\nBob,7,Meh,2025-05-02\n",
    )
    .unwrap();
    let e = FileSource { path: bad }.fetch().await.unwrap_err();
    assert_eq!(e.code(), "bad_file");
    assert!(e.to_string().contains("review 2"), "{e}");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM reviews"), 0);

    let staff = w
        .team
        .iter()
        .find(|t| {
            w.team
                .iter()
                .filter(|o| o.given_name == t.given_name)
                .count()
                == 1
        })
        .unwrap();
    let customer = w
        .customers
        .iter()
        .find(|c| {
            w.customers
                .iter()
                .filter(|o| o.given_name == c.given_name && o.family_name == c.family_name)
                .count()
                == 1
        })
        .unwrap();
    let json = dir.path().join("export.json");
    std::fs::write(
        &json,
        serde_json::json!([
            {"id": "f1", "author": format!("{} {}", customer.given_name, customer.family_name),
             "rating": 5, "text": format!("{} was wonderful.", staff.given_name),
             "date": "2025-05-01"},
            {"id": "f2", "author": "Someone Else", "rating": 1,
             "text": "I had an allergic reaction.", "date": "2025-05-03T12:00:00Z"}
        ])
        .to_string(),
    )
    .unwrap();
    let src = FileSource { path: json };
    let f = src.fetch().await.unwrap();
    let s = stage::store_fetched(&mut store, f, Method::VaderSalon, now()).unwrap();
    assert_eq!(s.counts.inserted, 2);
    let rows = db::list(store.conn(), &ListFilter::default()).unwrap();
    let f1 = rows.iter().find(|r| r.id == "file:f1").unwrap();
    assert_eq!(f1.customer_id.as_deref(), Some(customer.id.as_str()));
    assert!(f1.mentions.iter().any(|m| m.target_id == staff.id));
    let f2 = rows.iter().find(|r| r.id == "file:f2").unwrap();
    assert!(f2.urgent && f2.urgent_reason.as_deref().unwrap().contains("allergic"));
    let again = stage::store_fetched(
        &mut store,
        src.fetch().await.unwrap(),
        Method::VaderSalon,
        now(),
    )
    .unwrap();
    assert_eq!(again.counts.unchanged, 2);
}

#[tokio::test]
async fn reviews_fetched_before_the_square_import_are_reanalysed_after_it() {
    let w = world();
    let mut store = Store::open_in_memory().unwrap();
    let sims = ReviewSims::start(&w, 5, now()).await.unwrap();
    let f = google(&sims, &sims.state.google_token)
        .fetch()
        .await
        .unwrap();
    let n = f.reviews.len();
    stage::store_fetched(&mut store, f.clone(), Method::VaderSalon, now()).unwrap();
    assert_eq!(count(&store, "SELECT COUNT(*) FROM review_mentions"), 0);
    seed(&store, &w);
    let s = stage::store_fetched(&mut store, f, Method::VaderSalon, now()).unwrap();
    assert_eq!(s.counts.updated, n);
    assert!(count(&store, "SELECT COUNT(*) FROM review_mentions") > 20);
    assert!(
        count(
            &store,
            "SELECT COUNT(*) FROM reviews WHERE customer_id IS NOT NULL"
        ) > 10
    );
    sims.shutdown().await;
}
