//! The match-review screen's slow commands as background jobs, through `App` as the window
//! calls it: an upload answers at once and its job ends with the candidates written; a file
//! Keeper cannot read is refused at once; undo and a mapping correction run as jobs; and a
//! job the app did not finish (killed mid-job, or stopped after committing) is finished when
//! the app starts again.

use chrono::Utc;
use keeper_api::app::App;
use keeper_api::views::{JobKind, JobState, JobStatus, UploadJob, UploadJobKind};
use keeper_store::Store;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Customers with search documents built, in a fresh database.
fn database(dir: &Path, extra_customers: usize) -> PathBuf {
    let db = dir.join("keeper.sqlite3");
    let mut store = Store::open(&db).unwrap();
    store
        .conn()
        .execute_batch(
            "INSERT INTO customers (id, given_name, family_name, email, phone_e164) VALUES
               ('C1', 'Ada', 'Lane', 'ada@example.com', '+14155550101'),
               ('C2', 'Bo', 'Marsh', 'bo@example.com', '+14155550102'),
               ('C3', 'Cleo', 'Nash', 'cleo@example.com', '+14155550103'),
               ('C4', 'Dev', 'Okafor', 'dev@example.com', '+14155550104');",
        )
        .unwrap();
    let given = ["Ana", "Ben", "Cara", "Dan", "Eve", "Finn", "Gus", "Hana"];
    let family = [
        "Price", "Quinn", "Reyes", "Stone", "Tran", "Ueda", "Vance", "Wolfe",
    ];
    for i in 0..extra_customers {
        store
            .conn()
            .execute(
                "INSERT INTO customers (id, given_name, family_name, email) VALUES (?1, ?2, ?3, ?4)",
                (
                    format!("X{i}"),
                    given[i % given.len()],
                    format!("{}{}", family[(i / given.len()) % family.len()], i),
                    format!("x{i}@example.net"),
                ),
            )
            .unwrap();
    }
    keeper_search::index::refresh_documents(store.conn_mut(), Utc::now()).unwrap();
    db
}

fn sheet(dir: &Path) -> PathBuf {
    let file = dir.join("old-system.csv");
    std::fs::write(
        &file,
        "Name,Email,Notes\n\
         Ada Lane,ada@example.com,Allergic to latex gloves\n\
         Bo Marsh,bo@example.com,Prefers mornings\n\
         Cleo Nash,cleo@example.com,Walk-in regular\n",
    )
    .unwrap();
    file
}

type Seen = Arc<Mutex<Vec<JobStatus>>>;

fn app(db: &Path, dir: &Path) -> (App, Seen) {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let app = App::new(
        db.to_path_buf(),
        Some(&dir.join("no-model")),
        Box::new(move |s: &JobStatus| sink.lock().unwrap().push(s.clone())),
    )
    .unwrap();
    (app, seen)
}

/// Polls the job until it ends (as the screen does).
fn wait(app: &App, job: &UploadJob) -> UploadJob {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let now = app.upload_job(&job.id).unwrap();
        if !matches!(now.state, JobState::Running | JobState::Waiting) {
            return now;
        }
        assert!(Instant::now() < deadline, "job did not end: {now:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Waits until the app's job slot is idle again (the job also recounts the database).
fn wait_slot(app: &App) -> JobStatus {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let s = app.job_status();
        if s.state != JobState::Running {
            return s;
        }
        assert!(Instant::now() < deadline, "slot still busy: {s:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn notes(app: &App, customer: &str) -> Vec<String> {
    app.customer_detail(customer)
        .unwrap()
        .notes
        .into_iter()
        .map(|n| n.text)
        .collect()
}

fn ui_job_rows(db: &Path) -> Vec<(String, String, i64)> {
    let store = Store::open(db).unwrap();
    let mut stmt = store
        .conn()
        .prepare("SELECT kind, state, attempts FROM ui_jobs ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn document(db: &Path, customer: &str) -> String {
    Store::open(db)
        .unwrap()
        .conn()
        .query_row(
            "SELECT text FROM search_documents WHERE customer_id = ?1",
            [customer],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn an_upload_answers_with_its_job_and_the_job_ends_with_the_candidates_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), 0);
    let (app, seen) = app(&db, dir.path());
    let started = app
        .upload_spreadsheet(&sheet(dir.path()).display().to_string())
        .unwrap();
    assert_eq!(started.kind, UploadJobKind::Upload);
    assert!(
        matches!(started.state, JobState::Waiting | JobState::Running),
        "{started:?}"
    );
    assert_eq!(started.file_name.as_deref(), Some("old-system.csv"));

    let done = wait(&app, &started);
    assert_eq!(done.state, JobState::Finished, "{done:?}");
    assert_eq!(done.percent, Some(100.0));
    let upload = done.upload_id.expect("the job names its upload");
    let candidates = app.match_candidates(&upload).unwrap();
    assert_eq!(candidates.len(), 3);
    assert!(candidates.iter().all(|c| c.state == "accepted"));
    let uploads = app.list_uploads().unwrap();
    assert_eq!(uploads.len(), 1);
    assert_eq!(
        (uploads[0].id.as_str(), uploads[0].accepted),
        (upload.as_str(), 3)
    );
    assert!(
        notes(&app, "C1").contains(&"Allergic to latex gloves".to_owned()),
        "merged into the customer"
    );
    assert!(document(&db, "C1").contains("Allergic to latex gloves"));

    let last = wait_slot(&app);
    assert_eq!(
        (last.kind, last.state),
        (Some(JobKind::Upload), JobState::Finished)
    );
    let stages: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.stage.clone())
        .collect();
    assert!(
        stages
            .iter()
            .any(|s| s.starts_with("Matching 3 rows against 4 customers")),
        "progress names the step: {stages:?}"
    );
    assert!(
        last.summary.iter().any(|l| l.contains("3 matched")),
        "{:?}",
        last.summary
    );
    assert_eq!(
        ui_job_rows(&db),
        vec![("upload".into(), "finished".into(), 1)]
    );
}

#[test]
fn a_file_keeper_cannot_read_is_refused_at_once_and_no_job_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), 0);
    let (app, _) = app(&db, dir.path());
    let pdf = dir.path().join("clients.pdf");
    std::fs::write(&pdf, "%PDF-1.7").unwrap();
    let t = Instant::now();
    let wrong = app
        .upload_spreadsheet(&pdf.display().to_string())
        .unwrap_err();
    assert_eq!(wrong.code, "unsupported_file");
    let gone = app
        .upload_spreadsheet(&dir.path().join("gone.csv").display().to_string())
        .unwrap_err();
    assert_eq!(gone.code, "file_unreadable");
    assert!(gone.message.contains("gone.csv"), "{}", gone.message);
    assert!(t.elapsed() < Duration::from_secs(1), "answered at once");
    assert!(ui_job_rows(&db).is_empty());
    assert_eq!(app.job_status().state, JobState::Idle);
}

