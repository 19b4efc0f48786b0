//! Hybrid customer search: FTS5 BM25 over the context documents fused with cosine similarity
//! of the stored vectors by reciprocal rank fusion, under filters (lapsed, service, staff,
//! minimum lifetime value), and ordered by what the query was understood to ask
//! ([`crate::understand`]): customers meeting more of its conditions first, then by the order
//! it names (spend, cadence, ...), then by the fused rank. Without the model it is keyword
//! search with the same understanding, and the result says that semantic search is off and
//! why.

use crate::error::Result;
use crate::fuse::{RRF_K, weighted_reciprocal_rank_fusion};
use crate::model::Embedder;
use crate::profile::Profiles;
use crate::understand::{Understanding, understand};
use crate::vectors::VectorCache;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Filters applied to both rankings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SearchFilters {
    /// Only lapsed (`true`) or only not lapsed (`false`) customers.
    pub lapsed: Option<bool>,
    /// A service name (case-insensitive substring of one the customer bought).
    pub service: Option<String>,
    /// A staff name (case-insensitive substring of one who served the customer).
    pub staff: Option<String>,
    /// Minimum lifetime value in minor units.
    pub min_value: Option<i64>,
}

/// Whether the semantic half of the search can run.
pub enum Semantic<'a> {
    On(&'a mut Embedder),
    /// Off, with the reason shown to the user.
    Off(String),
}

/// Which rankings produced the results.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SearchMode {
    Hybrid,
    KeywordOnly,
    SemanticOnly,
}

/// One matching customer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchHit {
    pub customer_id: String,
    pub display_name: String,
    /// Conditions of the query met plus the fused score (higher is better).
    pub score: f64,
    /// 1-based rank in the keyword (BM25) list, if present there.
    pub keyword_rank: Option<usize>,
    /// 1-based rank in the semantic list, if present there.
    pub semantic_rank: Option<usize>,
    /// Cosine similarity to the query, when semantic search ran.
    pub similarity: Option<f32>,
    pub lapsed: bool,
    pub lifetime_value: i64,
    pub currency: Option<String>,
    pub last_visit: Option<String>,
    /// The start of the context document.
    pub excerpt: String,
}

/// A search's results and how they were found.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchResults {
    pub query: String,
    pub mode: SearchMode,
    pub semantic_enabled: bool,
    /// Why semantic search is off (`None` when it ran).
    pub semantic_off_reason: Option<String>,
    pub hits: Vec<SearchHit>,
}

/// The semantic list's weight in the fusion (the keyword list's is 1). The cosine ranking of
/// whole-customer documents is much less precise than BM25 on the salon evaluation
/// (`examples/search_eval/`: recall@10 0.43 against 0.86), and at equal weight it displaced
/// right keyword hits (hybrid 0.69). At 0.1 a semantic-only hit never displaces one of the 50
/// keyword hits read, but it fills the list when keywords find little (paraphrases such as
/// "getting married soon" for a note saying "wedding") and lifts customers both lists hold
/// (hybrid 0.87). The evaluation sweeps this weight; it was chosen on that same query set.
pub const SEMANTIC_WEIGHT: f64 = 0.1;

/// Which rankings to use (the hybrid is the default; the others exist for evaluation and
/// are the bare lists: BM25 alone, cosine alone, without query understanding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rankings {
    Hybrid,
    KeywordOnly,
    SemanticOnly,
}

const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "the",
    "of",
    "to",
    "in",
    "on",
    "for",
    "with",
    "who",
    "whose",
    "that",
    "which",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "their",
    "they",
    "them",
    "my",
    "our",
    "at",
    "by",
    "from",
    "or",
    "as",
    "it",
    "its",
    "clients",
    "client",
    "customers",
    "customer",
    "people",
    "me",
    "show",
    "find",
    "all",
    "any",
];

/// A word the keyword search leaves out (query understanding's filler words include these).
pub(crate) fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// The FTS5 query for free text: its words, quoted and OR-ed (BM25 ranks by how many and how
/// rare). `None` when no searchable word remains.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(&w.as_str()))
        .map(|w| format!("\"{w}\""))
        .collect();
    (!words.is_empty()).then(|| words.join(" OR "))
}

const FILTER_SQL: &str = "(?2 IS NULL OR d.lapsed = ?2) \
     AND (?3 IS NULL OR instr(d.services, ?3) > 0) \
     AND (?4 IS NULL OR instr(d.staff, ?4) > 0) \
     AND (?5 IS NULL OR d.lifetime_value >= ?5)";

fn lower(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
}

