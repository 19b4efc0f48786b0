//! Keeper as the desktop app runs it: one database, one background job at a time (the demo,
//! an import, a sync), the embedding model loaded once, and the answers of every screen in
//! the UI's shapes (`views`). The Tauri shell holds one [`App`] and maps each IPC command to
//! one method here, so everything the window does is testable without a window.

use crate::jobs::{JobHandle, Jobs, Listener};
use crate::reviews::{GoogleFetch, UrgentNotice, UrgentWatch, YelpFetch};
use crate::schedule::{Daily, Step};
use crate::search::SearchService;
use crate::search_refresh::SearchRefresh;
use crate::views::*;
use crate::{ApiError, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use keeper_enrich::db::Verdict;
use keeper_import::Progress;
use keeper_sim::{Profile, SimConfig, SimHandle, Simulator, Ts};
use keeper_square::client::{Environment, SystemClock};
use keeper_square::oauth::{ConnectConfig, connect};
use keeper_store::{DbInfo, Store};
use rand::SeedableRng;
use rusqlite::OptionalExtension;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// Receives the notice when a reviews fetch stored reviews that became urgent.
pub type UrgentNotifier = dyn Fn(&UrgentNotice) + Send + Sync;

/// Where a reviews fetch reads from.
enum ReviewPlan {
    /// The demo merchant's Google and Yelp simulators, with the reviews written up to the
    /// instant given.
    Demo(Box<keeper_reviews::sim::ReviewWorld>, DateTime<Utc>),
    /// The merchant's configured sources (`reviews::configured_sources`).
    Sources(Option<GoogleFetch>, Option<YelpFetch>),
}

/// Tells the owner about reviews that became urgent since the last notice.
#[derive(Clone)]
struct UrgentAlerts {
    watch: Arc<Mutex<UrgentWatch>>,
    notifier: Arc<Mutex<Option<Arc<UrgentNotifier>>>>,
}

impl UrgentAlerts {
    fn check(&self, db: &Path) {
        let urgent = match crate::reviews::urgent_reviews(db) {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!(code = %e.code, "could not read urgent reviews: {e}");
                return;
            }
        };
        let notice = self
            .watch
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .notice(&urgent);
        let notifier = self
            .notifier
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let (Some(notice), Some(notify)) = (notice, notifier) {
            notify(&notice);
        }
    }
}

/// Where the data for "Sync now" comes from.
enum Session {
    /// The built-in demo merchant: the simulator keeps running until the app quits.
    Demo {
        sim: SimHandle,
        access: crate::import::SquareAccess,
        /// When the demo started: its review simulators serve the reviews written up to then.
        started: DateTime<Utc>,
    },
}

/// The app's core.
pub struct App {
    db: PathBuf,
    jobs: Jobs,
    search: Arc<Mutex<SearchService>>,
    session: Arc<Mutex<Option<Session>>>,
    /// Long-lived servers (the demo simulator) run here, not on a job's own runtime.
    servers: Arc<tokio::runtime::Runtime>,
    /// The spreadsheet job (`ui_jobs` id) the job slot is running, if any.
    upload_job: Arc<Mutex<Option<i64>>>,
    urgent: UrgentAlerts,
    /// One connection kept open for the screens' reads and the owner's small edits: opening
    /// a connection per call would re-read the schema every time and lose the prepared
    /// statements. Jobs write through connections of their own (WAL: each read here sees
    /// the last commit).
    reader: Mutex<Store>,
    /// The database summary as last counted (see [`App::db_info`]).
    summary: Arc<Mutex<Option<DbInfo>>>,
    /// Rebuilds the search documents the owner's match decisions touched, after they
    /// answered (`search_refresh.rs`); `None` only in tests of a crash before the rebuild.
    search_refresh: Option<SearchRefresh>,
}

/// Counts the database's tables on a connection of its own and keeps the result for
/// `db_info`: at start and after each job, the only writers of the counted tables in the app.
fn recount(db: &Path, summary: &Mutex<Option<DbInfo>>) {
    match crate::db::count_existing(db) {
        Ok(info) => *summary.lock().unwrap_or_else(|p| p.into_inner()) = Some(info),
        Err(e) => tracing::warn!(code = %e.code, "could not count the database: {e}"),
    }
}

/// Prepared statements the screens' connection keeps (rusqlite's default is 16).
const STATEMENT_CACHE: usize = 128;

/// The demo merchant's seed (its Square data and its reviews).
const DEMO_SEED: u64 = 7;

fn now() -> DateTime<Utc> {
    Utc::now()
}

