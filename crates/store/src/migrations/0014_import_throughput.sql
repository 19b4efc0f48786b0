-- 0014: the tables a bulk import fills most, rebuilt for insert speed (issue 5: normalization
-- + insert measured on its own, crates/normalize/examples/normalize_bench.rs). Every row is
-- kept; columns, keys, foreign keys and the indexes something reads are unchanged.
--
-- 1. payments, orders, bookings and loyalty_events become WITHOUT ROWID tables keyed by the
--    Square id: one b-tree per table instead of a rowid table plus the index behind its
--    TEXT PRIMARY KEY, so every insert writes one b-tree fewer.
-- 2. payments_updated and orders_updated are dropped: no query reads payments or orders by
--    updated_at (sync keeps its cursors in sync_cursors); each cost an index insert per row.
-- 3. The provenance CHECK is written as comparisons joined by OR. It accepts exactly the
--    same four values, but SQLite evaluates `IN (…)` with four or more constants by building
--    a temporary b-tree for every row it checks, about 2 µs of a 4.6 µs line-item insert.
--    order_line_items, order_line_item_modifiers and booking_segments are rebuilt too: they
--    reference the rebuilt parents, and they are the most numerous rows.
--
-- How the rebuild keeps the children (foreign keys are on while migrations run, and
-- dropping a parent table deletes its rows first, cascading to children): the new tables
-- are created under *_v14 names referencing each other, filled, the old children dropped
-- before their parents, and the new tables renamed, which rewrites their REFERENCES
-- clauses to the final names.

CREATE TABLE payments_v14 (
    id             TEXT PRIMARY KEY,
    location_id    TEXT,
    customer_id    TEXT,
    order_id       TEXT,
    team_member_id TEXT,
    status         TEXT,
    source_type    TEXT,
    amount         INTEGER,                 -- amount_money, excludes tip
    tip            INTEGER,
    total          INTEGER,
    refunded       INTEGER,
    currency       TEXT,
    created_at     TEXT,
    updated_at     TEXT,
    provenance     TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance = 'square_sync' OR provenance = 'spreadsheet_import'
            OR provenance = 'review_source' OR provenance = 'owner_edit')
) WITHOUT ROWID;
INSERT INTO payments_v14 SELECT * FROM payments;
DROP TABLE payments;
ALTER TABLE payments_v14 RENAME TO payments;
CREATE INDEX payments_customer ON payments(customer_id, created_at);
CREATE INDEX payments_order ON payments(order_id);

CREATE TABLE orders_v14 (
    id          TEXT PRIMARY KEY,
    location_id TEXT,
    customer_id TEXT,
    state       TEXT,
    source_name TEXT,
    total       INTEGER,
    tax         INTEGER,
    discount    INTEGER,
    tip         INTEGER,
    currency    TEXT,
    created_at  TEXT,
    updated_at  TEXT,
    closed_at   TEXT,
    version     INTEGER,
    provenance  TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance = 'square_sync' OR provenance = 'spreadsheet_import'
            OR provenance = 'review_source' OR provenance = 'owner_edit')
) WITHOUT ROWID;

CREATE TABLE order_line_items_v14 (
    order_id          TEXT NOT NULL REFERENCES orders_v14(id) ON DELETE CASCADE,
    uid               TEXT NOT NULL,
    name              TEXT,
    variation_name    TEXT,
    catalog_object_id TEXT,                 -- the ITEM_VARIATION id
    item_type         TEXT,
    quantity          TEXT NOT NULL,        -- decimal string as Square sends it
    base_price        INTEGER,
    gross_sales       INTEGER,
    total             INTEGER,
    currency          TEXT,
    provenance        TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance = 'square_sync' OR provenance = 'spreadsheet_import'
            OR provenance = 'review_source' OR provenance = 'owner_edit'),
    PRIMARY KEY (order_id, uid)
) WITHOUT ROWID;

CREATE TABLE order_line_item_modifiers_v14 (
    order_id          TEXT NOT NULL,
    line_item_uid     TEXT NOT NULL,
    uid               TEXT NOT NULL,
    catalog_object_id TEXT,                 -- the MODIFIER id
    name              TEXT,
    quantity          TEXT,
    base_price        INTEGER,
    total_price       INTEGER,
    currency          TEXT,
    provenance        TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance = 'square_sync' OR provenance = 'spreadsheet_import'
            OR provenance = 'review_source' OR provenance = 'owner_edit'),
    PRIMARY KEY (order_id, line_item_uid, uid),
    FOREIGN KEY (order_id, line_item_uid)
        REFERENCES order_line_items_v14(order_id, uid) ON DELETE CASCADE
) WITHOUT ROWID;

INSERT INTO orders_v14 SELECT * FROM orders;
INSERT INTO order_line_items_v14 SELECT * FROM order_line_items;
INSERT INTO order_line_item_modifiers_v14 SELECT * FROM order_line_item_modifiers;
DROP TABLE order_line_item_modifiers;
DROP TABLE order_line_items;
DROP TABLE orders;
ALTER TABLE orders_v14 RENAME TO orders;
ALTER TABLE order_line_items_v14 RENAME TO order_line_items;
ALTER TABLE order_line_item_modifiers_v14 RENAME TO order_line_item_modifiers;
CREATE INDEX orders_customer ON orders(customer_id, created_at);

CREATE TABLE bookings_v14 (
    id            TEXT PRIMARY KEY,
    version       INTEGER,
    status        TEXT,
    location_id   TEXT,
    customer_id   TEXT,
    start_at      TEXT,
    created_at    TEXT,
    updated_at    TEXT,
    source        TEXT,
    customer_note TEXT,
    seller_note   TEXT,
    provenance    TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance = 'square_sync' OR provenance = 'spreadsheet_import'
            OR provenance = 'review_source' OR provenance = 'owner_edit')
) WITHOUT ROWID;

CREATE TABLE booking_segments_v14 (
    booking_id           TEXT NOT NULL REFERENCES bookings_v14(id) ON DELETE CASCADE,
    ordinal              INTEGER NOT NULL,
    team_member_id       TEXT,
    service_variation_id TEXT,
    duration_minutes     INTEGER,
    intermission_minutes INTEGER,
    provenance           TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance = 'square_sync' OR provenance = 'spreadsheet_import'
            OR provenance = 'review_source' OR provenance = 'owner_edit'),
    PRIMARY KEY (booking_id, ordinal)
) WITHOUT ROWID;

INSERT INTO bookings_v14 SELECT * FROM bookings;
INSERT INTO booking_segments_v14 SELECT * FROM booking_segments;
DROP TABLE booking_segments;
DROP TABLE bookings;
ALTER TABLE bookings_v14 RENAME TO bookings;
ALTER TABLE booking_segments_v14 RENAME TO booking_segments;
CREATE INDEX bookings_customer ON bookings(customer_id, start_at);

CREATE TABLE loyalty_events_v14 (
    id                 TEXT PRIMARY KEY,
    event_type         TEXT,
    loyalty_account_id TEXT,
    location_id        TEXT,
    order_id           TEXT,
    points             INTEGER,
    source             TEXT,
    created_at         TEXT,
    provenance         TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance = 'square_sync' OR provenance = 'spreadsheet_import'
            OR provenance = 'review_source' OR provenance = 'owner_edit')
) WITHOUT ROWID;
INSERT INTO loyalty_events_v14 SELECT * FROM loyalty_events;
DROP TABLE loyalty_events;
ALTER TABLE loyalty_events_v14 RENAME TO loyalty_events;
CREATE INDEX loyalty_events_account ON loyalty_events(loyalty_account_id, created_at);
