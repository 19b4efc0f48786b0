//! Benchmark: how fast every command the desktop UI calls answers, on a database holding the
//! `large` demo merchant (imported from the simulator, analysed, reviews read, customer
//! documents built). Each command runs 30 times (an upload 10 times); the table reports the
//! median and p95 per command against the target (p95 ≤ 50 ms).
//!
//!     cargo run --release -p keeper-api --example ui_latency [-- small|salon|large]
//!
//! Prints `BENCH` lines for scripts/bench.sh. `KEEPER_UI_BENCH_DB=PATH` keeps the prepared
//! database at PATH and reuses it when it exists (skipping the ~2 min import of `large`).
//!
//! Covered: every command of `ui/src/lib/backend/backend.ts` that answers from the store.
//! `upload_spreadsheet`, `update_mapping` and `undo_upload` answer with the background job
//! they start (timed: the answer), and the jobs' own durations are printed apart; the sheet
//! has rows of several kinds of evidence so some land in review on every profile, for
//! `decide_candidate`, `undo_candidate` and `choose_alternative`. Those decisions (and
//! `accept_above`) answer before the search documents of the customers they touched are
//! rebuilt: the rebuild runs in the background while the next decisions are timed, and how
//! long it takes after a decision (and after a bulk acceptance) is printed apart.
//! Not timed: `pick_spreadsheet` (a native dialog) and the commands that start an import or
//! sync job (`start_demo`, `connect_square`, `sync_now`, `fetch_reviews`), whose answer is
//! the job's first status while the work runs on the job's thread.

use chrono::{DateTime, Utc};
use keeper_api::app::App;
use keeper_api::views::{CustomerQuery, CustomerSort, JobState, TaskAction, TaskState, UploadJob};
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 30;
/// Spreadsheet jobs (upload, undo, re-match) each rebuild the search documents of the
/// customers they touch, which takes seconds on `large`: fewer runs
/// (`KEEPER_UI_BENCH_UPLOADS` changes it).
fn upload_runs() -> usize {
    std::env::var("KEEPER_UI_BENCH_UPLOADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
}
/// Rows of the benchmark's sheet.
const SHEET_ROWS: usize = 240;

struct Bench {
    results: Vec<(String, f64, f64)>,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

impl Bench {
    fn time_n<T>(&mut self, name: &str, runs: usize, mut f: impl FnMut(usize) -> T) {
        let mut samples = Vec::with_capacity(runs);
        for i in 0..runs {
            let t = Instant::now();
            std::hint::black_box(f(i));
            samples.push(t.elapsed());
        }
        samples.sort();
        let (median, p95) = (percentile(&samples, 0.5), percentile(&samples, 0.95));
        eprintln!("{name:<36} median {median:>8.2} ms   p95 {p95:>8.2} ms");
        self.results.push((name.to_owned(), median, p95));
    }

    /// Adds samples measured elsewhere.
    fn record(&mut self, name: &str, mut samples: Vec<Duration>) {
        samples.sort();
        let (median, p95) = (percentile(&samples, 0.5), percentile(&samples, 0.95));
        eprintln!("{name:<36} median {median:>8.2} ms   p95 {p95:>8.2} ms");
        self.results.push((name.to_owned(), median, p95));
    }

    fn time<T>(&mut self, name: &str, f: impl FnMut(usize) -> T) {
        self.time_n(name, RUNS, f)
    }
}

/// Imports the profile's merchant into `db` and reads its reviews.
fn prepare(profile: Profile, db: &Path, now: DateTime<Utc>) -> Result<(), String> {
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let sim = Simulator::start(SimConfig::new(profile, 7, Ts(now.timestamp_millis())))
            .await
            .map_err(|e| e.to_string())?;
        let access = keeper_api::import::SquareAccess {
            base_url: Some(sim.base_url().to_owned()),
            access_token: sim.access_token().to_owned(),
        };
        keeper_api::import::import(&access, db, 12, now, &mut |_| {})
            .await
            .map_err(|e| e.to_string())?;
        let mut store = keeper_store::Store::open(db).map_err(|e| e.to_string())?;
        let world = keeper_reviews::stage::world_of(&sim);
        keeper_reviews::stage::run_stage(&mut store, &world, 7, now)
            .await
            .map_err(|e| e.to_string())?;
        sim.shutdown().await;
        Ok::<_, String>(())
    })
}

/// Analyses the merchant and builds the customer documents (incremental: a reused database
/// that has both already costs little).
fn analyse(db: &Path, now: DateTime<Utc>) -> Result<(), String> {
    let mut store = keeper_store::Store::open(db).map_err(|e| e.to_string())?;
    keeper_analysis::recompute(&mut store, now).map_err(|e| e.to_string())?;
    keeper_search::index::refresh_documents(store.conn_mut(), now).map_err(|e| e.to_string())?;
    Ok(())
}

