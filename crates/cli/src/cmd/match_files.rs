//! `keeper match-files`: match an upload spreadsheet to a customer file (e.g. a Square customer
//! export) with no database, writing one decision per upload row to a CSV file.

use anyhow::Context;
use keeper_enrich::load::{Loaded, load};
use keeper_enrich::matching::{MatchOptions, match_records};
use keeper_enrich::normalize::NormalizeOptions;
use keeper_enrich::read::ReadOptions;
use std::path::{Path, PathBuf};

/// Arguments of `keeper match-files`.
#[derive(clap::Args)]
pub struct MatchFilesArgs {
    /// Customer file (CSV/XLSX/XLS/XLSB/ODS), e.g. a Square customer export.
    #[arg(long)]
    customers: PathBuf,
    /// Spreadsheet whose rows should be matched to customers.
    #[arg(long)]
    upload: PathBuf,
    /// Where to write the matches CSV.
    #[arg(long)]
    out: PathBuf,
    /// Posterior at or above which a row is matched.
    #[arg(long, default_value_t = MatchOptions::default().accept_above)]
    accept_above: f64,
    /// Posterior at or above which a row goes to review.
    #[arg(long, default_value_t = MatchOptions::default().review_above)]
    review_above: f64,
    /// Country for phone numbers written without a country code (ISO code).
    #[arg(long, default_value = "US")]
    country: String,
    /// Sheet to read from a workbook upload (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

fn read(
    path: &Path,
    sheet: Option<String>,
    normalize: &NormalizeOptions,
    what: &str,
) -> anyhow::Result<Loaded> {
    let options = ReadOptions {
        sheet,
        ..ReadOptions::default()
    };
    let loaded = load(path, &options, normalize, &[])
        .with_context(|| format!("reading the {what} file {}", path.display()))?;
    eprintln!(
        "{what}: {} ({} rows, header on line {:?}, format {:?})",
        path.display(),
        loaded.records.len(),
        loaded.header_line,
        loaded.format
    );
    eprint!("{}", loaded.mapping);
    Ok(loaded)
}

/// Runs the command.
pub fn run(args: MatchFilesArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.review_above)
            && args.review_above <= args.accept_above
            && args.accept_above <= 1.0,
        "thresholds must satisfy 0 <= --review-above <= --accept-above <= 1"
    );
    let normalize = NormalizeOptions::for_country(&args.country);
    let customers = read(&args.customers, None, &normalize, "customers")?;
    let upload = read(&args.upload, args.sheet.clone(), &normalize, "upload")?;
    let options = MatchOptions {
        accept_above: args.accept_above,
        review_above: args.review_above,
        threads: args.threads,
        ..MatchOptions::default()
    };
    let started = std::time::Instant::now();
    let report = match_records(&upload.records, &customers.records, &options);
    let elapsed = started.elapsed();
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    keeper_enrich::output::write_matches_csv(
        std::io::BufWriter::new(file),
        &report,
        &upload.records,
        &customers.records,
    )
    .with_context(|| format!("writing {}", args.out.display()))?;
    let s = &report.stats;
    println!(
        "{} upload rows: {} matched, {} review, {} unmatched ({} by Square id); {} pairs compared in {:.2?}; prior {:.4}; wrote {}",
        report.outcomes.len(),
        s.matched,
        s.review,
        s.unmatched,
        s.exact_id,
        s.pairs_compared,
        elapsed,
        report.model.prior,
        args.out.display()
    );
    Ok(())
}
