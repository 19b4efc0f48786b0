//! Writing results into the 0004 tables (with migration 0011's bookkeeping), inside the
//! caller's transaction: customer metrics are patched (only rows whose content hash changed
//! are written), staff metrics and the business summary replaced, and one `analysis_runs`
//! row appended with the fit the run used and when that fit was made.

use crate::business::BusinessSummary;
use crate::customers::CustomerResult;
use crate::data::Dataset;
use crate::error::Result;
use crate::model::Fits;
use crate::staff::StaffMetrics;
use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};
use std::collections::HashMap;

/// FNV-1a (64-bit) over a row's values, each tagged with its SQLite type: stable across
/// runs and builds, so an unchanged row hashes the same tomorrow.
pub fn row_hash(values: &[Value]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for v in values {
        match v {
            Value::Null => eat(&[0]),
            Value::Integer(i) => {
                eat(&[1]);
                eat(&i.to_le_bytes());
            }
            Value::Real(f) => {
                eat(&[2]);
                eat(&f.to_bits().to_le_bytes());
            }
            Value::Text(t) => {
                eat(&[3]);
                eat(&(t.len() as u64).to_le_bytes());
                eat(t.as_bytes());
            }
            Value::Blob(b) => {
                eat(&[4]);
                eat(&(b.len() as u64).to_le_bytes());
                eat(b);
            }
        }
    }
    h as i64
}

/// The stored values of one customer's row, in column order, without `computed_at`.
fn metric_values(ds: &Dataset, r: &CustomerResult) -> Result<Vec<Value>> {
    let c = &ds.customers[r.index as usize];
    let m = &r.metrics;
    let p = r.model.prediction();
    let loyalty_status = match (m.loyalty_balance, ds.has_loyalty_program) {
        (Some(_), _) => "member",
        (None, true) => "not_enrolled",
        (None, false) => "no_program",
    };
    let text = |s: &str| Value::Text(s.to_string());
    let opt_text = |s: Option<String>| s.map_or(Value::Null, Value::Text);
    let opt_int = |i: Option<i64>| i.map_or(Value::Null, Value::Integer);
    let opt_real = |f: Option<f64>| f.map_or(Value::Null, Value::Real);
    Ok(vec![
        text(&c.profile.id),
        opt_text(ds.currency.clone()),
        Value::Integer(m.lifetime_value),
        Value::Integer(m.spend_12m),
        Value::Integer(i64::from(m.visits)),
        text(&m.first_visit.to_string()),
        text(&m.last_visit.to_string()),
        Value::Integer(m.days_since_last),
        opt_real(m.mean_gap_days),
        opt_real(m.gap_sd_days),
        Value::Integer(m.average_spend),
        Value::Text(serde_json::to_string(&m.category_cadence)?),
        Value::Text(serde_json::to_string(&m.top_services)?),
        opt_text(m.preferred_team.map(|t| ds.team[t as usize].0.clone())),
        Value::Text(serde_json::to_string(&m.modifier_history)?),
        opt_real(m.addon_attach_rate),
        text(loyalty_status),
        opt_int(m.loyalty_balance),
        Value::Integer(i64::from(m.no_shows)),
        Value::Integer(i64::from(m.cancellations)),
        opt_text(m.next_booking.map(|d| d.to_string())),
        opt_text(m.next_expected_visit.map(|d| d.to_string())),
        opt_text(m.next_expected_source.map(|s| s.as_str().to_string())),
        opt_int(m.days_overdue),
        text(r.model.status()),
        opt_text(r.model.reason().map(str::to_string)),
        opt_real(p.map(|p| p.p_alive)),
        opt_real(p.map(|p| p.expected_visits_30d)),
        opt_real(p.map(|p| p.expected_visits_90d)),
        opt_real(p.and_then(|p| p.expected_avg_spend)),
        opt_real(p.and_then(|p| p.clv_12m)),
        opt_real(r.churn_risk.map(|c| c.0)),
        opt_text(r.churn_risk.map(|c| c.1.as_str().to_string())),
        text(m.segment.as_str()),
    ])
}

