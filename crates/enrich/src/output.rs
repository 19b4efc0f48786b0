//! The standalone match output: one CSV row per upload row with the columns `upload_row`,
//! `square_customer_id`, `score`, `decision`, `reasons`.

use crate::matching::{Decision, MatchReport};
use crate::normalize::Record;
use std::io::Write;

/// Writes `report` as CSV. `square_customer_id` is empty for unmatched rows, whose `reasons`
/// name the best rejected candidate (if any).
pub fn write_matches_csv<W: Write>(
    out: W,
    report: &MatchReport,
    uploads: &[Record],
    targets: &[Record],
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "upload_row",
        "square_customer_id",
        "score",
        "decision",
        "reasons",
    ])?;
    for o in &report.outcomes {
        let row = uploads[o.upload].row.to_string();
        let (id, score, reasons) = match (&o.candidate, o.decision) {
            (Some(c), Decision::Matched | Decision::Review) => {
                let t = &targets[c.target];
                let id = t
                    .square_id
                    .clone()
                    .or_else(|| t.external_id.clone())
                    .unwrap_or_else(|| format!("row:{}", t.row));
                (id, c.score, c.reasons())
            }
            (Some(c), Decision::Unmatched) => {
                let t = &targets[c.target];
                let who = t
                    .square_id
                    .clone()
                    .unwrap_or_else(|| format!("row:{}", t.row));
                (
                    String::new(),
                    c.score,
                    format!("best candidate {who} below threshold: {}", c.reasons()),
                )
            }
            (None, _) => (
                String::new(),
                0.0,
                "no candidate shares a blocking key".to_string(),
            ),
        };
        w.write_record([
            row,
            id,
            format!("{score:.4}"),
            o.decision.as_str().to_string(),
            reasons,
        ])?;
    }
    w.flush()?;
    Ok(())
}
