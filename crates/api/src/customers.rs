//! The customer list and the customer page: reads of the normalized tables joined with the
//! analysis results (`customer_metrics`), shaped as the UI's views. A customer the analysis
//! has not seen yet still lists, with the figures it does not have left empty.

use crate::views::{
    CustomerDetail, CustomerMetrics, CustomerPage, CustomerQuery, CustomerRow, CustomerSort,
    NoteEntry, Ranked, ReviewEntry, TaskEntry, VisitEntry,
};
use crate::{ApiError, Result};
use chrono::{DateTime, Utc};
use keeper_normalize::visits::{VisitSource, visits_of};
use rusqlite::{Connection, OptionalExtension, params_from_iter, types::Value};

/// Largest window the list hands out at once.
pub const MAX_PAGE: u32 = 500;

fn db_err(e: rusqlite::Error) -> ApiError {
    ApiError::from(keeper_store::Error::from(e))
}

/// Days past the expected next visit, negative while it is not due yet (the analysis stores 0
/// for "not due"; the distance to the expected day is measured from the analysis's own `now`).
macro_rules! overdue_sql {
    () => {
        "(CASE WHEN m.days_overdue > 0 THEN m.days_overdue
               WHEN m.next_expected_visit IS NOT NULL
               THEN -CAST(julianday(m.next_expected_visit) - julianday(substr(m.computed_at, 1, 10)) AS INTEGER)
          END)"
    };
}

const ROW_SELECT: &str = concat!(
    "
    SELECT c.id,
           TRIM(COALESCE(c.given_name, '') || ' ' || COALESCE(c.family_name, '')) AS name,
           c.company_name, c.email, c.phone_e164,
           COALESCE(m.visits, 0), m.last_visit, COALESCE(m.lifetime_value, 0), m.p_alive, ",
    overdue_sql!(),
    " AS overdue,
           TRIM(COALESCE(t.given_name, '') || ' ' || COALESCE(t.family_name, '')) AS staff
      FROM customers c
      LEFT JOIN customer_metrics m ON m.customer_id = c.id
      LEFT JOIN team_members t ON t.id = m.preferred_team_member_id"
);

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<CustomerRow> {
    let name: String = r.get(1)?;
    let company: Option<String> = r.get(2)?;
    let staff: Option<String> = r.get(10)?;
    Ok(CustomerRow {
        id: r.get(0)?,
        name: if name.is_empty() {
            company.unwrap_or_else(|| "(no name)".to_owned())
        } else {
            name
        },
        email: r.get(3)?,
        phone: r.get(4)?,
        visits: r.get(5)?,
        last_visit: r.get(6)?,
        lifetime_value_cents: r.get(7)?,
        p_alive: r.get(8)?,
        days_overdue: r.get(9)?,
        preferred_staff: staff.filter(|s| !s.is_empty()),
    })
}

/// The list's order, over `customers c LEFT JOIN customer_metrics m` (no column aliases, so
/// the ids of a window can be sorted without building whole rows).
fn order_by(query: &CustomerQuery) -> String {
    let dir = if query.descending { "DESC" } else { "ASC" };
    // NULLs (no figure yet) always sort last, whichever the direction.
    let key = match query.sort {
        CustomerSort::Name => format!("{NAME_SQL} COLLATE NOCASE {dir}"),
        CustomerSort::Value => format!("COALESCE(m.lifetime_value, 0) {dir}"),
        CustomerSort::Visits => format!("COALESCE(m.visits, 0) {dir}"),
        CustomerSort::LastVisit => format!("m.last_visit IS NULL, m.last_visit {dir}"),
        CustomerSort::Risk => format!("m.p_alive IS NULL, m.p_alive {dir}"),
        CustomerSort::Overdue => {
            format!("{} IS NULL, {} {dir}", overdue_sql!(), overdue_sql!())
        }
    };
    format!("ORDER BY {key}, c.id")
}

/// The ids of one window of the list, in order.
fn window_sql(filter: &str, query: &CustomerQuery, limit: u32) -> String {
    format!(
        // The sort keys come from migration 0013's narrow index, not the wide rows (the
        // planner would otherwise pick the primary key and read every row).
        "SELECT c.id FROM customers c
           LEFT JOIN customer_metrics m INDEXED BY customer_metrics_list
                  ON m.customer_id = c.id{filter} {}
          LIMIT {limit} OFFSET {}",
        order_by(query),
        query.offset
    )
}

