//! Reads `customer_id,date,amount` CSV rows into [`Transaction`]s, refusing a bad row with
//! its line number. A header row naming the three columns (in any order) is optional;
//! without one the columns are taken in that order. A date is `YYYY-MM-DD`, or a timestamp
//! starting with one (`2024-03-01T10:00:00Z`, `2024-03-01 10:00`), whose calendar day as
//! written is used. An amount is a plain decimal number (negative for refunds).

use std::io::Read;

use chrono::NaiveDate;

use super::rfm::Transaction;

/// Why a transactions file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TransactionsError {
    #[error("line {line}: {reason}")]
    BadRow { line: u64, reason: String },
    #[error("the file has no transaction rows")]
    Empty,
    #[error("could not read the CSV: {0}")]
    Unreadable(#[from] csv::Error),
}

impl TransactionsError {
    /// Stable snake_case code the UI can switch on.
    pub fn code(&self) -> &'static str {
        match self {
            TransactionsError::BadRow { .. } => "bad_row",
            TransactionsError::Empty => "no_transactions",
            TransactionsError::Unreadable(_) => "csv_unreadable",
        }
    }
}

/// Parses `YYYY-MM-DD`, or the leading `YYYY-MM-DD` of a timestamp.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let day = match text.char_indices().nth(10) {
        Some((i, c)) if c == 'T' || c == ' ' => &text[..i],
        Some(_) => return None,
        None => text,
    };
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .filter(|_| day.len() == 10)
}

/// Reads every row of a `customer_id,date,amount` CSV.
pub fn read_csv<R: Read>(input: R) -> Result<Vec<Transaction>, TransactionsError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let mut columns = [0usize, 1, 2];
    let mut out = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record?;
        let line = record.position().map_or(index as u64 + 1, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if index == 0
            && let Some(found) = header_columns(&record)
        {
            columns = found;
            continue;
        }
        let field = |i: usize| record.get(columns[i]).unwrap_or("");
        if record.len() < 3 {
            return Err(bad(
                line,
                format!(
                    "expected 3 fields (customer_id,date,amount), found {}",
                    record.len()
                ),
            ));
        }
        let customer_id = field(0);
        if customer_id.is_empty() {
            return Err(bad(line, "customer_id is empty".into()));
        }
        let date = parse_date(field(1))
            .ok_or_else(|| bad(line, format!("date {:?} is not YYYY-MM-DD", field(1))))?;
        let amount: f64 = field(2)
            .parse()
            .ok()
            .filter(|a: &f64| a.is_finite())
            .ok_or_else(|| bad(line, format!("amount {:?} is not a number", field(2))))?;
        out.push(Transaction {
            customer_id: customer_id.to_string(),
            date,
            amount,
        });
    }
    if out.is_empty() {
        return Err(TransactionsError::Empty);
    }
    Ok(out)
}

fn bad(line: u64, reason: String) -> TransactionsError {
    TransactionsError::BadRow { line, reason }
}

fn header_columns(record: &csv::StringRecord) -> Option<[usize; 3]> {
    let find = |name: &str| record.iter().position(|f| f.eq_ignore_ascii_case(name));
    Some([find("customer_id")?, find("date")?, find("amount")?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_with_a_header_in_any_column_order() {
        let csv = "amount,customer_id,date\n12.5,c1,2024-01-02\n-3,c2,2024-01-03T09:30:00Z\n";
        let rows = read_csv(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            Transaction {
                customer_id: "c1".into(),
                date: "2024-01-02".parse().unwrap(),
                amount: 12.5
            }
        );
        assert_eq!(rows[1].date, "2024-01-03".parse::<NaiveDate>().unwrap());
        assert_eq!(rows[1].amount, -3.0);
    }

    #[test]
    fn reads_rows_without_a_header() {
        let rows = read_csv("c1,2024-01-02,5\nc1,2024-01-02 18:00,7\n".as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].date, rows[0].date);
    }

    #[test]
    fn a_bad_date_names_its_line() {
        let err =
            read_csv("customer_id,date,amount\nc1,2024-01-02,5\nc2,02/01/2024,7\n".as_bytes())
                .unwrap_err();
        assert_eq!(err.code(), "bad_row");
        assert!(err.to_string().starts_with("line 3:"), "{err}");
        assert!(err.to_string().contains("02/01/2024"), "{err}");
    }

    #[test]
    fn a_bad_amount_or_short_row_names_its_line() {
        let err = read_csv("c1,2024-01-02,five\n".as_bytes()).unwrap_err();
        assert!(
            err.to_string().starts_with("line 1:") && err.to_string().contains("five"),
            "{err}"
        );
        let err = read_csv("c1,2024-01-02,5\nc1,2024-01-03\n".as_bytes()).unwrap_err();
        assert!(err.to_string().starts_with("line 2:"), "{err}");
        let err = read_csv("c1,2024-01-02,NaN\n".as_bytes()).unwrap_err();
        assert!(err.to_string().starts_with("line 1:"), "{err}");
    }

    #[test]
    fn an_impossible_date_is_refused() {
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-1-2"), None);
        assert_eq!(parse_date("2024-01-02x"), None);
        assert!(parse_date("2024-02-29").is_some());
    }

    #[test]
    fn a_file_with_only_a_header_is_empty() {
        assert_eq!(
            read_csv("customer_id,date,amount\n".as_bytes())
                .unwrap_err()
                .code(),
            "no_transactions"
        );
    }
}
