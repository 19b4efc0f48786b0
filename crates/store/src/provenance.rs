//! Where a normalized row came from. Every row records one.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Read from the seller's Square account.
    SquareSync,
    /// Merged from a spreadsheet the owner dropped onto the window.
    SpreadsheetImport,
    /// Taken from a review site (Google, Yelp, a review export).
    ReviewSource,
    /// Typed in by the owner.
    OwnerEdit,
}

impl Provenance {
    pub const ALL: [Provenance; 4] = [
        Provenance::SquareSync,
        Provenance::SpreadsheetImport,
        Provenance::ReviewSource,
        Provenance::OwnerEdit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::SquareSync => "square_sync",
            Provenance::SpreadsheetImport => "spreadsheet_import",
            Provenance::ReviewSource => "review_source",
            Provenance::OwnerEdit => "owner_edit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl ToSql for Provenance {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Provenance {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        Provenance::parse(s)
            .ok_or_else(|| FromSqlError::Other(format!("unknown provenance {s:?}").into()))
    }
}
