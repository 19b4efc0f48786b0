-- 0003: import and sync state: checkpoints per stream and window (committed in the same
-- transaction as their data), sync cursors, reconciliation figures, and customers that
-- Square deleted or merged away.

-- One import or sync run. An unfinished import is resumed with its own window bounds, so a
-- restart reads exactly the windows the first attempt planned.
CREATE TABLE import_runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('import','sync')),
    since       TEXT NOT NULL,             -- RFC 3339, start of the window read
    until       TEXT NOT NULL,             -- RFC 3339, the run's `now`
    started_at  TEXT NOT NULL,
    finished_at TEXT,                       -- NULL while unfinished (crashed or running)
    status      TEXT NOT NULL DEFAULT 'running'
        CHECK (status IN ('running','done','failed'))
);

-- A checkpoint per stream and window of a run: updated with every page, in the page's
-- transaction. `reported` counts the objects Square returned for the window (fixed when the
-- window is done); `stored` is what the store holds for it, checked after the run.
CREATE TABLE import_windows (
    run_id      INTEGER NOT NULL REFERENCES import_runs(id),
    stream      TEXT NOT NULL,              -- customers, payments, orders, ...
    window_key  TEXT NOT NULL,              -- e.g. 2025-03 / L1 or all
    seq         INTEGER NOT NULL,           -- planning order (priority order)
    begin_at    TEXT,
    end_at      TEXT,
    scope       TEXT,                       -- location ids the window covers, comma-separated
    status      TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending','running','done','failed','skipped')),
    cursor      TEXT,                       -- Square's cursor after the last stored page
    pages       INTEGER NOT NULL DEFAULT 0,
    objects     INTEGER NOT NULL DEFAULT 0,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    quarantined INTEGER NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    reported    INTEGER,
    stored      INTEGER,
    PRIMARY KEY (run_id, stream, window_key)
) WITHOUT ROWID;

-- Incremental sync cursors: the newest `updated_at` (or `created_at`) seen per stream, and
-- when a stream was last read successfully.
CREATE TABLE sync_cursors (
    stream      TEXT PRIMARY KEY,
    cursor_at   TEXT,
    synced_at   TEXT NOT NULL
);

-- Customers Square no longer lists: deleted, or merged into another profile (history
-- re-pointed to `merged_into`). Their rows stay for history; analysis skips them.
CREATE TABLE customer_status (
    customer_id TEXT PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('deleted','merged')),
    merged_into TEXT,
    detected_at TEXT NOT NULL
);