/// Brings `customer_metrics` up to date with `results`: writes the rows whose content hash
/// differs from the stored one (new, changed, or stored before hashes existed) with
/// `computed_at`, deletes the rows of customers no longer among the results, and leaves
/// the others (and their `computed_at`) alone. Returns the rows written or deleted.
pub fn customer_metrics(
    conn: &Connection,
    ds: &Dataset,
    results: &[CustomerResult],
    computed_at: &str,
) -> Result<usize> {
    let mut stored: HashMap<String, Option<i64>> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT customer_id, content_hash FROM customer_metrics")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            stored.insert(r.get(0)?, r.get(1)?);
        }
    }
    let mut stmt = conn.prepare(
        "INSERT OR REPLACE INTO customer_metrics (
            customer_id, currency, lifetime_value, spend_12m, visits, first_visit,
            last_visit, days_since_last, mean_gap_days, gap_sd_days, average_spend,
            category_cadence, top_services, preferred_team_member_id, modifier_history,
            addon_attach_rate, loyalty_status, loyalty_balance, no_shows, cancellations,
            next_booking, next_expected_visit, next_expected_source, days_overdue,
            model_status, model_reason, p_alive, expected_visits_30d, expected_visits_90d,
            expected_avg_spend, clv_12m, churn_risk, churn_risk_source, segment,
            computed_at, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32,
                 ?33, ?34, ?35, ?36)",
    )?;
    let mut written = 0;
    for r in results {
        let mut values = metric_values(ds, r)?;
        let hash = row_hash(&values);
        let id = &ds.customers[r.index as usize].profile.id;
        if stored.remove(id.as_str()) == Some(Some(hash)) {
            continue;
        }
        values.push(Value::Text(computed_at.to_string()));
        values.push(Value::Integer(hash));
        stmt.execute(params_from_iter(values))?;
        written += 1;
    }
    let mut delete = conn.prepare("DELETE FROM customer_metrics WHERE customer_id = ?1")?;
    for gone in stored.keys() {
        delete.execute([gone])?;
        written += 1;
    }
    Ok(written)
}

/// Replaces `staff_metrics`.
pub fn staff_metrics(conn: &Connection, staff: &[StaffMetrics], computed_at: &str) -> Result<()> {
    conn.execute("DELETE FROM staff_metrics", [])?;
    let mut stmt = conn.prepare(
        "INSERT INTO staff_metrics (team_member_id, computed_at, clients_12m, visits_12m,
            revenue_12m, revenue_total, retention_base, retention_rate, rebooking_base,
            rebooking_rate, new_clients, second_visit_conversion)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for s in staff {
        stmt.execute(params![
            s.team_member_id,
            computed_at,
            s.clients_12m,
            s.visits_12m,
            s.revenue_12m,
            s.revenue_total,
            s.retention_base,
            s.retention_rate,
            s.rebooking_base,
            s.rebooking_rate,
            s.new_clients,
            s.second_visit_conversion,
        ])?;
    }
    Ok(())
}

/// Replaces the business summary.
pub fn business_summary(
    conn: &Connection,
    summary: &BusinessSummary,
    computed_at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO business_summary (id, computed_at, json) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET computed_at = excluded.computed_at, json = excluded.json",
        params![computed_at, serde_json::to_string(summary)?],
    )?;
    Ok(())
}

/// One `analysis_runs` row.
pub struct RunRow<'a> {
    pub computed_at: &'a str,
    /// Customers with at least one visit.
    pub customers: usize,
    pub fits: &'a Fits,
    pub tasks_open: usize,
    pub duration_ms: u64,
    /// When the parameters used were fitted, and on how many customers.
    pub fitted_at: &'a str,
    pub fit_customers: usize,
    pub refitted: bool,
    pub rows_written: usize,
}

/// Appends the run's row.
pub fn run(conn: &Connection, row: &RunRow) -> Result<()> {
    let fits = row.fits;
    let bg = fits.bgnbd.as_ref().ok();
    let gg = fits.gamma_gamma.as_ref().ok();
    conn.execute(
        "INSERT INTO analysis_runs (computed_at, customers, time_unit, bgnbd_r, bgnbd_alpha,
            bgnbd_a, bgnbd_b, bgnbd_log_likelihood, bgnbd_unavailable, gg_p, gg_q, gg_v,
            gg_unavailable, tasks_open, duration_ms, fitted_at, fit_customers,
            gg_log_likelihood, refitted, rows_written)
         VALUES (?1, ?2, 'weeks', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                 ?16, ?17, ?18, ?19)",
        params![
            row.computed_at,
            row.customers as i64,
            bg.map(|f| f.params.r),
            bg.map(|f| f.params.alpha),
            bg.map(|f| f.params.a),
            bg.map(|f| f.params.b),
            bg.map(|f| f.log_likelihood),
            fits.bgnbd.as_ref().err().map(|e| e.code()),
            gg.map(|f| f.params.p),
            gg.map(|f| f.params.q),
            gg.map(|f| f.params.v),
            fits.gamma_gamma.as_ref().err().map(|e| e.code()),
            row.tasks_open as i64,
            row.duration_ms as i64,
            row.fitted_at,
            row.fit_customers as i64,
            gg.map(|f| f.log_likelihood),
            row.refitted,
            row.rows_written as i64,
        ],
    )?;
    Ok(())
}
