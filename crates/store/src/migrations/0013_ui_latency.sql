-- 0013: what the desktop app's screens need to answer within 50 ms on a large merchant
-- (issue 10; crates/api/examples/ui_latency.rs).
--
-- 1. Raw objects per type, kept at write time. `db_info` listed them by counting
--    raw_objects twice (total and per type), reading every stored JSON page; the count of a
--    type now is one row. raw_objects rows are only inserted (keeper-store's raw.rs), and
--    their type never changes; the delete and update triggers keep the figures exact even
--    so.
-- 2. Payments by order (the customer page names who served each visit through the order's
--    payment when the payment does not carry the customer): created by 0014, which rebuilds
--    the payments table.
-- 3. The customer list sorted by name: the list's own name expression (keeper-api
--    customers.rs, NAME_SQL), so a window of the list is read in order, not sorted.
-- 4. The list's other sort keys beside each customer's id: sorting the list reads this
--    narrow index instead of every wide customer_metrics row (JSON histories).
-- 5. customer_metrics by currency: the task views' currency (the most common one) is
--    counted from this index.

CREATE TABLE raw_object_counts (
    object_type TEXT PRIMARY KEY,
    rows        INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO raw_object_counts (object_type, rows)
SELECT object_type, COUNT(*) FROM raw_objects GROUP BY object_type;

CREATE TRIGGER raw_object_counts_insert AFTER INSERT ON raw_objects BEGIN
    INSERT INTO raw_object_counts (object_type, rows) VALUES (NEW.object_type, 1)
        ON CONFLICT (object_type) DO UPDATE SET rows = rows + 1;
END;

CREATE TRIGGER raw_object_counts_delete AFTER DELETE ON raw_objects BEGIN
    UPDATE raw_object_counts SET rows = rows - 1 WHERE object_type = OLD.object_type;
END;

CREATE TRIGGER raw_object_counts_retype AFTER UPDATE OF object_type ON raw_objects
    WHEN NEW.object_type IS NOT OLD.object_type BEGIN
    UPDATE raw_object_counts SET rows = rows - 1 WHERE object_type = OLD.object_type;
    INSERT INTO raw_object_counts (object_type, rows) VALUES (NEW.object_type, 1)
        ON CONFLICT (object_type) DO UPDATE SET rows = rows + 1;
END;

CREATE INDEX customers_list_name ON customers(
    TRIM(COALESCE(given_name, '') || ' ' || COALESCE(family_name, '')) COLLATE NOCASE, id);

CREATE INDEX customer_metrics_list ON customer_metrics(
    customer_id, lifetime_value, visits, last_visit, p_alive, days_overdue,
    next_expected_visit, computed_at);

CREATE INDEX customer_metrics_currency ON customer_metrics(currency);