#[test]
fn a_sheet_without_a_usable_column_fails_its_job_with_the_code_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), 0);
    let (app, _) = app(&db, dir.path());
    let file = dir.path().join("stock.csv");
    std::fs::write(&file, "Colour,Size\nred,10\n").unwrap();
    let started = app.upload_spreadsheet(&file.display().to_string()).unwrap();
    let done = wait(&app, &started);
    assert_eq!(done.state, JobState::Failed);
    assert_eq!(done.error_code.as_deref(), Some("no_usable_column"));
    let message = done.error.unwrap();
    assert!(message.contains("name, email or phone"), "{message}");
    assert!(app.list_uploads().unwrap().is_empty());
    assert_eq!(
        wait_slot(&app).error_code.as_deref(),
        Some("no_usable_column")
    );
    assert_eq!(
        ui_job_rows(&db),
        vec![("upload".into(), "failed".into(), 1)]
    );
}

#[test]
fn undoing_an_upload_runs_as_a_job_and_takes_its_notes_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), 0);
    let (app, _) = app(&db, dir.path());
    let uploaded = wait(
        &app,
        &app.upload_spreadsheet(&sheet(dir.path()).display().to_string())
            .unwrap(),
    );
    let upload = uploaded.upload_id.unwrap();
    wait_slot(&app);

    let undo = app.undo_upload(&upload).unwrap();
    assert_eq!(undo.kind, UploadJobKind::UndoUpload);
    let done = wait(&app, &undo);
    assert_eq!(done.state, JobState::Finished, "{done:?}");
    assert_eq!(done.upload_id.as_deref(), Some(upload.as_str()));
    assert!(app.list_uploads().unwrap()[0].undone);
    assert!(notes(&app, "C1").is_empty());
    assert!(!document(&db, "C1").contains("latex"));
    assert!(
        app.match_candidates(&upload)
            .unwrap()
            .iter()
            .all(|c| c.state == "undone")
    );
    wait_slot(&app);
    assert_eq!(app.undo_upload(&upload).unwrap_err().code, "upload_undone");
    assert_eq!(app.undo_upload("999").unwrap_err().code, "upload_not_found");
}

