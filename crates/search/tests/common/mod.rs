//! Shared test helpers: a small hand-built salon in an in-memory store, and the provisioned
//! model directory (tests that need it print why they skip when it is absent).

#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use keeper_search::ModelPaths;
use keeper_store::Store;
use rusqlite::params;
use std::path::PathBuf;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap()
}

/// One visit of a fixture customer: days before `now`, service, optional add-on, staff id.
pub struct V(
    pub i64,
    pub &'static str,
    pub Option<&'static str>,
    pub &'static str,
);

pub struct Salon {
    pub store: Store,
    next_order: usize,
}

impl Salon {
    pub fn new() -> Salon {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO team_members (id, given_name, family_name, status) VALUES
                   ('TM_MARIA', 'Maria', 'Lopez', 'ACTIVE'),
                   ('TM_JO', 'Jo', 'Baker', 'ACTIVE'),
                   ('TM_SAM', 'Sam', 'Reed', 'INACTIVE');
                 INSERT INTO catalog_categories (id, name) VALUES
                   ('CAT_COLOUR', 'Colour'), ('CAT_CUTS', 'Haircuts'), ('CAT_NAILS', 'Nails');",
            )
            .unwrap();
        Salon {
            store,
            next_order: 0,
        }
    }

    pub fn customer(
        &mut self,
        id: &str,
        given: &str,
        family: &str,
        note: Option<&str>,
        visits: &[V],
    ) {
        let conn = self.store.conn();
        conn.execute(
            "INSERT INTO customers (id, given_name, family_name, email, note) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, given, family, format!("{}@example.com", given.to_lowercase()), note],
        )
        .unwrap();
        for V(days_ago, service, add_on, staff) in visits {
            self.next_order += 1;
            let order = format!("O{}", self.next_order);
            let at = (now() - chrono::Duration::days(*days_ago)).to_rfc3339();
            conn.execute(
                "INSERT INTO orders (id, customer_id, state, created_at, closed_at, total, currency)
                 VALUES (?1, ?2, 'COMPLETED', ?3, ?3, 9000, 'USD')",
                params![order, id, at],
            )
            .unwrap();
            let category = match *service {
                "Balayage" | "Highlights" => "CAT_COLOUR",
                "Gel Manicure" => "CAT_NAILS",
                _ => "CAT_CUTS",
            };
            let variation = format!("VAR_{service}");
            conn.execute(
                "INSERT OR IGNORE INTO catalog_items (id, name, category_id) VALUES (?1, ?2, ?3)",
                params![format!("ITEM_{service}"), service, category],
            )
            .unwrap();
            conn.execute(
                "INSERT OR IGNORE INTO catalog_variations (id, item_id, name) VALUES (?1, ?2, 'Regular')",
                params![variation, format!("ITEM_{service}")],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO order_line_items (order_id, uid, name, catalog_object_id, quantity)
                 VALUES (?1, 'L1', ?2, ?3, '1')",
                params![order, service, variation],
            )
            .unwrap();
            if let Some(add_on) = add_on {
                conn.execute(
                    "INSERT INTO order_line_item_modifiers (order_id, line_item_uid, uid, name)
                     VALUES (?1, 'L1', 'M1', ?2)",
                    params![order, add_on],
                )
                .unwrap();
            }
            conn.execute(
                "INSERT INTO payments (id, customer_id, order_id, team_member_id, status, amount, currency, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'COMPLETED', 9000, 'USD', ?5)",
                params![format!("P{order}"), id, order, staff, at],
            )
            .unwrap();
        }
    }

    /// Records an uploaded sheet's row linked to `customer` with match `state` (`accepted`,
    /// `pending`, ...) and, when accepted, the enrichment records `(kind, value)` the way
    /// keeper-enrich writes them (migration 0008). Returns the match id.
    pub fn sheet_row(&mut self, customer: &str, state: &str, records: &[(&str, &str)]) -> i64 {
        let conn = self.store.conn();
        let at = now().to_rfc3339();
        conn.execute(
            "INSERT INTO uploads (file_name, sha256, format, headers_json, mapping_json, row_count,
                                  accept_above, review_above, created_at)
             VALUES ('clients.csv', 'x', '{}', '[]', '{}', 1, 0.9, 0.5, ?1)",
            [&at],
        )
        .unwrap();
        let upload = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO upload_rows (upload_id, row_index, line, cells_json, record_json)
             VALUES (?1, 0, 2, '[]', '{}')",
            [upload],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO upload_matches (upload_id, row_index, customer_id, score, decision,
                 explanation_json, state, decided_by, decided_at)
             VALUES (?1, 0, ?2, 0.97, 'accept', '[]', ?3, 'auto', ?4)",
            params![upload, customer, state, at],
        )
        .unwrap();
        let match_id = conn.last_insert_rowid();
        if state == "accepted" {
            for (kind, value) in records {
                conn.execute(
                    "INSERT INTO customer_enrichments (customer_id, kind, value, upload_id,
                         match_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![customer, kind, value, upload, match_id, at],
                )
                .unwrap();
            }
        }
        match_id
    }

    /// Undoes one match as keeper-enrich does: its records go, its state is `undone`.
    pub fn undo_sheet_row(&mut self, match_id: i64) {
        let conn = self.store.conn();
        conn.execute(
            "DELETE FROM customer_enrichments WHERE match_id = ?1",
            [match_id],
        )
        .unwrap();
        conn.execute(
            "UPDATE upload_matches SET state = 'undone', decided_by = 'owner' WHERE id = ?1",
            [match_id],
        )
        .unwrap();
    }

    /// Five customers with distinct stories.
    pub fn standard() -> Salon {
        let mut s = Salon::new();
        // A colour regular with highlights and balayage, always with a bond treatment.
        s.customer(
            "C_ANNA",
            "Anna",
            "Hale",
            Some("Loves her balayage colour; wants warmer blonde tones."),
            &[
                V(150, "Balayage", Some("Olaplex Treatment"), "TM_MARIA"),
                V(110, "Highlights", Some("Olaplex Treatment"), "TM_MARIA"),
                V(70, "Balayage", Some("Olaplex Treatment"), "TM_MARIA"),
                V(30, "Highlights", Some("Olaplex Treatment"), "TM_MARIA"),
            ],
        );
        // A barber regular.
        s.customer(
            "C_BEN",
            "Ben",
            "Ortiz",
            Some("Skin fade, number two on the sides."),
            &[
                V(60, "Beard Trim", None, "TM_JO"),
                V(40, "Men's Cut", None, "TM_JO"),
                V(20, "Beard Trim", None, "TM_JO"),
            ],
        );
        // A lapsed regular whose stylist left.
        s.customer(
            "C_CARA",
            "Cara",
            "Wells",
            None,
            &[
                V(400, "Cut & Blow Dry", Some("Deep Conditioning"), "TM_SAM"),
                V(360, "Cut & Blow Dry", None, "TM_SAM"),
                V(320, "Cut & Blow Dry", Some("Deep Conditioning"), "TM_SAM"),
                V(280, "Cut & Blow Dry", None, "TM_SAM"),
            ],
        );
        // Another colour client who never adds the treatment (the upsell target).
        s.customer(
            "C_DINA",
            "Dina",
            "Moss",
            None,
            &[
                V(90, "Balayage", None, "TM_MARIA"),
                V(50, "Highlights", None, "TM_MARIA"),
                V(10, "Balayage", None, "TM_MARIA"),
            ],
        );
        // A one-time manicure client.
        s.customer(
            "C_EVE",
            "Eve",
            "North",
            None,
            &[V(200, "Gel Manicure", None, "TM_JO")],
        );
        s
    }
}

/// The provisioned model directory, or `None` (with the reason printed) when it is absent.
pub fn model_dir() -> Option<PathBuf> {
    let dir = ModelPaths::default_dir()?;
    let paths = ModelPaths::from_dir(&dir);
    if paths.runtime_library.is_file() && paths.model_dir.join("model.onnx").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: no embedding model at {} (run scripts/provision-model.sh or set KEEPER_MODEL_DIR)",
            dir.display()
        );
        None
    }
}
