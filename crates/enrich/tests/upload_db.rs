//! Uploads against a store filled by importing the simulator's `Small` merchant: an upload
//! built from some of its customers (typos, nicknames, swapped names, reformatted phones) plus
//! people who are not customers. Checks the decision counts, that Square's `customers` rows are
//! never written, that undo removes exactly one upload's (or one match's) records, that review
//! decisions merge and unmerge, that a bad file writes nothing, and that the same matcher finds
//! the simulator's planted duplicate customers.

use chrono::{DateTime, TimeZone, Utc};
use keeper_enrich::db::{self, UploadOptions, Verdict};
use keeper_import::ImportOptions;
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use keeper_square::client::{ClientConfig, Environment, SquareClient, StaticToken, SystemClock};
use keeper_store::Store;
use rusqlite::types::Value;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

const NOW_MS: i64 = 1_748_736_000_000; // 2025-06-01T00:00:00Z

struct Imported {
    _dir: tempfile::TempDir,
    db: PathBuf,
    duplicate_pairs: Vec<(String, String)>,
}

/// The simulator's Small merchant imported once into a database file that tests copy.
fn imported() -> &'static Imported {
    static ONCE: OnceLock<Imported> = OnceLock::new();
    ONCE.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let sim = Simulator::start(SimConfig::new(Profile::Small, 11, Ts(NOW_MS)))
                .await
                .unwrap();
            let truth = sim.truth();
            let config = ClientConfig::new(Environment::Custom(sim.base_url().to_owned()), 1);
            let client = SquareClient::new(
                config,
                Arc::new(StaticToken::new(sim.access_token())),
                Arc::new(SystemClock::new()),
            )
            .unwrap();
            // The simulator's whole history, so every object is inside the window.
            let mut plan =
                ImportOptions::last_months(Utc.timestamp_millis_opt(NOW_MS + 1000).unwrap(), 12);
            plan.since = Utc.timestamp_millis_opt(truth.history_start.0).unwrap()
                - chrono::Duration::days(1);
            plan.retry_pause = Duration::from_millis(50);
            let dir = tempfile::tempdir().unwrap();
            let db = dir.path().join("template.sqlite3");
            {
                let mut store = Store::open(&db).unwrap();
                keeper_import::import(&client, &mut store, &plan, &mut |_| {})
                    .await
                    .unwrap();
            }
            sim.shutdown().await;
            Imported {
                _dir: dir,
                db,
                duplicate_pairs: truth.duplicate_pairs.clone(),
            }
        })
    })
}

/// A private copy of the imported store.
fn store_copy(dir: &Path) -> Store {
    let path = dir.join("k.sqlite3");
    std::fs::copy(&imported().db, &path).unwrap();
    Store::open(&path).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.timestamp_millis_opt(NOW_MS + 3_600_000).unwrap()
}

fn count(store: &Store, sql: &str) -> usize {
    store
        .conn()
        .query_row(sql, [], |r| r.get::<_, i64>(0))
        .unwrap() as usize
}

/// Every value of every customer row, in id order.
fn customers_snapshot(store: &Store) -> Vec<Vec<Value>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT * FROM customers ORDER BY id")
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

struct Person {
    id: String,
    given: String,
    family: String,
    email: String,
    phone: String,
}

/// Customers with a name, email and US phone whose family name no other customer shares and
/// who are not one of the simulator's planted duplicates (so each has one right answer).
fn distinct_customers(store: &Store) -> Vec<Person> {
    let dups: Vec<&String> = imported()
        .duplicate_pairs
        .iter()
        .flat_map(|(a, b)| [a, b])
        .collect();
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT id, given_name, family_name, email, phone_e164 FROM customers c
              WHERE given_name IS NOT NULL AND family_name IS NOT NULL
                AND email IS NOT NULL AND phone_e164 LIKE '+1%'
                AND (SELECT COUNT(*) FROM customers d
                      WHERE lower(d.family_name) = lower(c.family_name)) = 1
              ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok(Person {
            id: r.get(0)?,
            given: r.get(1)?,
            family: r.get(2)?,
            email: r.get(3)?,
            phone: r.get(4)?,
        })
    })
    .unwrap()
    .map(Result::unwrap)
    .filter(|p| !dups.contains(&&p.id))
    .collect()
}

