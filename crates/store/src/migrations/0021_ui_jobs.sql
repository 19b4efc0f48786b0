-- 0021: the match-review screen's slow commands (upload a spreadsheet, match again with a
-- corrected column mapping, undo a whole upload) run as background jobs; each request is
-- recorded here before its job starts, so a job the app did not finish (it quit or crashed)
-- is finished when the app starts again.
--
-- state: queued (recorded) -> running -> written (the upload's changes are committed, in the
-- same transaction as this state) -> finished (the customers' search documents rebuilt), or
-- failed (error_code, error). A crash leaves queued or running (nothing of the job is
-- committed: the job's changes and `written` are one transaction) or written.
CREATE TABLE ui_jobs (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('upload', 'remap', 'undo_upload')),
    -- The spreadsheet (upload, remap).
    path             TEXT,
    -- The upload worked on (remap: the one replaced; undo_upload: the one undone).
    upload_id        INTEGER,
    -- The owner's column corrections, JSON [[column, field], ...] (remap).
    overrides_json   TEXT NOT NULL DEFAULT '[]',
    state            TEXT NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'running', 'written', 'finished', 'failed')),
    -- The upload the job created (upload, remap).
    result_upload_id INTEGER,
    -- Customers whose search documents change (JSON array), recorded with `written`.
    touched_json     TEXT NOT NULL DEFAULT '[]',
    created_at       TEXT NOT NULL,
    started_at       TEXT,
    finished_at      TEXT,
    -- Runs started (a run interrupted by a restart counts).
    attempts         INTEGER NOT NULL DEFAULT 0,
    error_code       TEXT,
    error            TEXT
);

CREATE INDEX ui_jobs_open ON ui_jobs (id) WHERE state IN ('queued', 'running', 'written');
CREATE INDEX ui_jobs_result ON ui_jobs (result_upload_id) WHERE result_upload_id IS NOT NULL;
