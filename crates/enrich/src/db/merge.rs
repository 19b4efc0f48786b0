//! An accepted match becomes enrichment records: the upload row's notes, tags, external id and
//! last visit, plus any birthday, email or phone that Square does not already have for the
//! customer. Each record carries the upload and match it came from and the provenance
//! `spreadsheet_import`. The `customers` row itself is never written.

use super::customers::{self, CustomerRow};
use crate::error::Result;
use crate::normalize::Record;
use rusqlite::{Connection, params};

/// One enrichment record to write: `(kind, value)`.
pub type Addition = (&'static str, String);

/// What the upload row adds to the customer, in a stable order, without repeats.
pub fn additions(row: &Record, customer: &CustomerRow) -> Vec<Addition> {
    let mut out: Vec<Addition> = Vec::new();
    let mut push = |kind: &'static str, value: String| {
        if !value.trim().is_empty() && !out.iter().any(|(k, v)| *k == kind && *v == value) {
            out.push((kind, value));
        }
    };
    for n in &row.notes {
        push("note", n.clone());
    }
    for t in &row.tags {
        push("tag", t.clone());
    }
    if let Some(id) = &row.external_id {
        push("external_id", id.clone());
    }
    if let Some(v) = row.last_visit {
        push("last_visit", v.to_string());
    }
    if let Some(b) = row.birthday {
        let square = customer.birthday.as_deref().and_then(customers::birthday);
        if square != Some(b) {
            push("birthday", b.to_string());
        }
    }
    let square_email = customer.email.as_deref().map(str::to_lowercase);
    for e in &row.emails {
        if square_email.as_deref() != Some(e.as_str()) {
            push("email", e.clone());
        }
    }
    for p in &row.phones {
        if customer.phone.as_deref() != Some(p.as_str()) {
            push("phone", p.clone());
        }
    }
    out
}

/// Writes the additions of match `match_id`; returns how many records were written.
pub fn write(
    conn: &Connection,
    upload_id: i64,
    match_id: i64,
    customer_id: &str,
    additions: &[Addition],
    now: &str,
) -> Result<usize> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO customer_enrichments
            (customer_id, kind, value, upload_id, match_id, created_at, provenance)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'spreadsheet_import')",
    )?;
    for (kind, value) in additions {
        stmt.execute(params![customer_id, kind, value, upload_id, match_id, now])?;
    }
    Ok(additions.len())
}

/// Accepts match `match_id` now: reads its row and customer and writes the enrichments.
pub fn apply(conn: &Connection, match_id: i64, now: &str) -> Result<usize> {
    let (upload_id, customer_id, record_json): (i64, String, String) = conn.query_row(
        "SELECT m.upload_id, m.customer_id, r.record_json
           FROM upload_matches m
           JOIN upload_rows r ON r.upload_id = m.upload_id AND r.row_index = m.row_index
          WHERE m.id = ?1",
        [match_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let record: Record = serde_json::from_str(&record_json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })?;
    let customer = customers::one(conn, &customer_id)?.unwrap_or_else(|| CustomerRow {
        id: customer_id.clone(),
        ..CustomerRow::default()
    });
    write(
        conn,
        upload_id,
        match_id,
        &customer_id,
        &additions(&record, &customer),
        now,
    )
}

/// Removes the enrichments of match `match_id`; returns how many were removed.
pub fn remove(conn: &Connection, match_id: i64) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM customer_enrichments WHERE match_id = ?1",
        [match_id],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::PartialDate;

    #[test]
    fn only_what_square_lacks_is_added() {
        let customer = CustomerRow {
            id: "C1".into(),
            email: Some("ann@example.com".into()),
            phone: Some("+447700900123".into()),
            birthday: Some("1980-07-04".into()),
            ..CustomerRow::default()
        };
        let row = Record {
            emails: vec!["ann@example.com".into(), "ann@work.example".into()],
            phones: vec!["+447700900123".into()],
            birthday: Some(PartialDate {
                year: Some(1980),
                month: 7,
                day: 4,
            }),
            notes: vec!["Prefers mornings".into()],
            tags: vec!["vip".into(), "vip".into()],
            external_id: Some("MB-17".into()),
            ..Record::default()
        };
        assert_eq!(
            additions(&row, &customer),
            vec![
                ("note", "Prefers mornings".to_string()),
                ("tag", "vip".to_string()),
                ("external_id", "MB-17".to_string()),
                ("email", "ann@work.example".to_string()),
            ]
        );
    }
}
