//! Customer context documents built from the store, embedded on the device, and searched by
//! fusing SQLite FTS5 (BM25) with vector similarity.
//!
//! - [`facts`] gathers what the store knows per customer; [`document`] writes the short
//!   context document (with a content hash, so only changed documents are re-embedded).
//! - [`runtime`] loads ONNX Runtime from an explicit path (errors, never panics); [`model`]
//!   runs all-MiniLM-L6-v2 through fastembed from local files.
//! - [`index`] keeps `search_documents`/`search_fts` current and embeds pending documents in
//!   chunks with progress and cancellation.
//! - [`search`] fuses BM25 and cosine with [`fuse`] (reciprocal rank fusion) under filters,
//!   falling back to keyword search when the model is unavailable; [`vectors`] keeps the
//!   vectors in memory between searches.
//! - [`profile`] keeps each customer's facts for query understanding; [`understand`] turns
//!   an owner's words about status, time, spend, cadence, services, add-ons, staff, missed
//!   bookings and reviews into conditions over them, which order the search's results.
//! - [`context`] answers `get_context_for_task`; [`stage`] is the demo/sync stage.

pub mod context;
pub mod document;
pub mod error;
pub mod facts;
pub mod fuse;
pub mod index;
pub mod model;
pub mod profile;
pub mod runtime;
pub mod search;
pub mod stage;
pub mod understand;
pub mod vectors;

pub use context::{TaskContext, TaskType, get_context_for_task};
pub use error::{Result, SearchError};
pub use index::{EmbedOptions, EmbedProgress, EmbedStats, RefreshStats};
pub use model::{Embedder, EmbedderOptions, ModelPaths};
pub use search::{SearchFilters, SearchHit, SearchMode, SearchResults, Semantic};
pub use stage::{SearchSummary, load_embedder, run_stage};
pub use vectors::VectorCache;