/// `(415) 555-0132` from `+14155550132`.
fn us_format(e164: &str) -> String {
    let d = &e164[2..];
    format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..])
}

/// One typo: the third letter doubled.
fn typo(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    if chars.len() > 3 {
        chars.insert(3, chars[2]);
    }
    chars.into_iter().collect()
}

const ACCEPT_ROWS: usize = 9;
const REVIEW_ROWS: usize = 3;
const UNKNOWN_ROWS: usize = 4;

/// The upload: 9 rows matching customers by email and phone with typos, swapped or
/// lower-cased names; 3 rows with only a customer's initial, a misspelt family name and a
/// different phone (plausible but unproven: review); 4 people who are not customers.
fn write_upload(path: &Path, people: &[Person], note_prefix: &str) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record([
        "Client",
        "Mobile",
        "E-mail",
        "Notes",
        "Tags",
        "Client ID",
        "Last visit",
    ])
    .unwrap();
    for (i, p) in people[..ACCEPT_ROWS].iter().enumerate() {
        let name = match i % 3 {
            0 => format!("{} {}", p.given, typo(&p.family)),
            1 => format!("{}, {}", p.family, p.given),
            _ => format!("{} {}", p.given.to_lowercase(), p.family.to_uppercase()),
        };
        w.write_record([
            name,
            us_format(&p.phone),
            p.email.to_uppercase(),
            format!("{note_prefix} note {i}"),
            "vip; colour".to_string(),
            format!("MB-{i}"),
            "2024-03-0".to_string() + &(1 + i % 9).to_string(),
        ])
        .unwrap();
    }
    for (i, p) in people[ACCEPT_ROWS..ACCEPT_ROWS + REVIEW_ROWS]
        .iter()
        .enumerate()
    {
        // An initial, a misspelt family name and a phone Square does not have.
        let initial: String = p.given.chars().take(1).collect();
        w.write_record([
            format!("{initial}. {}", typo(&p.family)),
            format!("(212) 555-{:04}", 7000 + i),
            String::new(),
            format!("{note_prefix} maybe {i}"),
            String::new(),
            String::new(),
            String::new(),
        ])
        .unwrap();
    }
    let strangers = [
        (
            "Zebedee Quartermaine",
            "(917) 555-0101",
            "zq@nowhere.example",
        ),
        (
            "Philippa Oyelaran-Smythe",
            "(917) 555-0102",
            "pos@nowhere.example",
        ),
        ("Thaddeus Vanterpool", "", "tv@nowhere.example"),
        ("Ottoline Brzezinski", "(917) 555-0104", ""),
    ];
    for (name, phone, email) in strangers {
        w.write_record([name, phone, email, "walk-in", "", "", ""])
            .unwrap();
    }
    w.flush().unwrap();
}

fn options() -> UploadOptions {
    UploadOptions::default()
}

