//! Spreadsheet input: recognise the format from the bytes (not the extension), guard against
//! encrypted files and zip bombs, find the header row, and stream data rows.
//!
//! CSV is streamed from disk (decoded on the fly when not UTF-8); workbooks are read through
//! calamine, which holds one sheet in memory. Only a small sample of rows is buffered for
//! column detection; the rest flows through [`Sheet::rows`].

pub mod csv_file;
pub mod encoding;
pub mod header;
pub mod workbook;
pub mod zip_guard;

use crate::error::{EnrichError, Result};
pub use csv_file::CsvFormat;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
pub use workbook::WorkbookKind;
pub use zip_guard::ArchiveLimits;

/// A source of `(line number, cells)` pairs, line numbers 1-based as the user sees them.
pub(crate) type LineSource = Box<dyn Iterator<Item = Result<(usize, Vec<String>)>> + Send>;

/// How to read a file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Sheet to read from a workbook (default: the first one).
    pub sheet: Option<String>,
    /// Zip-bomb limits for xlsx/xlsb/ods.
    pub limits: ArchiveLimits,
    /// Data rows buffered for column detection (default 1000 when 0).
    pub sample_rows: usize,
}

/// The format a file was read as.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceFormat {
    /// Delimited text.
    Csv(CsvFormat),
    /// A workbook and the sheet that was read.
    Workbook {
        /// Workbook format.
        format: WorkbookKind,
        /// Sheet read.
        sheet: String,
    },
}

/// One data row: its 0-based index among data rows (blank rows are skipped and not counted),
/// the 1-based line or sheet row it came from, and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// 0-based index among the data rows below the header.
    pub index: usize,
    /// 1-based line (CSV) or row (workbook) number.
    pub line: usize,
    /// Cell texts, trimmed.
    pub cells: Vec<String>,
}

/// An opened spreadsheet: headers, a buffered sample, and the remaining rows.
pub struct Sheet {
    /// File read.
    pub path: PathBuf,
    /// Format detected.
    pub format: SourceFormat,
    /// 1-based line of the header row; `None` when the file has no header row.
    pub header_line: Option<usize>,
    /// Column headers (`Column N` when the file has none).
    pub headers: Vec<String>,
    sample: Vec<RawRow>,
    rest: LineSource,
    next_index: usize,
}

impl std::fmt::Debug for Sheet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sheet")
            .field("path", &self.path)
            .field("format", &self.format)
            .field("header_line", &self.header_line)
            .field("headers", &self.headers)
            .field("sample_len", &self.sample.len())
            .finish()
    }
}

impl Sheet {
    /// The first data rows, for column detection.
    pub fn sample(&self) -> &[RawRow] {
        &self.sample
    }

    /// All data rows, the sample first, then the rest streamed from the file.
    pub fn rows(self) -> impl Iterator<Item = Result<RawRow>> {
        let mut next = self.next_index;
        let rest = self.rest.filter_map(move |item| match item {
            Ok((line, cells)) if is_blank(&cells) => {
                let _ = line;
                None
            }
            Ok((line, cells)) => {
                let row = RawRow {
                    index: next,
                    line,
                    cells,
                };
                next += 1;
                Some(Ok(row))
            }
            Err(e) => Some(Err(e)),
        });
        self.sample.into_iter().map(Ok).chain(rest)
    }
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.is_empty())
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Opens `path`, recognising CSV, XLSX, XLS, XLSB or ODS from its content.
pub fn open(path: &Path, options: &ReadOptions) -> Result<Sheet> {
    let io_err = |source| EnrichError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    let mut prefix = vec![0u8; 64 * 1024];
    let n = read_up_to(&mut file, &mut prefix).map_err(io_err)?;
    prefix.truncate(n);
    if prefix.is_empty() {
        return Err(EnrichError::Empty {
            path: path.to_path_buf(),
        });
    }
    let (format, source) = if prefix.starts_with(b"PK\x03\x04") {
        let kind = zip_guard::inspect(
            path,
            std::io::BufReader::new(File::open(path).map_err(io_err)?),
            &options.limits,
        )?;
        let kind = match kind {
            zip_guard::ZipKind::Xlsx => WorkbookKind::Xlsx,
            zip_guard::ZipKind::Xlsb => WorkbookKind::Xlsb,
            zip_guard::ZipKind::Ods => WorkbookKind::Ods,
        };
        open_workbook(path, kind, options)?
    } else if prefix.starts_with(&OLE_MAGIC) {
        if ole_is_encrypted_package(path)? {
            return Err(EnrichError::PasswordProtected {
                path: path.to_path_buf(),
            });
        }
        open_workbook(path, WorkbookKind::Xls, options)?
    } else if let Some(what) = known_binary(&prefix) {
        return Err(EnrichError::NotASpreadsheet {
            path: path.to_path_buf(),
            detail: format!("it is a {what} file"),
        });
    } else {
        let (fmt, source) = csv_file::open(path, &prefix)?;
        (SourceFormat::Csv(fmt), source)
    };
    assemble(path, format, source, options)
}