/// The name the list shows and sorts by (migration 0013 indexes this expression).
const NAME_SQL: &str = "TRIM(COALESCE(c.given_name, '') || ' ' || COALESCE(c.family_name, ''))";

/// The merchant's currency: the one of its location (active locations first, the oldest
/// first), else the currency of a stored payment, else USD. Read from the small locations
/// table, never by grouping the payments, so every screen can afford it.
pub fn currency(conn: &Connection) -> Result<String> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT currency FROM locations WHERE currency IS NOT NULL
              ORDER BY status IS NOT 'ACTIVE', created_at IS NULL, created_at, id LIMIT 1",
        )
        .map_err(db_err)?;
    if let Some(c) = stmt
        .query_row([], |r| r.get::<_, String>(0))
        .optional()
        .map_err(db_err)?
    {
        return Ok(c);
    }
    let mut stmt = conn
        .prepare_cached("SELECT currency FROM payments WHERE currency IS NOT NULL LIMIT 1")
        .map_err(db_err)?;
    let c: Option<String> = stmt
        .query_row([], |r| r.get(0))
        .optional()
        .map_err(db_err)?;
    Ok(c.unwrap_or_else(|| "USD".to_owned()))
}

/// A window of the customer list. With `search`, the rows whose name, email, phone or note
/// contain every word, in the requested order; `ranked_ids`, when given (semantic search),
/// restricts and orders the rows instead.
pub fn list(
    conn: &Connection,
    query: &CustomerQuery,
    ranked_ids: Option<&[String]>,
) -> Result<CustomerPage> {
    let limit = query.limit.clamp(1, MAX_PAGE);
    let currency = currency(conn)?;
    let (rows, total, mode) = match ranked_ids {
        Some(ids) => {
            let window: Vec<&String> = ids
                .iter()
                .skip(query.offset as usize)
                .take(limit as usize)
                .collect();
            let mut rows = Vec::with_capacity(window.len());
            let mut stmt = conn
                .prepare_cached(&format!("{ROW_SELECT} WHERE c.id = ?1"))
                .map_err(db_err)?;
            for id in window {
                if let Some(row) = stmt.query_row([id], row_from).optional().map_err(db_err)? {
                    rows.push(row);
                }
            }
            (rows, ids.len() as u32, "hybrid")
        }
        None => {
            let words: Vec<String> = query
                .search
                .as_deref()
                .unwrap_or("")
                .split_whitespace()
                .map(|w| format!("%{}%", w.replace(['%', '_'], "")))
                .filter(|w| w.len() > 2)
                .collect();
            let filter = if words.is_empty() {
                String::new()
            } else {
                let one =
                    "(COALESCE(c.given_name,'') || ' ' || COALESCE(c.family_name,'') || ' ' ||
                            COALESCE(c.email,'') || ' ' || COALESCE(c.phone_e164,'') || ' ' ||
                            COALESCE(c.note,'') || ' ' || COALESCE(c.company_name,'')) LIKE ?";
                format!(" WHERE {}", vec![one; words.len()].join(" AND "))
            };
            let params: Vec<Value> = words.iter().map(|w| Value::from(w.clone())).collect();
            let total: u32 = conn
                .query_row(
                    &format!("SELECT COUNT(*) FROM customers c{filter}"),
                    params_from_iter(params.iter()),
                    |r| r.get(0),
                )
                .map_err(db_err)?;
            // The window's ids first (the sort handles ids, not whole rows), then its rows.
            let mut stmt = conn
                .prepare_cached(&window_sql(&filter, query, limit))
                .map_err(db_err)?;
            let ids = stmt
                .query_map(params_from_iter(params.iter()), |r| r.get::<_, String>(0))
                .map_err(db_err)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db_err)?;
            let mut stmt = conn
                .prepare_cached(&format!("{ROW_SELECT} WHERE c.id = ?1"))
                .map_err(db_err)?;
            let mut rows = Vec::with_capacity(ids.len());
            for id in &ids {
                rows.push(stmt.query_row([id], row_from).map_err(db_err)?);
            }
            let mode = if words.is_empty() { "none" } else { "text" };
            (rows, total, mode)
        }
    };
    Ok(CustomerPage {
        rows,
        total,
        offset: query.offset,
        currency,
        search_mode: mode.to_owned(),
        search_note: None,
    })
}

