//! Reviews from an exported file: CSV with a header row, or JSON (an array of review objects,
//! or an object with a `reviews` array, e.g. Google's own JSON).
//!
//! Columns and keys are recognised by name, case- and punctuation-insensitively:
//! id (`id`, `review_id`, `reviewId`), author (`author`, `author_name`, `reviewer`, `name`,
//! `reviewer.displayName`, `user.name`), rating (`rating`, `stars`, `starRating`; 1–5 or
//! `ONE`…`FIVE`), text (`text`, `comment`, `review`, `body`, `content`), date (`date`,
//! `created_at`, `createTime`, `time_created`; RFC 3339, `YYYY-MM-DD HH:MM:SS` or
//! `YYYY-MM-DD`, read as UTC), `updated_at`/`updateTime`, reply (`owner_reply`, `reply`,
//! `response`, `reviewReply.comment`). Text and date are required.
//!
//! The whole file is parsed before anything is returned: one bad row fails the import with
//! its row number, so nothing is written. A row without an id gets a stable one from a hash
//! of its author, date and text, so importing the same file twice changes nothing.

use super::{Fetched, ReviewSource};
use crate::error::{Result, ReviewsError};
use crate::model::{RawReview, SourceKind};
use crate::source::google::stars;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use keeper_square::client::BoxFuture;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// An export on disk.
pub struct FileSource {
    pub path: PathBuf,
}

impl ReviewSource for FileSource {
    fn kind(&self) -> SourceKind {
        SourceKind::File
    }

