-- Migration 22: incremental reads for analysis (`keeper_analysis::cache`).
--
-- Analysis derives, per owner, what it needs from the history tables: one part per
-- customer and one per UTC day of walk-in payments (key `~walkin:YYYY-MM-DD`). The parts
-- are kept in the memory of the process that ran analysis (nothing is written for them);
-- after a sync only the owners whose rows changed are read again. Triggers record those
-- owners' keys in `analysis_dirty`; they are not created here but by analysis's first
-- run (`keeper-analysis/src/dirty_triggers.sql`), so an import before any analysis (the
-- first import, the largest write) pays nothing for them, not even a check per row.

-- One row: which run last consumed the marks (parts kept by an older generation missed
-- marks and are not used) and the parts' format version.
CREATE TABLE analysis_read_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  INTEGER NOT NULL,
    format      INTEGER NOT NULL
);

-- Marks, appended by the triggers (a key may repeat; a run consumes the marks up to the
-- highest `seq` it read). No conflict clause: an outer statement's clause would override it.
CREATE TABLE analysis_dirty (seq INTEGER PRIMARY KEY, key TEXT NOT NULL);
