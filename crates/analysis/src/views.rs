//! Reading stored results back (migration 0004's tables) as serde structs the UI charts:
//! one customer's metrics, the team's figures, the business summary.

use crate::business::BusinessSummary;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

/// One customer's stored metrics (`customer_metrics`), JSON columns decoded.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerMetricsView {
    pub customer_id: String,
    pub name: Option<String>,
    pub computed_at: String,
    pub currency: Option<String>,
    pub lifetime_value: i64,
    pub spend_12m: i64,
    pub visits: i64,
    pub first_visit: Option<String>,
    pub last_visit: Option<String>,
    pub mean_gap_days: Option<f64>,
    pub gap_sd_days: Option<f64>,
    pub average_spend: Option<i64>,
    pub category_cadence: serde_json::Value,
    pub top_services: serde_json::Value,
    pub preferred_team_member: Option<String>,
    pub modifier_history: serde_json::Value,
    pub addon_attach_rate: Option<f64>,
    pub loyalty_status: String,
    pub loyalty_balance: Option<i64>,
    pub no_shows: i64,
    pub cancellations: i64,
    pub next_expected_visit: Option<String>,
    pub next_expected_source: Option<String>,
    pub days_overdue: Option<i64>,
    pub model_status: String,
    pub model_reason: Option<String>,
    pub p_alive: Option<f64>,
    pub expected_visits_30d: Option<f64>,
    pub expected_visits_90d: Option<f64>,
    pub expected_avg_spend: Option<f64>,
    pub clv_12m: Option<f64>,
    pub churn_risk: Option<f64>,
    pub churn_risk_source: Option<String>,
    pub segment: String,
}

/// The stored metrics of one customer (`None` when the customer has no visit or no run
/// happened yet).
pub fn customer_metrics(
    conn: &Connection,
    customer_id: &str,
) -> Result<Option<CustomerMetricsView>> {
    let json = |s: String| serde_json::from_str(&s).unwrap_or(serde_json::Value::Null);
    Ok(conn
        .query_row(
            "SELECT m.customer_id,
                    NULLIF(TRIM(COALESCE(c.given_name,'') || ' ' || COALESCE(c.family_name,'')), ''),
                    m.computed_at, m.currency, m.lifetime_value, m.spend_12m, m.visits,
                    m.first_visit, m.last_visit, m.mean_gap_days, m.gap_sd_days, m.average_spend,
                    m.category_cadence, m.top_services,
                    NULLIF(TRIM(COALESCE(t.given_name,'') || ' ' || COALESCE(t.family_name,'')), ''),
                    m.modifier_history, m.addon_attach_rate, m.loyalty_status, m.loyalty_balance,
                    m.no_shows, m.cancellations, m.next_expected_visit, m.next_expected_source,
                    m.days_overdue, m.model_status, m.model_reason, m.p_alive,
                    m.expected_visits_30d, m.expected_visits_90d, m.expected_avg_spend,
                    m.clv_12m, m.churn_risk, m.churn_risk_source, m.segment
               FROM customer_metrics m
               LEFT JOIN customers c ON c.id = m.customer_id
               LEFT JOIN team_members t ON t.id = m.preferred_team_member_id
              WHERE m.customer_id = ?1",
            [customer_id],
            |r| {
                Ok(CustomerMetricsView {
                    customer_id: r.get(0)?,
                    name: r.get(1)?,
                    computed_at: r.get(2)?,
                    currency: r.get(3)?,
                    lifetime_value: r.get(4)?,
                    spend_12m: r.get(5)?,
                    visits: r.get(6)?,
                    first_visit: r.get(7)?,
                    last_visit: r.get(8)?,
                    mean_gap_days: r.get(9)?,
                    gap_sd_days: r.get(10)?,
                    average_spend: r.get(11)?,
                    category_cadence: json(r.get(12)?),
                    top_services: json(r.get(13)?),
                    preferred_team_member: r.get(14)?,
                    modifier_history: json(r.get(15)?),
                    addon_attach_rate: r.get(16)?,
                    loyalty_status: r.get(17)?,
                    loyalty_balance: r.get(18)?,
                    no_shows: r.get(19)?,
                    cancellations: r.get(20)?,
                    next_expected_visit: r.get(21)?,
                    next_expected_source: r.get(22)?,
                    days_overdue: r.get(23)?,
                    model_status: r.get(24)?,
                    model_reason: r.get(25)?,
                    p_alive: r.get(26)?,
                    expected_visits_30d: r.get(27)?,
                    expected_visits_90d: r.get(28)?,
                    expected_avg_spend: r.get(29)?,
                    clv_12m: r.get(30)?,
                    churn_risk: r.get(31)?,
                    churn_risk_source: r.get(32)?,
                    segment: r.get(33)?,
                })
            },
        )
        .optional()?)
}

/// One team member's stored figures, with their name.
#[derive(Debug, Clone, Serialize)]
pub struct StaffMetricsView {
    pub team_member_id: String,
    pub name: Option<String>,
    pub computed_at: String,
    pub clients_12m: i64,
    pub visits_12m: i64,
    pub revenue_12m: i64,
    pub revenue_total: i64,
    pub retention_rate: Option<f64>,
    pub rebooking_rate: Option<f64>,
    pub new_clients: i64,
    pub second_visit_conversion: Option<f64>,
}

/// Every team member's stored figures, highest 12-month revenue first.
pub fn staff_metrics(conn: &Connection) -> Result<Vec<StaffMetricsView>> {
    let mut stmt = conn.prepare(
            "SELECT s.team_member_id,
                    NULLIF(TRIM(COALESCE(t.given_name,'') || ' ' || COALESCE(t.family_name,'')), ''),
                    s.computed_at, s.clients_12m, s.visits_12m, s.revenue_12m, s.revenue_total,
                    s.retention_rate, s.rebooking_rate, s.new_clients, s.second_visit_conversion
               FROM staff_metrics s LEFT JOIN team_members t ON t.id = s.team_member_id
              ORDER BY s.revenue_12m DESC, s.team_member_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(StaffMetricsView {
            team_member_id: r.get(0)?,
            name: r.get(1)?,
            computed_at: r.get(2)?,
            clients_12m: r.get(3)?,
            visits_12m: r.get(4)?,
            revenue_12m: r.get(5)?,
            revenue_total: r.get(6)?,
            retention_rate: r.get(7)?,
            rebooking_rate: r.get(8)?,
            new_clients: r.get(9)?,
            second_visit_conversion: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The stored business summary (revenue per month, segments, frequency, cohorts).
#[derive(Debug, Clone, Serialize)]
pub struct BusinessSummaryView {
    pub computed_at: String,
    #[serde(flatten)]
    pub summary: BusinessSummary,
}

/// The business summary of the last run (`None` before the first run).
pub fn business_summary(conn: &Connection) -> Result<Option<BusinessSummaryView>> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT computed_at, json FROM business_summary WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(computed_at, json)| {
        let summary = serde_json::from_str(&json)?;
        Ok(BusinessSummaryView {
            computed_at,
            summary,
        })
    })
    .transpose()
}