fn json_ranked(text: Option<String>) -> Vec<Ranked> {
    #[derive(serde::Deserialize)]
    struct Counted {
        name: String,
        count: u32,
    }
    text.and_then(|t| serde_json::from_str::<Vec<Counted>>(&t).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|c| Ranked {
            name: c.name,
            count: c.count,
            amount_cents: 0,
        })
        .collect()
}

/// The customer page.
pub fn detail(
    conn: &Connection,
    id: &str,
    now: DateTime<Utc>,
    tasks: Vec<TaskEntry>,
    reviews: Vec<ReviewEntry>,
    uploaded_notes: Vec<NoteEntry>,
) -> Result<CustomerDetail> {
    let row = conn
        .query_row(&format!("{ROW_SELECT} WHERE c.id = ?1"), [id], row_from)
        .optional()
        .map_err(db_err)?
        .ok_or_else(|| ApiError {
            code: "customer_not_found".to_owned(),
            message: format!("No customer with id {id} in this database."),
        })?;
    let (birthday, created_at, note): (Option<String>, Option<String>, Option<String>) = conn
        .query_row(
            "SELECT birthday, created_at, note FROM customers WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(db_err)?;

    type MetricsRow = (
        CustomerMetrics,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let metrics_row: Option<MetricsRow> = conn
        .query_row(
            "SELECT first_visit, last_visit, mean_gap_days, gap_sd_days, average_spend,
                    next_expected_visit, p_alive, expected_visits_30d, expected_visits_90d,
                    clv_12m, addon_attach_rate, no_shows, cancellations, loyalty_status,
                    model_reason, top_services, modifier_history, category_cadence
               FROM customer_metrics WHERE customer_id = ?1",
            [id],
            |r| {
                Ok((
                    CustomerMetrics {
                        first_visit: r.get(0)?,
                        last_visit: r.get(1)?,
                        mean_days_between: r.get(2)?,
                        sd_days_between: r.get(3)?,
                        average_spend_cents: r.get(4)?,
                        next_expected_visit: r.get(5)?,
                        p_alive: r.get(6)?,
                        expected_visits_30d: r.get(7)?,
                        expected_visits_90d: r.get(8)?,
                        clv_cents: r.get::<_, Option<f64>>(9)?.map(|v| v.round() as i64),
                        modifier_attach_rate: r.get(10)?,
                        no_shows: r.get(11)?,
                        cancellations: r.get(12)?,
                        loyalty: r.get(13)?,
                        model_note: r.get(14)?,
                    },
                    r.get(15)?,
                    r.get(16)?,
                    r.get(17)?,
                ))
            },
        )
        .optional()
        .map_err(db_err)?;
    let (metrics, top_services, modifiers) = match metrics_row {
        Some((m, services, modifiers, _cadence)) => (m, services, modifiers),
        None => (
            CustomerMetrics {
                first_visit: None,
                last_visit: None,
                mean_days_between: None,
                sd_days_between: None,
                average_spend_cents: None,
                next_expected_visit: None,
                p_alive: None,
                expected_visits_30d: None,
                expected_visits_90d: None,
                clv_cents: None,
                modifier_attach_rate: None,
                no_shows: 0,
                cancellations: 0,
                loyalty: None,
                model_note: Some(
                    "Not analysed yet: run a sync to compute this customer's figures.".to_owned(),
                ),
            },
            None,
            None,
        ),
    };

    let timeline = timeline(conn, id, now)?;
    let mut staff: Vec<Ranked> = Vec::new();
    for v in &timeline {
        if let Some(name) = &v.staff {
            match staff.iter_mut().find(|s| &s.name == name) {
                Some(s) => {
                    s.count += 1;
                    s.amount_cents += v.amount_cents;
                }
                None => staff.push(Ranked {
                    name: name.clone(),
                    count: 1,
                    amount_cents: v.amount_cents,
                }),
            }
        }
    }
    staff.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));

    let mut notes = Vec::new();
    if let Some(text) = note.filter(|n| !n.trim().is_empty()) {
        notes.push(NoteEntry {
            source: "square".to_owned(),
            text,
            origin: None,
        });
    }
    notes.extend(uploaded_notes);
    Ok(CustomerDetail {
        row,
        birthday,
        created_at,
        currency: currency(conn)?,
        metrics,
        timeline,
        services: json_ranked(top_services),
        staff,
        modifiers: json_ranked(modifiers),
        notes,
        reviews,
        tasks,
    })
}