fn open_workbook(
    path: &Path,
    kind: WorkbookKind,
    options: &ReadOptions,
) -> Result<(SourceFormat, LineSource)> {
    let (sheet, source) = workbook::open(path, kind, options.sheet.as_deref())?;
    Ok((
        SourceFormat::Workbook {
            format: kind,
            sheet,
        },
        source,
    ))
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let k = file.read(&mut buf[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
}

/// An Office file encrypted with a password is a compound file holding an `EncryptedPackage`
/// stream (its directory entry names are UTF-16LE).
fn ole_is_encrypted_package(path: &Path) -> Result<bool> {
    let bytes = std::fs::read(path).map_err(|source| EnrichError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    Ok(bytes.windows(needle.len()).any(|w| w == needle.as_slice()))
}

fn known_binary(prefix: &[u8]) -> Option<&'static str> {
    const MAGICS: [(&[u8], &str); 8] = [
        (b"%PDF", "PDF"),
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"\x1F\x8B", "gzip"),
        (b"Rar!", "RAR archive"),
        (b"7z\xBC\xAF", "7-Zip archive"),
        (b"SQLite format 3", "SQLite database"),
    ];
    MAGICS
        .iter()
        .find(|(m, _)| prefix.starts_with(m))
        .map(|(_, what)| *what)
}

/// Rows examined when looking for the header.
const HEADER_SCAN: usize = 20;

fn assemble(
    path: &Path,
    format: SourceFormat,
    mut source: LineSource,
    options: &ReadOptions,
) -> Result<Sheet> {
    let mut head: Vec<(usize, Vec<String>)> = Vec::new();
    while head.len() < HEADER_SCAN {
        match source.next() {
            Some(Ok((line, cells))) if !is_blank(&cells) => head.push((line, cells)),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e),
            None => break,
        }
    }
    if head.is_empty() {
        return Err(EnrichError::Empty {
            path: path.to_path_buf(),
        });
    }
    let cells: Vec<Vec<String>> = head.iter().map(|(_, c)| c.clone()).collect();
    let header_at = header::detect(&cells);
    let width = cells.iter().map(Vec::len).max().unwrap_or(0);
    let (header_line, headers, data_start) = match header_at {
        Some(i) => {
            let mut h = head[i].1.clone();
            h.resize(h.len().max(width), String::new());
            for (k, name) in h.iter_mut().enumerate() {
                if name.is_empty() {
                    *name = format!("Column {}", k + 1);
                }
            }
            (Some(head[i].0), h, i + 1)
        }
        None => (
            None,
            (1..=width).map(|k| format!("Column {k}")).collect(),
            0,
        ),
    };
    let want = if options.sample_rows == 0 {
        1000
    } else {
        options.sample_rows
    };
    let mut sample: Vec<RawRow> = Vec::new();
    for (line, cells) in head.into_iter().skip(data_start) {
        sample.push(RawRow {
            index: sample.len(),
            line,
            cells,
        });
    }
    while sample.len() < want {
        match source.next() {
            Some(Ok((line, cells))) if !is_blank(&cells) => sample.push(RawRow {
                index: sample.len(),
                line,
                cells,
            }),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e),
            None => break,
        }
    }
    if sample.is_empty() {
        return Err(EnrichError::Empty {
            path: path.to_path_buf(),
        });
    }
    let next_index = sample.len();
    Ok(Sheet {
        path: path.to_path_buf(),
        format,
        header_line,
        headers,
        sample,
        rest: source,
        next_index,
    })
}