fn now_text() -> String {
    now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn err(code: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError {
        code: code.to_owned(),
        message: message.to_string(),
    }
}

fn db_err(e: rusqlite::Error) -> ApiError {
    ApiError::from(keeper_store::Error::from(e))
}

/// The demo merchant's size: `KEEPER_DEMO_PROFILE` (small, salon, large), salon by default.
pub fn demo_profile() -> Profile {
    match std::env::var("KEEPER_DEMO_PROFILE").as_deref() {
        Ok("small") => Profile::Small,
        Ok("large") => Profile::Large,
        _ => Profile::Salon,
    }
}

fn stream_view(p: &Progress) -> StreamProgress {
    StreamProgress {
        stream: p.stream.to_owned(),
        state: if p.done {
            JobState::Finished
        } else {
            JobState::Running
        },
        pages: p.pages as u32,
        objects: p.objects as u32,
        percent: Some(p.percent),
        eta_seconds: p.eta_secs,
        error: None,
    }
}

impl App {
    /// The app for the database at `db`; `listener` receives every job status (the shell
    /// turns them into events) and `model_dir` is where the bundled model is (None: the
    /// provisioning cache, or keyword search only).
    pub fn new(db: PathBuf, model_dir: Option<&Path>, listener: Box<Listener>) -> Result<App> {
        App::open(db, model_dir, listener, true)
    }

    /// [`App::new`], with the background rebuild of search documents started or not (not:
    /// an app whose rebuilds never run, as if it were killed after each decision).
    fn open(
        db: PathBuf,
        model_dir: Option<&Path>,
        listener: Box<Listener>,
        refresh_search: bool,
    ) -> Result<App> {
        // Open (create, migrate) the database now, so a problem shows at start.
        let reader = Store::open(&db)?;
        reader
            .conn()
            .set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let search = SearchService::new(model_dir);
        let status = search.status();
        if status.enabled {
            tracing::info!("semantic search: on");
        } else {
            tracing::warn!(reason = ?status.reason, "semantic search: off");
        }
        let servers = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("keeper-servers")
            .enable_all()
            .build()
            .map_err(|e| {
                err(
                    "internal",
                    format!("could not start the app's runtime: {e}"),
                )
            })?;
        // Reviews already urgent at start were seen in the app before: only new ones notify.
        let seen = crate::reviews::urgent_reviews(&db).unwrap_or_default();
        let summary = Arc::new(Mutex::new(None));
        {
            let (db, summary) = (db.clone(), summary.clone());
            std::thread::Builder::new()
                .name("keeper-count".to_owned())
                .spawn(move || recount(&db, &summary))
                .map_err(|e| err("internal", format!("could not start a thread: {e}")))?;
        }
        let search_refresh = if refresh_search {
            Some(
                SearchRefresh::start(db.clone(), now)
                    .map_err(|e| err("internal", format!("could not start a thread: {e}")))?,
            )
        } else {
            None
        };
        App {
            search_refresh,
            urgent: UrgentAlerts {
                watch: Arc::new(Mutex::new(UrgentWatch::baseline(&seen))),
                notifier: Arc::new(Mutex::new(None)),
            },
            db,
            jobs: Jobs::new(listener),
            search: Arc::new(Mutex::new(search)),
            session: Arc::new(Mutex::new(None)),
            servers: Arc::new(servers),
            upload_job: Arc::new(Mutex::new(None)),
            reader: Mutex::new(reader),
            summary,
        }
        .resuming_upload_jobs()
    }

    /// Starts the spreadsheet jobs the app did not finish when it last ran (it quit or
    /// crashed mid-job): each runs again from its recorded request, or only rebuilds its
    /// customers' search documents when its changes were already committed.
    fn resuming_upload_jobs(self) -> Result<App> {
        let open = self.read(|store| crate::upload_jobs::open_jobs(store.conn()))?;
        if !open.is_empty() {
            tracing::info!(jobs = ?open, "finishing the spreadsheet jobs the app did not finish");
            self.run_upload_jobs(open)?;
        }
        Ok(self)
    }

    pub fn db_path(&self) -> &Path {
        &self.db
    }

    /// Runs `f` on the screens' connection.
    fn read<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let store = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        f(&store)
    }

    /// Runs `f` in one transaction on the screens' connection (taking the write lock at
    /// once, so it waits for another writer instead of failing on a stale read), commits,
    /// then runs `then` on the connection (the answer, read after the commit).
    fn write<T, U>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
        then: impl FnOnce(&Store, T) -> Result<U>,
    ) -> Result<U> {
        let mut store = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        let tx = store
            .conn_mut()
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db_err)?;
        let done = f(&tx)?;
        tx.commit().map_err(db_err)?;
        then(&store, done)
    }

    /// Asks the background rebuild for a pass over the customers decisions queued.
    fn refresh_search_later(&self) {
        if let Some(r) = &self.search_refresh {
            r.wake();
        }
    }

    /// Waits until the search documents of every decision made so far are rebuilt (`false`
    /// when `timeout` passed first, or when the rebuild does not run). For tests and the
    /// benchmark; the screens do not wait.
    pub fn wait_search_refreshed(&self, timeout: Duration) -> bool {
        self.search_refresh
            .as_ref()
            .is_some_and(|r| r.wait_idle(timeout))
    }

    /// The last round of background rebuilds that rebuilt something: customers and how long
    /// it took.
    pub fn last_search_refresh(&self) -> Option<(usize, Duration)> {
        self.search_refresh.as_ref().and_then(|r| r.last_round())
    }

    /// Path, schema version and rows per table. Counting the normalized tables reads
    /// hundreds of thousands of rows on a large merchant, so the figures counted at start
    /// and after each job are kept; they are counted again here when the raw objects per
    /// type (kept at write time, migration 0013) differ from the kept ones, i.e. when
    /// something else (the CLI) imported meanwhile.
    pub fn db_info(&self) -> Result<DbInfo> {
        let raw = self.read(|store| crate::db::raw_counts(store.conn()))?;
        if let Some(kept) = &*self.summary.lock().unwrap_or_else(|p| p.into_inner())
            && kept.raw_by_type == raw
        {
            return Ok(kept.clone());
        }
        let info = self.read(crate::db::info)?;
        *self.summary.lock().unwrap_or_else(|p| p.into_inner()) = Some(info.clone());
        Ok(info)
    }

    pub fn job_status(&self) -> JobStatus {
        self.jobs.status()
    }

    /// `notify` is called when a reviews fetch (the demo's, the daily one, or one asked for)
    /// stores reviews that became urgent; the shell shows it as a desktop notification.
    pub fn on_urgent_reviews(&self, notify: Box<UrgentNotifier>) {
        *self
            .urgent
            .notifier
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(Arc::from(notify));
    }

    /// Starts the daily run (sync and reviews at `at` local time, see `schedule.rs`) on a
    /// thread of its own, which ends when the app is dropped.
    pub fn start_daily_schedule(
        self: &Arc<Self>,
        at: chrono::NaiveTime,
    ) -> std::io::Result<std::thread::JoinHandle<()>> {
        let app: Weak<App> = Arc::downgrade(self);
        std::thread::Builder::new()
            .name("keeper-daily".to_owned())
            .spawn(move || {
                let mut daily = Daily::new(at, &chrono::Local::now());
                tracing::info!(next = %daily.next_run(), "daily sync and reviews fetch scheduled");
                loop {
                    let Some(app) = app.upgrade() else { return };
                    match daily.tick(&chrono::Local::now(), app.jobs.is_running()) {
                        Step::Run => match app.run_daily() {
                            Ok(_) => tracing::info!(
                                next = %daily.next_run(),
                                "daily run started"
                            ),
                            Err(e) if e.code == "job_running" => daily.retry(),
                            Err(e) => tracing::info!(
                                code = %e.code,
                                next = %daily.next_run(),
                                "daily run skipped: {e}"
                            ),
                        },
                        Step::Sleep(d) => {
                            drop(app);
                            std::thread::sleep(d);
                        }
                    }
                }
            })
    }

    /// The daily run: a sync (when connected) and a reviews fetch (when sources exist), as
    /// one background job; `not_connected` when there is neither.
    pub fn run_daily(&self) -> Result<JobStatus> {
        self.refresh(true, true)
    }

    /// Fetches reviews now (the Reviews screen's button): the demo merchant's simulators, or
    /// the configured Google and Yelp sources.
    pub fn fetch_reviews_now(&self) -> Result<JobStatus> {
        self.refresh(false, true)
    }

    fn review_plan(&self) -> Option<ReviewPlan> {
        if let Some(Session::Demo { sim, started, .. }) =
            &*self.session.lock().unwrap_or_else(|p| p.into_inner())
        {
            return Some(ReviewPlan::Demo(
                Box::new(keeper_reviews::stage::world_of(sim)),
                *started,
            ));
        }
        crate::reviews::configured_sources(&|k| std::env::var(k).ok())
            .map(|(g, y)| ReviewPlan::Sources(g, y))
    }

    /// A sync and/or a reviews fetch, then analysis and embeddings, as one job.
    fn refresh(&self, sync: bool, reviews: bool) -> Result<JobStatus> {
        let access = if sync { self.sync_access() } else { None };
        let plan = if reviews { self.review_plan() } else { None };
        if access.is_none() && plan.is_none() {
            return Err(if reviews && !sync {
                err(
                    "no_review_source",
                    "No review source is set up: try the demo, or connect Google or save a Yelp key.",
                )
            } else {
                not_connected()
            });
        }
        let db = self.db.clone();
        let search = self.search.clone();
        let alerts = self.urgent.clone();
        let summary = self.summary.clone();
        self.jobs
            .start(JobKind::Sync, now_text(), now_text, move |h| async move {
                let started = now();
                if let Some(access) = access {
                    sync_stage(&h, &access, &db, started).await?;
                }
                if let Some(plan) = plan {
                    reviews_stage(&h, plan, &db, started).await?;
                    alerts.check(&db);
                }
                analyse_and_embed(&h, &db, &search, started)?;
                recount(&db, &summary);
                Ok(())
            })
    }

    /// The demo session's Square access (a day passes at the demo merchant, so a sync has
    /// something to find); `None` when not connected.
    fn sync_access(&self) -> Option<crate::import::SquareAccess> {
        match &*self.session.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(Session::Demo { access, sim, .. }) => {
                sim.advance(24 * 3_600_000);
                Some(access.clone())
            }
            None => None,
        }
    }

    /// "Try with demo data": starts the demo merchant's simulator, connects to it through the
    /// real OAuth flow (Keeper plays the browser: the simulator's consent is no real consent),
    /// imports twelve months, analyses, reads its reviews and embeds the customer context.
    pub fn start_demo(&self) -> Result<JobStatus> {
        let db = self.db.clone();
        let servers = self.servers.clone();
        let session = self.session.clone();
        let search = self.search.clone();
        let alerts = self.urgent.clone();
        let summary = self.summary.clone();
        self.jobs
            .start(JobKind::Demo, now_text(), now_text, move |h| async move {
                let started = now();
                h.stage("Starting the demo merchant");
                let profile = demo_profile();
                let seed = DEMO_SEED;
                let sim = servers
                    .spawn(Simulator::start(SimConfig::new(
                        profile,
                        seed,
                        Ts(started.timestamp_millis()),
                    )))
                    .await
                    .map_err(|e| err("simulator_failed", e))?
                    .map_err(|e| err("simulator_failed", e))?;
                h.stage("Connecting to the demo merchant (OAuth with PKCE)");
                let mut config = ConnectConfig::new(
                    Environment::Custom(sim.base_url().to_owned()),
                    sim.client_id(),
                );
                config.timeout = Duration::from_secs(30);
                let mut rng = rand_chacha::ChaCha20Rng::from_os_rng();
                let tokens = connect(
                    &config,
                    &*keeper_square::oauth::redirect_following_browser(),
                    &mut rng,
                    &SystemClock::new(),
                )
                .await
                .map_err(|e| err(e.code(), e))?;
                let access = crate::import::SquareAccess {
                    base_url: Some(sim.base_url().to_owned()),
                    access_token: tokens.access_token.expose().to_owned(),
                };
                h.summary(format!(
                    "Connected to the demo merchant {} (tokens kept in memory: simulator tokens are no secret)",
                    tokens.merchant_id
                ));
                h.stage("Importing the last 12 months");
                let t = Instant::now();
                let report = crate::import::import(&access, &db, 12, started, &mut |p| {
                    h.stream(stream_view(p))
                })
                .await?;
                let objects: i64 = report.streams.values().map(|s| s.objects).sum();
                h.summary(format!(
                    "Imported {objects} objects in {:.0} s",
                    t.elapsed().as_secs_f64()
                ));
                analyse_and_embed(&h, &db, &search, started)?;
                h.stage("Reading the demo merchant's Google and Yelp reviews");
                let world = keeper_reviews::stage::world_of(&sim);
                let mut store = Store::open(&db)?;
                let reviews = keeper_reviews::stage::run_stage(&mut store, &world, seed, started)
                    .await
                    .map_err(|e| err(e.code(), e))?;
                crate::insights::recompute_store(&mut store, started)?;
                h.summary(format!("{reviews}").lines().next().unwrap_or("Reviews read").to_owned());
                drop(store);
                alerts.check(&db);
                recount(&db, &summary);
                *session.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(Session::Demo {
                        sim,
                        access,
                        started,
                    });
                Ok(())
            })
    }

    /// "Connect Square": the OAuth flow in the system browser (`open` opens the URL).
    pub fn connect_square(
        &self,
        open: Box<dyn Fn(String) -> std::result::Result<(), String> + Send + Sync>,
    ) -> Result<JobStatus> {
        let client_id = std::env::var("KEEPER_SQUARE_APPLICATION_ID").map_err(|_| {
            err(
                "square_app_not_configured",
                "No Square application id is configured (KEEPER_SQUARE_APPLICATION_ID). \
                 Try the demo data, or set the application id and start Keeper again.",
            )
        })?;
        let db = self.db.clone();
        self.jobs
            .start(JobKind::Import, now_text(), now_text, move |h| async move {
                h.stage("Waiting for you to approve Keeper in your browser");
                let options = crate::connect::ConnectOptions {
                    environment: Environment::Production,
                    client_id,
                    port: None,
                    timeout: Duration::from_secs(300),
                };
                let opener: Box<keeper_square::oauth::BrowserOpener> =
                    Box::new(move |url: String| {
                        let r = open(url);
                        Box::pin(async move { r })
                    });
                let store = Store::open(&db)?;
                let tokens = keeper_square::control::tokens::KeyringTokenStore::new();
                let mut rng = rand_chacha::ChaCha20Rng::from_os_rng();
                let report = crate::connect::connect_square(
                    &options,
                    &*opener,
                    &tokens,
                    Some(&store),
                    &mut rng,
                    &SystemClock::new(),
                )
                .await?;
                h.summary(format!(
                    "Connected to Square merchant {}",
                    report.merchant_id
                ));
                Ok(())
            })
    }

    /// "Sync now" (tray and window): an incremental sync and a reviews fetch, then analysis
    /// and embeddings.
    pub fn sync_now(&self) -> Result<JobStatus> {
        if self
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
        {
            return Err(not_connected());
        }
        self.refresh(true, true)
    }

    pub fn list_customers(&self, query: &CustomerQuery) -> Result<CustomerPage> {
        let search = query.search.as_deref().map(str::trim).unwrap_or("");
        if search.len() < 3 {
            return self.read(|store| crate::customers::list(store.conn(), query, None));
        }
        let results = self
            .search
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .search(&self.db, search, 500, &Default::default(), now())?;
        let ids: Vec<String> = results.hits.into_iter().map(|h| h.customer_id).collect();
        let mut page =
            self.read(|store| crate::customers::list(store.conn(), query, Some(&ids)))?;
        page.search_mode = if results.semantic_enabled {
            "hybrid"
        } else {
            "text"
        }
        .to_owned();
        page.search_note = results
            .semantic_off_reason
            .map(|r| format!("Searching by words only: semantic search is off ({r})."));
        Ok(page)
    }

    pub fn customer_detail(&self, id: &str) -> Result<CustomerDetail> {
        self.read(|store| self.customer_detail_on(store.conn(), id))
    }

    fn customer_detail_on(&self, conn: &rusqlite::Connection, id: &str) -> Result<CustomerDetail> {
        let tasks = self
            .tasks_where(conn, "t.customer_id = ?1", id, 50)?
            .into_iter()
            .collect();
        let reviews = crate::reviews::reviews_of_customer(conn, id)?
            .into_iter()
            .map(review_entry)
            .collect();
        let mut stmt = conn
            .prepare_cached(
                "SELECT e.kind, e.value, u.file_name FROM customer_enrichments e
                   JOIN uploads u ON u.id = e.upload_id
                  WHERE e.customer_id = ?1 AND u.undone_at IS NULL AND e.kind IN ('note','tag')
                  ORDER BY e.id",
            )
            .map_err(db_err)?;
        let notes = stmt
            .query_map([id], |r| {
                let kind: String = r.get(0)?;
                let value: String = r.get(1)?;
                Ok(NoteEntry {
                    source: "spreadsheet".to_owned(),
                    text: if kind == "tag" {
                        format!("Tag: {value}")
                    } else {
                        value
                    },
                    origin: r.get(2)?,
                })
            })
            .map_err(db_err)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db_err)?;
        crate::customers::detail(conn, id, now(), tasks, reviews, notes)
    }

    fn tasks_where(
        &self,
        conn: &rusqlite::Connection,
        filter: &str,
        param: &str,
        limit: u32,
    ) -> Result<Vec<TaskEntry>> {
        let sql = format!(
            "SELECT t.id, t.customer_id,
                    TRIM(COALESCE(c.given_name,'') || ' ' || COALESCE(c.family_name,'')),
                    t.task_type, t.reason, t.value_at_stake, t.state, t.snoozed_until,
                    t.created_at, t.context
               FROM tasks t LEFT JOIN customers c ON c.id = t.customer_id
              WHERE {filter}
              ORDER BY t.priority, t.value_at_stake DESC, t.id LIMIT {limit}"
        );
        let mut stmt = conn.prepare_cached(&sql).map_err(db_err)?;
        let rows = stmt
            .query_map([param], |r| {
                let state: String = r.get(6)?;
                let name: Option<String> = r.get(2)?;
                Ok(TaskEntry {
                    id: r.get::<_, i64>(0)?.to_string(),
                    customer_id: r.get(1)?,
                    customer_name: name.filter(|n| !n.is_empty()),
                    task_type: r.get(3)?,
                    reason: r.get(4)?,
                    value_at_stake_cents: r.get(5)?,
                    state: match state.as_str() {
                        "done" => TaskState::Done,
                        "snoozed" => TaskState::Snoozed,
                        "dismissed" => TaskState::Dismissed,
                        _ => TaskState::Open,
                    },
                    snoozed_until: r.get(7)?,
                    created_at: r.get(8)?,
                    context: r.get(9)?,
                })
            })
            .map_err(db_err)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db_err)?;
        Ok(rows)
    }

    /// Today's open tasks (and snoozes that have ended), best first: the order of
    /// `keeper_analysis::tasks::store::list_open`. The analysis runs first when it has not
    /// run today (the daily run normally has); listed tasks without context get it now.
    pub fn list_tasks(&self, limit: u32) -> Result<Vec<TaskEntry>> {
        let now = now();
        if self.read(|store| crate::insights::stale(store.conn(), now))? {
            crate::insights::recompute(&self.db, now)?;
        }
        self.read(|store| {
            let conn = store.conn();
            crate::task_context::fill_listed(conn, now, limit as usize)?;
            let mut out = Vec::with_capacity(limit as usize);
            for id in crate::task_context::listed_ids(conn, now, limit as usize)? {
                out.extend(self.tasks_where(conn, "t.id = ?1", &id.to_string(), 1)?);
            }
            Ok(out)
        })
    }

    pub fn update_task(&self, action: &TaskAction) -> Result<TaskEntry> {
        let id: i64 = action
            .id
            .parse()
            .map_err(|_| err("task_not_found", format!("No task {}", action.id)))?;
        let change = match action.state {
            TaskState::Done => crate::insights::TaskChange::Done,
            TaskState::Dismissed => crate::insights::TaskChange::Dismiss,
            TaskState::Open => crate::insights::TaskChange::Unsnooze,
            TaskState::Snoozed => {
                let until = action
                    .until
                    .as_deref()
                    .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .ok_or_else(|| err("bad_snooze_date", "Snooze needs a date (YYYY-MM-DD)."))?;
                crate::insights::TaskChange::Snooze {
                    until: until.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
                }
            }
        };
        self.read(|store| {
            crate::insights::change_task_on(store.conn(), id, change, now())?;
            self.tasks_where(store.conn(), "t.id = ?1", &action.id, 1)?
                .pop()
                .ok_or_else(|| err("task_not_found", format!("No task {id}")))
        })
    }

    pub fn business_summary(&self) -> Result<BusinessSummary> {
        self.read(|store| Self::business_summary_on(store.conn()))
    }

    fn business_summary_on(conn: &rusqlite::Connection) -> Result<BusinessSummary> {
        let summary = keeper_analysis::views::business_summary(conn)?;
        let staff = keeper_analysis::views::staff_metrics(conn)?;
        let mut sentiment: HashMap<String, f64> = HashMap::new();
        let mut stmt = conn
            .prepare_cached("SELECT team_member_id, mean_sentiment FROM review_staff_sentiment")
            .map_err(db_err)?;
        for row in stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<f64>>(1)?))
            })
            .map_err(db_err)?
        {
            let (id, s) = row.map_err(db_err)?;
            if let Some(s) = s {
                sentiment.insert(id, s);
            }
        }
        let mut churn_risk = Vec::new();
        let mut stmt = conn
            .prepare_cached(
                "SELECT MIN(CAST(churn_risk * 10 AS INTEGER), 9) AS b, COUNT(*)
                   FROM customer_metrics WHERE churn_risk IS NOT NULL GROUP BY b ORDER BY b",
            )
            .map_err(db_err)?;
        for row in stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .map_err(db_err)?
        {
            let (b, n) = row.map_err(db_err)?;
            churn_risk.push(Point {
                label: format!("{}–{}%", b * 10, b * 10 + 10),
                value: n as f64,
            });
        }
        let staff = staff
            .into_iter()
            .map(|s| StaffRow {
                review_sentiment: sentiment.get(&s.team_member_id).copied(),
                name: s.name.unwrap_or_else(|| s.team_member_id.clone()),
                id: s.team_member_id,
                retention: s.retention_rate,
                rebooking_rate: s.rebooking_rate,
                second_visit_rate: s.second_visit_conversion,
                revenue_cents: s.revenue_12m,
            })
            .collect();
        let currency = crate::customers::currency(conn)?;
        Ok(match summary {
            None => BusinessSummary {
                currency,
                revenue_by_month: vec![],
                active_customers: 0,
                lapsed_customers: 0,
                new_customers: 0,
                visit_frequency: vec![],
                cohorts: vec![],
                churn_risk,
                staff,
                computed_at: None,
            },
            Some(view) => {
                let s = view.summary;
                BusinessSummary {
                    currency: s.currency.unwrap_or(currency),
                    revenue_by_month: s
                        .revenue_by_month
                        .iter()
                        .map(|m| Point {
                            label: m.month.clone(),
                            value: m.revenue as f64,
                        })
                        .collect(),
                    active_customers: s.customers.active,
                    lapsed_customers: s.customers.lapsed,
                    new_customers: s.customers.new,
                    visit_frequency: s
                        .visit_frequency
                        .iter()
                        .map(|b| Point {
                            label: b.label.clone(),
                            value: b.customers as f64,
                        })
                        .collect(),
                    cohorts: s
                        .cohorts
                        .iter()
                        .map(|c| CohortRow {
                            cohort: c.month.clone(),
                            size: c.size,
                            retention: c.retention.iter().map_while(|r| *r).collect(),
                        })
                        .collect(),
                    churn_risk,
                    staff,
                    computed_at: Some(view.computed_at),
                }
            }
        })
    }

    pub fn list_reviews(&self) -> Result<Vec<ReviewEntry>> {
        let rows = self.read(|store| crate::reviews::list_on(store.conn(), &Default::default()))?;
        Ok(rows.into_iter().map(review_entry).collect())
    }

    /// Reads, matches and merges a dropped or picked spreadsheet, as a background job: the
    /// file is checked at once (`unsupported_file`, `file_unreadable`), the request recorded,
    /// and the job started; follow it with [`App::upload_job`].
    pub fn upload_spreadsheet(&self, path: &str) -> Result<UploadJob> {
        let path = PathBuf::from(path);
        crate::upload_jobs::check_file(&path)?;
        self.start_upload_job(crate::upload_jobs::Request {
            kind: UploadJobKind::Upload,
            path: Some(path),
            upload_id: None,
            overrides: Vec::new(),
        })
    }

    /// A spreadsheet job as the screen follows it.
    pub fn upload_job(&self, id: &str) -> Result<UploadJob> {
        let id = parse_id(id, "upload_job_not_found")?;
        let status = self.jobs.status();
        let live = (status.kind == Some(JobKind::Upload)
            && status.state == JobState::Running
            && *self.upload_job.lock().unwrap_or_else(|p| p.into_inner()) == Some(id))
        .then_some(&status);
        self.read(|store| crate::upload_jobs::view(store.conn(), id, live))
    }

    /// Records `request` and runs it in the job slot (`job_running` when the slot is busy:
    /// the request is then forgotten).
    fn start_upload_job(&self, request: crate::upload_jobs::Request) -> Result<UploadJob> {
        let id = self.read(|store| crate::upload_jobs::record(store.conn(), &request, now()))?;
        if let Err(e) = self.run_upload_jobs(vec![id]) {
            self.read(|store| crate::upload_jobs::forget(store.conn(), id))?;
            return Err(e);
        }
        self.upload_job(&id.to_string())
    }

    /// Runs the recorded spreadsheet jobs `ids` in order, as one job of the slot.
    fn run_upload_jobs(&self, ids: Vec<i64>) -> Result<JobStatus> {
        let db = self.db.clone();
        let current = self.upload_job.clone();
        let summary = self.summary.clone();
        self.jobs
            .start(JobKind::Upload, now_text(), now_text, move |h| async move {
                let mut outcome = Ok(());
                for id in ids {
                    *current.lock().unwrap_or_else(|p| p.into_inner()) = Some(id);
                    let done = crate::upload_jobs::run(&db, id, &h, &now);
                    if outcome.is_ok() {
                        outcome = done;
                    }
                }
                *current.lock().unwrap_or_else(|p| p.into_inner()) = None;
                recount(&db, &summary);
                outcome
            })
    }

    /// Upload `id`, which must exist and not be undone (`upload_not_found`, `upload_undone`).
    fn live_upload(&self, upload_id: &str) -> Result<i64> {
        let id = parse_id(upload_id, "upload_not_found")?;
        let undone: Option<Option<String>> = self.read(|store| {
            store
                .conn()
                .query_row("SELECT undone_at FROM uploads WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(db_err)
        })?;
        match undone {
            None => Err(err("upload_not_found", format!("No upload {id}"))),
            Some(Some(_)) => Err(err(
                "upload_undone",
                "This upload was undone already: drop the file again to start over.",
            )),
            Some(None) => Ok(id),
        }
    }

    pub fn list_uploads(&self) -> Result<Vec<UploadSummary>> {
        self.read(Self::list_uploads_on)
    }

    fn list_uploads_on(store: &Store) -> Result<Vec<UploadSummary>> {
        let uploads = keeper_enrich::db::list_uploads(store)?;
        let conn = store.conn();
        let mut out = Vec::with_capacity(uploads.len());
        for u in uploads {
            let (mapping_json, rejected, review): (String, u32, u32) = conn
                .query_row(
                    "SELECT mapping_json,
                        (SELECT COUNT(*) FROM upload_matches m WHERE m.upload_id = u.id AND m.state = 'rejected'),
                        (SELECT COUNT(*) FROM upload_matches m WHERE m.upload_id = u.id AND m.state IN ('pending','skipped'))
                       FROM uploads u WHERE u.id = ?1",
                    [u.id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .map_err(db_err)?;
            let mapping: keeper_enrich::columns::Mapping =
                serde_json::from_str(&mapping_json).map_err(|e| err("internal", e))?;
            out.push(UploadSummary {
                id: u.id.to_string(),
                file_name: u.file_name,
                rows: u.row_count as u32,
                accepted: u.accepted as u32,
                to_review: review,
                rejected,
                unmatched: u.unmatched as u32,
                created_at: u.created_at,
                undone: u.undone_at.is_some(),
                mapping: mapping
                    .columns
                    .iter()
                    .map(|c| ColumnMapping {
                        column: c.header.clone(),
                        field: serde_json::to_value(c.field)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .filter(|f| f != "ignore"),
                        confidence: c.confidence as f64,
                        samples: vec![],
                    })
                    .collect(),
            });
        }
        Ok(out)
    }

    /// The owner corrected the column mapping: as one background job, the file is read again
    /// with the corrections and matched, and the upload replaced by the new one (the old one
    /// undone in the same transaction). Follow it with [`App::upload_job`]; its `upload_id`
    /// is the new upload.
    pub fn update_mapping(&self, upload_id: &str, mapping: &[ColumnMapping]) -> Result<UploadJob> {
        let id = self.live_upload(upload_id)?;
        let mut overrides = Vec::new();
        for c in mapping {
            let name = c.field.clone().unwrap_or_else(|| "ignore".to_owned());
            let field: keeper_enrich::columns::Field =
                serde_json::from_value(serde_json::Value::String(name.clone()))
                    .map_err(|_| err("unknown_field", format!("Keeper has no field {name}")))?;
            overrides.push((c.column.clone(), field));
        }
        let path = self
            .read(|store| crate::upload_jobs::path_of_upload(store.conn(), id))?
            .ok_or_else(|| {
                err(
                    "upload_file_unknown",
                    "Keeper does not know where this file is: drop it on the window again.",
                )
            })?;
        crate::upload_jobs::check_file(&path)?;
        self.start_upload_job(crate::upload_jobs::Request {
            kind: UploadJobKind::Remap,
            path: Some(path),
            upload_id: Some(id),
            overrides,
        })
    }

    pub fn match_candidates(&self, upload_id: &str) -> Result<Vec<MatchCandidate>> {
        let id = parse_id(upload_id, "upload_not_found")?;
        self.read(|store| {
            let sheet = keeper_enrich::db::review_candidates(store, id)?;
            let mut out = Vec::new();
            for group in sheet.groups {
                for c in group.candidates {
                    out.push(candidate_view(store.conn(), c)?);
                }
            }
            Ok(out)
        })
    }

    pub fn decide_candidate(&self, candidate_id: &str, decision: &str) -> Result<MatchCandidate> {
        let id = parse_id(candidate_id, "match_not_found")?;
        let verdict = match decision {
            "accept" => Verdict::Accept,
            "reject" => Verdict::Reject,
            "skip" => Verdict::Skip,
            other => return Err(err("bad_decision", format!("Unknown decision {other}"))),
        };
        let decided = self.write(
            |tx| {
                let upload = keeper_enrich::db::decide_in(tx, id, verdict, now())?;
                if verdict != Verdict::Skip {
                    let customer = match_customer(tx, id)?;
                    crate::search_refresh::enqueue(tx, &customer, now())?;
                }
                Ok(upload)
            },
            |store, upload| candidate_of(store, upload, id),
        );
        // Also when only the answer failed: the decision is committed.
        self.refresh_search_later();
        decided
    }

    /// The owner picked another customer for a row in review: link the row to it and accept.
    pub fn choose_alternative(
        &self,
        candidate_id: &str,
        customer_id: &str,
    ) -> Result<MatchCandidate> {
        let id = parse_id(candidate_id, "match_not_found")?;
        let chosen = self.write(
            |tx| {
                let mut touched = match_customer(tx, id)?;
                let upload = keeper_enrich::db::choose_alternative_in(tx, id, customer_id, now())?;
                touched.push(customer_id.to_owned());
                crate::search_refresh::enqueue(tx, &touched, now())?;
                Ok(upload)
            },
            |store, upload| candidate_of(store, upload, id),
        );
        // Also when only the answer failed: the decision is committed.
        self.refresh_search_later();
        chosen
    }

    pub fn accept_above(&self, upload_id: &str, threshold: f64) -> Result<u32> {
        let id = parse_id(upload_id, "upload_not_found")?;
        let accepted = self.write(
            |tx| {
                let accepted = keeper_enrich::db::bulk_accept_in(tx, id, threshold, now())?;
                let mut touched = Vec::with_capacity(accepted.len());
                for m in &accepted {
                    touched.extend(match_customer(tx, *m)?);
                }
                crate::search_refresh::enqueue(tx, &touched, now())?;
                Ok(accepted.len() as u32)
            },
            |_, accepted| Ok(accepted),
        )?;
        if accepted > 0 {
            self.refresh_search_later();
        }
        Ok(accepted)
    }

    /// Undoes a whole upload as a background job (follow it with [`App::upload_job`]).
    pub fn undo_upload(&self, upload_id: &str) -> Result<UploadJob> {
        let id = self.live_upload(upload_id)?;
        self.start_upload_job(crate::upload_jobs::Request {
            kind: UploadJobKind::UndoUpload,
            path: None,
            upload_id: Some(id),
            overrides: Vec::new(),
        })
    }

    pub fn undo_candidate(&self, candidate_id: &str) -> Result<MatchCandidate> {
        let id = parse_id(candidate_id, "match_not_found")?;
        let undone = self.write(
            |tx| {
                let upload: i64 = tx
                    .query_row(
                        "SELECT upload_id FROM upload_matches WHERE id = ?1",
                        [id],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(db_err)?
                    .ok_or_else(|| err("match_not_found", format!("No match {id}")))?;
                keeper_enrich::db::undo_match_in(tx, id, now())?;
                crate::search_refresh::enqueue(tx, &match_customer(tx, id)?, now())?;
                Ok(upload)
            },
            |store, upload| candidate_of(store, upload, id),
        );
        // Also when only the answer failed: the decision is committed.
        self.refresh_search_later();
        undone
    }

    pub fn health_report(&self) -> Result<HealthReport> {
        self.read(|store| {
            let now = now();
            Ok(health_view(
                &crate::health::health_report(store, now)
                    .unwrap_or_else(|e| crate::health::unreachable(e, now)),
            ))
        })
    }
}

fn not_connected() -> ApiError {
    err(
        "not_connected",
        "Keeper is not connected to Square yet: connect Square or try the demo first.",
    )
}

/// An incremental sync with Square.
async fn sync_stage(
    h: &JobHandle,
    access: &crate::import::SquareAccess,
    db: &Path,
    now: DateTime<Utc>,
) -> Result<()> {
    h.stage("Syncing with Square");
    let t = Instant::now();
    let report =
        crate::import::sync(access, db, now, false, &mut |p| h.stream(stream_view(p))).await?;
    let objects: i64 = report.streams.values().map(|s| s.objects).sum();
    h.summary(format!(
        "Synced {objects} changed objects in {:.1} s",
        t.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// Fetches reviews from the plan's sources, analyses and stores them.
async fn reviews_stage(
    h: &JobHandle,
    plan: ReviewPlan,
    db: &Path,
    now: DateTime<Utc>,
) -> Result<()> {
    h.stage("Reading your Google and Yelp reviews");
    let sources = match plan {
        ReviewPlan::Demo(world, written_until) => {
            let mut store = Store::open(db)?;
            keeper_reviews::stage::run_stage(&mut store, &world, DEMO_SEED, written_until)
                .await
                .map_err(|e| err(e.code(), e))?
                .sources
        }
        ReviewPlan::Sources(google, yelp) => {
            crate::reviews::fetch_reviews(db, google, yelp, now).await?
        }
    };
    let (new, updated) = sources.iter().fold((0, 0), |(n, u), s| {
        (n + s.counts.inserted, u + s.counts.updated)
    });
    h.summary(format!("Reviews: {new} new, {updated} updated"));
    Ok(())
}

/// A stored review in the UI's shape.
fn review_entry(r: keeper_reviews::db::ReviewRow) -> ReviewEntry {
    ReviewEntry {
        id: r.id,
        source: r.source,
        author: r.author_name,
        rating: r.rating.map(|v| v.clamp(0, 5) as u8),
        text: r.text,
        created_at: r.created_at,
        sentiment: r.sentiment,
        urgent: r.urgent,
        urgent_reason: r.urgent_reason,
        customer_id: r.customer_id,
        customer_name: r.customer_name,
        mentions: r
            .mentions
            .into_iter()
            .map(|m| Mention {
                kind: m.kind,
                name: m.target_name.unwrap_or(m.matched),
                sentiment: m.sentiment,
            })
            .collect(),
    }
}

fn parse_id(id: &str, code: &str) -> Result<i64> {
    id.parse()
        .map_err(|_| err(code, format!("No such item: {id}")))
}

/// The customer match `match_id` links its row to (none for an unknown match).
fn match_customer(conn: &rusqlite::Connection, match_id: i64) -> Result<Vec<String>> {
    let customer: Option<String> = conn
        .query_row(
            "SELECT customer_id FROM upload_matches WHERE id = ?1",
            [match_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(db_err)?;
    Ok(customer.into_iter().collect())
}

/// Match `match_id` of upload `upload` as the review screen shows it.
fn candidate_of(store: &Store, upload: i64, match_id: i64) -> Result<MatchCandidate> {
    let c = keeper_enrich::db::candidate(store, upload, match_id)?;
    candidate_view(store.conn(), c)
}

fn candidate_view(
    conn: &rusqlite::Connection,
    c: keeper_enrich::db::ReviewCandidate,
) -> Result<MatchCandidate> {
    Ok(MatchCandidate {
        id: c.match_id.to_string(),
        row_number: c.line as u32,
        customer_name: crate::enrich::customer_name(conn, &c.customer_id)?,
        customer_id: Some(c.customer_id),
        score: c.score,
        band: c.decision,
        state: c.state,
        fields: crate::enrich::field_comparisons(&c.fields, &c.explanation),
        alternatives: crate::enrich::alternative_views(conn, &c.alternatives)?,
    })
}

/// The Health screen's view of the health report.
fn health_view(r: &crate::health::HealthReport) -> HealthReport {
    HealthReport {
        score: r.score as f64,
        families: r
            .families
            .iter()
            .map(|(name, f)| FamilyHealth {
                family: name.clone(),
                success_rate: f.success_rate,
                mean_latency_ms: f.mean_latency_ms,
                p95_latency_ms: f.p95_latency_ms,
                rate_limited: f.rate_limit_hits as u32,
                last_success: f.last_success_at.clone(),
                last_failure: f.last_failure.as_ref().map(|l| l.at.clone()),
                last_error: f
                    .last_failure
                    .as_ref()
                    .map(|l| format!("{}: {}", l.code, l.message)),
                backoff_seconds: f.backoff_seconds,
                queued_retries: f.queued_retries as u32,
                circuit_state: f.circuit_state.as_str().to_owned(),
            })
            .collect(),
        store_bytes: r.pipeline.store_size_bytes,
        quarantined: r.pipeline.quarantined_records as u32,
        last_sync: r
            .pipeline
            .last_sync
            .iter()
            .map(|s| s.last_sync_at.clone())
            .max(),
        recommendations: r
            .recommendations
            .iter()
            .map(|x| x.message.clone())
            .collect(),
    }
}

/// After an import or sync: the analysis, then the customer documents and their embeddings.
fn analyse_and_embed(
    h: &JobHandle,
    db: &Path,
    search: &Arc<Mutex<SearchService>>,
    now: DateTime<Utc>,
) -> Result<()> {
    h.stage("Working out who to call");
    let mut store = Store::open(db)?;
    let summary = crate::insights::run_stage(&mut store, now, 3)?;
    drop(store);
    h.summary(
        format!("{summary}")
            .lines()
            .next()
            .unwrap_or("Analysis done")
            .to_owned(),
    );
    h.stage("Reading customer context on this computer");
    let cancel = AtomicBool::new(false);
    let mut search = search.lock().unwrap_or_else(|p| p.into_inner());
    let report = search.refresh_and_embed(
        db,
        now,
        &mut |p| {
            h.stream(StreamProgress {
                stream: "customer context".to_owned(),
                state: JobState::Running,
                pages: 0,
                objects: p.done as u32,
                percent: (p.total > 0).then(|| 100.0 * p.done as f64 / p.total as f64),
                eta_seconds: None,
                error: None,
            })
        },
        &cancel,
    )?;
    h.stream(StreamProgress {
        stream: "customer context".to_owned(),
        state: JobState::Finished,
        pages: 0,
        objects: report.embedded as u32,
        percent: Some(100.0),
        eta_seconds: None,
        error: None,
    });
    h.summary(if report.semantic.enabled {
        format!(
            "Embedded {} customer documents on this computer",
            report.embedded
        )
    } else {
        format!(
            "Semantic search is off ({}); keyword search works",
            report.semantic.reason.unwrap_or_default()
        )
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enrich::tests::document;
    use keeper_store::raw::{RawObject, upsert};

    fn queued(db: &Path) -> Vec<String> {
        crate::search_refresh::queued(Store::open(db).unwrap().conn()).unwrap()
    }

    /// Two customers with documents built and a sheet naming Ada by Square id, uploaded
    /// (its one match accepted); returns the database and the match's id.
    fn uploaded(dir: &Path) -> (PathBuf, String) {
        let (db, file) = crate::enrich::tests::store_and_sheet(dir);
        let store = Store::open(&db).unwrap();
        let summary = crate::enrich::upload(&db, &file, &Default::default(), now()).unwrap();
        assert_eq!(summary.auto_accepted, 1);
        let id: i64 = store
            .conn()
            .query_row("SELECT id FROM upload_matches", [], |r| r.get(0))
            .unwrap();
        (db, id.to_string())
    }

    fn app(dir: &Path, db: &Path, refresh_search: bool) -> App {
        App::open(
            db.to_path_buf(),
            Some(&dir.join("no-model")),
            Box::new(|_| {}),
            refresh_search,
        )
        .unwrap()
    }

    #[test]
    fn a_decision_answers_before_its_search_document_is_rebuilt_and_the_rebuild_follows() {
        let dir = tempfile::tempdir().unwrap();
        let (db, match_id) = uploaded(dir.path());
        assert!(document(&db, "C1").contains("latex"));

        // An app whose rebuilds never run: the undo answers, the document is still the old one
        // and the customer is queued.
        let held = app(dir.path(), &db, false);
        assert_eq!(held.undo_candidate(&match_id).unwrap().state, "undone");
        assert!(
            document(&db, "C1").contains("latex"),
            "rebuilt before answering"
        );
        assert_eq!(queued(&db), ["C1"]);
        drop(held);

        // The app's rebuild does it in the background; searching finds the change after it.
        let app = app(dir.path(), &db, true);
        assert!(app.wait_search_refreshed(Duration::from_secs(20)));
        assert!(!document(&db, "C1").contains("latex"));
        let accepted = app.decide_candidate(&match_id, "accept").unwrap();
        assert_eq!(accepted.state, "accepted");
        assert!(app.wait_search_refreshed(Duration::from_secs(20)));
        assert!(document(&db, "C1").contains("Note: Allergic to latex gloves"));
        assert!(queued(&db).is_empty());
        let search = |app: &App| {
            app.list_customers(&CustomerQuery {
                search: Some("latex".to_owned()),
                sort: CustomerSort::Name,
                descending: false,
                offset: 0,
                limit: 10,
            })
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
        };
        assert_eq!(search(&app), ["C1"]);
        app.decide_candidate(&match_id, "reject").unwrap();
        assert!(app.wait_search_refreshed(Duration::from_secs(20)));
        assert!(search(&app).is_empty());
        assert_eq!(app.last_search_refresh().map(|(n, _)| n), Some(1));
    }

    #[test]
    fn a_decision_whose_rebuild_never_ran_is_rebuilt_when_the_app_starts_again() {
        let dir = tempfile::tempdir().unwrap();
        let (db, match_id) = uploaded(dir.path());
        let before = {
            let killed = app(dir.path(), &db, false);
            killed.undo_candidate(&match_id).unwrap();
            killed.decide_candidate(&match_id, "reject").unwrap();
            document(&db, "C1")
        };
        assert!(before.contains("latex"), "the killed app rebuilt: {before}");
        assert_eq!(queued(&db), ["C1"]);

        let restarted = app(dir.path(), &db, true);
        assert!(restarted.wait_search_refreshed(Duration::from_secs(20)));
        assert!(!document(&db, "C1").contains("latex"));
        assert!(queued(&db).is_empty());
    }

    #[test]
    fn db_info_counts_again_when_another_process_imported_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.sqlite3");
        let app = App::new(
            db.clone(),
            Some(&dir.path().join("no-model")),
            Box::new(|_| {}),
        )
        .unwrap();
        let before = app.db_info().unwrap();
        assert!(before.counts.iter().all(|c| c.rows == 0));

        // The CLI imports into the same file while the app runs.
        let cli = Store::open(&db).unwrap();
        let customer = RawObject {
            object_type: "CUSTOMER",
            square_id: "C1",
            version: None,
            json: "{}",
        };
        upsert(cli.conn(), &customer, "2026-11-29T00:00:00Z").unwrap();
        cli.conn()
            .execute(
                "INSERT INTO customers (id, given_name) VALUES ('C1', 'Maria')",
                [],
            )
            .unwrap();

        let after = app.db_info().unwrap();
        assert_eq!(after, cli.info().unwrap(), "the figures of a full count");
        let customers = after
            .counts
            .iter()
            .find(|c| c.table == "customers")
            .unwrap();
        assert_eq!(customers.rows, 1);
        assert_eq!(app.db_info().unwrap(), after, "kept while nothing changes");
    }
}