    fn fetch(&self) -> BoxFuture<'_, Result<Fetched>> {
        Box::pin(async move {
            let reviews = read(&self.path)?;
            Ok(Fetched {
                source: SourceKind::File,
                total_reported: Some(reviews.len() as u64),
                reviews,
                pages: 1,
                note: None,
            })
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    Id,
    Author,
    Rating,
    Text,
    Created,
    Updated,
    Reply,
}

fn field_of(name: &str) -> Option<Field> {
    let key: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    Some(match key.as_str() {
        "id" | "reviewid" | "sourceid" => Field::Id,
        "author"
        | "authorname"
        | "reviewer"
        | "reviewername"
        | "name"
        | "displayname"
        | "reviewerdisplayname"
        | "username"
        | "customer" => Field::Author,
        "rating" | "stars" | "starrating" | "score" => Field::Rating,
        "text" | "comment" | "review" | "body" | "content" | "reviewtext" => Field::Text,
        "date" | "createdat" | "createtime" | "timecreated" | "created" | "reviewdate" => {
            Field::Created
        }
        "updatedat" | "updatetime" | "updated" => Field::Updated,
        "ownerreply" | "reply" | "response" | "reviewreply" | "reviewreplycomment" => Field::Reply,
        _ => return None,
    })
}

/// Reads and validates every review in `path` (CSV or JSON by extension, else by content).
pub fn read(path: &Path) -> Result<Vec<RawReview>> {
    let bytes = std::fs::read(path).map_err(|e| ReviewsError::File {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    let bad = |detail: String| ReviewsError::BadFile {
        path: path.display().to_string(),
        detail,
    };
    let text = String::from_utf8(bytes).map_err(|_| bad("the file is not UTF-8 text".into()))?;
    let text = text.trim_start_matches('\u{feff}');
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let is_json = ext == "json" || (ext != "csv" && text.trim_start().starts_with(['[', '{']));
    let rows = if is_json {
        json_rows(text).map_err(bad)?
    } else {
        csv_rows(text).map_err(bad)?
    };
    if rows.is_empty() {
        return Err(bad("it holds no reviews".into()));
    }
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| to_review(r).map_err(|e| bad(format!("review {}: {e}", i + 1))))
        .collect()
}

type Row = HashMap<&'static str, String>;

fn key(f: Field) -> &'static str {
    match f {
        Field::Id => "id",
        Field::Author => "author",
        Field::Rating => "rating",
        Field::Text => "text",
        Field::Created => "created",
        Field::Updated => "updated",
        Field::Reply => "reply",
    }
}

fn csv_rows(text: &str) -> std::result::Result<Vec<Row>, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| format!("bad CSV header: {e}"))?
        .clone();
    let fields: Vec<Option<Field>> = headers.iter().map(field_of).collect();
    for need in [Field::Text, Field::Created] {
        if !fields.contains(&Some(need)) {
            return Err(format!(
                "no {} column (found: {})",
                key(need),
                headers.iter().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    let mut rows = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("CSV row {}: {e}", n + 2))?;
        let mut row = Row::new();
        for (f, v) in fields.iter().zip(rec.iter()) {
            if let Some(f) = f
                && !v.trim().is_empty()
            {
                row.entry(key(*f)).or_insert_with(|| v.trim().to_owned());
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

fn json_rows(text: &str) -> std::result::Result<Vec<Row>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let items = match &v {
        Value::Array(a) => a,
        Value::Object(o) => match o.get("reviews") {
            Some(Value::Array(a)) => a,
            _ => return Err("a JSON object must have a \"reviews\" array".into()),
        },
        _ => return Err("expected an array of reviews".into()),
    };
    let mut rows = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let Value::Object(o) = item else {
            return Err(format!("review {} is not an object", n + 1));
        };
        let mut row = Row::new();
        for (k, val) in o {
            // Nested objects: reviewer.displayName, user.name, reviewReply.comment.
            let (f, s) = match val {
                Value::Object(inner) => {
                    let nested = ["displayName", "name", "comment"]
                        .iter()
                        .find_map(|n| inner.get(*n).and_then(Value::as_str));
                    (field_of(k), nested.map(str::to_owned))
                }
                Value::String(s) => (field_of(k), Some(s.clone())),
                Value::Number(x) => (field_of(k), Some(x.to_string())),
                _ => (None, None),
            };
            if let (Some(f), Some(s)) = (f, s)
                && !s.trim().is_empty()
            {
                row.entry(key(f)).or_insert_with(|| s.trim().to_owned());
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

fn parse_time(s: &str) -> std::result::Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Ok(Utc.from_utc_datetime(&t));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    Err(format!(
        "date {s:?} is not RFC 3339, YYYY-MM-DD HH:MM:SS or YYYY-MM-DD"
    ))
}

fn parse_rating(s: &str) -> std::result::Result<u8, String> {
    if let Some(r) = stars(&s.to_uppercase()) {
        return Ok(r);
    }
    let x: f64 = s
        .trim_end_matches(|c: char| c == '★' || c.is_whitespace())
        .parse()
        .map_err(|_| format!("rating {s:?} is not 1-5"))?;
    if (1.0..=5.0).contains(&x) {
        Ok(x.round() as u8)
    } else {
        Err(format!("rating {s:?} is not between 1 and 5"))
    }
}

fn to_review(mut r: Row) -> std::result::Result<RawReview, String> {
    let text = r.remove("text").ok_or("it has no text")?;
    let created_at = parse_time(&r.remove("created").ok_or("it has no date")?)?;
    let updated_at = r.remove("updated").map(|s| parse_time(&s)).transpose()?;
    let rating = r.remove("rating").map(|s| parse_rating(&s)).transpose()?;
    let author_name = r.remove("author");
    let source_id = match r.remove("id") {
        Some(id) => id,
        None => {
            let mut h = Sha256::new();
            h.update(author_name.as_deref().unwrap_or("").as_bytes());
            h.update([0]);
            h.update(created_at.to_rfc3339().as_bytes());
            h.update([0]);
            h.update(text.as_bytes());
            format!("h{}", &hex::encode(h.finalize())[..16])
        }
    };
    Ok(RawReview {
        source: SourceKind::File,
        source_id,
        author_name,
        rating,
        text,
        created_at,
        updated_at,
        owner_reply: r.remove("reply"),
        excerpt: false,
        url: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, body: &str) -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(name);
        std::fs::write(&p, body).unwrap();
        (d, p)
    }

    #[test]
    fn csv_with_aliased_headers_is_read() {
        let (_d, p) = write(
            "r.csv",
            "Review ID,Reviewer,Stars,Comment,Date,Owner Reply\n\
             a1,Jane Doe,5,\"Loved it, thanks!\",2025-05-01,Thank you\n\
             a2,Tom,TWO,Too slow,2025-05-02 10:00:00,\n",
        );
        let r = read(&p).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].source_id, "a1");
        assert_eq!(r[0].rating, Some(5));
        assert_eq!(r[0].text, "Loved it, thanks!");
        assert_eq!(r[0].owner_reply.as_deref(), Some("Thank you"));
        assert_eq!(r[1].rating, Some(2));
        assert_eq!(r[1].owner_reply, None);
    }

    #[test]
    fn json_in_googles_shape_is_read() {
        let (_d, p) = write(
            "r.json",
            r#"{"reviews":[{"reviewId":"g1","reviewer":{"displayName":"Ann Lee"},
               "starRating":"FOUR","comment":"Nice","createTime":"2025-04-01T10:00:00Z",
               "reviewReply":{"comment":"Thanks Ann"}}]}"#,
        );
        let r = read(&p).unwrap();
        assert_eq!(r[0].author_name.as_deref(), Some("Ann Lee"));
        assert_eq!(r[0].rating, Some(4));
        assert_eq!(r[0].owner_reply.as_deref(), Some("Thanks Ann"));
    }

    #[test]
    fn rows_without_ids_get_stable_ids() {
        let body = "author,rating,text,date\nAnn,5,Great,2025-01-01\n";
        let (_d, p) = write("r.csv", body);
        let a = read(&p).unwrap();
        let b = read(&p).unwrap();
        assert_eq!(a[0].source_id, b[0].source_id);
        assert!(a[0].source_id.starts_with('h'));
    }

    #[test]
    fn bad_files_fail_with_the_row_and_reason() {
        let cases = [
            ("a.csv", "author,rating\nAnn,5\n", "no text column"),
            (
                "b.csv",
                "text,date,rating\nok,2025-01-01,9\n",
                "review 1: rating \"9\"",
            ),
            (
                "c.csv",
                "text,date\nok,yesterday\n",
                "review 1: date \"yesterday\"",
            ),
            ("d.json", "{\"nope\": 1}", "\"reviews\" array"),
            ("e.json", "[1, 2]", "review 1 is not an object"),
            ("f.json", "[{\"text\": \"x\"", "invalid JSON"),
            ("g.csv", "text,date\n", "no reviews"),
        ];
        for (name, body, expect) in cases {
            let (_d, p) = write(name, body);
            let e = read(&p).unwrap_err();
            assert_eq!(e.code(), "bad_file", "{name}");
            assert!(e.to_string().contains(expect), "{name}: {e}");
        }
        let e = read(Path::new("/nonexistent/reviews.csv")).unwrap_err();
        assert_eq!(e.code(), "file_unreadable");
    }
}