#[test]
fn upload_sorts_rows_into_accepted_review_and_unmatched_and_never_touches_customers() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_copy(dir.path());
    let before = customers_snapshot(&store);
    let people = distinct_customers(&store);
    assert!(
        people.len() >= ACCEPT_ROWS + REVIEW_ROWS,
        "{} usable",
        people.len()
    );
    let file = dir.path().join("clients.csv");
    write_upload(&file, &people, "first");

    let s = db::upload_file(&mut store, &file, &options(), now()).unwrap();
    assert_eq!(s.rows, ACCEPT_ROWS + REVIEW_ROWS + UNKNOWN_ROWS);
    assert_eq!(s.auto_accepted, ACCEPT_ROWS, "{s:#?}");
    assert_eq!(s.to_review, REVIEW_ROWS, "{s:#?}");
    assert_eq!(s.unmatched, UNKNOWN_ROWS, "{s:#?}");
    assert_eq!(s.country, "US");

    // Every accepted row is linked to the customer it was built from.
    let sheet = db::review_candidates(&store, s.upload_id).unwrap();
    let accepted = &sheet
        .groups
        .iter()
        .find(|g| g.decision == "accept")
        .unwrap()
        .candidates;
    for c in accepted {
        assert_eq!(c.customer_id, people[c.row_index].id, "row {}", c.row_index);
        assert_eq!(c.state, "accepted");
        assert_eq!(c.decided_by, "auto");
    }
    let review = &sheet.groups[0];
    assert_eq!(review.decision, "review");
    for c in &review.candidates {
        assert_eq!(c.customer_id, people[c.row_index].id);
        let name = c.fields.iter().find(|f| f.field == "name").unwrap();
        assert!(
            !name.upload.is_empty() && !name.customer.is_empty(),
            "{name:?}"
        );
        assert!(c.explanation.iter().any(|e| e.field == "phone"), "{c:?}");
    }

    // Enrichments: notes, tags, external ids and last visits, all with provenance.
    let enrich = |sql: &str| count(&store, sql);
    assert_eq!(
        enrich("SELECT COUNT(*) FROM customer_enrichments WHERE kind = 'note'"),
        ACCEPT_ROWS
    );
    assert_eq!(
        enrich("SELECT COUNT(*) FROM customer_enrichments WHERE kind = 'tag'"),
        2 * ACCEPT_ROWS
    );
    assert_eq!(
        enrich("SELECT COUNT(*) FROM customer_enrichments WHERE kind = 'external_id'"),
        ACCEPT_ROWS
    );
    assert_eq!(
        enrich(
            "SELECT COUNT(*) FROM customer_enrichments
              WHERE provenance != 'spreadsheet_import' OR upload_id IS NOT 1"
        ),
        0
    );
    assert_eq!(
        enrich("SELECT COUNT(*) FROM customer_enrichments WHERE kind IN ('email','phone')"),
        0,
        "contact details Square already has are not repeated"
    );
    assert_eq!(
        customers_snapshot(&store),
        before,
        "customers rows unchanged"
    );

    let unmatched = db::unmatched_rows(&store, Some(s.upload_id)).unwrap();
    assert_eq!(unmatched.len(), UNKNOWN_ROWS);
    assert!(
        unmatched[0]
            .cells
            .iter()
            .any(|(h, v)| h == "Client" && v == "Zebedee Quartermaine")
    );
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM upload_rows"),
        s.rows,
        "every row is kept"
    );
}

#[test]
fn undoing_an_upload_removes_exactly_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_copy(dir.path());
    let before = customers_snapshot(&store);
    let people = distinct_customers(&store);
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    write_upload(&a, &people, "first");
    write_upload(&b, &people, "second");
    let first = db::upload_file(&mut store, &a, &options(), now()).unwrap();
    let second = db::upload_file(&mut store, &b, &options(), now()).unwrap();
    let of = |store: &Store, id: i64| {
        count(
            store,
            &format!("SELECT COUNT(*) FROM customer_enrichments WHERE upload_id = {id}"),
        )
    };
    let second_before = of(&store, second.upload_id);
    assert!(of(&store, first.upload_id) > 0 && second_before > 0);

    let undo = db::undo_upload(&mut store, first.upload_id, now()).unwrap();
    assert_eq!(of(&store, first.upload_id), 0);
    assert_eq!(
        of(&store, second.upload_id),
        second_before,
        "the other upload is intact"
    );
    assert_eq!(undo.matches_undone, ACCEPT_ROWS + REVIEW_ROWS);
    assert!(undo.enrichments_removed > 0);
    let uploads = db::list_uploads(&store).unwrap();
    assert_eq!(uploads.len(), 2);
    assert!(
        uploads
            .iter()
            .find(|u| u.id == first.upload_id)
            .unwrap()
            .undone_at
            .is_some()
    );
    assert_eq!(
        db::unmatched_rows(&store, None).unwrap().len(),
        UNKNOWN_ROWS,
        "only the live upload's unmatched rows are listed"
    );
    let again = db::undo_upload(&mut store, first.upload_id, now()).unwrap_err();
    assert_eq!(again.code(), "upload_undone");
    assert_eq!(customers_snapshot(&store), before);
}

