-- 0004: analysis results, recomputed from the normalized tables after each sync
-- (`keeper_analysis::recompute`): per-customer metrics, staff metrics, the business
-- summary, one row per run with the model fit, and the daily tasks with their state history.
-- Money is INTEGER minor units (net of refunds, tips excluded); days are local YYYY-MM-DD.

-- One row per analysis run: when, for which `now`, and how the models fared.
CREATE TABLE analysis_runs (
    id              INTEGER PRIMARY KEY,
    computed_at     TEXT NOT NULL,             -- the `now` the run used (RFC 3339, UTC)
    customers       INTEGER NOT NULL,          -- customers with at least one visit
    time_unit       TEXT NOT NULL,             -- unit of the BG/NBD fit: 'weeks'
    bgnbd_r         REAL,
    bgnbd_alpha     REAL,
    bgnbd_a         REAL,
    bgnbd_b         REAL,
    bgnbd_log_likelihood REAL,
    bgnbd_unavailable TEXT,                    -- ModelError code when BG/NBD could not be fitted
    gg_p            REAL,
    gg_q            REAL,
    gg_v            REAL,
    gg_unavailable  TEXT,                      -- ModelError code when Gamma-Gamma could not be fitted
    tasks_open      INTEGER NOT NULL DEFAULT 0,
    duration_ms     INTEGER NOT NULL DEFAULT 0
);

-- Per-customer metrics; replaced wholesale by each run. Model columns are NULL with
-- `model_status` saying why whenever the model cannot speak for this customer.
CREATE TABLE customer_metrics (
    customer_id          TEXT PRIMARY KEY,
    computed_at          TEXT NOT NULL,
    currency             TEXT,
    lifetime_value       INTEGER NOT NULL,      -- every completed tender, cash included, net of refunds
    spend_12m            INTEGER NOT NULL,      -- same, last 365 days
    visits               INTEGER NOT NULL,
    first_visit          TEXT,
    last_visit           TEXT,
    days_since_last      INTEGER,
    mean_gap_days        REAL,                  -- mean days between visits (2+ visits)
    gap_sd_days          REAL,                  -- sample standard deviation (3+ visits)
    average_spend        INTEGER,               -- lifetime_value / visits
    category_cadence     TEXT NOT NULL,         -- JSON [{category, visits, mean_gap_days, last_visit}]
    top_services         TEXT NOT NULL,         -- JSON [{name, count}]
    preferred_team_member_id TEXT,
    modifier_history     TEXT NOT NULL,         -- JSON [{name, count}]
    addon_attach_rate    REAL,                  -- share of visits with an optional add-on
    loyalty_status       TEXT NOT NULL,         -- 'member' | 'not_enrolled' | 'no_program'
    loyalty_balance      INTEGER,
    no_shows             INTEGER NOT NULL,
    cancellations        INTEGER NOT NULL,
    next_booking         TEXT,                  -- start day of the next accepted/pending booking
    next_expected_visit  TEXT,
    next_expected_source TEXT,                  -- 'booking' | 'cadence' | NULL
    days_overdue         INTEGER,               -- days past next_expected_visit (0 when not due)
    model_status         TEXT NOT NULL,         -- 'fitted' | 'thin_history' | 'model_unavailable'
    model_reason         TEXT,
    p_alive              REAL,
    expected_visits_30d  REAL,
    expected_visits_90d  REAL,
    expected_avg_spend   REAL,                  -- minor units per visit (Gamma-Gamma)
    clv_12m              REAL,                  -- minor units, 12 monthly periods, discounted
    churn_risk           REAL,                  -- 1 − P(alive), or the cadence rule's score
    churn_risk_source    TEXT,                  -- 'model' | 'cadence' | NULL
    segment              TEXT NOT NULL          -- 'new' | 'active' | 'lapsed' | 'lost'
);

-- Per team member; replaced wholesale by each run.
CREATE TABLE staff_metrics (
    team_member_id          TEXT PRIMARY KEY,
    computed_at             TEXT NOT NULL,
    clients_12m             INTEGER NOT NULL,
    visits_12m              INTEGER NOT NULL,
    revenue_12m             INTEGER NOT NULL,
    revenue_total           INTEGER NOT NULL,
    retention_base          INTEGER NOT NULL,
    retention_rate          REAL,
    rebooking_base          INTEGER NOT NULL,
    rebooking_rate          REAL,
    new_clients             INTEGER NOT NULL,
    second_visit_conversion REAL
);

-- The business summary (revenue per month, customer counts, frequency distribution,
-- cohort retention) as the JSON the Insights screen charts; one row, replaced per run.
CREATE TABLE business_summary (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    computed_at TEXT NOT NULL,
    json        TEXT NOT NULL
);

-- Daily tasks. A task is one (customer, type, episode): the episode names the situation
-- that triggered it (the last visit a lapse is measured from, the review, the birthday's
-- year), so a task that was done or dismissed is never raised again for the same episode,
-- and at most one task per customer and type is open or snoozed at a time.
CREATE TABLE tasks (
    id             INTEGER PRIMARY KEY,
    customer_id    TEXT,                       -- NULL for a review not linked to a customer
    task_type      TEXT NOT NULL CHECK (task_type IN
        ('churn_prevention','upsell','reactivation','second_visit','review_follow_up','birthday')),
    episode        TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'open'
        CHECK (state IN ('open','done','snoozed','dismissed')),
    snoozed_until  TEXT,                       -- RFC 3339, UTC; set while snoozed
    closed_by      TEXT CHECK (closed_by IN ('owner','system')), -- who closed a done/dismissed task
    value_at_stake INTEGER NOT NULL,           -- minor units
    priority       INTEGER NOT NULL DEFAULT 1, -- 0 = urgent (ranked first), 1 = normal
    reason         TEXT NOT NULL,
    details        TEXT NOT NULL DEFAULT '{}', -- JSON facts behind the reason
    context        TEXT,                       -- retrieved context (search); NULL until filled
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,              -- last run that still found the situation
    UNIQUE (customer_id, task_type, episode)
);
CREATE UNIQUE INDEX tasks_one_live ON tasks(customer_id, task_type)
    WHERE state IN ('open','snoozed') AND customer_id IS NOT NULL;
CREATE INDEX tasks_state ON tasks(state, priority, value_at_stake);

-- Every state change of a task, by the owner or by the daily run.
CREATE TABLE task_history (
    id         INTEGER PRIMARY KEY,
    task_id    INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    from_state TEXT,                           -- NULL when the task was created
    to_state   TEXT NOT NULL,
    actor      TEXT NOT NULL CHECK (actor IN ('owner','system')),
    note       TEXT
);
CREATE INDEX task_history_task ON task_history(task_id, at);
