//! From figures to advice: an overall score (0–100) and plain-language recommendations,
//! as a pure function of the family figures, the pipeline figures and the connection
//! dates at `now`. Each rule looks at the present (breaker state, backoff, the recent
//! window, the last answer), so a recommendation clears once its fault is over.

use super::connection::ConnectionInfo;
use super::pipeline::PipelineHealth;
use super::table::FamilyHealthReport;
use chrono::{DateTime, Utc};
use keeper_square::control::{CircuitState, EndpointFamily};
use serde::Serialize;

/// Share of 429s in the window above which Square is said to be rate limiting a family.
pub const RATE_LIMIT_SHARE: f64 = 0.05;
/// Share of transient failures in the window above which a family is said to be failing.
pub const TRANSIENT_SHARE: f64 = 0.10;
/// Warn this long before the refresh token expires.
pub const REFRESH_WARNING_DAYS: i64 = 14;
/// A stream not synced for this long is reported as stale.
pub const STALE_SYNC_HOURS: i64 = 48;

/// Error codes after which only connecting Square again helps.
const RECONNECT_CODES: [&str; 5] = [
    "ACCESS_TOKEN_EXPIRED",
    "ACCESS_TOKEN_REVOKED",
    "UNAUTHORIZED",
    "INSUFFICIENT_SCOPES",
    "reconnect_required",
];

/// How much a recommendation matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Warning,
    Info,
}

impl Severity {
    fn penalty(self) -> u32 {
        match self {
            Severity::Critical => 40,
            Severity::Warning => 15,
            Severity::Info => 3,
        }
    }
}

/// One piece of advice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub severity: Severity,
    /// Stable snake_case code the UI can switch on: `reconnect_square`, `rate_limited`,
    /// `circuit_open`, `failing`, `refresh_expiring`, `quarantine`, `stale_sync`,
    /// `not_synced`, `reconciliation`, `import_failed`, `retry_queue`, `retry_queue_dead`.
    pub code: &'static str,
    pub family: Option<EndpointFamily>,
    pub message: String,
}

/// Overall state, from the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverallStatus {
    Healthy,
    Degraded,
    Unhealthy,
}

/// The family as people say it.
pub fn family_label(family: EndpointFamily) -> &'static str {
    match family {
        EndpointFamily::Customers => "customer",
        EndpointFamily::Payments => "payment",
        EndpointFamily::Refunds => "refund",
        EndpointFamily::Orders => "order",
        EndpointFamily::Bookings => "booking",
        EndpointFamily::Catalog => "catalog",
        EndpointFamily::Team => "team",
        EndpointFamily::Loyalty => "loyalty",
        EndpointFamily::MerchantsLocations => "location",
        EndpointFamily::Oauth => "sign-in",
    }
}

/// A quarantine rule as people say it (`phone_invalid` → `invalid phone`).
pub fn rule_label(rule: &str) -> String {
    match rule.strip_suffix("_invalid") {
        Some(field) => format!("invalid {}", field.replace('_', " ")),
        None => rule.replace('_', " "),
    }
}

