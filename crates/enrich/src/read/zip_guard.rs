//! Zip-bomb guard: inspect an archive's central directory (declared sizes only, nothing is
//! inflated) before calamine opens it.

use crate::error::{EnrichError, Result};
use std::io::{Read, Seek};
use std::path::Path;

/// Limits applied to xlsx/xlsb/ods archives before they are opened.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ArchiveLimits {
    /// Largest total uncompressed size accepted.
    pub max_total_uncompressed: u64,
    /// Largest compression ratio accepted for an entry bigger than `ratio_applies_above`.
    pub max_entry_ratio: u64,
    /// Entries smaller than this are never rejected for their ratio.
    pub ratio_applies_above: u64,
    /// Largest number of entries accepted.
    pub max_entries: usize,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_total_uncompressed: 2 * 1024 * 1024 * 1024,
            max_entry_ratio: 200,
            ratio_applies_above: 8 * 1024 * 1024,
            max_entries: 10_000,
        }
    }
}

/// The kind of workbook a zip archive holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZipKind {
    /// Office Open XML workbook.
    Xlsx,
    /// Binary Office workbook.
    Xlsb,
    /// OpenDocument spreadsheet.
    Ods,
}

/// Checks the archive against `limits` and tells which workbook kind it holds.
pub fn inspect<R: Read + Seek>(path: &Path, reader: R, limits: &ArchiveLimits) -> Result<ZipKind> {
    let not_sheet = |detail: String| EnrichError::NotASpreadsheet {
        path: path.to_path_buf(),
        detail,
    };
    let bomb = |detail: String| EnrichError::ZipBomb {
        path: path.to_path_buf(),
        detail,
    };
    let mut archive =
        zip::ZipArchive::new(reader).map_err(|e| not_sheet(format!("broken zip archive: {e}")))?;
    if archive.len() > limits.max_entries {
        return Err(bomb(format!(
            "{} entries (limit {})",
            archive.len(),
            limits.max_entries
        )));
    }
    let mut total: u64 = 0;
    let mut kind = None;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| not_sheet(format!("broken zip entry: {e}")))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let size = entry.size();
        let compressed = entry.compressed_size().max(1);
        total = total.saturating_add(size);
        if size > limits.ratio_applies_above && size / compressed > limits.max_entry_ratio {
            return Err(bomb(format!(
                "entry {} expands {} times ({} bytes from {})",
                name,
                size / compressed,
                size,
                compressed
            )));
        }
        match name.as_str() {
            "xl/workbook.xml" => kind = Some(ZipKind::Xlsx),
            "xl/workbook.bin" => kind = Some(ZipKind::Xlsb),
            "content.xml" if kind.is_none() => kind = Some(ZipKind::Ods),
            _ => {}
        }
    }
    if total > limits.max_total_uncompressed {
        return Err(bomb(format!(
            "expands to {total} bytes (limit {})",
            limits.max_total_uncompressed
        )));
    }
    kind.ok_or_else(|| not_sheet("a zip archive with no workbook inside".into()))
}
