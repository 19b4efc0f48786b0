//! Metrics on the hand-built salon (tests/fixture): every figure below is worked out by hand
//! from the fixture's rows.

mod fixture;

use chrono::NaiveDate;
use keeper_analysis::customers::RiskSource;
use keeper_analysis::metrics::{NextSource, Segment};
use keeper_analysis::{analyse, recompute};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn maria_metrics_match_the_hand_computation() {
    let store = fixture::salon();
    let a = analyse(store.conn(), fixture::now()).unwrap();
    let m = &a.customer("maria").unwrap().metrics;
    // 3 × $120, less the $20 refund counted once (payment.refunded and the refund row agree).
    assert_eq!(m.lifetime_value, 34_000);
    assert_eq!(m.spend_12m, 34_000);
    assert_eq!(m.visits, 3);
    assert_eq!(m.first_visit, day("2025-01-05"));
    assert_eq!(m.last_visit, day("2025-03-30"));
    assert_eq!(m.days_since_last, 63);
    assert_eq!(m.mean_gap_days, Some(42.0));
    assert_eq!(m.gap_sd_days, Some(0.0));
    assert_eq!(m.average_spend, 11_333);
    assert_eq!(m.category_cadence.len(), 1);
    assert_eq!(m.category_cadence[0].category, "Colour");
    assert_eq!(m.category_cadence[0].visits, 3);
    assert_eq!(m.category_cadence[0].mean_gap_days, Some(42.0));
    assert_eq!(m.top_services[0].name, "Full Colour");
    assert_eq!(m.top_services[0].count, 3);
    assert_eq!(a.data.team[m.preferred_team.unwrap() as usize].0, "tm_jess");
    assert_eq!(m.modifier_history.len(), 1);
    assert_eq!(m.modifier_history[0].name, "Olaplex Treatment");
    assert!((m.addon_attach_rate.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(m.no_shows, 1);
    assert_eq!(m.cancellations, 1);
    assert_eq!(m.next_booking, None);
    // 2025-03-30 + 42 days = 2025-05-11; today 2025-06-01 is 21 days later.
    assert_eq!(m.next_expected_visit, Some(day("2025-05-11")));
    assert_eq!(m.next_expected_source, Some(NextSource::Cadence));
    assert_eq!(m.days_overdue, Some(21));
    assert_eq!(m.segment, Segment::Active);
}

#[test]
fn payment_only_visits_exclude_tips_and_an_upcoming_booking_sets_the_next_visit() {
    let store = fixture::salon();
    let a = analyse(store.conn(), fixture::now()).unwrap();
    let m = &a.customer("tom").unwrap().metrics;
    assert_eq!(m.lifetime_value, 15_000, "tips are not revenue");
    assert_eq!(m.visits, 3);
    assert_eq!(m.mean_gap_days, Some(14.0));
    assert_eq!(m.next_booking, Some(day("2025-06-12")));
    assert_eq!(m.next_expected_source, Some(NextSource::Booking));
    assert_eq!(m.days_overdue, Some(0));
    assert_eq!(m.segment, Segment::New);
    assert_eq!(a.data.team[m.preferred_team.unwrap() as usize].0, "tm_ana");
    // No order, so no add-on could be sold: no attach rate rather than 0%.
    assert_eq!(m.addon_attach_rate, None);
}

#[test]
fn a_store_too_small_for_the_model_falls_back_to_cadence_rules_without_model_numbers() {
    let store = fixture::salon();
    let a = analyse(store.conn(), fixture::now()).unwrap();
    assert_eq!(
        a.fits.bgnbd.as_ref().unwrap_err().code(),
        "too_few_customers"
    );
    for id in ["maria", "tom", "nina", "olga"] {
        let r = a.customer(id).unwrap();
        assert_eq!(r.model.status(), "model_unavailable", "{id}");
        assert!(r.model.prediction().is_none());
        assert!(r.model.reason().unwrap().contains("too few customers"));
    }
    // Maria: 63 days since, usual 42 → (63/42 − 1)/2 = 0.25.
    let (risk, source) = a.customer("maria").unwrap().churn_risk.unwrap();
    assert_eq!(source, RiskSource::Cadence);
    assert!((risk - 0.25).abs() < 1e-12);
    // One visit: no pattern, no risk stated.
    assert_eq!(a.customer("nina").unwrap().churn_risk, None);
    // Olga: 448 days since a 30-day rhythm → capped at 1.
    assert_eq!(a.customer("olga").unwrap().churn_risk.unwrap().0, 1.0);
}

#[test]
fn staff_metrics_match_the_hand_computation() {
    let store = fixture::salon();
    let a = analyse(store.conn(), fixture::now()).unwrap();
    let jess = a
        .staff
        .iter()
        .find(|s| s.team_member_id == "tm_jess")
        .unwrap();
    let ana = a
        .staff
        .iter()
        .find(|s| s.team_member_id == "tm_ana")
        .unwrap();
    assert_eq!(jess.first_name.as_deref(), Some("Jess"));
    // Jess: Maria's 3 visits in the last year; Olga's are older than 365 days.
    assert_eq!(jess.visits_12m, 3);
    assert_eq!(jess.clients_12m, 1);
    assert_eq!(jess.revenue_12m, 34_000);
    assert_eq!(jess.revenue_total, 34_000 + 3 * 6_500);
    // Retention window [2024-06-01, 2025-03-03): Maria (last with Jess there 02-16) came back.
    assert_eq!(jess.retention_base, 1);
    assert_eq!(jess.retention_rate, Some(1.0));
    // Maria's first visit (2025-01-05) was with Jess and she came back within 90 days.
    assert_eq!(jess.new_clients, 1);
    assert_eq!(jess.second_visit_conversion, Some(1.0));
    // Ana: Tom ×3, Nina ×1; Tom's 05-29 visit was followed by a booking made that day.
    assert_eq!(ana.visits_12m, 4);
    assert_eq!(ana.clients_12m, 2);
    assert_eq!(ana.revenue_12m, 15_000 + 6_500);
    assert_eq!(ana.rebooking_base, 4);
    assert_eq!(ana.rebooking_rate, Some(0.25));
    assert_eq!(
        ana.new_clients, 0,
        "Tom and Nina are too recent to judge conversion"
    );
    assert_eq!(ana.second_visit_conversion, None);
}

#[test]
fn business_summary_matches_the_hand_computation() {
    let store = fixture::salon();
    let a = analyse(store.conn(), fixture::now()).unwrap();
    let b = &a.business;
    let month = |m: &str| b.revenue_by_month.iter().find(|p| p.month == m).unwrap();
    assert_eq!(month("2025-03").revenue, 10_000, "$120 less the $20 refund");
    assert_eq!(month("2025-05").revenue, 15_000 + 6_500);
    assert_eq!(month("2025-05").visits, 4);
    assert_eq!(month("2025-05").customers, 2);
    assert_eq!(b.customers.with_visits, 4);
    assert_eq!(
        (
            b.customers.new,
            b.customers.active,
            b.customers.lapsed,
            b.customers.lost
        ),
        (2, 1, 0, 1)
    );
    // Visits in the last 12 months: Nina 1, Maria 3, Tom 3; Olga none.
    let bucket = |l: &str| {
        b.visit_frequency
            .iter()
            .find(|x| x.label == l)
            .unwrap()
            .customers
    };
    assert_eq!(bucket("1"), 1);
    assert_eq!(bucket("3"), 2);
    // Olga's cohort (2024-01): back in month 1 (Feb) and 2 (Mar), not later.
    let olga = b.cohorts.iter().find(|c| c.month == "2024-01").unwrap();
    assert_eq!(olga.size, 1);
    assert_eq!(&olga.retention[..3], &[Some(1.0), Some(1.0), Some(0.0)]);
    // Tom's cohort (2025-05): month 1 (June) has not finished... it has begun, nothing later.
    let may = b.cohorts.iter().find(|c| c.month == "2025-05").unwrap();
    assert_eq!(may.size, 2);
    assert_eq!(may.retention[0], Some(0.0));
    assert_eq!(may.retention[1], None);
}

#[test]
fn recompute_stores_metrics_with_computed_at_and_a_run_row() {
    let mut store = fixture::salon();
    let report = recompute(&mut store, fixture::now()).unwrap();
    assert_eq!(report.customers_analysed, 4);
    let conn = store.conn();
    let (ltv, status, risk_source, computed_at): (i64, String, String, String) = conn
        .query_row(
            "SELECT lifetime_value, model_status, churn_risk_source, computed_at
               FROM customer_metrics WHERE customer_id = 'maria'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(ltv, 34_000);
    assert_eq!(status, "model_unavailable");
    assert_eq!(risk_source, "cadence");
    assert_eq!(computed_at, "2025-06-01T12:00:00.000Z");
    let unavailable: String = conn
        .query_row("SELECT bgnbd_unavailable FROM analysis_runs", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(unavailable, "too_few_customers");
    // Running again replaces rather than appends metrics.
    recompute(&mut store, fixture::now()).unwrap();
    let rows: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM customer_metrics", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 4);
}