#[test]
fn review_decisions_merge_and_undoing_one_match_unmerges_only_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_copy(dir.path());
    let people = distinct_customers(&store);
    let file = dir.path().join("clients.csv");
    write_upload(&file, &people, "first");
    let s = db::upload_file(&mut store, &file, &options(), now()).unwrap();
    let sheet = db::review_candidates(&store, s.upload_id).unwrap();
    let review: Vec<_> = sheet.groups[0].candidates.clone();
    assert_eq!(review.len(), REVIEW_ROWS);

    let accepted = db::decide(&mut store, review[0].match_id, Verdict::Accept, now()).unwrap();
    assert_eq!(
        (accepted.state.as_str(), accepted.decided_by.as_str()),
        ("accepted", "owner")
    );
    let notes_of = |store: &Store, id: i64| {
        count(
            store,
            &format!("SELECT COUNT(*) FROM customer_enrichments WHERE match_id = {id}"),
        )
    };
    assert!(
        notes_of(&store, review[0].match_id) > 0,
        "accepting merges the row"
    );
    let skipped = db::decide(&mut store, review[1].match_id, Verdict::Skip, now()).unwrap();
    assert_eq!(skipped.state, "skipped");
    let rejected = db::decide(&mut store, review[2].match_id, Verdict::Reject, now()).unwrap();
    assert_eq!(rejected.state, "rejected");
    assert_eq!(
        db::unmatched_rows(&store, Some(s.upload_id)).unwrap().len(),
        UNKNOWN_ROWS + 1,
        "a rejected row is unmatched"
    );
    // Bulk acceptance takes the skipped one (its score is above the review threshold).
    assert_eq!(
        db::bulk_accept(&mut store, s.upload_id, s.review_above, now()).unwrap(),
        1
    );

    let total = count(&store, "SELECT COUNT(*) FROM customer_enrichments");
    let target = review[0].match_id;
    let own = notes_of(&store, target);
    let undo = db::undo_match(&mut store, target, now()).unwrap();
    assert_eq!(undo.enrichments_removed, own);
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM customer_enrichments"),
        total - own
    );
    let err = db::undo_match(&mut store, target, now()).unwrap_err();
    assert_eq!(err.code(), "invalid_match_state");
    assert_eq!(
        db::unmatched_rows(&store, Some(s.upload_id)).unwrap().len(),
        UNKNOWN_ROWS + 2
    );
}

fn enrichment_tables(store: &Store) -> [usize; 4] {
    [
        "uploads",
        "upload_rows",
        "upload_matches",
        "customer_enrichments",
    ]
    .map(|t| count(store, &format!("SELECT COUNT(*) FROM {t}")))
}

#[test]
fn a_bad_file_is_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_copy(dir.path());
    let before = enrichment_tables(&store);

    let garbage = dir.path().join("clients.xlsx");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 1, 2, 3, 0, 0, 7].repeat(50)).unwrap();
    let err = db::upload_file(&mut store, &garbage, &options(), now()).unwrap_err();
    assert_eq!(err.code(), "not_a_spreadsheet", "{err}");

    let useless = dir.path().join("useless.csv");
    std::fs::write(&useless, "Colour,Size\nred,10\nblue,12\n").unwrap();
    let err = db::upload_file(&mut store, &useless, &options(), now()).unwrap_err();
    assert_eq!(err.code(), "no_usable_column", "{err}");

    let thresholds = UploadOptions {
        accept_above: 0.4,
        review_above: 0.6,
        ..UploadOptions::default()
    };
    let people = distinct_customers(&store);
    let good = dir.path().join("good.csv");
    write_upload(&good, &people, "x");
    let err = db::upload_file(&mut store, &good, &thresholds, now()).unwrap_err();
    assert_eq!(err.code(), "bad_thresholds");
    assert_eq!(enrichment_tables(&store), before);
}