/// The customer's visits, newest first, with what was bought and who served them.
fn timeline(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<Vec<VisitEntry>> {
    let visits = visits_of(conn, id, now).map_err(|e| ApiError {
        code: e.code().to_owned(),
        message: e.to_string(),
    })?;
    let mut order_stmt = conn
        .prepare_cached(
            "SELECT COALESCE(o.total, 0) - COALESCE(o.tip, 0),
                    (SELECT group_concat(COALESCE(li.name, li.variation_name), ' · ')
                       FROM order_line_items li WHERE li.order_id = o.id)
               FROM orders o WHERE o.id = ?1",
        )
        .map_err(db_err)?;
    // Who served an order: the team member of its first payment (by id) that names one. The
    // customer's own payments, read through `payments_customer`, answer for nearly every
    // order; an order paid otherwise is looked up by its id.
    let mut staff_stmt = conn
        .prepare_cached(
            "SELECT p.order_id,
                    TRIM(COALESCE(t.given_name,'') || ' ' || COALESCE(t.family_name,''))
               FROM payments p JOIN team_members t ON t.id = p.team_member_id
              WHERE p.customer_id = ?1 AND p.order_id IS NOT NULL
              ORDER BY p.id",
        )
        .map_err(db_err)?;
    let mut order_staff: std::collections::HashMap<String, String> =
        std::collections::HashMap::new();
    let mut rows = staff_stmt.query([id]).map_err(db_err)?;
    while let Some(r) = rows.next().map_err(db_err)? {
        order_staff
            .entry(r.get(0).map_err(db_err)?)
            .or_insert(r.get(1).map_err(db_err)?);
    }
    drop(rows);
    let mut other_staff_stmt = conn
        .prepare_cached(
            "SELECT TRIM(COALESCE(t.given_name,'') || ' ' || COALESCE(t.family_name,''))
               FROM payments p JOIN team_members t ON t.id = p.team_member_id
              WHERE p.order_id = ?1 ORDER BY p.id LIMIT 1",
        )
        .map_err(db_err)?;
    let mut payment_stmt = conn
        .prepare_cached(
            "SELECT COALESCE(p.amount, 0),
                    TRIM(COALESCE(t.given_name,'') || ' ' || COALESCE(t.family_name,''))
               FROM payments p LEFT JOIN team_members t ON t.id = p.team_member_id
              WHERE p.id = ?1",
        )
        .map_err(db_err)?;
    let mut booking_stmt = conn
        .prepare_cached(
            "SELECT (SELECT group_concat(COALESCE(i.name, v.name), ' · ')
                       FROM booking_segments s
                       LEFT JOIN catalog_variations v ON v.id = s.service_variation_id
                       LEFT JOIN catalog_items i ON i.id = v.item_id
                      WHERE s.booking_id = b.id),
                    (SELECT TRIM(COALESCE(t.given_name,'') || ' ' || COALESCE(t.family_name,''))
                       FROM booking_segments s JOIN team_members t ON t.id = s.team_member_id
                      WHERE s.booking_id = b.id ORDER BY s.ordinal LIMIT 1)
               FROM bookings b WHERE b.id = ?1",
        )
        .map_err(db_err)?;
    let mut out = Vec::with_capacity(visits.len());
    for v in visits.into_iter().rev() {
        let (source, amount, services, staff): (&str, i64, Option<String>, Option<String>) =
            match v.source {
                VisitSource::Order => {
                    let (a, s) = order_stmt
                        .query_row([&v.source_id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .map_err(db_err)?;
                    let t = match order_staff.get(&v.source_id) {
                        Some(t) => Some(t.clone()),
                        None => other_staff_stmt
                            .query_row([&v.source_id], |r| r.get(0))
                            .optional()
                            .map_err(db_err)?,
                    };
                    ("order", a, s, t)
                }
                VisitSource::Payment => {
                    let (a, t) = payment_stmt
                        .query_row([&v.source_id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .map_err(db_err)?;
                    ("payment", a, None, t)
                }
                VisitSource::Booking => {
                    let (s, t) = booking_stmt
                        .query_row([&v.source_id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .map_err(db_err)?;
                    ("booking", 0, s, t)
                }
            };
        out.push(VisitEntry {
            date: v.day.to_string(),
            source: source.to_owned(),
            amount_cents: amount,
            services: services
                .map(|s| s.split(" · ").map(str::to_owned).collect())
                .unwrap_or_default(),
            staff: staff.filter(|s| !s.is_empty()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keeper_store::Store;

    fn now() -> DateTime<Utc> {
        "2026-11-29T12:00:00Z".parse().unwrap()
    }

    /// Three customers: Maria (two orders with Jess, analysed), Bob (one payment, analysed
    /// with a thin history) and Zoë (no visits, not analysed).
    fn store() -> Store {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO locations (id, name, timezone, country, currency) VALUES
                   ('L1', 'Salon', 'America/New_York', 'US', 'USD');
                 INSERT INTO team_members (id, given_name, family_name) VALUES ('T1', 'Jess', 'Lee');
                 INSERT INTO customers (id, given_name, family_name, email, phone_e164, note, birthday) VALUES
                   ('C1', 'Maria', 'Lopez', 'maria@example.com', '+15551230001', 'Likes warm tones', '--04-12'),
                   ('C2', 'Bob', 'Stone', 'bob@example.com', NULL, NULL, NULL),
                   ('C3', 'Zoë', 'Adams', NULL, '+15551230003', NULL, NULL);
                 INSERT INTO orders (id, location_id, customer_id, state, total, tip, currency, created_at) VALUES
                   ('O1', 'L1', 'C1', 'COMPLETED', 12000, 2000, 'USD', '2026-09-01T15:00:00Z'),
                   ('O2', 'L1', 'C1', 'COMPLETED', 9000, 0, 'USD', '2026-10-13T15:00:00Z');
                 INSERT INTO order_line_items (order_id, uid, name, quantity) VALUES
                   ('O1', 'a', 'Colour', '1'), ('O1', 'b', 'Blow-dry', '1'), ('O2', 'a', 'Colour', '1');
                 INSERT INTO payments (id, location_id, customer_id, order_id, team_member_id, status, amount, currency, created_at) VALUES
                   ('P1', 'L1', 'C1', 'O1', 'T1', 'COMPLETED', 10000, 'USD', '2026-09-01T15:01:00Z'),
                   ('P2', 'L1', 'C1', 'O2', 'T1', 'COMPLETED', 9000, 'USD', '2026-10-13T15:01:00Z'),
                   ('P3', 'L1', 'C2', NULL, NULL, 'COMPLETED', 4000, 'USD', '2026-11-20T15:00:00Z');",
            )
            .unwrap();
        for (id, visits, value, last, p_alive, overdue, staff, status, reason) in [
            (
                "C1",
                2,
                21000,
                "2026-10-13",
                Some(0.4),
                Some(5),
                Some("T1"),
                "fitted",
                None,
            ),
            (
                "C2",
                1,
                4000,
                "2026-11-20",
                None,
                None,
                None,
                "thin_history",
                Some("1 visit: too few for the churn model"),
            ),
        ] {
            store
                .conn()
                .execute(
                    "INSERT INTO customer_metrics (customer_id, computed_at, lifetime_value, spend_12m,
                        visits, last_visit, p_alive, days_overdue, preferred_team_member_id,
                        category_cadence, top_services, modifier_history, loyalty_status,
                        no_shows, cancellations, model_status, model_reason, segment)
                     VALUES (?1, '2026-11-29T12:00:00Z', ?2, ?2, ?3, ?4, ?5, ?6, ?7, '[]',
                        '[{\"name\":\"Colour\",\"count\":2}]', '[]', 'not_enrolled', 0, 0, ?8, ?9, 'active')",
                    rusqlite::params![id, value, visits, last, p_alive, overdue, staff, status, reason],
                )
                .unwrap();
        }
        store
    }

    fn query(sort: CustomerSort, descending: bool, search: Option<&str>) -> CustomerQuery {
        CustomerQuery {
            search: search.map(str::to_owned),
            sort,
            descending,
            offset: 0,
            limit: 50,
        }
    }

    fn names(page: &CustomerPage) -> Vec<&str> {
        page.rows.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn list_sorts_by_value_and_keeps_unanalysed_customers() {
        let store = store();
        let page = list(store.conn(), &query(CustomerSort::Value, true, None), None).unwrap();
        assert_eq!(names(&page), ["Maria Lopez", "Bob Stone", "Zoë Adams"]);
        assert_eq!(page.total, 3);
        assert_eq!(page.currency, "USD");
        assert_eq!(page.rows[0].preferred_staff.as_deref(), Some("Jess Lee"));
        assert_eq!(page.rows[2].visits, 0);
        assert_eq!(page.rows[2].p_alive, None);
    }

    #[test]
    fn a_customer_not_due_yet_is_negative_days_overdue_not_due_today() {
        let store = store();
        store
            .conn()
            .execute(
                "UPDATE customer_metrics SET days_overdue = 0, next_expected_visit = '2026-12-09'
                  WHERE customer_id = 'C2'",
                [],
            )
            .unwrap();
        let page = list(
            store.conn(),
            &query(CustomerSort::Overdue, true, None),
            None,
        )
        .unwrap();
        assert_eq!(names(&page), ["Maria Lopez", "Bob Stone", "Zoë Adams"]);
        assert_eq!(page.rows[0].days_overdue, Some(5));
        assert_eq!(page.rows[1].days_overdue, Some(-10));
        assert_eq!(page.rows[2].days_overdue, None);
    }

    #[test]
    fn customers_without_a_figure_sort_last_in_either_direction() {
        let store = store();
        for descending in [false, true] {
            let page = list(
                store.conn(),
                &query(CustomerSort::Risk, descending, None),
                None,
            )
            .unwrap();
            assert_eq!(page.rows[0].name, "Maria Lopez", "descending={descending}");
        }
    }

    #[test]
    fn the_list_by_name_reads_the_name_index_instead_of_sorting_every_customer() {
        let store = store();
        let sql = format!(
            "EXPLAIN QUERY PLAN {}",
            window_sql("", &query(CustomerSort::Name, false, None), 100)
        );
        let mut stmt = store.conn().prepare(&sql).unwrap();
        let plan: Vec<String> = stmt
            .query_map([], |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            plan.iter().any(|p| p.contains("customers_list_name")),
            "{plan:?}"
        );
        assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
    }

    #[test]
    fn text_search_matches_every_word_across_name_email_and_note() {
        let store = store();
        let page = list(
            store.conn(),
            &query(CustomerSort::Name, false, Some("warm maria")),
            None,
        )
        .unwrap();
        assert_eq!(names(&page), ["Maria Lopez"]);
        assert_eq!(page.search_mode, "text");
        let none = list(
            store.conn(),
            &query(CustomerSort::Name, false, Some("nobody")),
            None,
        )
        .unwrap();
        assert_eq!(none.total, 0);
    }

    #[test]
    fn ranked_ids_from_semantic_search_keep_their_order_and_window() {
        let store = store();
        let ids = vec!["C3".to_owned(), "C1".to_owned(), "C2".to_owned()];
        let mut q = query(CustomerSort::Name, false, Some("colour"));
        q.offset = 1;
        q.limit = 1;
        let page = list(store.conn(), &q, Some(&ids)).unwrap();
        assert_eq!(names(&page), ["Maria Lopez"]);
        assert_eq!(page.total, 3);
        assert_eq!(page.search_mode, "hybrid");
    }

    #[test]
    fn detail_shows_visits_newest_first_with_services_staff_and_square_note() {
        let store = store();
        let d = detail(store.conn(), "C1", now(), vec![], vec![], vec![]).unwrap();
        let dates: Vec<&str> = d.timeline.iter().map(|v| v.date.as_str()).collect();
        assert_eq!(dates, ["2026-10-13", "2026-09-01"]);
        assert_eq!(d.timeline[1].services, ["Colour", "Blow-dry"]);
        assert_eq!(d.timeline[1].amount_cents, 10000, "order total minus tip");
        assert_eq!(d.timeline[0].staff.as_deref(), Some("Jess Lee"));
        assert_eq!(d.staff[0].name, "Jess Lee");
        assert_eq!(d.staff[0].count, 2);
        assert_eq!(d.services[0].name, "Colour");
        assert_eq!(d.notes[0].source, "square");
        assert_eq!(d.birthday.as_deref(), Some("--04-12"));
        assert_eq!(d.metrics.p_alive, Some(0.4));
    }

    #[test]
    fn detail_names_who_served_an_order_paid_without_the_customer_on_the_payment() {
        let store = store();
        store
            .conn()
            .execute_batch(
                "INSERT INTO team_members (id, given_name, family_name) VALUES ('T2', 'Ana', 'Ruiz');
                 INSERT INTO orders (id, location_id, customer_id, state, total, tip, currency, created_at) VALUES
                   ('O3', 'L1', 'C1', 'COMPLETED', 5000, 0, 'USD', '2026-11-02T15:00:00Z');
                 INSERT INTO payments (id, location_id, customer_id, order_id, team_member_id, status, amount, currency, created_at) VALUES
                   ('P4', 'L1', NULL, 'O3', 'T2', 'COMPLETED', 5000, 'USD', '2026-11-02T15:01:00Z');",
            )
            .unwrap();
        let d = detail(store.conn(), "C1", now(), vec![], vec![], vec![]).unwrap();
        assert_eq!(d.timeline[0].date, "2026-11-02");
        assert_eq!(d.timeline[0].staff.as_deref(), Some("Ana Ruiz"));
        assert_eq!(d.timeline[1].staff.as_deref(), Some("Jess Lee"));
    }

    #[test]
    fn detail_of_a_thin_history_says_why_figures_are_missing() {
        let store = store();
        let d = detail(store.conn(), "C2", now(), vec![], vec![], vec![]).unwrap();
        assert_eq!(d.metrics.p_alive, None);
        assert!(d.metrics.model_note.unwrap().contains("too few"));
        assert_eq!(d.timeline.len(), 1);
        assert_eq!(d.timeline[0].source, "payment");
        let z = detail(store.conn(), "C3", now(), vec![], vec![], vec![]).unwrap();
        assert!(z.metrics.model_note.unwrap().contains("Not analysed yet"));
    }

    #[test]
    fn currency_is_the_locations_even_when_most_payments_are_in_another() {
        let store = store();
        store
            .conn()
            .execute_batch(
                "INSERT INTO locations (id, name, status, currency, created_at) VALUES
                   ('L0', 'Closed', 'INACTIVE', 'GBP', '2020-01-01T00:00:00Z');
                 UPDATE locations SET currency = 'EUR', status = 'ACTIVE' WHERE id = 'L1';",
            )
            .unwrap();
        assert_eq!(currency(store.conn()).unwrap(), "EUR");
        let page = list(store.conn(), &query(CustomerSort::Name, false, None), None).unwrap();
        assert_eq!(page.currency, "EUR");
        let d = detail(store.conn(), "C1", now(), vec![], vec![], vec![]).unwrap();
        assert_eq!(d.currency, "EUR");
    }

    #[test]
    fn currency_falls_back_to_a_payment_then_usd_without_a_location_currency() {
        let store = store();
        store
            .conn()
            .execute_batch(
                "UPDATE locations SET currency = NULL; UPDATE payments SET currency = 'CAD';",
            )
            .unwrap();
        assert_eq!(currency(store.conn()).unwrap(), "CAD");
        store
            .conn()
            .execute_batch("UPDATE payments SET currency = NULL;")
            .unwrap();
        assert_eq!(currency(store.conn()).unwrap(), "USD");
    }

    #[test]
    fn detail_of_an_unknown_customer_is_a_clear_error() {
        let store = store();
        let e = detail(store.conn(), "nope", now(), vec![], vec![], vec![]).unwrap_err();
        assert_eq!(e.code, "customer_not_found");
    }
}
