//! One call from a file path to validated records: open, detect columns (with the caller's
//! overrides), normalise every row.

use crate::columns::{self, Field, Mapping};
use crate::error::Result;
use crate::normalize::{self, NormalizeOptions, Record};
use crate::read::{self, ReadOptions, SourceFormat};
use std::path::Path;

/// A file read into records.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// How the file was read.
    pub format: SourceFormat,
    /// 1-based header line, when the file has one.
    pub header_line: Option<usize>,
    /// The column mapping used.
    pub mapping: Mapping,
    /// One record per data row, in file order.
    pub records: Vec<Record>,
}

/// Reads `path` into records. `overrides` are `(column header or index, field)` pairs.
pub fn load(
    path: &Path,
    read_options: &ReadOptions,
    normalize: &NormalizeOptions,
    overrides: &[(String, Field)],
) -> Result<Loaded> {
    let sheet = read::open(path, read_options)?;
    let mut mapping = columns::detect(
        &sheet.headers,
        sheet.sample(),
        normalize.default_date_order(),
    );
    for (column, field) in overrides {
        mapping.set(column, *field)?;
    }
    mapping.ensure_usable()?;
    let format = sheet.format.clone();
    let header_line = sheet.header_line;
    let mut records = Vec::new();
    for row in sheet.rows() {
        records.push(normalize::record(&row?, &mapping, normalize));
    }
    Ok(Loaded {
        format,
        header_line,
        mapping,
        records,
    })
}
