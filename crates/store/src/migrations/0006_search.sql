-- 0006: customer context documents, their embeddings and the FTS5 index (owned by keeper-search).
--
-- One row per customer: the short context document the search and the task context read,
-- its SHA-256 (only a changed document is re-embedded), a few columns the search filters on,
-- and the document's vector stored with the customer as a BLOB of little-endian f32.
CREATE TABLE search_documents (
    customer_id     TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    text            TEXT NOT NULL,
    content_hash    TEXT NOT NULL,          -- SHA-256 of `text`
    built_at        TEXT NOT NULL,          -- RFC 3339, the `now` the document was built for
    lapsed          INTEGER NOT NULL DEFAULT 0 CHECK (lapsed IN (0,1)),
    lifetime_value  INTEGER NOT NULL DEFAULT 0, -- minor units, completed payments minus refunds
    currency        TEXT,
    last_visit      TEXT,
    services        TEXT NOT NULL DEFAULT '', -- lower-case names joined by '|', for filters
    staff           TEXT NOT NULL DEFAULT '', -- lower-case names joined by '|', for filters
    embedding       BLOB,                   -- NULL until embedded
    embedding_model TEXT,
    embedded_hash   TEXT                    -- content_hash the embedding was made from
);
CREATE INDEX search_documents_pending ON search_documents(embedded_hash, content_hash);

-- BM25 over the documents; rowid is search_documents' rowid.
CREATE VIRTUAL TABLE search_fts USING fts5(text, tokenize = 'porter unicode61');