#[test]
fn the_same_matcher_finds_the_planted_duplicate_customers() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_copy(dir.path());
    let pairs = db::customer_duplicates(&store, 0.5).unwrap();
    let present = |id: &str| {
        count(
            &store,
            &format!("SELECT COUNT(*) FROM customers WHERE id = '{id}'"),
        ) == 1
    };
    let planted: Vec<&(String, String)> = imported()
        .duplicate_pairs
        .iter()
        .filter(|(a, b)| present(a) && present(b))
        .collect();
    assert!(!planted.is_empty(), "the Small profile plants duplicates");
    let found = planted
        .iter()
        .filter(|(a, b)| {
            pairs
                .iter()
                .any(|p| (p.a.id == *a && p.b.id == *b) || (p.a.id == *b && p.b.id == *a))
        })
        .count();
    assert_eq!(found, planted.len(), "planted {planted:?}");
    assert!(
        pairs.len() <= planted.len() * 3 + 5,
        "{} pairs flagged for {} planted",
        pairs.len(),
        planted.len()
    );
    assert!(pairs.iter().all(|p| !p.reasons.is_empty()));
}

#[test]
fn a_row_in_review_offers_its_runners_up_and_the_owner_can_pick_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_copy(dir.path());
    // Two customers with the same rare name: a sheet row with the name only could be either.
    store
        .conn()
        .execute_batch(
            "INSERT INTO customers (id, given_name, family_name, email, phone_e164) VALUES
               ('C_TWIN_A', 'Marisol', 'Quennell', 'mq1@example.com', '+16175550191'),
               ('C_TWIN_B', 'Marisol', 'Quennell', 'mq2@example.com', '+16175550192');",
        )
        .unwrap();
    let file = dir.path().join("twins.csv");
    std::fs::write(
        &file,
        "Client,Notes\nMarisol Quennell,Prefers the window seat\n",
    )
    .unwrap();
    let everything_to_review = UploadOptions {
        accept_above: 1.0,
        review_above: 0.0,
        ..UploadOptions::default()
    };
    let s = db::upload_file(&mut store, &file, &everything_to_review, now()).unwrap();
    assert_eq!(s.to_review, 1, "{s:#?}");
    let row = db::review_candidates(&store, s.upload_id).unwrap().groups[0].candidates[0].clone();
    let twins = ["C_TWIN_A", "C_TWIN_B"];
    assert!(twins.contains(&row.customer_id.as_str()));
    let other = twins.iter().find(|t| **t != row.customer_id).unwrap();
    let alt = row
        .alternatives
        .iter()
        .find(|a| a.customer_id == *other)
        .unwrap_or_else(|| panic!("{other} is a runner-up: {:#?}", row.alternatives));
    assert!(row.alternatives.len() <= 3);
    assert!(
        (alt.score - row.score).abs() < 1e-9,
        "same evidence, same score"
    );
    assert!(!alt.explanation.is_empty());
    assert_eq!(alt.fields[0].customer, "Marisol Quennell");
    assert_eq!(
        alt.fields[2].customer,
        if *other == "C_TWIN_A" {
            "mq1@example.com"
        } else {
            "mq2@example.com"
        }
    );
    assert_eq!(alt.taken_by_line, None);

    let err = db::choose_alternative(&mut store, row.match_id, "C_NOBODY", now()).unwrap_err();
    assert_eq!(err.code(), "alternative_not_found");
    let chosen = db::choose_alternative(&mut store, row.match_id, other, now()).unwrap();
    assert_eq!(chosen.customer_id, *other);
    assert_eq!(
        (chosen.state.as_str(), chosen.decided_by.as_str()),
        ("accepted", "owner")
    );
    assert!(
        chosen
            .alternatives
            .iter()
            .any(|a| a.customer_id == row.customer_id),
        "the first guess becomes a runner-up"
    );
    let notes_of = |store: &Store, id: &str| {
        count(
            store,
            &format!(
                "SELECT COUNT(*) FROM customer_enrichments WHERE customer_id = '{id}' AND kind = 'note'"
            ),
        )
    };
    assert_eq!(
        (notes_of(&store, other), notes_of(&store, &row.customer_id)),
        (1, 0)
    );
    // Changing one's mind again moves the merged note back.
    db::choose_alternative(&mut store, row.match_id, &row.customer_id, now()).unwrap();
    assert_eq!(
        (notes_of(&store, other), notes_of(&store, &row.customer_id)),
        (0, 1)
    );
}
