//! Writing results into the 0004 tables. Each run replaces the metrics wholesale (a full
//! recompute takes well under a second per 10,000 customers, so there is nothing to gain
//! from patching rows) inside the caller's transaction, and appends one `analysis_runs` row.

use crate::business::BusinessSummary;
use crate::customers::CustomerResult;
use crate::data::Dataset;
use crate::error::Result;
use crate::model::Fits;
use crate::staff::StaffMetrics;
use rusqlite::{Connection, params};

/// Replaces `customer_metrics`.
pub fn customer_metrics(
    conn: &Connection,
    ds: &Dataset,
    results: &[CustomerResult],
    computed_at: &str,
) -> Result<()> {
    conn.execute("DELETE FROM customer_metrics", [])?;
    let mut stmt = conn.prepare(
        "INSERT INTO customer_metrics (
            customer_id, computed_at, currency, lifetime_value, spend_12m, visits, first_visit,
            last_visit, days_since_last, mean_gap_days, gap_sd_days, average_spend,
            category_cadence, top_services, preferred_team_member_id, modifier_history,
            addon_attach_rate, loyalty_status, loyalty_balance, no_shows, cancellations,
            next_booking, next_expected_visit, next_expected_source, days_overdue,
            model_status, model_reason, p_alive, expected_visits_30d, expected_visits_90d,
            expected_avg_spend, clv_12m, churn_risk, churn_risk_source, segment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32,
                 ?33, ?34, ?35)",
    )?;
    for r in results {
        let c = &ds.customers[r.index as usize];
        let m = &r.metrics;
        let p = r.model.prediction();
        let loyalty_status = match (m.loyalty_balance, ds.has_loyalty_program) {
            (Some(_), _) => "member",
            (None, true) => "not_enrolled",
            (None, false) => "no_program",
        };
        stmt.execute(params![
            c.profile.id,
            computed_at,
            ds.currency,
            m.lifetime_value,
            m.spend_12m,
            m.visits,
            m.first_visit.to_string(),
            m.last_visit.to_string(),
            m.days_since_last,
            m.mean_gap_days,
            m.gap_sd_days,
            m.average_spend,
            serde_json::to_string(&m.category_cadence)?,
            serde_json::to_string(&m.top_services)?,
            m.preferred_team.map(|t| ds.team[t as usize].0.clone()),
            serde_json::to_string(&m.modifier_history)?,
            m.addon_attach_rate,
            loyalty_status,
            m.loyalty_balance,
            m.no_shows,
            m.cancellations,
            m.next_booking.map(|d| d.to_string()),
            m.next_expected_visit.map(|d| d.to_string()),
            m.next_expected_source.map(|s| s.as_str()),
            m.days_overdue,
            r.model.status(),
            r.model.reason(),
            p.map(|p| p.p_alive),
            p.map(|p| p.expected_visits_30d),
            p.map(|p| p.expected_visits_90d),
            p.and_then(|p| p.expected_avg_spend),
            p.and_then(|p| p.clv_12m),
            r.churn_risk.map(|c| c.0),
            r.churn_risk.map(|c| c.1.as_str()),
            m.segment.as_str(),
        ])?;
    }
    Ok(())
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

/// Appends the run's row.
pub fn run(
    conn: &Connection,
    computed_at: &str,
    customers: usize,
    fits: &Fits,
    tasks_open: usize,
    duration_ms: u64,
) -> Result<()> {
    let bg = fits.bgnbd.as_ref().ok();
    let gg = fits.gamma_gamma.as_ref().ok();
    conn.execute(
        "INSERT INTO analysis_runs (computed_at, customers, time_unit, bgnbd_r, bgnbd_alpha,
            bgnbd_a, bgnbd_b, bgnbd_log_likelihood, bgnbd_unavailable, gg_p, gg_q, gg_v,
            gg_unavailable, tasks_open, duration_ms)
         VALUES (?1, ?2, 'weeks', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            computed_at,
            customers as i64,
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
            tasks_open as i64,
            duration_ms as i64,
        ],
    )?;
    Ok(())
}
