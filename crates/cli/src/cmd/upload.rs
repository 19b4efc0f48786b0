//! `keeper upload FILE` matches a spreadsheet against the database's customers and prints the
//! detected mapping and a summary; `keeper uploads ...` lists uploads, shows and decides review
//! candidates, undoes an upload or one match, lists unmatched rows and flags duplicate
//! customers. Thin over `keeper_api::enrich`.

use anyhow::Context;
use chrono::Utc;
use clap::{Args, Subcommand, ValueEnum};
use keeper_api::enrich::{self as api, UploadRequest, Verdict};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Arguments of `keeper upload`.
#[derive(Args)]
pub struct UploadArgs {
    /// The spreadsheet (CSV, XLSX, XLS, XLSB or ODS).
    file: PathBuf,
    /// Sheet to read from a workbook (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// Score at or above which a match is accepted without review.
    #[arg(long)]
    accept_above: Option<f64>,
    /// Score at or above which a match goes to review.
    #[arg(long)]
    review_above: Option<f64>,
    /// Country for phone numbers written without a country code (default: the location's).
    #[arg(long)]
    country: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// `keeper uploads` subcommands.
#[derive(Subcommand)]
pub enum UploadsCommand {
    /// List uploads, newest first.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show an upload's candidates, review first, with fields side by side.
    Show {
        /// Upload id.
        id: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Accept, reject or skip one candidate.
    Decide {
        /// Match id (from `show`).
        match_id: i64,
        /// The verdict.
        verdict: VerdictArg,
    },
    /// Accept every waiting candidate of an upload scoring at least SCORE.
    AcceptAbove {
        /// Upload id.
        id: i64,
        /// Minimum score, 0..1.
        score: f64,
    },
    /// Undo a whole upload (its enrichment records are deleted).
    Undo {
        /// Upload id.
        id: i64,
    },
    /// Undo one accepted match.
    UndoMatch {
        /// Match id.
        match_id: i64,
    },
    /// List rows no customer is linked to (one upload, or all live uploads).
    Unmatched {
        /// Upload id.
        id: Option<i64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Flag likely duplicate customers inside Square.
    Duplicates {
        /// Minimum score, 0..1.
        #[arg(long, default_value_t = 0.5)]
        min_score: f64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A verdict on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum VerdictArg {
    /// Link and merge.
    Accept,
    /// Not the same person.
    Reject,
    /// Decide later.
    Skip,
}

fn db_path(db: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    Ok(keeper_api::db::resolve_db_path(db.as_deref())?)
}

fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Runs `keeper upload`.
pub fn run_upload(args: UploadArgs, db: Option<PathBuf>) -> anyhow::Result<()> {
    let db = db_path(db)?;
    let request = UploadRequest {
        sheet: args.sheet,
        accept_above: args.accept_above,
        review_above: args.review_above,
        country: args.country,
        overrides: Vec::new(),
    };
    let s = api::upload(&db, &args.file, &request, Utc::now())
        .with_context(|| format!("uploading {}", args.file.display()))?;
    if args.json {
        return print_json(&s);
    }
    println!(
        "upload {} — {} ({} rows, header on line {:?}, phones read as {})",
        s.upload_id, s.file_name, s.rows, s.header_line, s.country
    );
    print!("{}", s.mapping);
    println!();
    println!("matched against  {} customers", s.customers);
    println!(
        "auto-accepted    {} (score ≥ {}; {} by Square id)",
        s.auto_accepted, s.accept_above, s.exact_id
    );
    println!(
        "to review        {} (score ≥ {})",
        s.to_review, s.review_above
    );
    println!("rejected         {}", s.rejected);
    println!("unmatched        {} (rejected included)", s.unmatched);
    println!("enrichments      {}", s.enrichments_added);
    if !s.same_file_uploads.is_empty() {
        println!(
            "note: the same file was already uploaded as {:?} (undo with `keeper uploads undo ID`)",
            s.same_file_uploads
        );
    }
    Ok(())
}

fn show(db: &Path, id: i64, json: bool) -> anyhow::Result<()> {
    let sheet = api::review_candidates(db, id)?;
    if json {
        return print_json(&sheet);
    }
    for g in &sheet.groups {
        println!("== {} ({})", g.decision, g.candidates.len());
        for c in &g.candidates {
            println!(
                "match {} row {} (line {}) → {}  score {:.3}  [{} by {}]",
                c.match_id, c.row_index, c.line, c.customer_id, c.score, c.state, c.decided_by
            );
            for f in c
                .fields
                .iter()
                .filter(|f| !f.upload.is_empty() || !f.customer.is_empty())
            {
                println!("    {:<9} {:<40} | {}", f.field, f.upload, f.customer);
            }
            let why: Vec<String> = c
                .explanation
                .iter()
                .filter(|e| e.level != "missing")
                .map(|e| match e.weight {
                    Some(w) => format!("{}={}({w:+.1})", e.field, e.level),
                    None => format!("{}={}", e.field, e.level),
                })
                .collect();
            println!("    why: {}", why.join("; "));
        }
    }
    Ok(())
}

/// Runs `keeper uploads ...`.
pub fn run_uploads(cmd: UploadsCommand, db: Option<PathBuf>) -> anyhow::Result<()> {
    let db = db_path(db)?;
    let now = Utc::now();
    match cmd {
        UploadsCommand::List { json } => {
            let uploads = api::list_uploads(&db)?;
            if json {
                return print_json(&uploads);
            }
            println!(
                "{:>4}  {:<30} {:>6} {:>8} {:>7} {:>9}  created / undone",
                "id", "file", "rows", "accepted", "pending", "unmatched"
            );
            for u in uploads {
                println!(
                    "{:>4}  {:<30} {:>6} {:>8} {:>7} {:>9}  {} {}",
                    u.id,
                    u.file_name,
                    u.row_count,
                    u.accepted,
                    u.pending,
                    u.unmatched,
                    u.created_at,
                    u.undone_at
                        .map(|t| format!("(undone {t})"))
                        .unwrap_or_default()
                );
            }
        }
        UploadsCommand::Show { id, json } => show(&db, id, json)?,
        UploadsCommand::Decide { match_id, verdict } => {
            let verdict = match verdict {
                VerdictArg::Accept => Verdict::Accept,
                VerdictArg::Reject => Verdict::Reject,
                VerdictArg::Skip => Verdict::Skip,
            };
            let c = api::decide(&db, match_id, verdict, now)?;
            println!("match {} is now {}", c.match_id, c.state);
        }
        UploadsCommand::AcceptAbove { id, score } => {
            let r = api::bulk_accept(&db, id, score, now)?;
            println!("accepted {} candidates", r.accepted);
        }
        UploadsCommand::Undo { id } => {
            let r = api::undo_upload(&db, id, now)?;
            println!(
                "upload {id} undone: {} matches, {} enrichment records removed",
                r.matches_undone, r.enrichments_removed
            );
        }
        UploadsCommand::UndoMatch { match_id } => {
            let r = api::undo_match(&db, match_id, now)?;
            println!(
                "match {match_id} undone: {} enrichment records removed",
                r.enrichments_removed
            );
        }
        UploadsCommand::Unmatched { id, json } => {
            let rows = api::unmatched_rows(&db, id)?;
            if json {
                return print_json(&rows);
            }
            for r in rows {
                let cells: Vec<String> = r.cells.iter().map(|(h, v)| format!("{h}={v}")).collect();
                println!(
                    "upload {} row {} (line {}): {}",
                    r.upload_id,
                    r.row_index,
                    r.line,
                    cells.join(", ")
                );
            }
        }
        UploadsCommand::Duplicates { min_score, json } => {
            let pairs = api::customer_duplicates(&db, min_score)?;
            if json {
                return print_json(&pairs);
            }
            for p in &pairs {
                let name = |c: &keeper_enrich::db::CustomerRow| {
                    format!(
                        "{} {}",
                        c.given_name.as_deref().unwrap_or(""),
                        c.family_name.as_deref().unwrap_or("")
                    )
                };
                println!(
                    "{:.3}  {} ({})  ~  {} ({})  {}",
                    p.score,
                    p.a.id,
                    name(&p.a).trim(),
                    p.b.id,
                    name(&p.b).trim(),
                    p.reasons
                );
            }
            println!("{} likely duplicate pairs", pairs.len());
        }
    }
    Ok(())
}
