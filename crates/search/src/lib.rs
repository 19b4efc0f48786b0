//! Customer context documents built from the store, embedded on the device, and searched by
//! fusing SQLite FTS5 (BM25) with vector similarity.
