-- 0005: Square API health per endpoint family, the persisted retry queue, and what Keeper
-- knows about the Square connection (dates only: tokens live in the OS keyring, never here).
--
-- Written by keeper-api (`health::record_success` / `record_failure`, with the time passed
-- in) from the events the Square client reports; keeper-square never touches the store.
-- A failure updates only the last_failure_* columns, so the last success always survives.

CREATE TABLE api_health (
    family               TEXT PRIMARY KEY,   -- customers, payments, ..., oauth
    successes            INTEGER NOT NULL DEFAULT 0,
    failures             INTEGER NOT NULL DEFAULT 0,
    rate_limited         INTEGER NOT NULL DEFAULT 0,   -- answers that were 429
    last_success_at      TEXT,               -- RFC 3339
    last_failure_at      TEXT,
    last_failure_code    TEXT,
    last_failure_message TEXT,
    last_failure_kind    TEXT CHECK (last_failure_kind IN ('rate_limited','transient','permanent')),
    -- Live state of the client's governor, copied at the last flush.
    circuit_state        TEXT NOT NULL DEFAULT 'closed'
        CHECK (circuit_state IN ('closed','open','half_open')),
    backoff_seconds      REAL NOT NULL DEFAULT 0,
    current_rate         REAL,
    slowdown_active      INTEGER NOT NULL DEFAULT 0,
    live_at              TEXT,
    updated_at           TEXT NOT NULL
) WITHOUT ROWID;

-- The recent answers (the last 512 per family), for success rate, 429 share, mean and p95
-- latency over a recent window.
CREATE TABLE api_health_events (
    id         INTEGER PRIMARY KEY,
    family     TEXT NOT NULL,
    at_ms      INTEGER NOT NULL,             -- milliseconds since the Unix epoch
    latency_ms REAL NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('success','rate_limited','transient','permanent')),
    code       TEXT
);
CREATE INDEX api_health_events_family_at ON api_health_events(family, at_ms);

-- keeper-square's RetryQueue (`to_records` / `from_records`), so low-priority work that was
-- deferred survives a restart.
CREATE TABLE retry_queue (
    id              INTEGER PRIMARY KEY,     -- the queue's own id (FIFO order)
    family          TEXT NOT NULL,
    priority        TEXT NOT NULL CHECK (priority IN ('critical','high','normal','low')),
    attempts        INTEGER NOT NULL,
    enqueued_at_ms  INTEGER NOT NULL,
    not_before_ms   INTEGER NOT NULL,
    next_run        INTEGER NOT NULL,
    last_error_code TEXT,
    payload         TEXT NOT NULL            -- JSON: what to send again
);

-- The Square connection of each merchant: when it was made and when its tokens expire.
CREATE TABLE square_connection (
    merchant_id        TEXT PRIMARY KEY,
    base_url           TEXT NOT NULL,
    connected_at       TEXT NOT NULL,
    access_expires_at  TEXT,
    refresh_expires_at TEXT,
    updated_at         TEXT NOT NULL
) WITHOUT ROWID;
