//! Cursor pagination as Square does it: an opaque cursor that encodes where the next page
//! starts and a hash of the original query, so a follow-up request with a changed query
//! (or a forged cursor) is a 400 `INVALID_CURSOR`. A page carries a cursor only when at
//! least one more matching object exists: never an empty page with a cursor.

use crate::errors::{ApiError, ApiResult};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::ops::Range;

/// Hash of a JSON request body, ignoring `cursor` and `limit` and key order.
pub fn hash_body(body: &Value) -> u64 {
    let mut canon = String::new();
    canonical(body, &mut canon, true);
    hash_str(&canon)
}

/// Hash of query-string pairs, ignoring `cursor` and `limit` and their order.
pub fn hash_pairs(pairs: &[(String, String)]) -> u64 {
    let mut kept: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k != "cursor" && k != "limit")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    kept.sort();
    hash_str(&kept.join("&"))
}

fn hash_str(s: &str) -> u64 {
    let d = Sha256::digest(s.as_bytes());
    u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

fn canonical(v: &Value, out: &mut String, top: bool) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m
                .keys()
                .filter(|k| !(top && (*k == "cursor" || *k == "limit")))
                .collect();
            keys.sort();
            out.push('{');
            for k in keys {
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                canonical(&m[k], out, false);
                out.push(',');
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for x in a {
                canonical(x, out, false);
                out.push(',');
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The opaque cursor for position `pos` of the query hashed as `hash`.
pub fn encode(pos: usize, hash: u64) -> String {
    format!("{:016x}{:016x}", (pos as u64) ^ hash.rotate_left(17), hash)
}

/// The position a cursor points at, if it belongs to the query hashed as `hash`.
pub fn decode(cursor: &str, hash: u64) -> ApiResult<usize> {
    if cursor.len() != 32 || !cursor.is_ascii() {
        return Err(ApiError::bad_cursor());
    }
    let a = u64::from_str_radix(&cursor[..16], 16).map_err(|_| ApiError::bad_cursor())?;
    let h = u64::from_str_radix(&cursor[16..], 16).map_err(|_| ApiError::bad_cursor())?;
    if h != hash {
        return Err(ApiError::bad_cursor());
    }
    Ok((a ^ hash.rotate_left(17)) as usize)
}

/// One page: positions of the matches, and where the next page starts if any.
#[derive(Debug, PartialEq, Eq)]
pub struct Page {
    pub items: Vec<usize>,
    pub next: Option<usize>,
}

/// Walks `range` (ascending, or descending when `desc`) from `start` (a decoded cursor,
/// or the range's first position), collecting up to `limit` positions that satisfy
/// `matches`; `next` is set only if another match exists after the page.
pub fn scan(
    range: Range<usize>,
    desc: bool,
    start: Option<usize>,
    limit: usize,
    mut matches: impl FnMut(usize) -> bool,
) -> ApiResult<Page> {
    if let Some(s) = start
        && !range.contains(&s)
    {
        return Err(ApiError::bad_cursor());
    }
    let mut items = Vec::with_capacity(limit.min(1024));
    let positions: Box<dyn Iterator<Item = usize>> = if desc {
        let top = start.map_or(range.end, |s| s + 1);
        Box::new((range.start..top).rev())
    } else {
        Box::new(start.unwrap_or(range.start)..range.end)
    };
    for pos in positions {
        if !matches(pos) {
            continue;
        }
        if items.len() == limit {
            return Ok(Page {
                items,
                next: Some(pos),
            });
        }
        items.push(pos);
    }
    Ok(Page { items, next: None })
}

/// Reads and validates `limit` against `[min, max]` with Square's error codes.
pub fn strict_limit(raw: Option<i64>, default: usize, min: i64, max: i64) -> ApiResult<usize> {
    match raw {
        None => Ok(default),
        Some(n) if n < min => Err(ApiError::invalid(
            "VALUE_TOO_LOW",
            format!("`limit` must be at least {min}; got {n}."),
        )
        .field("limit")),
        Some(n) if n > max => Err(ApiError::invalid(
            "VALUE_TOO_HIGH",
            format!("`limit` must be at most {max}; got {n}."),
        )
        .field("limit")),
        Some(n) => Ok(n as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_only_for_its_own_query() {
        let h = hash_pairs(&[("begin_time".into(), "2025-01-01T00:00:00Z".into())]);
        let c = encode(42, h);
        assert_eq!(decode(&c, h).unwrap(), 42);
        let other = hash_pairs(&[("begin_time".into(), "2025-02-01T00:00:00Z".into())]);
        assert_eq!(
            decode(&c, other).unwrap_err().errors[0].code,
            "INVALID_CURSOR"
        );
        assert!(decode("garbage", h).is_err());
    }

    #[test]
    fn body_hash_ignores_cursor_limit_and_key_order() {
        let a: Value = serde_json::from_str(r#"{"limit":5,"query":{"a":1,"b":[1,2]}}"#).unwrap();
        let b: Value =
            serde_json::from_str(r#"{"query":{"b":[1,2],"a":1},"cursor":"x","limit":9}"#).unwrap();
        let c: Value = serde_json::from_str(r#"{"query":{"b":[2,1],"a":1}}"#).unwrap();
        assert_eq!(hash_body(&a), hash_body(&b));
        assert_ne!(hash_body(&a), hash_body(&c));
    }

    #[test]
    fn scan_never_leaves_a_cursor_when_no_match_follows() {
        // Matches at 0, 1 and 9 of 0..10; pages of 2.
        let m = |p: usize| p <= 1 || p == 9;
        let first = scan(0..10, false, None, 2, m).unwrap();
        assert_eq!(
            first,
            Page {
                items: vec![0, 1],
                next: Some(9)
            }
        );
        let second = scan(0..10, false, first.next, 2, m).unwrap();
        assert_eq!(
            second,
            Page {
                items: vec![9],
                next: None
            }
        );
        let exact = scan(0..10, false, None, 3, m).unwrap();
        assert_eq!(exact.next, None);
    }

    #[test]
    fn scan_descending_walks_from_the_top() {
        let page = scan(2..6, true, None, 3, |_| true).unwrap();
        assert_eq!(
            page,
            Page {
                items: vec![5, 4, 3],
                next: Some(2)
            }
        );
        let rest = scan(2..6, true, page.next, 3, |_| true).unwrap();
        assert_eq!(
            rest,
            Page {
                items: vec![2],
                next: None
            }
        );
        assert!(scan(2..6, true, Some(7), 3, |_| true).is_err());
    }

    #[test]
    fn strict_limit_reports_low_and_high() {
        assert_eq!(
            strict_limit(Some(0), 100, 1, 100).unwrap_err().errors[0].code,
            "VALUE_TOO_LOW"
        );
        assert_eq!(
            strict_limit(Some(101), 100, 1, 100).unwrap_err().errors[0].code,
            "VALUE_TOO_HIGH"
        );
        assert_eq!(strict_limit(None, 100, 1, 100).unwrap(), 100);
    }
}
