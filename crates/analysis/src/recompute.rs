//! Entry points: [`analyse`] (pure: the store and `now` in, every result out),
//! [`recompute`] (analyse with a fresh fit, then write metrics, the summary and the
//! reconciled tasks in one transaction), [`recompute_with`] (the same with a choice of fit:
//! after a sync, [`Refit::IfStale`] reuses the stored parameters unless they are stale, see
//! [`crate::refit`]) and [`run_stage`] (the demo's stage: recompute and summarise with the
//! top tasks).
//!
//! Incremental reads (migration 0022, [`crate::cache`]): after a sync only the owners whose
//! rows changed are read again; every other customer's derived history comes from the
//! parts the previous run in this process kept in memory, and everything that depends on
//! `now` is recomputed for everyone.
//!
//! Incremental by content: every customer's figures are recomputed in memory (cheap once
//! the store is read), and only the `customer_metrics` rows whose content changed are
//! written (migration 0011's `content_hash`), so a row's `computed_at` is the run that last
//! changed it. A customer counts as changed when anything their row holds changed: their
//! payments, orders, refunds, bookings (including a booking whose start passed), loyalty,
//! profile or a merge, but also a renamed service or the day turning (days since the last
//! visit). The result is exactly what a full recompute with the same parameters stores.

use crate::business::{self, BusinessSummary};
use crate::cache::{self, Read};
use crate::clv::bgnbd::BgNbdParams;
use crate::clv::gamma_gamma::GammaGammaParams;
use crate::customers::{self, CustomerResult};
use crate::data::Dataset;
use crate::error::Result;
use crate::metrics::HistoryMetrics;
use crate::model::{self, Fits};
use crate::persist;
use crate::refit::{self, Refit};
use crate::staff::{self, StaffMetrics};
use crate::tasks::store::{self as task_store, SyncStats};
use crate::tasks::{Candidate, TaskType, TaskView, generate};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use keeper_store::Store;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::time::Instant;

/// Everything one analysis computes, before it is written.
pub struct Analysis {
    pub data: Dataset,
    pub fits: Fits,
    pub customers: Vec<CustomerResult>,
    pub staff: Vec<StaffMetrics>,
    pub business: BusinessSummary,
    pub candidates: Vec<Candidate>,
}

impl Analysis {
    /// The result for a customer id.
    pub fn customer(&self, id: &str) -> Option<&CustomerResult> {
        let index = *self.data.customer_index.get(id)?;
        self.customers.iter().find(|r| r.index == index)
    }
}

/// Computes every metric and today's candidate tasks from the store as of `now`.
pub fn analyse(conn: &Connection, now: DateTime<Utc>) -> Result<Analysis> {
    let data = Dataset::load(conn, now)?;
    Ok(analyse_loaded(data))
}

/// [`analyse`] on data already loaded.
pub fn analyse_loaded(data: Dataset) -> Analysis {
    let fits = model::fit(&data);
    analyse_with_fits(data, fits)
}

/// [`analyse`] on data already loaded, with given model fits.
pub fn analyse_with_fits(data: Dataset, fits: Fits) -> Analysis {
    let customers = customers::compute(&data, &fits);
    let staff = staff::compute(&data);
    let business = business::compute(&data, &customers);
    let candidates = generate::candidates(&data, &customers);
    Analysis {
        data,
        fits,
        customers,
        staff,
        business,
        candidates,
    }
}

/// Why a model gave no numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unavailable {
    pub code: &'static str,
    pub message: String,
}

/// The model fit figures of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSummary {
    pub time_unit: &'static str,
    pub bgnbd: Option<BgNbdParams>,
    pub bgnbd_log_likelihood: Option<f64>,
    pub bgnbd_unavailable: Option<Unavailable>,
    pub gamma_gamma: Option<GammaGammaParams>,
    pub gamma_gamma_unavailable: Option<Unavailable>,
    /// Customers with model numbers / with too thin a history for them.
    pub fitted_customers: usize,
    pub thin_history_customers: usize,
}

impl ModelSummary {
    pub fn of(analysis: &Analysis) -> ModelSummary {
        let unavailable = |e: &crate::clv::ModelError| Unavailable {
            code: e.code(),
            message: e.to_string(),
        };
        let count = |status: &str| {
            analysis
                .customers
                .iter()
                .filter(|r| r.model.status() == status)
                .count()
        };
        ModelSummary {
            time_unit: "weeks",
            bgnbd: analysis.fits.bgnbd.as_ref().ok().map(|f| f.params),
            bgnbd_log_likelihood: analysis.fits.bgnbd.as_ref().ok().map(|f| f.log_likelihood),
            bgnbd_unavailable: analysis.fits.bgnbd.as_ref().err().map(unavailable),
            gamma_gamma: analysis.fits.gamma_gamma.as_ref().ok().map(|f| f.params),
            gamma_gamma_unavailable: analysis.fits.gamma_gamma.as_ref().err().map(unavailable),
            fitted_customers: count("fitted"),
            thin_history_customers: count("thin_history"),
        }
    }
}

