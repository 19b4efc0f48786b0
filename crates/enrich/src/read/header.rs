//! Header-row detection: title rows and blank lines above the real header are skipped.

use crate::columns;

/// Index (into `rows`) of the header row, or `None` when the rows are all data.
///
/// The header is the row with the most cells that are known column names; with no known name
/// anywhere, the first row of at least two text cells, none of which looks like data, followed
/// by a row that does contain data.
pub fn detect(rows: &[Vec<String>]) -> Option<usize> {
    let width = rows.iter().map(|r| nonempty(r)).max().unwrap_or(0);
    let mut best: Option<(usize, usize)> = None;
    for (i, row) in rows.iter().enumerate() {
        if nonempty(row) < 2.min(width) {
            continue;
        }
        let hits = row
            .iter()
            .filter(|c| columns::header_field(c).is_some())
            .count();
        if hits > 0 && best.is_none_or(|(_, h)| hits > h) {
            best = Some((i, hits));
        }
    }
    if let Some((i, _)) = best {
        return Some(i);
    }
    let min_cells = 2.max(width.div_ceil(2)).min(width);
    for i in 0..rows.len().saturating_sub(1) {
        let row = &rows[i];
        if nonempty(row) >= min_cells
            && row
                .iter()
                .all(|c| c.is_empty() || !columns::looks_like_data(c))
            && rows[i + 1].iter().any(|c| columns::looks_like_data(c))
        {
            return Some(i);
        }
    }
    if rows.len() == 1 || rows[0].iter().any(|c| columns::looks_like_data(c)) {
        None
    } else {
        Some(0)
    }
}

fn nonempty(row: &[String]) -> usize {
    row.iter().filter(|c| !c.is_empty()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[&[&str]]) -> Vec<Vec<String>> {
        text.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn skips_title_rows_above_the_header() {
        let r = rows(&[
            &["Salon client list", "", ""],
            &["Exported 2024-03-01", "", ""],
            &["Client", "Mobile", "E-mail"],
            &["Ann Lee", "07700 900123", "ann@example.com"],
        ]);
        assert_eq!(detect(&r), Some(2));
    }

    #[test]
    fn unknown_headers_are_found_by_shape() {
        let r = rows(&[&["Who", "Reach on"], &["Ann Lee", "07700 900123"]]);
        assert_eq!(detect(&r), Some(0));
    }

    #[test]
    fn data_only_files_have_no_header() {
        let r = rows(&[
            &["Ann Lee", "ann@example.com"],
            &["Bob Ray", "bob@example.com"],
        ]);
        assert_eq!(detect(&r), None);
    }
}
