//! A review as every source delivers it, before analysis.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a review came from (the `reviews.source` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Google,
    Yelp,
    File,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Google => "google",
            SourceKind::Yelp => "yelp",
            SourceKind::File => "file",
        }
    }

    pub fn parse(s: &str) -> Option<SourceKind> {
        match s {
            "google" => Some(SourceKind::Google),
            "yelp" => Some(SourceKind::Yelp),
            "file" => Some(SourceKind::File),
            _ => None,
        }
    }
}

/// One review as fetched or imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawReview {
    pub source: SourceKind,
    /// The source's own id (Google `reviewId`, Yelp `id`, the file's id column).
    pub source_id: String,
    pub author_name: Option<String>,
    /// Stars 1–5 (`None` when the source gave none).
    pub rating: Option<u8>,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub owner_reply: Option<String>,
    /// The text is an excerpt (Yelp Fusion returns at most three, truncated).
    pub excerpt: bool,
    /// Link to the review on the source's site, when given.
    pub url: Option<String>,
}

impl RawReview {
    /// The `reviews.id` of this review: `<source>:<source_id>`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.source.as_str(), self.source_id)
    }
}
