-- 0020: raw_objects rebuilt for write speed (issue 5: normalization + insert, measured with
-- the raw store by crates/normalize/examples/normalize_bench.rs). Every row, column and
-- column order is kept; (object_type, square_id) stays unique.
--
-- 1. raw_objects becomes a rowid table with a unique index on (object_type, square_id),
--    instead of a WITHOUT ROWID table keyed by them. A WITHOUT ROWID row is stored in its
--    key's b-tree: each object's JSON (1.4 kB on average, orders more) landed on a random
--    leaf page chosen by its Square id, a leaf held two or three of them, and every page of
--    an import split leaves and dirtied most of the table, which each commit then wrote to
--    the write-ahead log again (on salon the raw store cost 84 µs per object, more than
--    normalizing it). Rows of a rowid table are appended in insert order: a page of objects
--    fills new pages at the end, and only the narrow key index is touched at random.
-- 2. raw_object_counts (0013) is no longer kept by an insert trigger: keeper-store's
--    raw.rs, the one writer of raw_objects, adds what it inserted, once per type per batch.
--    The delete and retype triggers stay (a delete by hand still keeps the figures exact).

CREATE TABLE raw_objects_v16 (
    object_type  TEXT NOT NULL,            -- e.g. CUSTOMER, PAYMENT, ORDER, CATALOG_ITEM
    square_id    TEXT NOT NULL,
    version      TEXT,                      -- Square `version`, else `updated_at`
    fetched_at   TEXT NOT NULL,
    content_hash TEXT NOT NULL,             -- SHA-256 of the JSON as stored
    json         TEXT NOT NULL
);
INSERT INTO raw_objects_v16 (object_type, square_id, version, fetched_at, content_hash, json)
    SELECT object_type, square_id, version, fetched_at, content_hash, json FROM raw_objects;
-- Dropping the table drops 0013's triggers with it; the counts table is left as it is
-- (it already holds these rows' figures).
DROP TABLE raw_objects;
ALTER TABLE raw_objects_v16 RENAME TO raw_objects;
CREATE UNIQUE INDEX raw_objects_key ON raw_objects(object_type, square_id);

CREATE TRIGGER raw_object_counts_delete AFTER DELETE ON raw_objects BEGIN
    UPDATE raw_object_counts SET rows = rows - 1 WHERE object_type = OLD.object_type;
END;

CREATE TRIGGER raw_object_counts_retype AFTER UPDATE OF object_type ON raw_objects
    WHEN NEW.object_type IS NOT OLD.object_type BEGIN
    UPDATE raw_object_counts SET rows = rows - 1 WHERE object_type = OLD.object_type;
    INSERT INTO raw_object_counts (object_type, rows) VALUES (NEW.object_type, 1)
        ON CONFLICT (object_type) DO UPDATE SET rows = rows + 1;
END;