/// What a recompute did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecomputeReport {
    pub computed_at: String,
    pub customers_analysed: usize,
    pub model: ModelSummary,
    pub tasks: SyncStats,
    pub tasks_open: usize,
    pub duration_ms: u64,
    /// Whether this run fitted the models (else it reused the parameters fitted at
    /// `fitted_at`), and why it refitted.
    pub refitted: bool,
    pub refit_reason: Option<String>,
    pub fitted_at: String,
    /// `customer_metrics` rows written or deleted (unchanged rows are left alone).
    pub rows_written: usize,
    /// Whether only the owners that changed were read again (migration 0022, parts kept in
    /// memory by the previous run in this process), how many
    /// owners (customers and walk-in days) were read, and why a run asked to read
    /// incrementally read everything.
    pub incremental_read: bool,
    pub owners_read: usize,
    pub full_read_reason: Option<String>,
}

/// What [`write`] did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WriteStats {
    pub rows_written: usize,
    pub tasks: SyncStats,
}

/// A task type's "the customer came back" check for the system's closing of a task whose
/// situation went away: a later visit or an upcoming booking.
fn came_back_note(
    metrics: &HashMap<&str, &HistoryMetrics>,
    customer: Option<&str>,
    task_type: TaskType,
    episode: &str,
) -> Option<String> {
    if !matches!(
        task_type,
        TaskType::ChurnPrevention | TaskType::Reactivation | TaskType::SecondVisit
    ) {
        return None;
    }
    let m = metrics.get(customer?)?;
    let since: NaiveDate = episode.parse().ok()?;
    if m.last_visit > since {
        Some(format!("came back on {}", m.last_visit))
    } else {
        m.next_booking.map(|d| format!("booked for {d}"))
    }
}

/// Writes an analysis (changed metric rows, staff, summary) and reconciles its tasks, in
/// the caller's transaction.
pub fn write(conn: &Connection, analysis: &Analysis, now: DateTime<Utc>) -> Result<WriteStats> {
    let at = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    let rows_written = persist::customer_metrics(conn, &analysis.data, &analysis.customers, &at)?;
    persist::staff_metrics(conn, &analysis.staff, &at)?;
    persist::business_summary(conn, &analysis.business, &at)?;
    let by_id: HashMap<&str, &HistoryMetrics> = analysis
        .customers
        .iter()
        .map(|r| {
            (
                analysis.data.customers[r.index as usize]
                    .profile
                    .id
                    .as_str(),
                &r.metrics,
            )
        })
        .collect();
    let came_back = |c: Option<&str>, t: TaskType, e: &str| came_back_note(&by_id, c, t, e);
    let tasks = task_store::sync(conn, now, &analysis.candidates, &came_back)?;
    Ok(WriteStats {
        rows_written,
        tasks,
    })
}

fn open_count(conn: &Connection) -> Result<usize> {
    Ok(
        conn.query_row("SELECT COUNT(*) FROM tasks WHERE state = 'open'", [], |r| {
            r.get::<_, i64>(0)
        })? as usize,
    )
}

/// Recomputes everything from the store as of `now`, reading every owner's history and
/// fitting the models afresh, and stores it (one transaction).
pub fn recompute(store: &mut Store, now: DateTime<Utc>) -> Result<RecomputeReport> {
    recompute_read(store, now, &Refit::Always, Read::Full)
}

/// Recomputes everything from the store as of `now` with the fit `refit` chooses, and
/// stores what changed (one transaction). Reads incrementally: only the owners whose rows
/// changed since the last run are read again ([`crate::cache`]).
pub fn recompute_with(
    store: &mut Store,
    now: DateTime<Utc>,
    refit: &Refit,
) -> Result<RecomputeReport> {
    recompute_read(store, now, refit, Read::Incremental)
}

