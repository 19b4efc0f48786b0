//! Where reviews come from, behind one trait: the Google Business Profile API
//! ([`google`]), Yelp Fusion ([`yelp`]) and exported files ([`file`]). Sources only read;
//! the caller analyses and upserts what they return. These are the only modules of the
//! crate that do network I/O.

pub mod file;
pub mod google;
pub mod google_oauth;
pub mod http;
pub mod yelp;

use crate::error::Result;
use crate::model::{RawReview, SourceKind};
use keeper_square::client::BoxFuture;
use serde::Serialize;

/// What one fetch returned.
#[derive(Debug, Clone, Serialize)]
pub struct Fetched {
    pub source: SourceKind,
    pub reviews: Vec<RawReview>,
    /// Requests made.
    pub pages: usize,
    /// How many reviews the source says exist (Yelp: more than it returns).
    pub total_reported: Option<u64>,
    /// A limit the user should know about (Yelp: three excerpts only).
    pub note: Option<String>,
}

/// A place reviews are read from.
pub trait ReviewSource: Send + Sync {
    fn kind(&self) -> SourceKind;
    /// Every review the source makes available now.
    fn fetch(&self) -> BoxFuture<'_, Result<Fetched>>;
}
