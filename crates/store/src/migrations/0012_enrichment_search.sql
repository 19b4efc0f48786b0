-- 0012: enrichment and search (owned by the search-enrich work): the runners-up of upload
-- rows sent to review (keeper-enrich); for keeper-search, a generation counter for its
-- in-memory vectors and the shorter text each document is embedded from.
--
-- `upload_matches` keeps one candidate per row (the one the assignment chose); this table holds
-- up to three others that also scored in the review band, best first. Choosing one swaps it
-- with the match's customer, so the pair stays here for the record. (The customer documents
-- of keeper-search read `customer_enrichments` directly and need no schema for that.)
CREATE TABLE upload_match_alternatives (
    match_id         INTEGER NOT NULL REFERENCES upload_matches(id) ON DELETE CASCADE,
    customer_id      TEXT NOT NULL,
    rank             INTEGER NOT NULL,        -- 1 = best after the match's own customer
    score            REAL NOT NULL,           -- posterior probability, 0..1
    explanation_json TEXT NOT NULL,           -- JSON array of {field, level, weight}
    swapped_names    INTEGER NOT NULL DEFAULT 0 CHECK (swapped_names IN (0,1)),
    PRIMARY KEY (match_id, customer_id)
) WITHOUT ROWID;

-- A counter bumped whenever a customer document or its vector is written or deleted, so the
-- search can keep every vector in memory and reload them only when this number moved (one
-- tiny read per search instead of scanning every BLOB).
CREATE TABLE search_vector_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO search_vector_generation (id, generation) VALUES (1, 0);
CREATE TRIGGER search_documents_generation_insert AFTER INSERT ON search_documents
BEGIN
    UPDATE search_vector_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER search_documents_generation_delete AFTER DELETE ON search_documents
BEGIN
    UPDATE search_vector_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER search_documents_generation_update
AFTER UPDATE OF embedding, embedding_model, embedded_hash, content_hash ON search_documents
BEGIN
    UPDATE search_vector_generation SET generation = generation + 1 WHERE id = 1;
END;

-- The shorter text the model embeds (the document's sentences that carry meaning, without
-- dates, counts, ids or contact details); `text` stays what keyword search indexes. NULL for
-- documents written before this migration: they are embedded from `text`.
ALTER TABLE search_documents ADD COLUMN embed_text TEXT;