/// Keyword ranking: customer rowids by BM25, best first.
fn keyword_ranking(
    conn: &Connection,
    query: &str,
    filters: &SearchFilters,
    depth: usize,
) -> Result<Vec<i64>> {
    let Some(fts) = fts_query(query) else {
        return Ok(vec![]);
    };
    if filters == &SearchFilters::default() {
        // Without filters the FTS index alone answers: joining the documents would read every
        // matching row (text and vector) just to pass it.
        let mut stmt = conn.prepare_cached(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1 \
             ORDER BY bm25(search_fts) LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![fts, depth as i64], |r| r.get(0))?;
        return Ok(rows.collect::<rusqlite::Result<_>>()?);
    }
    let sql = format!(
        "SELECT d.rowid FROM search_fts f JOIN search_documents d ON d.rowid = f.rowid \
         WHERE search_fts MATCH ?1 AND {FILTER_SQL} ORDER BY bm25(search_fts) LIMIT ?6"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            fts,
            filters.lapsed,
            lower(&filters.service),
            lower(&filters.staff),
            filters.min_value,
            depth as i64
        ],
        |r| r.get(0),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The rowids passing `filters`, or `None` when no filter is set (everyone passes).
fn filtered_rowids(conn: &Connection, filters: &SearchFilters) -> Result<Option<HashSet<i64>>> {
    if filters == &SearchFilters::default() {
        return Ok(None);
    }
    let sql = format!("SELECT d.rowid FROM search_documents d WHERE ?1 IS NULL AND {FILTER_SQL}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            Option::<i64>::None,
            filters.lapsed,
            lower(&filters.service),
            lower(&filters.staff),
            filters.min_value
        ],
        |r| r.get(0),
    )?;
    Ok(Some(rows.collect::<rusqlite::Result<_>>()?))
}

/// Semantic ranking: customer rowids by cosine to `query_vector`, best first, from the vectors
/// in `cache` (synchronised with the database first).
fn semantic_ranking(
    conn: &Connection,
    cache: &mut VectorCache,
    model_id: &str,
    query_vector: &[f32],
    filters: &SearchFilters,
    depth: usize,
) -> Result<Vec<(i64, f32)>> {
    cache.sync(conn, model_id)?;
    Ok(match filtered_rowids(conn, filters)? {
        None => cache.nearest(query_vector, depth, |_| true),
        Some(allowed) => cache.nearest(query_vector, depth, |id| allowed.contains(&id)),
    })
}

/// What one search asks: the text, how many hits, filters, which rankings (use
/// [`Rankings::Hybrid`]) and the `now` that times in the query ("since spring") and statuses
/// are relative to.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pub text: &'a str,
    pub limit: usize,
    pub filters: &'a SearchFilters,
    pub rankings: Rankings,
    pub now: DateTime<Utc>,
}

/// Searches the customers. Reads the vectors and profiles for this one search; a caller that
/// searches repeatedly keeps a [`VectorCache`] and calls [`search_cached`].
pub fn search(
    conn: &Connection,
    semantic: Semantic<'_>,
    query: Query<'_>,
) -> Result<SearchResults> {
    search_cached(conn, semantic, &mut VectorCache::new(), query)
}

/// Orders the customers by what the query was understood to ask: those meeting more
/// conditions first, then by the order it names, then by the fused rank; customers the
/// conditions do not touch keep their fused order after them. `allowed` are the rowids the
/// filters let through (`None`: all). Only the first `limit` are ordered exactly.
fn understood_order(
    understanding: &Understanding,
    profiles: &Profiles,
    now: DateTime<Utc>,
    fused: Vec<(i64, f64)>,
    allowed: Option<&HashSet<i64>>,
    limit: usize,
) -> Vec<(i64, f64)> {
    let fused_at: HashMap<i64, (usize, f64)> = fused
        .iter()
        .enumerate()
        .map(|(i, (id, s))| (*id, (i, *s)))
        .collect();
    let mut met: Vec<(i64, usize, f64, usize, f64)> = profiles
        .rows
        .iter()
        .filter(|(id, _)| allowed.is_none_or(|a| a.contains(id)))
        .filter_map(|(id, p)| {
            let n = understanding.met(p, now);
            let (rank, score) = fused_at.get(id).copied().unwrap_or((usize::MAX, 0.0));
            (n > 0).then(|| (*id, n, understanding.key(p), rank, score))
        })
        .collect();
    let order = |a: &(i64, usize, f64, usize, f64), b: &(i64, usize, f64, usize, f64)| {
        b.1.cmp(&a.1)
            .then(a.2.total_cmp(&b.2))
            .then(a.3.cmp(&b.3))
            .then(a.0.cmp(&b.0))
    };
    // Only the first `limit` are shown: select them, then sort those.
    if met.len() > limit {
        met.select_nth_unstable_by(limit, order);
        met.truncate(limit);
    }
    met.sort_by(order);
    let placed: HashSet<i64> = met.iter().map(|m| m.0).collect();
    met.into_iter()
        .map(|(id, n, _, _, score)| (id, n as f64 + score))
        .chain(fused.into_iter().filter(|(id, _)| !placed.contains(id)))
        .collect()
}

