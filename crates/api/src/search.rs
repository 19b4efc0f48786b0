//! Customer search for the UI's search box and `keeper search`: a [`SearchService`] holds the
//! embedding model (loaded once; or the reason it could not be) and runs hybrid search,
//! document refresh with embedding, and task context over a database file.

use crate::{ApiError, Result};
use chrono::{DateTime, Utc};
use keeper_search::context::{TaskContext, TaskType};
use keeper_search::index::{self, EmbedOptions, EmbedProgress, RefreshStats};
use keeper_search::search::{Query, Rankings, SearchFilters, SearchResults, Semantic};
use keeper_search::{Embedder, SearchError, VectorCache};
use keeper_store::Store;
use serde::Serialize;
use std::path::Path;
use std::sync::atomic::AtomicBool;

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        ApiError {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

/// Whether semantic search is available, for the UI's notice.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SemanticStatus {
    pub enabled: bool,
    /// The error code when disabled (`model_dir_missing`, `onnxruntime_load_failed`, ...).
    pub code: Option<String>,
    pub reason: Option<String>,
}

/// What an embedding pass did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EmbedReport {
    pub refresh: RefreshStats,
    pub embedded: usize,
    pub pending_after: usize,
    pub elapsed_ms: u64,
    pub docs_per_second: f64,
    pub semantic: SemanticStatus,
}

/// At most this many changed documents are embedded before a search answers (about 10 ms
/// each); more wait for the next embedding pass and are found by keyword meanwhile.
pub const EMBED_BEFORE_SEARCH: usize = 32;

/// The search engine of one app session.
pub struct SearchService {
    embedder: std::result::Result<Embedder, SearchError>,
    /// The vectors of the database last searched, reloaded only after it changes.
    vectors: VectorCache,
}

impl SearchService {
    /// Loads the model from `model_dir` (else `KEEPER_MODEL_DIR`, else the provisioning
    /// script's default). A missing or broken model leaves keyword search working.
    pub fn new(model_dir: Option<&Path>) -> SearchService {
        SearchService {
            embedder: keeper_search::load_embedder(model_dir),
            vectors: VectorCache::new(),
        }
    }

    pub fn status(&self) -> SemanticStatus {
        match &self.embedder {
            Ok(_) => SemanticStatus {
                enabled: true,
                code: None,
                reason: None,
            },
            Err(e) => SemanticStatus {
                enabled: false,
                code: Some(e.code().to_string()),
                reason: Some(e.to_string()),
            },
        }
    }

    /// Rebuilds changed customer documents as of `now` and embeds them (when the model is
    /// loaded), reporting progress and stopping when `cancel` is set.
    pub fn refresh_and_embed(
        &mut self,
        db: &Path,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(EmbedProgress),
        cancel: &AtomicBool,
    ) -> Result<EmbedReport> {
        let mut store = Store::open(db)?;
        let refresh = index::refresh_documents(store.conn_mut(), now)?;
        let status = self.status();
        let model_id = self
            .embedder
            .as_ref()
            .map_or(keeper_search::model::MODEL_ID, |e| e.model_id());
        let stats = match self.embedder.as_mut() {
            Ok(e) => Some(index::embed_pending(
                store.conn_mut(),
                e,
                EmbedOptions::default(),
                progress,
                cancel,
            )?),
            Err(_) => None,
        };
        let stats = stats.unwrap_or_default();
        Ok(EmbedReport {
            refresh,
            embedded: stats.embedded,
            pending_after: index::pending_count(store.conn(), model_id)?,
            elapsed_ms: stats.elapsed_ms,
            docs_per_second: stats.docs_per_second,
            semantic: status,
        })
    }

    /// Searches customers (hybrid when the model is loaded, keyword-only otherwise). Builds the
    /// documents first when the database has none yet, and first embeds the documents that
    /// changed since the last embedding pass when there are only a few (an accepted or undone
    /// spreadsheet match changes one customer's document; a sync's pass embeds the rest).
    pub fn search(
        &mut self,
        db: &Path,
        query: &str,
        limit: usize,
        filters: &SearchFilters,
        now: DateTime<Utc>,
    ) -> Result<SearchResults> {
        let mut store = Store::open(db)?;
        let built: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM search_documents", [], |r| r.get(0))
            .map_err(SearchError::from)?;
        // Documents built before migration 0019 have no profiles for query understanding yet:
        // one refresh writes them (unchanged texts keep their vectors).
        let profiled: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM search_profiles", [], |r| r.get(0))
            .map_err(SearchError::from)?;
        if built == 0 || profiled == 0 {
            index::refresh_documents(store.conn_mut(), now)?;
        }
        if let Ok(e) = self.embedder.as_mut()
            && (1..=EMBED_BEFORE_SEARCH)
                .contains(&index::pending_count(store.conn(), e.model_id())?)
        {
            index::embed_pending(
                store.conn_mut(),
                e,
                EmbedOptions::default(),
                &mut |_| {},
                &AtomicBool::new(false),
            )?;
        }
        let semantic = match self.embedder.as_mut() {
            Ok(e) => Semantic::On(e),
            Err(e) => Semantic::Off(e.to_string()),
        };
        Ok(keeper_search::search::search_cached(
            store.conn(),
            semantic,
            &mut self.vectors,
            Query {
                text: query,
                limit,
                filters,
                rankings: Rankings::Hybrid,
                now,
            },
        )?)
    }
}

/// The context a task about `customer_id` needs (`task`: churn, upsell or reactivation).
pub fn task_context(
    db: &Path,
    customer_id: &str,
    task: &str,
    now: DateTime<Utc>,
) -> Result<TaskContext> {
    let task: TaskType = task.parse()?;
    let store = Store::open(db)?;
    Ok(keeper_search::get_context_for_task(
        store.conn(),
        customer_id,
        task,
        now,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap()
    }

    #[test]
    fn search_without_a_model_falls_back_to_keywords_and_reports_why() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.sqlite3");
        {
            let store = Store::open(&db).unwrap();
            store
                .conn()
                .execute_batch(
                    "INSERT INTO customers (id, given_name, family_name, note)
                     VALUES ('C1', 'Ada', 'Lane', 'Loves copper balayage');",
                )
                .unwrap();
        }
        let mut service = SearchService::new(Some(&dir.path().join("no-model")));
        let status = service.status();
        assert!(!status.enabled);
        assert_eq!(status.code.as_deref(), Some("model_dir_missing"));
        let results = service
            .search(&db, "balayage", 5, &SearchFilters::default(), now())
            .unwrap();
        assert!(!results.semantic_enabled);
        assert_eq!(results.hits.len(), 1);
        assert_eq!(results.hits[0].customer_id, "C1");
    }

    #[test]
    fn an_unknown_task_type_is_a_typed_api_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = task_context(&dir.path().join("k.sqlite3"), "C1", "gift", now()).unwrap_err();
        assert_eq!(err.code, "unknown_task");
    }
}
