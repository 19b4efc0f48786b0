//! The search stage of `keeper demo` (and of a sync): refresh the documents, embed what
//! changed with progress, and run a sample search.

use crate::error::{Result, SearchError};
use crate::index::{self, EmbedOptions, EmbedProgress, RefreshStats};
use crate::model::{Embedder, EmbedderOptions, ModelPaths};
use crate::search::{self, Query, Rankings, SearchFilters, SearchHit, SearchMode, Semantic};
use chrono::{DateTime, Utc};
use keeper_store::Store;
use serde::Serialize;
use std::fmt;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// The query the demo runs.
pub const SAMPLE_QUERY: &str = "colour regulars who stopped coming";

/// What the stage did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchSummary {
    pub refresh: RefreshStats,
    pub embedded: usize,
    pub embed_ms: u64,
    pub docs_per_second: f64,
    pub semantic_enabled: bool,
    pub semantic_off_reason: Option<String>,
    pub sample_query: String,
    pub sample_mode: SearchMode,
    pub sample_hits: Vec<SearchHit>,
}

impl fmt::Display for SearchSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.refresh;
        writeln!(
            f,
            "search: {} documents ({} new, {} changed, {} unchanged, {} removed)",
            r.documents, r.inserted, r.changed, r.unchanged, r.removed
        )?;
        match &self.semantic_off_reason {
            None => writeln!(
                f,
                "search: embedded {} documents in {} ms ({:.1} docs/s)",
                self.embedded, self.embed_ms, self.docs_per_second
            )?,
            Some(reason) => writeln!(f, "search: semantic search is off: {reason}")?,
        }
        writeln!(
            f,
            "search: sample query {:?} ({:?}):",
            self.sample_query, self.sample_mode
        )?;
        for (i, h) in self.sample_hits.iter().enumerate() {
            let excerpt: String = h.excerpt.chars().take(110).collect();
            writeln!(f, "  {}. {} — {excerpt}", i + 1, h.display_name)?;
        }
        Ok(())
    }
}

/// Loads the embedder from a provisioned model directory, or says why it cannot.
pub fn load_embedder(model_dir: Option<&Path>) -> Result<Embedder> {
    let dir = model_dir
        .map(Path::to_path_buf)
        .or_else(ModelPaths::default_dir)
        .ok_or_else(|| SearchError::ModelDirMissing("~/.cache/keeper/model".into()))?;
    if !dir.is_dir() {
        return Err(SearchError::ModelDirMissing(dir));
    }
    Embedder::load(&ModelPaths::from_dir(&dir), EmbedderOptions::default())
}

/// Refreshes the documents as of `now`, embeds the changed ones (when the model loads) with
/// `progress`, and runs [`SAMPLE_QUERY`].
pub fn run_stage(
    store: &mut Store,
    model_dir: Option<&Path>,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(EmbedProgress),
) -> Result<SearchSummary> {
    let refresh = index::refresh_documents(store.conn_mut(), now)?;
    let mut embedder = load_embedder(model_dir);
    let (mut embedded, mut embed_ms, mut docs_per_second) = (0, 0, 0.0);
    if let Ok(e) = embedder.as_mut() {
        let stats = index::embed_pending(
            store.conn_mut(),
            e,
            EmbedOptions::default(),
            progress,
            &AtomicBool::new(false),
        )?;
        (embedded, embed_ms, docs_per_second) =
            (stats.embedded, stats.elapsed_ms, stats.docs_per_second);
    }
    let semantic = match embedder.as_mut() {
        Ok(e) => Semantic::On(e),
        Err(err) => Semantic::Off(err.to_string()),
    };
    let results = search::search(
        store.conn(),
        semantic,
        Query {
            text: SAMPLE_QUERY,
            limit: 5,
            filters: &SearchFilters::default(),
            rankings: Rankings::Hybrid,
            now,
        },
    )?;
    Ok(SearchSummary {
        refresh,
        embedded,
        embed_ms,
        docs_per_second,
        semantic_enabled: results.semantic_enabled,
        semantic_off_reason: results.semantic_off_reason,
        sample_query: results.query,
        sample_mode: results.mode,
        sample_hits: results.hits,
    })
}