/// [`recompute_with`] with a choice of read: [`Read::Full`] reads every owner's history
/// again, [`Read::Incremental`] only the changed owners' (when the stored parts allow).
pub fn recompute_read(
    store: &mut Store,
    now: DateTime<Utc>,
    refit: &Refit,
    read: Read,
) -> Result<RecomputeReport> {
    let started = Instant::now();
    let db = store.path().map(std::path::Path::to_path_buf);
    let (data, mut update) = cache::load(store.conn(), db.as_deref(), now, read)?;
    let with_visits = data
        .customers
        .iter()
        .filter(|c| !c.visits.is_empty())
        .count();
    let reuse = match refit {
        Refit::Always => Err("asked for a fresh fit".to_string()),
        Refit::With(s) => Ok(s.clone()),
        Refit::IfStale(policy) => {
            let stored = refit::latest(store.conn())?;
            match refit::stale_reason(policy, stored.as_ref(), with_visits, now) {
                None => stored.ok_or_else(String::new),
                Some(reason) => Err(reason),
            }
        }
    };
    let (fits, fitted_at, fit_customers, refit_reason) = match reuse {
        Ok(s) => (s.fits(), s.fitted_at, s.customers, None),
        Err(reason) => (model::fit(&data), now, with_visits, Some(reason)),
    };
    let analysis = analyse_with_fits(data, fits);
    let tx = store.conn_mut().transaction()?;
    cache::store(&tx, &mut update)?;
    let stats = write(&tx, &analysis, now)?;
    let tasks_open = open_count(&tx)?;
    let duration_ms = started.elapsed().as_millis() as u64;
    let computed_at = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    let fitted_at = fitted_at.to_rfc3339_opts(SecondsFormat::Millis, true);
    persist::run(
        &tx,
        &persist::RunRow {
            computed_at: &computed_at,
            customers: analysis.customers.len(),
            fits: &analysis.fits,
            tasks_open,
            duration_ms,
            fitted_at: &fitted_at,
            fit_customers,
            refitted: refit_reason.is_some(),
            rows_written: stats.rows_written,
        },
    )?;
    tx.commit()?;
    let incremental_read = !update.full;
    let owners_read = if update.full {
        update.parts.len()
    } else {
        update.keys.len()
    };
    let full_read_reason = update.full_reason.take();
    cache::keep(db.as_deref(), update, now);
    let customers_analysed = analysis.customers.len();
    let model = ModelSummary::of(&analysis);
    cache::drop_elsewhere(analysis);
    Ok(RecomputeReport {
        computed_at,
        customers_analysed,
        model,
        tasks: stats.tasks,
        tasks_open,
        duration_ms,
        refitted: refit_reason.is_some(),
        refit_reason,
        fitted_at,
        rows_written: stats.rows_written,
        incremental_read,
        owners_read,
        full_read_reason,
    })
}

/// The day (RFC 3339 date prefix) of the latest run, if any.
pub fn last_run_at(conn: &Connection) -> Result<Option<String>> {
    Ok(
        conn.query_row("SELECT MAX(computed_at) FROM analysis_runs", [], |r| {
            r.get(0)
        })?,
    )
}

/// The demo's stage summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InsightsSummary {
    pub report: RecomputeReport,
    pub top_tasks: Vec<TaskView>,
}

/// Recomputes and returns the figures and the `top_n` best tasks.
pub fn run_stage(store: &mut Store, now: DateTime<Utc>, top_n: usize) -> Result<InsightsSummary> {
    let report = recompute(store, now)?;
    let top_tasks = task_store::list_open(store.conn(), now, top_n)?;
    Ok(InsightsSummary { report, top_tasks })
}

impl fmt::Display for InsightsSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.report;
        writeln!(
            f,
            "insights: {} customers analysed in {} ms; {} open tasks ({} new)",
            r.customers_analysed, r.duration_ms, r.tasks_open, r.tasks.created
        )?;
        match (&r.model.bgnbd, &r.model.bgnbd_unavailable) {
            (Some(p), _) => writeln!(
                f,
                "  BG/NBD (weeks): r={:.4} alpha={:.4} a={:.4} b={:.4}; {} customers scored, {} with one visit (no model number)",
                p.r, p.alpha, p.a, p.b, r.model.fitted_customers, r.model.thin_history_customers
            )?,
            (None, Some(u)) => writeln!(f, "  BG/NBD not fitted: {} ({})", u.message, u.code)?,
            (None, None) => {}
        }
        match (&r.model.gamma_gamma, &r.model.gamma_gamma_unavailable) {
            (Some(g), _) => writeln!(f, "  Gamma-Gamma: p={:.4} q={:.4} v={:.2}", g.p, g.q, g.v)?,
            (None, Some(u)) => writeln!(f, "  Gamma-Gamma not fitted: {} ({})", u.message, u.code)?,
            (None, None) => {}
        }
        for (i, t) in self.top_tasks.iter().enumerate() {
            writeln!(
                f,
                "  {:>2}. [{}] {} — {}",
                i + 1,
                t.task_type.as_str(),
                crate::tasks::words::money(t.value_at_stake, t.currency.as_deref()),
                t.reason
            )?;
        }
        Ok(())
    }
}
