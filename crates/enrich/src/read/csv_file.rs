//! Delimited text files: encoding detection, delimiter sniffing, and a streaming row source.

use super::LineSource;
use super::encoding::{self, DecodingReader, TextEncoding};
use crate::error::{EnrichError, Result};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Delimiters Keeper tries, in order of preference when tied.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How a CSV file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CsvFormat {
    /// Detected text encoding.
    pub encoding: TextEncoding,
    /// Whether the file started with a byte-order mark.
    pub bom: bool,
    /// Detected delimiter.
    pub delimiter: char,
}

/// Opens a delimited text file whose first bytes are `prefix`.
pub(super) fn open(path: &Path, prefix: &[u8]) -> Result<(CsvFormat, LineSource)> {
    let detected = encoding::detect(prefix);
    let (text, _) = match detected.encoding {
        TextEncoding::Utf8 => {
            encoding_rs::UTF_8.decode_without_bom_handling(&prefix[detected.bom_len..])
        }
        TextEncoding::Utf16Le => {
            encoding_rs::UTF_16LE.decode_without_bom_handling(&prefix[detected.bom_len..])
        }
        TextEncoding::Utf16Be => {
            encoding_rs::UTF_16BE.decode_without_bom_handling(&prefix[detected.bom_len..])
        }
        TextEncoding::Windows1252 => {
            encoding_rs::WINDOWS_1252.decode_without_bom_handling(&prefix[detected.bom_len..])
        }
    };
    if looks_binary(&text) {
        return Err(EnrichError::NotASpreadsheet {
            path: path.to_path_buf(),
            detail: "the file contains binary data, not text".into(),
        });
    }
    let delimiter = sniff_delimiter(&text);
    let io_err = |source| EnrichError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    file.seek(SeekFrom::Start(detected.bom_len as u64))
        .map_err(io_err)?;
    let reader: Box<dyn Read + Send> = match detected.encoding {
        TextEncoding::Utf8 => Box::new(BufReader::with_capacity(64 * 1024, file)),
        other => Box::new(DecodingReader::new(file, other)),
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(reader);
    let owned = path.to_path_buf();
    let mut record = csv::ByteRecord::new();
    let mut done = false;
    let source = std::iter::from_fn(move || {
        if done {
            return None;
        }
        match csv.read_byte_record(&mut record) {
            Ok(false) => {
                done = true;
                None
            }
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                let cells = record
                    .iter()
                    .map(|c| String::from_utf8_lossy(c).trim().to_string())
                    .collect();
                Some(Ok((line, cells)))
            }
            Err(e) => {
                done = true;
                Some(Err(EnrichError::Corrupt {
                    path: owned.clone(),
                    detail: e.to_string(),
                }))
            }
        }
    });
    let format = CsvFormat {
        encoding: detected.encoding,
        bom: detected.bom_len > 0,
        delimiter: delimiter as char,
    };
    Ok((format, Box::new(source)))
}

/// Text with control characters other than tab, CR and LF is not a CSV file.
fn looks_binary(text: &str) -> bool {
    let total = text.chars().count().max(1);
    let control = text
        .chars()
        .filter(|c| {
            (c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\u{0c}')) || *c == '\u{FFFD}'
        })
        .count();
    control * 20 > total
}

/// Picks the delimiter whose per-line count is most consistent (and highest) over the first lines.
///
/// Quoted sections are skipped. Lines above the header (titles) usually have no delimiter at all,
/// so the score is the number of lines sharing the most common non-zero count.
pub fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(50)
        .collect();
    // A prefix can end mid-line; drop the last line unless it is the only one.
    let lines = if lines.len() > 1 {
        &lines[..lines.len() - 1]
    } else {
        &lines[..]
    };
    let mut best = (b',', 0usize, 0usize);
    for &d in &DELIMITERS {
        let counts: Vec<usize> = lines.iter().map(|l| count_unquoted(l, d)).collect();
        let mut freq: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            *freq.entry(c).or_default() += 1;
        }
        let (mode, lines_agreeing) = freq
            .into_iter()
            .max_by_key(|&(count, n)| (n, count))
            .unwrap_or((0, 0));
        if (lines_agreeing, mode) > (best.1, best.2) {
            best = (d, lines_agreeing, mode);
        }
    }
    best.0
}

fn count_unquoted(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_delimiter() {
        for d in DELIMITERS {
            let ds = d as char;
            let text =
                format!("Name{ds}Phone{ds}Email\nAnn{ds}555{ds}a@b.co\nBob{ds}556{ds}b@b.co\n");
            assert_eq!(sniff_delimiter(&text), d, "delimiter {ds:?}");
        }
    }

    #[test]
    fn quoted_commas_do_not_fool_the_sniffer() {
        let text =
            "Name;Address\n\"Smith, Ann\";\"1 High St, Leeds\"\n\"Doe, Bob\";\"2 Low Rd, York\"\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn title_line_above_header_does_not_change_the_delimiter() {
        let text = "Client list, March\n\nName\tPhone\tEmail\nAnn\t555\ta@b.co\nBob\t556\tb@b.co\n";
        assert_eq!(sniff_delimiter(text), b'\t');
    }
}