/// [`search`] with the vectors and profiles kept in `cache` between calls (reloaded only
/// after a change).
pub fn search_cached(
    conn: &Connection,
    semantic: Semantic<'_>,
    cache: &mut VectorCache,
    q: Query<'_>,
) -> Result<SearchResults> {
    let Query {
        text: query,
        limit,
        filters,
        rankings,
        now,
    } = q;
    let limit = limit.max(1);
    let depth = (limit * 5).max(50);
    // The cache knows how many current vectors there are once synchronised (a cheap check of
    // the generation counter when nothing changed); counting them in SQL would read every
    // document row on every search.
    let embedded = match &semantic {
        Semantic::On(e) => {
            cache.sync(conn, e.model_id())?;
            cache.len()
        }
        Semantic::Off(_) => 0,
    };
    let (mut embedder, off_reason) = match semantic {
        Semantic::On(_) if embedded == 0 => (
            None,
            Some("no customer documents are embedded yet (run `keeper embed`)".to_string()),
        ),
        Semantic::On(e) => (Some(e), None),
        Semantic::Off(reason) => (None, Some(reason)),
    };
    let keyword = if rankings == Rankings::SemanticOnly && embedder.is_some() {
        vec![]
    } else {
        keyword_ranking(conn, query, filters, depth)?
    };
    let semantic_list = match embedder.as_mut() {
        Some(e) if rankings != Rankings::KeywordOnly => {
            let v = e.embed_query(query)?;
            semantic_ranking(conn, cache, e.model_id(), &v, filters, depth)?
        }
        _ => vec![],
    };
    let semantic_ids: Vec<i64> = semantic_list.iter().map(|(id, _)| *id).collect();
    let mut fused = weighted_reciprocal_rank_fusion(
        &[
            (keyword.as_slice(), 1.0),
            (semantic_ids.as_slice(), SEMANTIC_WEIGHT),
        ],
        RRF_K,
    );
    if rankings == Rankings::Hybrid {
        let allowed = filtered_rowids(conn, filters)?;
        let profiles = cache.sync_profiles(conn)?;
        let understanding = understand(query, &profiles.vocabulary, now);
        if !understanding.is_empty() {
            fused = understood_order(
                &understanding,
                profiles,
                now,
                fused,
                allowed.as_ref(),
                limit,
            );
        }
    }
    let keyword_rank: HashMap<i64, usize> = keyword
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i + 1))
        .collect();
    let semantic_rank: HashMap<i64, (usize, f32)> = semantic_list
        .iter()
        .enumerate()
        .map(|(i, (id, s))| (*id, (i + 1, *s)))
        .collect();

    let mut hits = Vec::with_capacity(limit);
    let mut stmt = conn.prepare_cached(
        "SELECT customer_id, display_name, lapsed, lifetime_value, currency, last_visit, text \
         FROM search_documents WHERE rowid = ?1",
    )?;
    for (rowid, score) in fused.into_iter().take(limit) {
        let hit = stmt.query_row([rowid], |r| {
            let text: String = r.get(6)?;
            Ok(SearchHit {
                customer_id: r.get(0)?,
                display_name: r.get(1)?,
                score,
                keyword_rank: keyword_rank.get(&rowid).copied(),
                semantic_rank: semantic_rank.get(&rowid).map(|(r, _)| *r),
                similarity: semantic_rank.get(&rowid).map(|(_, s)| *s),
                lapsed: r.get(2)?,
                lifetime_value: r.get(3)?,
                currency: r.get(4)?,
                last_visit: r.get(5)?,
                excerpt: text.chars().take(200).collect(),
            })
        })?;
        hits.push(hit);
    }
    let semantic_enabled = embedder.is_some();
    let mode = match (semantic_enabled, rankings) {
        (false, _) | (true, Rankings::KeywordOnly) => SearchMode::KeywordOnly,
        (true, Rankings::SemanticOnly) => SearchMode::SemanticOnly,
        (true, Rankings::Hybrid) => SearchMode::Hybrid,
    };
    Ok(SearchResults {
        query: query.to_string(),
        mode,
        semantic_enabled,
        semantic_off_reason: off_reason,
        hits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_query_quotes_words_and_drops_stop_words() {
        assert_eq!(
            fts_query("Clients who always add Olaplex!").as_deref(),
            Some("\"always\" OR \"add\" OR \"olaplex\"")
        );
        assert_eq!(fts_query("the, of; who"), None);
        // Quotes in the input cannot break out of the FTS5 string.
        assert_eq!(fts_query("a\"b").as_deref(), Some("\"b\""));
    }
}