#[test]
fn a_mapping_correction_matches_again_in_one_job_and_replaces_the_upload() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), 0);
    let (app, _) = app(&db, dir.path());
    let first = wait(
        &app,
        &app.upload_spreadsheet(&sheet(dir.path()).display().to_string())
            .unwrap(),
    )
    .upload_id
    .unwrap();
    wait_slot(&app);
    let mut mapping = app.list_uploads().unwrap()[0].mapping.clone();
    let notes_column = mapping.iter_mut().find(|m| m.column == "Notes").unwrap();
    assert_eq!(notes_column.field.as_deref(), Some("notes"));
    notes_column.field = None;

    let remap = app.update_mapping(&first, &mapping).unwrap();
    assert_eq!(remap.kind, UploadJobKind::Remap);
    let done = wait(&app, &remap);
    assert_eq!(done.state, JobState::Finished, "{done:?}");
    let second = done.upload_id.unwrap();
    assert_ne!(second, first);
    let uploads = app.list_uploads().unwrap();
    let by_id = |id: &str| uploads.iter().find(|u| u.id == id).unwrap().clone();
    assert!(by_id(&first).undone);
    assert!(!by_id(&second).undone);
    assert_eq!(by_id(&second).accepted, 3);
    let notes_field = by_id(&second)
        .mapping
        .into_iter()
        .find(|m| m.column == "Notes")
        .unwrap()
        .field;
    assert_eq!(notes_field, None, "the correction is kept");
    assert!(
        notes(&app, "C1").is_empty(),
        "the ignored column merged nothing"
    );
    wait_slot(&app);
    let mut bad = mapping.clone();
    bad[0].field = Some("shoe_size".to_owned());
    assert_eq!(
        app.update_mapping(&second, &bad).unwrap_err().code,
        "unknown_field"
    );
    assert_eq!(
        app.update_mapping(&first, &mapping).unwrap_err().code,
        "upload_undone"
    );
}

#[test]
fn a_job_whose_changes_were_committed_rebuilds_its_search_documents_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), 0);
    {
        let (app, _) = app(&db, dir.path());
        wait(
            &app,
            &app.upload_spreadsheet(&sheet(dir.path()).display().to_string())
                .unwrap(),
        );
        wait_slot(&app);
    }
    // As the app leaves it when it stops between the commit and the search documents.
    Store::open(&db)
        .unwrap()
        .conn()
        .execute_batch(
            "UPDATE ui_jobs SET state = 'written', finished_at = NULL;
             UPDATE search_documents SET text = 'stale', content_hash = 'stale'
              WHERE customer_id = 'C1';",
        )
        .unwrap();
    let (app, _) = app(&db, dir.path());
    wait_slot(&app);
    assert!(document(&db, "C1").contains("Allergic to latex gloves"));
    assert_eq!(
        app.list_uploads().unwrap().len(),
        1,
        "nothing uploaded twice"
    );
    assert_eq!(
        ui_job_rows(&db),
        vec![("upload".into(), "finished".into(), 1)]
    );
}

const CHILD_DB: &str = "KEEPER_CRASH_TEST_DB";
const CHILD_SHEET: &str = "KEEPER_CRASH_TEST_SHEET";

/// The process `an_upload_killed_mid_job_is_finished_when_the_app_starts_again` kills: it
/// starts an upload and waits to be killed.
#[test]
#[ignore = "helper process of the restart test, started by it"]
fn crash_child_starts_an_upload_and_waits_to_be_killed() {
    let (Some(db), Some(sheet)) = (std::env::var_os(CHILD_DB), std::env::var_os(CHILD_SHEET))
    else {
        panic!("run by the restart test only ({CHILD_DB}, {CHILD_SHEET})");
    };
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app(Path::new(&db), dir.path());
    app.upload_spreadsheet(&sheet.to_string_lossy()).unwrap();
    std::thread::sleep(Duration::from_secs(600));
    panic!("not killed");
}

#[test]
fn an_upload_killed_mid_job_is_finished_when_the_app_starts_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), 2_000);
    // A sheet big enough that the job is still reading or matching when it is killed.
    let file = dir.path().join("big.csv");
    let mut text =
        String::from("Name,Email,Notes\nAda Lane,ada@example.com,Allergic to latex gloves\n");
    for i in 0..6_000 {
        text.push_str(&format!("Someone {i},someone{i}@example.org,row {i}\n"));
    }
    std::fs::write(&file, text).unwrap();

    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "crash_child_starts_an_upload_and_waits_to_be_killed",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD_DB, &db)
        .env(CHILD_SHEET, &file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let rows = ui_job_rows(&db);
        if rows.first().is_some_and(|r| r.1 == "running") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the child never started: {rows:?}"
        );
        assert!(child.try_wait().unwrap().is_none(), "the child ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no rollback code runs
    child.wait().unwrap();
    assert_eq!(
        ui_job_rows(&db),
        vec![("upload".into(), "running".into(), 1)],
        "killed mid-job (the sheet must be big enough for the job to still run)"
    );
    assert!(
        Store::open(&db)
            .unwrap()
            .conn()
            .query_row("SELECT COUNT(*) FROM uploads", [], |r| r.get::<_, i64>(0))
            .unwrap()
            == 0,
        "nothing of the killed job was committed"
    );

    let (app, _) = app(&db, dir.path());
    let last = wait_slot(&app);
    assert_eq!(
        (last.kind, last.state),
        (Some(JobKind::Upload), JobState::Finished),
        "{last:?}"
    );
    assert_eq!(
        ui_job_rows(&db),
        vec![("upload".into(), "finished".into(), 2)]
    );
    let uploads = app.list_uploads().unwrap();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].rows, 6_001);
    let job = app.upload_job("1").unwrap();
    assert_eq!(job.upload_id.as_deref(), Some(uploads[0].id.as_str()));
    assert!(notes(&app, "C1").contains(&"Allergic to latex gloves".to_owned()));
}
