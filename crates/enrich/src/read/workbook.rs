//! Workbooks (XLSX, XLS, XLSB, ODS) through calamine: pick a sheet, turn cells into text.
//!
//! calamine materialises a sheet as one in-memory range; rows are converted to text lazily, so
//! only one copy of the cell data exists at a time.

use super::LineSource;
use crate::error::{EnrichError, Result};
use calamine::{Data, Ods, Range, Reader, Xls, Xlsb, Xlsx, open_workbook};
use std::path::Path;

/// The workbook formats calamine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkbookKind {
    /// Office Open XML.
    Xlsx,
    /// Excel 97-2003.
    Xls,
    /// Excel binary.
    Xlsb,
    /// OpenDocument.
    Ods,
}

/// Opens `sheet` (or the first sheet) and returns its name and rows.
pub(super) fn open(
    path: &Path,
    kind: WorkbookKind,
    sheet: Option<&str>,
) -> Result<(String, LineSource)> {
    let (name, range) = match kind {
        WorkbookKind::Xlsx => read_range::<Xlsx<_>>(path, sheet)?,
        WorkbookKind::Xls => read_range::<Xls<_>>(path, sheet)?,
        WorkbookKind::Xlsb => read_range::<Xlsb<_>>(path, sheet)?,
        WorkbookKind::Ods => read_range::<Ods<_>>(path, sheet)?,
    };
    let first_line = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let height = range.height();
    let mut i = 0;
    let source = std::iter::from_fn(move || {
        if i >= height {
            return None;
        }
        let row = &range[i];
        let mut cells: Vec<String> = std::iter::repeat_n(String::new(), first_col).collect();
        cells.extend(row.iter().map(cell_text));
        i += 1;
        Some(Ok((first_line + i, cells)))
    });
    Ok((name, Box::new(source)))
}

fn read_range<W>(path: &Path, sheet: Option<&str>) -> Result<(String, Range<Data>)>
where
    W: Reader<std::io::BufReader<std::fs::File>>,
    W::Error: std::fmt::Display,
{
    let mut wb: W = open_workbook(path).map_err(|e: W::Error| classify(path, &e.to_string()))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted || n.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| EnrichError::SheetNotFound {
                path: path.to_path_buf(),
                sheet: wanted.to_string(),
                available: names.join(", "),
            })?,
        None => names.first().cloned().ok_or_else(|| EnrichError::Empty {
            path: path.to_path_buf(),
        })?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| classify(path, &e.to_string()))?;
    Ok((name, range))
}

fn classify(path: &Path, message: &str) -> EnrichError {
    if message.to_ascii_lowercase().contains("password") {
        EnrichError::PasswordProtected {
            path: path.to_path_buf(),
        }
    } else {
        EnrichError::Corrupt {
            path: path.to_path_buf(),
            detail: message.to_string(),
        }
    }
}

/// Text of one cell: integers without ".0", dates as ISO `YYYY-MM-DD`.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if (hh, mm, ss) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}")
            }
        }
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}