/// A client list as an owner keeps it, of real customers with mixed evidence: a name with
/// an email or phone that is not the customer's, a misspelt name, an initial, a name with
/// another customer's given or family name and the phone. The model is fitted on each sheet,
/// so one kind of row can land anywhere; these kinds spread over the score range, so some
/// rows land in review (0.5–0.9) on every profile, some with runners-up (`decide_candidate`,
/// `undo_candidate` and `choose_alternative` need them).
fn write_sheet(db: &Path, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let store = keeper_store::Store::open(db)?;
    let mut stmt = store.conn().prepare(
        "SELECT given_name, family_name, phone_e164 FROM customers
          WHERE given_name IS NOT NULL AND family_name IS NOT NULL AND email IS NOT NULL
            AND phone_e164 IS NOT NULL
          ORDER BY id LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([SHEET_ROWS as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Two letters swapped near the end ("Sanders" -> "Sandesr").
    let typo = |w: &str| {
        let mut c: Vec<char> = w.chars().collect();
        let n = c.len();
        if n > 3 {
            c.swap(n - 1, n - 2);
        } else {
            c.push('e');
        }
        c.into_iter().collect::<String>()
    };
    let mut csv = String::from("Name,Email,Phone,Notes\n");
    for (i, (given, family, phone)) in rows.iter().enumerate() {
        let email = format!("zz{i}q{}@othermail.com", 100 + (i * 37) % 900);
        let other_phone = format!("+1555{:07}", 1_000_000 + (i * 7_919) % 9_000_000);
        let initial = given.chars().next().unwrap_or('A');
        let other_given = &rows[(i + 5) % rows.len()].0;
        let other_family = &rows[(i + 7) % rows.len()].1;
        let (name, email, phone) = match i % 12 {
            0 => (format!("{given} {family}"), email, String::new()),
            1 => (format!("{given} {family}"), String::new(), other_phone),
            2 => (format!("{given} {family}"), email, other_phone),
            3 => (format!("{given} {}", typo(family)), email, String::new()),
            4 => (
                format!("{given} {}", typo(family)),
                String::new(),
                other_phone,
            ),
            5 => (format!("{initial} {family}"), String::new(), other_phone),
            6 => (format!("{initial} {family}"), email, String::new()),
            7 => (format!("{initial} {}", typo(family)), email, other_phone),
            8 => (
                format!("{other_given} {family}"),
                String::new(),
                phone.clone(),
            ),
            9 => (
                format!("{given} {other_family}"),
                String::new(),
                phone.clone(),
            ),
            10 => (
                format!("{initial} {}", typo(family)),
                String::new(),
                String::new(),
            ),
            _ => (
                format!("{} {}", typo(given), typo(family)),
                email,
                String::new(),
            ),
        };
        csv.push_str(&format!("{name},{email},{phone},Row {i}\n"));
    }
    std::fs::write(path, csv)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let profile = match std::env::args().nth(1).as_deref() {
        Some("small") => Profile::Small,
        Some("salon") => Profile::Salon,
        _ => Profile::Large,
    };
    let dir = tempfile::tempdir()?;
    let db: PathBuf = match std::env::var_os("KEEPER_UI_BENCH_DB") {
        Some(p) => PathBuf::from(p),
        None => dir.path().join("keeper.sqlite3"),
    };
    let now = Utc::now();
    let started = Instant::now();
    if db.exists() {
        eprintln!("reusing {}", db.display());
    } else {
        prepare(profile, &db, now)?;
    }
    analyse(&db, now)?;
    eprintln!(
        "prepared {profile:?} in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Keyword search only: the query embedding is the model's cost, measured by the search bench.
    let app = App::new(
        db.clone(),
        Some(&dir.path().join("no-model")),
        Box::new(|_| {}),
    )?;
    // The first list of the day runs the analysis when it has not run today.
    app.list_tasks(50)?;
    let first = app.list_customers(&CustomerQuery {
        search: None,
        sort: CustomerSort::Value,
        descending: true,
        offset: 0,
        limit: 200,
    })?;
    let total = first.total;
    let ids: Vec<String> = first.rows.iter().map(|r| r.id.clone()).collect();
    eprintln!("{total} customers");
    let mut b = Bench {
        results: Vec::new(),
    };
    let sorts = [
        ("name", CustomerSort::Name),
        ("value", CustomerSort::Value),
        ("last visit", CustomerSort::LastVisit),
        ("risk", CustomerSort::Risk),
        ("visits", CustomerSort::Visits),
        ("overdue", CustomerSort::Overdue),
    ];
    for (label, sort) in sorts {
        b.time(&format!("list_customers (by {label})"), |i| {
            app.list_customers(&CustomerQuery {
                search: None,
                sort,
                descending: i % 2 == 0,
                offset: (i as u32 * 397) % total.max(1),
                limit: 100,
            })
            .unwrap()
        });
    }
    let words = ["colour", "balayage", "jess", "beard", "treatment", "gmail"];
    b.time("list_customers (search)", |i| {
        app.list_customers(&CustomerQuery {
            search: Some(words[i % words.len()].to_owned()),
            sort: CustomerSort::Value,
            descending: true,
            offset: 0,
            limit: 100,
        })
        .unwrap()
    });
    b.time("customer_detail", |i| {
        app.customer_detail(&ids[i % ids.len()]).unwrap()
    });
    b.time("list_tasks", |_| app.list_tasks(50).unwrap());
    let task = app.list_tasks(1)?.pop().ok_or("no open task")?;
    b.time("update_task (snooze, reopen)", |i| {
        app.update_task(&TaskAction {
            id: task.id.clone(),
            state: if i % 2 == 0 {
                TaskState::Snoozed
            } else {
                TaskState::Open
            },
            until: Some("2099-01-01".to_owned()),
        })
        .unwrap()
    });
    // An even number of runs: the task ends open, as it started.
    b.time("business_summary", |_| app.business_summary().unwrap());
    b.time("list_reviews", |_| app.list_reviews().unwrap());
    b.time("health_report", |_| app.health_report().unwrap());
    b.time("job_status", |_| app.job_status());
    b.time("db_info", |_| app.db_info().unwrap());

    // Match review: a sheet of real customers, uploaded, reviewed and undone. Uploading,
    // re-matching and undoing a whole upload answer with a background job at once; the job's
    // own duration is reported apart (it is no command's answer), and `upload_job` (what the
    // screen polls) is timed while the jobs run.
    let mut sheets = Vec::new();
    for i in 0..upload_runs() {
        // Distinct files: the same content twice is recognised as a re-upload.
        let path = dir.path().join(format!("clients-{i}.csv"));
        write_sheet(&db, &path)?;
        let mut text = std::fs::read_to_string(&path)?;
        text.push_str(&format!("Bench Row {i},,,Sheet {i}\n"));
        std::fs::write(&path, text)?;
        sheets.push(path);
    }
    let mut polls = Vec::new();
    let mut job_times = Vec::new();
    let mut finish = |job: &UploadJob| -> String {
        let t = Instant::now();
        loop {
            let p = Instant::now();
            let now = app.upload_job(&job.id).unwrap();
            polls.push(p.elapsed());
            match now.state {
                JobState::Running | JobState::Waiting => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                JobState::Finished => break,
                _ => panic!("the bench's job failed: {now:?}"),
            }
        }
        // The slot also recounts the database before it is free for the next job.
        while app.job_status().state == JobState::Running {
            std::thread::sleep(Duration::from_millis(5));
        }
        job_times.push(t.elapsed());
        app.upload_job(&job.id)
            .unwrap()
            .upload_id
            .unwrap_or_default()
    };
    let mut jobs = Vec::new();
    let mut uploads = Vec::new();
    for (i, sheet) in sheets.iter().enumerate() {
        let t = Instant::now();
        let job = app.upload_spreadsheet(&sheet.display().to_string())?;
        jobs.push(t.elapsed());
        if i == 0 {
            eprintln!("upload job answered {:?}: {}", job.state, job.stage);
        }
        uploads.push(finish(&job));
    }
    b.record("upload_spreadsheet (starts the job)", jobs);
    let upload = uploads.last().cloned().ok_or("no upload")?;
    b.time("list_uploads", |_| app.list_uploads().unwrap());
    b.time("match_candidates", |_| {
        app.match_candidates(&upload).unwrap()
    });
    let candidates = app.match_candidates(&upload)?;
    let bands = |state: &str| candidates.iter().filter(|c| c.state == state).count();
    eprintln!(
        "{} candidates: {} accepted, {} pending, {} rejected",
        candidates.len(),
        bands("accepted"),
        bands("pending"),
        bands("rejected")
    );
    let pending: Vec<_> = candidates
        .iter()
        .filter(|c| c.state == "pending")
        .cloned()
        .collect();
    if pending.is_empty() {
        return Err("the sheet left nothing in review: decide and undo cannot be timed".into());
    }
    // Each candidate is accepted once, then its acceptance undone.
    let runs = pending.len().min(RUNS);
    b.time_n("decide_candidate", runs, |i| {
        app.decide_candidate(&pending[i].id, "accept").unwrap()
    });
    b.time_n("undo_candidate", runs, |i| {
        app.undo_candidate(&pending[i].id).unwrap()
    });
    let with_alt: Vec<_> = app
        .match_candidates(&upload)?
        .into_iter()
        .filter(|c| (c.state == "undone" || c.state == "pending") && !c.alternatives.is_empty())
        .collect();
    if with_alt.is_empty() {
        return Err(
            "no candidate in review has an alternative: choose_alternative cannot be timed".into(),
        );
    }
    b.time_n("choose_alternative", with_alt.len().min(RUNS), |i| {
        let c = &with_alt[i];
        let r = app
            .choose_alternative(&c.id, &c.alternatives[0].customer_id)
            .unwrap();
        app.undo_candidate(&c.id).unwrap();
        r
    });
    // How long the background rebuild takes after one decision's answer.
    app.wait_search_refreshed(Duration::from_secs(600));
    let mut rebuilds = Vec::new();
    for c in pending.iter().take(10) {
        app.decide_candidate(&c.id, "accept")?;
        let t = Instant::now();
        app.wait_search_refreshed(Duration::from_secs(600));
        rebuilds.push(t.elapsed());
        app.undo_candidate(&c.id)?;
        app.wait_search_refreshed(Duration::from_secs(600));
    }
    rebuilds.sort();
    let (rebuild_median, rebuild_p95) = (percentile(&rebuilds, 0.5), percentile(&rebuilds, 0.95));
    eprintln!(
        "search rebuild after one decision, in the background: median {rebuild_median:.1} ms, p95 {rebuild_p95:.1} ms"
    );
    b.time("accept_above", |i| {
        app.accept_above(&uploads[i % uploads.len()], 0.6).unwrap()
    });
    let mut undo = Vec::new();
    for upload in uploads.iter().rev() {
        let t = Instant::now();
        let job = app.undo_upload(upload)?;
        undo.push(t.elapsed());
        finish(&job);
    }
    b.record("undo_upload (starts the job)", undo);
    let fresh = finish(&app.upload_spreadsheet(&sheets[0].display().to_string())?);
    let detected = app
        .list_uploads()?
        .into_iter()
        .find(|u| u.id == fresh)
        .ok_or("the fresh upload is missing")?
        .mapping;
    let mut remaps = Vec::new();
    let mut current = fresh;
    for i in 0..upload_runs() {
        // The mapping as detected, corrected back and forth: each job re-reads the sheet.
        let mut mapping = detected.clone();
        if i % 2 == 0
            && let Some(notes) = mapping.iter_mut().find(|m| m.column == "Notes")
        {
            notes.field = None;
        }
        let t = Instant::now();
        let job = app.update_mapping(&current, &mapping)?;
        remaps.push(t.elapsed());
        current = finish(&job);
    }
    b.record("update_mapping (starts the job)", remaps);
    // The last re-match left rows waiting: accept them at once, and time the rebuild after.
    app.wait_search_refreshed(Duration::from_secs(600));
    let bulk = app.accept_above(&current, 0.0)?;
    let t = Instant::now();
    app.wait_search_refreshed(Duration::from_secs(600));
    eprintln!(
        "search rebuild after accept_above of {bulk} matches, in the background: {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    b.record("upload_job (polled while jobs run)", polls);
    job_times.sort();
    let (job_median, job_p95) = (percentile(&job_times, 0.5), percentile(&job_times, 0.95));
    eprintln!(
        "spreadsheet jobs in the background (upload, undo, re-match; {} jobs): median {job_median:.0} ms, p95 {job_p95:.0} ms",
        job_times.len()
    );

    let worst = b.results.iter().map(|r| r.2).fold(0.0, f64::max);
    for (name, median, p95) in &b.results {
        println!("BENCH\tui api\t{name} p95 (median {median:.1} ms)\t{p95:.1} ms\t≤ 50 ms");
    }
    println!("BENCH\tui api\tslowest command p95, {total} customers\t{worst:.1} ms\t≤ 50 ms");
    println!(
        "BENCH\tui api\tspreadsheet job in the background p95 (median {job_median:.0} ms), {total} customers\t{job_p95:.0} ms\t(no target: off the command thread)"
    );
    println!(
        "BENCH\tui api\tsearch rebuild after a decision, in the background, p95 (median {rebuild_median:.1} ms)\t{rebuild_p95:.1} ms\t(no target: off the command thread)"
    );
    Ok(())
}