fn parse(t: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The last answer of the family was a failure (not followed by a success).
fn failing_now(f: &FamilyHealthReport) -> Option<&super::table::LastFailure> {
    let failure = f.last_failure.as_ref()?;
    let failed_at = parse(&failure.at)?;
    match f.last_success_at.as_deref().and_then(parse) {
        Some(ok) if ok >= failed_at => None,
        _ => Some(failure),
    }
}

fn family_advice(f: &FamilyHealthReport, out: &mut Vec<Recommendation>) {
    let label = family_label(f.family);
    let push = |out: &mut Vec<Recommendation>, severity, code, message: String| {
        out.push(Recommendation {
            severity,
            code,
            family: Some(f.family),
            message,
        });
    };
    if let Some(failure) = failing_now(f)
        && RECONNECT_CODES.contains(&failure.code.as_str())
    {
        let message = format!(
            "reconnect Square: Square refused Keeper's access to {label} data ({})",
            failure.code
        );
        push(out, Severity::Critical, "reconnect_square", message);
        return;
    }
    if f.circuit_state != CircuitState::Closed {
        let cause = f
            .last_failure
            .as_ref()
            .map_or(String::new(), |l| format!(" ({})", l.code));
        let message = format!(
            "Square's {label} calls are failing{cause}; Keeper is using the stored data and \
             will try again on its own"
        );
        push(out, Severity::Critical, "circuit_open", message);
        return;
    }
    let share = |n: u64| {
        if f.requests == 0 {
            0.0
        } else {
            n as f64 / f.requests as f64
        }
    };
    let throttled = share(f.rate_limit_hits) >= RATE_LIMIT_SHARE
        || (f.backoff_seconds > 0.0 && failing_now(f).is_some_and(|l| l.kind == "rate_limited"));
    if throttled {
        let message =
            format!("Square is rate limiting {label} calls; syncing more slowly on its own");
        push(out, Severity::Warning, "rate_limited", message);
        return;
    }
    let transient = f.transient_failures;
    if share(transient) >= TRANSIENT_SHARE {
        let last = f
            .last_failure
            .as_ref()
            .map_or(String::new(), |l| format!(", last: {}", l.code));
        let message = format!(
            "Square's {label} calls fail now and then ({transient} of {} recently{last}); \
             Keeper retries them on its own",
            f.requests
        );
        push(out, Severity::Warning, "failing", message);
    }
}

fn connection_advice(c: &ConnectionInfo, now: DateTime<Utc>, out: &mut Vec<Recommendation>) {
    let Some(expires) = c.refresh_expires_at.as_deref().and_then(parse) else {
        return;
    };
    let left = expires - now;
    let (severity, message) = if left <= chrono::Duration::zero() {
        (
            Severity::Critical,
            format!(
                "reconnect Square: the connection lapsed on {}",
                expires.format("%Y-%m-%d")
            ),
        )
    } else if left < chrono::Duration::days(REFRESH_WARNING_DAYS) {
        let days = left.num_days();
        let when = match days {
            0 => "today".to_owned(),
            1 => "in 1 day".to_owned(),
            n => format!("in {n} days"),
        };
        (
            Severity::Warning,
            format!("reconnect Square: the refresh token expires {when}"),
        )
    } else {
        return;
    };
    out.push(Recommendation {
        severity,
        code: "refresh_expiring",
        family: None,
        message,
    });
}

fn pipeline_advice(p: &PipelineHealth, now: DateTime<Utc>, out: &mut Vec<Recommendation>) {
    let mut push = |severity, code, message: String| {
        out.push(Recommendation {
            severity,
            code,
            family: None,
            message,
        });
    };
    if p.last_sync.is_empty() {
        push(
            Severity::Warning,
            "not_synced",
            "no Square data yet: connect Square and run a sync".to_owned(),
        );
    }
    let stale: Vec<&str> = p
        .last_sync
        .iter()
        .filter(|s| {
            parse(&s.last_sync_at)
                .is_some_and(|t| now - t > chrono::Duration::hours(STALE_SYNC_HOURS))
        })
        .map(|s| s.stream.as_str())
        .collect();
    if !stale.is_empty() {
        push(
            Severity::Info,
            "stale_sync",
            format!(
                "not synced for over {STALE_SYNC_HOURS} hours: {}",
                stale.join(", ")
            ),
        );
    }
    if let Some(run) = p.last_run_failed {
        push(
            Severity::Warning,
            "import_failed",
            format!("the last import (run {run}) failed; it resumes on the next sync"),
        );
    }
    if let Some(n) = p.reconciliation_mismatches.filter(|&n| n > 0) {
        push(
            Severity::Warning,
            "reconciliation",
            format!(
                "{n} imported windows hold a different count than Square reported; re-import them"
            ),
        );
    }
    if p.quarantined_records > 0 {
        let rules: Vec<String> = p
            .quarantined_by_rule
            .iter()
            .map(|g| {
                if p.quarantined_by_rule.len() == 1 {
                    rule_label(&g.rule)
                } else {
                    format!("{} {}", g.records, rule_label(&g.rule))
                }
            })
            .collect();
        let n = p.quarantined_records;
        let noun = if n == 1 { "record" } else { "records" };
        push(
            Severity::Info,
            "quarantine",
            format!("{n} {noun} quarantined: {}", rules.join(", ")),
        );
    }
    if p.queue_dead > 0 {
        push(
            Severity::Warning,
            "retry_queue_dead",
            format!(
                "{} sync tasks kept failing and are no longer retried; their stored data may \
                 be stale (run `keeper sync --retry-dead`)",
                p.queue_dead
            ),
        );
    }
    let waiting = p.queue_depth.saturating_sub(p.queue_dead);
    if waiting > 0 {
        push(
            Severity::Info,
            "retry_queue",
            format!("{waiting} requests wait for the next run (deferred while Square was busy)"),
        );
    }
}

/// Recommendations, most severe first, and the score they leave (100 minus a penalty per
/// recommendation: 40 critical, 15 warning, 3 info; at least 0).
pub fn advise(
    families: &[FamilyHealthReport],
    pipeline: &PipelineHealth,
    connections: &[ConnectionInfo],
    now: DateTime<Utc>,
) -> (u32, OverallStatus, Vec<Recommendation>) {
    let mut out = Vec::new();
    for f in families {
        family_advice(f, &mut out);
    }
    for c in connections {
        connection_advice(c, now, &mut out);
    }
    pipeline_advice(pipeline, now, &mut out);
    out.sort_by_key(|r| r.severity);
    let penalty: u32 = out.iter().map(|r| r.severity.penalty()).sum();
    let score = 100u32.saturating_sub(penalty);
    let status = if out.iter().any(|r| r.severity == Severity::Critical) || score < 60 {
        OverallStatus::Unhealthy
    } else if score < 90 {
        OverallStatus::Degraded
    } else {
        OverallStatus::Healthy
    };
    (score, status, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::pipeline::QuarantineGroup;

    fn now() -> DateTime<Utc> {
        "2026-11-29T12:00:00Z".parse().unwrap()
    }

    fn pipeline() -> PipelineHealth {
        PipelineHealth {
            store_reachable: true,
            store_size_bytes: 4096,
            last_sync: vec![super::super::pipeline::StreamSync {
                stream: "customers".into(),
                last_sync_at: "2026-11-29T11:00:00Z".into(),
                source: "sync_cursors",
            }],
            error_rate: None,
            queue_depth: 0,
            queue_dead: 0,
            embedding_backlog: None,
            reconciliation_mismatches: None,
            last_run_failed: None,
            quarantined_records: 0,
            quarantined_by_rule: vec![],
        }
    }

    #[test]
    fn quarantine_is_described_by_rule() {
        let mut p = pipeline();
        p.quarantined_records = 3;
        p.quarantined_by_rule = vec![QuarantineGroup {
            rule: "phone_invalid".into(),
            records: 3,
        }];
        let (score, status, recs) = advise(&[], &p, &[], now());
        assert_eq!(recs[0].message, "3 records quarantined: invalid phone");
        assert_eq!((score, status), (97, OverallStatus::Healthy));
    }

    #[test]
    fn an_expiring_refresh_token_asks_to_reconnect_in_days() {
        let c = ConnectionInfo {
            merchant_id: "M".into(),
            base_url: "https://connect.squareup.com".into(),
            connected_at: "2026-09-01T00:00:00Z".into(),
            access_expires_at: None,
            refresh_expires_at: Some("2026-12-04T13:00:00Z".into()),
        };
        let (_, status, recs) = advise(&[], &pipeline(), &[c], now());
        assert_eq!(
            recs[0].message,
            "reconnect Square: the refresh token expires in 5 days"
        );
        assert_eq!(status, OverallStatus::Degraded);
    }

    #[test]
    fn nothing_synced_yet_is_said() {
        let mut p = pipeline();
        p.last_sync.clear();
        let (_, _, recs) = advise(&[], &p, &[], now());
        assert_eq!(recs[0].code, "not_synced");
    }
}
