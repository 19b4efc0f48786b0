//! The `reviews` and `review_mentions` tables (migration 0007): upsert by (source,
//! source_id) with a content hash so an unchanged review is never rewritten and an edited one
//! is re-analysed; listing with mentions; per-staff sentiment; and the team, catalog and
//! customer names the analysis matches against.

use crate::analyze::{AnalyzedReview, Directory};
use crate::error::Result;
use crate::link::{CustomerIndex, CustomerName};
use crate::mentions::{ItemName, MentionIndex, TeamName};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Upserted {
    Inserted,
    Updated,
    Unchanged,
}

/// Counts of a batch of upserts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpsertCounts {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl UpsertCounts {
    pub fn add(&mut self, u: Upserted) {
        match u {
            Upserted::Inserted => self.inserted += 1,
            Upserted::Updated => self.updated += 1,
            Upserted::Unchanged => self.unchanged += 1,
        }
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Team members, catalog items and customers from the store (deleted items left out).
pub fn load_directory(conn: &Connection) -> Result<Directory> {
    let mut team = Vec::new();
    let mut st = conn.prepare(
        "SELECT id, COALESCE(given_name,''), COALESCE(family_name,'') FROM team_members",
    )?;
    for r in st.query_map([], |r| {
        Ok(TeamName {
            id: r.get(0)?,
            given_name: r.get(1)?,
            family_name: r.get(2)?,
        })
    })? {
        team.push(r?);
    }
    let mut items = Vec::new();
    let mut st = conn
        .prepare("SELECT id, name FROM catalog_items WHERE is_deleted = 0 AND name IS NOT NULL")?;
    for r in st.query_map([], |r| {
        Ok(ItemName {
            id: r.get(0)?,
            name: r.get(1)?,
        })
    })? {
        items.push(r?);
    }
    let mut customers = Vec::new();
    let mut st = conn.prepare(
        "SELECT id, given_name, family_name FROM customers \
         WHERE given_name IS NOT NULL AND family_name IS NOT NULL",
    )?;
    for r in st.query_map([], |r| {
        Ok(CustomerName {
            id: r.get(0)?,
            given_name: r.get(1)?,
            family_name: r.get(2)?,
        })
    })? {
        customers.push(r?);
    }
    Ok(Directory {
        mentions: MentionIndex::new(team, items),
        customers: CustomerIndex::new(customers),
    })
}

/// SHA-256 of the fields a source sends, so an edit (text, rating, reply) is detected.
pub fn content_hash(a: &AnalyzedReview) -> String {
    let json = serde_json::to_vec(&a.review).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(&json);
    // The method and the directory are part of the hash: a re-analysis with another method,
    // or after the team, catalog or customers changed, rewrites the row.
    h.update(a.method.name().as_bytes());
    h.update(a.directory.as_bytes());
    hex::encode(h.finalize())
}

/// Inserts or updates one analysed review and replaces its mentions, in one transaction.
/// A review whose content hash is unchanged is left as it is.
pub fn upsert(
    conn: &mut Connection,
    a: &AnalyzedReview,
    fetched_at: DateTime<Utc>,
) -> Result<Upserted> {
    let id = a.review.id();
    let hash = content_hash(a);
    let tx = conn.transaction()?;
    let existing: Option<Option<String>> = tx
        .query_row(
            "SELECT content_hash FROM reviews WHERE source = ?1 AND source_id = ?2",
            params![a.review.source.as_str(), a.review.source_id],
            |r| r.get(0),
        )
        .optional()?;
    let outcome = match &existing {
        Some(Some(h)) if *h == hash => return Ok(Upserted::Unchanged),
        Some(_) => Upserted::Updated,
        None => Upserted::Inserted,
    };
    let r = &a.review;
    tx.execute(
        "INSERT INTO reviews (id, source, source_id, author_name, rating, text, created_at, \
             updated_at, owner_reply, customer_id, sentiment, urgent, urgent_reason, fetched_at, \
             provenance, excerpt, url, sentiment_method, content_hash, customer_match) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'review_source', \
             ?15, ?16, ?17, ?18, ?19) \
         ON CONFLICT (source, source_id) DO UPDATE SET \
             author_name = excluded.author_name, rating = excluded.rating, text = excluded.text, \
             created_at = excluded.created_at, updated_at = excluded.updated_at, \
             owner_reply = excluded.owner_reply, customer_id = excluded.customer_id, \
             sentiment = excluded.sentiment, urgent = excluded.urgent, \
             urgent_reason = excluded.urgent_reason, fetched_at = excluded.fetched_at, \
             excerpt = excluded.excerpt, url = excluded.url, \
             sentiment_method = excluded.sentiment_method, content_hash = excluded.content_hash, \
             customer_match = excluded.customer_match",
        params![
            id,
            r.source.as_str(),
            r.source_id,
            r.author_name,
            r.rating,
            r.text,
            rfc3339(r.created_at),
            r.updated_at.map(rfc3339),
            r.owner_reply,
            a.customer.as_ref().map(|l| l.customer_id.clone()),
            a.sentiment,
            a.urgency.is_urgent() as i64,
            a.urgency.reason(),
            rfc3339(fetched_at),
            r.excerpt as i64,
            r.url,
            a.method.name(),
            hash,
            a.customer.as_ref().map(|l| l.rule),
        ],
    )?;
    tx.execute("DELETE FROM review_mentions WHERE review_id = ?1", [&id])?;
    for m in &a.mentions {
        tx.execute(
            "INSERT OR IGNORE INTO review_mentions (review_id, kind, target_id, matched, sentiment) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                m.mention.kind.as_str(),
                m.mention.target_id,
                m.mention.matched,
                m.sentiment
            ],
        )?;
    }
    tx.commit()?;
    Ok(outcome)
}

