//! `keeper clv`: fit BG/NBD and Gamma-Gamma on a `customer_id,date,amount` CSV and print
//! each customer's P(alive), expected purchases in the next 30 and 90 days and expected
//! average spend. A thin history is reported as an error with its reason, never guessed.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use keeper_analysis::clv::rfm::TimeUnit;
use keeper_analysis::clv::{report, transactions};

#[derive(Args)]
pub struct ClvArgs {
    /// CSV of `customer_id,date,amount` rows (header optional; dates YYYY-MM-DD).
    #[arg(long)]
    transactions: PathBuf,
    /// Last day of the calibration period (YYYY-MM-DD); later rows are ignored.
    #[arg(long, value_parser = parse_day)]
    calibration_end: keeper_analysis::clv::NaiveDate,
    /// Time unit of recency, T and the model's α.
    #[arg(long, value_enum, default_value_t = Unit::Days)]
    unit: Unit,
    /// Print the full report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Unit {
    Days,
    Weeks,
}

fn parse_day(text: &str) -> Result<keeper_analysis::clv::NaiveDate, String> {
    transactions::parse_date(text)
        .ok_or_else(|| format!("{text:?} is not a date in YYYY-MM-DD form"))
}

pub fn run(args: ClvArgs) -> anyhow::Result<()> {
    let file = std::fs::File::open(&args.transactions)
        .with_context(|| format!("cannot open {}", args.transactions.display()))?;
    let rows = transactions::read_csv(std::io::BufReader::new(file))
        .with_context(|| format!("{}", args.transactions.display()))?;
    let unit = match args.unit {
        Unit::Days => TimeUnit::Days,
        Unit::Weeks => TimeUnit::Weeks,
    };
    let report = report::clv_report(&rows, args.calibration_end, unit)
        .map_err(|e| anyhow::anyhow!("cannot fit the purchase model ({}): {e}", e.code()))?;
    let text = if args.json {
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        table(&report)
    };
    // A closed pipe (`keeper clv ... | head`) is not an error.
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn table(report: &report::ClvReport) -> String {
    let mut out = String::new();
    let b = &report.bgnbd;
    let _ = writeln!(out, "customers       {}", report.customers.len());
    let _ = writeln!(
        out,
        "BG/NBD          r={:.4} alpha={:.4} a={:.4} b={:.4} (ln L = {:.2})",
        b.params.r, b.params.alpha, b.params.a, b.params.b, b.log_likelihood
    );
    match (&report.gamma_gamma, &report.gamma_gamma_unavailable) {
        (Some(g), _) => {
            let _ = writeln!(
                out,
                "Gamma-Gamma     p={:.4} q={:.4} v={:.4}",
                g.p, g.q, g.v
            );
        }
        (None, Some(why)) => {
            let _ = writeln!(out, "Gamma-Gamma     unavailable: {}", why.message);
        }
        (None, None) => {}
    }
    let _ = writeln!(
        out,
        "\n{:<16} {:>5} {:>8} {:>9} {:>9} {:>10}",
        "customer", "x", "P(alive)", "E[30d]", "E[90d]", "avg spend"
    );
    for c in &report.customers {
        let spend = c
            .expected_avg_spend
            .map_or_else(|| "-".to_string(), |s| format!("{s:.2}"));
        let _ = writeln!(
            out,
            "{:<16} {:>5} {:>8.3} {:>9.3} {:>9.3} {:>10}",
            c.customer_id,
            c.frequency,
            c.p_alive,
            c.expected_purchases_30d,
            c.expected_purchases_90d,
            spend
        );
    }
    out
}
