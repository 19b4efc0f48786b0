-- 0008: spreadsheet uploads, their rows, matches and merged enrichment records with provenance.
-- Owned by the enrichment work (keeper-enrich `store` module).
--
-- Square's own fields (`customers`) are never written here or by the upload: what a
-- spreadsheet adds lives in `customer_enrichments`, linked to the customer and to the upload
-- (and match) it came from, so undoing an upload or one match deletes exactly its records.
-- `customer_id` has no foreign key on purpose: a customer merged or deleted upstream must not
-- block a sync; orphaned enrichments are simply not shown.

CREATE TABLE uploads (
    id            INTEGER PRIMARY KEY,
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL,             -- of the file's bytes
    format        TEXT NOT NULL,             -- JSON: how the file was read (csv dialect / workbook)
    sheet         TEXT,                      -- sheet read from a workbook
    headers_json  TEXT NOT NULL,             -- JSON array of column headers
    mapping_json  TEXT NOT NULL,             -- JSON: detected (or corrected) column mapping
    row_count     INTEGER NOT NULL,
    accept_above  REAL NOT NULL,
    review_above  REAL NOT NULL,
    created_at    TEXT NOT NULL,             -- RFC 3339, UTC
    undone_at     TEXT
);
CREATE INDEX uploads_sha256 ON uploads(sha256);

-- Every data row of an upload, kept whether it matched or not.
CREATE TABLE upload_rows (
    upload_id   INTEGER NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    row_index   INTEGER NOT NULL,            -- 0-based data row index
    line        INTEGER NOT NULL,            -- 1-based line / sheet row the user sees
    cells_json  TEXT NOT NULL,               -- JSON array of raw cell texts, in header order
    record_json TEXT NOT NULL,               -- JSON: the normalized record matching used
    PRIMARY KEY (upload_id, row_index)
) WITHOUT ROWID;

-- One candidate per row: the matcher's band (`decision`) and where it stands now (`state`).
CREATE TABLE upload_matches (
    id               INTEGER PRIMARY KEY,
    upload_id        INTEGER NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    row_index        INTEGER NOT NULL,
    customer_id      TEXT NOT NULL,
    score            REAL NOT NULL,           -- posterior probability, 0..1
    decision         TEXT NOT NULL CHECK (decision IN ('accept','review','reject')),
    explanation_json TEXT NOT NULL,           -- JSON array of {field, level, weight}
    swapped_names    INTEGER NOT NULL DEFAULT 0 CHECK (swapped_names IN (0,1)),
    state            TEXT NOT NULL
        CHECK (state IN ('accepted','pending','skipped','rejected','undone')),
    decided_by       TEXT NOT NULL CHECK (decided_by IN ('auto','owner')),
    decided_at       TEXT NOT NULL,
    UNIQUE (upload_id, row_index),
    FOREIGN KEY (upload_id, row_index) REFERENCES upload_rows(upload_id, row_index)
);
CREATE INDEX upload_matches_customer ON upload_matches(customer_id);
CREATE INDEX upload_matches_state ON upload_matches(upload_id, state);

-- What an accepted match added to a customer: one row per note, tag, birthday, external id,
-- visit, or contact detail Square does not already have.
CREATE TABLE customer_enrichments (
    id          INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL,
    kind        TEXT NOT NULL
        CHECK (kind IN ('note','tag','birthday','external_id','last_visit','email','phone')),
    value       TEXT NOT NULL,
    upload_id   INTEGER NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    match_id    INTEGER NOT NULL REFERENCES upload_matches(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    provenance  TEXT NOT NULL DEFAULT 'spreadsheet_import'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);
CREATE INDEX customer_enrichments_customer ON customer_enrichments(customer_id);
CREATE INDEX customer_enrichments_match ON customer_enrichments(match_id);