/// One stored mention, with the target's display name.
#[derive(Debug, Clone, Serialize)]
pub struct MentionRow {
    pub kind: String,
    pub target_id: String,
    pub target_name: Option<String>,
    pub matched: String,
    pub sentiment: Option<f64>,
}

/// One stored review with its mentions.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewRow {
    pub id: String,
    pub source: String,
    pub source_id: String,
    pub author_name: Option<String>,
    pub rating: Option<i64>,
    pub text: String,
    pub created_at: String,
    pub updated_at: Option<String>,
    pub owner_reply: Option<String>,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub sentiment: Option<f64>,
    pub urgent: bool,
    pub urgent_reason: Option<String>,
    pub excerpt: bool,
    pub url: Option<String>,
    pub mentions: Vec<MentionRow>,
}

/// Which reviews to list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub urgent_only: bool,
    pub source: Option<String>,
    pub limit: Option<usize>,
    /// Only this customer's reviews (read through the `reviews_customer` index).
    pub customer_id: Option<String>,
}

/// Reviews, newest first, with their mentions.
pub fn list(conn: &Connection, filter: &ListFilter) -> Result<Vec<ReviewRow>> {
    // A plain `customer_id = ?4` (not `?4 IS NULL OR …`) so SQLite can use the index.
    let customer = if filter.customer_id.is_some() {
        "r.customer_id = ?4"
    } else {
        "?4 IS NULL"
    };
    let mut st = conn.prepare_cached(&format!(
        "SELECT r.id, r.source, r.source_id, r.author_name, r.rating, r.text, r.created_at, \
                r.updated_at, r.owner_reply, r.customer_id, \
                TRIM(COALESCE(c.given_name,'') || ' ' || COALESCE(c.family_name,'')), \
                r.sentiment, r.urgent, r.urgent_reason, r.excerpt, r.url \
         FROM reviews r LEFT JOIN customers c ON c.id = r.customer_id \
         WHERE (?1 = 0 OR r.urgent = 1) AND (?2 IS NULL OR r.source = ?2) AND {customer} \
         ORDER BY r.created_at DESC, r.id LIMIT ?3"
    ))?;
    let limit = filter.limit.map(|l| l as i64).unwrap_or(-1);
    let mut rows: Vec<ReviewRow> = st
        .query_map(
            params![
                filter.urgent_only as i64,
                filter.source,
                limit,
                filter.customer_id
            ],
            |r| {
                Ok(ReviewRow {
                    id: r.get(0)?,
                    source: r.get(1)?,
                    source_id: r.get(2)?,
                    author_name: r.get(3)?,
                    rating: r.get(4)?,
                    text: r.get(5)?,
                    created_at: r.get(6)?,
                    updated_at: r.get(7)?,
                    owner_reply: r.get(8)?,
                    customer_id: r.get(9)?,
                    customer_name: r.get::<_, Option<String>>(10)?.filter(|s| !s.is_empty()),
                    sentiment: r.get(11)?,
                    urgent: r.get::<_, i64>(12)? == 1,
                    urgent_reason: r.get(13)?,
                    excerpt: r.get::<_, i64>(14)? == 1,
                    url: r.get(15)?,
                    mentions: Vec::new(),
                })
            },
        )?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = conn.prepare_cached(
        "SELECT m.kind, m.target_id, \
                CASE m.kind WHEN 'team_member' THEN \
                    (SELECT TRIM(COALESCE(given_name,'') || ' ' || COALESCE(family_name,'')) \
                     FROM team_members WHERE id = m.target_id) \
                ELSE (SELECT name FROM catalog_items WHERE id = m.target_id) END, \
                m.matched, m.sentiment \
         FROM review_mentions m WHERE m.review_id = ?1 ORDER BY m.kind DESC, m.target_id",
    )?;
    for row in &mut rows {
        row.mentions = st
            .query_map([&row.id], |r| {
                Ok(MentionRow {
                    kind: r.get(0)?,
                    target_id: r.get(1)?,
                    target_name: r.get(2)?,
                    matched: r.get(3)?,
                    sentiment: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(rows)
}

/// Review sentiment about one team member.
#[derive(Debug, Clone, Serialize)]
pub struct StaffSentiment {
    pub team_member_id: String,
    pub name: Option<String>,
    pub mentions: i64,
    pub mean_sentiment: Option<f64>,
    pub negative_mentions: i64,
    pub mean_rating: Option<f64>,
}

/// Per-staff sentiment (the `review_staff_sentiment` view), most mentioned first.
pub fn staff_sentiment(conn: &Connection) -> Result<Vec<StaffSentiment>> {
    let mut st = conn.prepare(
        "SELECT s.team_member_id, \
                (SELECT TRIM(COALESCE(given_name,'') || ' ' || COALESCE(family_name,'')) \
                 FROM team_members WHERE id = s.team_member_id), \
                s.mentions, s.mean_sentiment, s.negative_mentions, s.mean_rating \
         FROM review_staff_sentiment s ORDER BY s.mentions DESC, s.team_member_id",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok(StaffSentiment {
                team_member_id: r.get(0)?,
                name: r.get(1)?,
                mentions: r.get(2)?,
                mean_sentiment: r.get(3)?,
                negative_mentions: r.get(4)?,
                mean_rating: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
