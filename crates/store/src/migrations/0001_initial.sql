-- 0001: raw Square objects and the normalized tables derived from them.
-- Shipped migrations are never edited: add a new numbered file instead.
--
-- Every normalized row records where it came from in `provenance`:
--   square_sync | spreadsheet_import | review_source | owner_edit
-- Square ids are TEXT (payment/order ids reach 192 characters).
-- Money is INTEGER minor units with its ISO 4217 currency beside it.
-- Timestamps are RFC 3339 TEXT as Square sends them, normalized to UTC by the writer.

CREATE TABLE raw_objects (
    object_type  TEXT NOT NULL,            -- e.g. CUSTOMER, PAYMENT, ORDER, CATALOG_ITEM
    square_id    TEXT NOT NULL,
    version      TEXT,                      -- Square `version`, else `updated_at`
    fetched_at   TEXT NOT NULL,
    content_hash TEXT NOT NULL,             -- SHA-256 of the JSON as stored
    json         TEXT NOT NULL,
    PRIMARY KEY (object_type, square_id)
) WITHOUT ROWID;

CREATE TABLE locations (
    id          TEXT PRIMARY KEY,
    name        TEXT,
    business_name TEXT,
    status      TEXT,
    timezone    TEXT,
    country     TEXT,
    currency    TEXT,
    created_at  TEXT,
    provenance  TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);

CREATE TABLE customers (
    id              TEXT PRIMARY KEY,
    given_name      TEXT,
    family_name     TEXT,
    nickname        TEXT,
    company_name    TEXT,
    email           TEXT,
    phone_e164      TEXT,
    birthday        TEXT,                   -- YYYY-MM-DD or --MM-DD when Square has no year
    note            TEXT,
    reference_id    TEXT,
    creation_source TEXT,
    created_at      TEXT,
    updated_at      TEXT,
    version         INTEGER,
    provenance      TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);
CREATE INDEX customers_email ON customers(email);
CREATE INDEX customers_phone ON customers(phone_e164);

CREATE TABLE team_members (
    id          TEXT PRIMARY KEY,
    given_name  TEXT,
    family_name TEXT,
    email       TEXT,
    phone_e164  TEXT,
    status      TEXT,
    is_owner    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT,
    updated_at  TEXT,
    provenance  TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);

CREATE TABLE catalog_categories (
    id          TEXT PRIMARY KEY,
    name        TEXT,
    is_deleted  INTEGER NOT NULL DEFAULT 0,
    version     INTEGER,
    updated_at  TEXT,
    provenance  TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);

CREATE TABLE catalog_items (
    id           TEXT PRIMARY KEY,
    name         TEXT,
    category_id  TEXT,
    product_type TEXT,
    is_deleted   INTEGER NOT NULL DEFAULT 0,
    version      INTEGER,
    updated_at   TEXT,
    provenance   TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);

CREATE TABLE catalog_variations (
    id                  TEXT PRIMARY KEY,
    item_id             TEXT,
    name                TEXT,
    price_amount        INTEGER,
    currency            TEXT,
    service_duration_ms INTEGER,
    is_deleted          INTEGER NOT NULL DEFAULT 0,
    version             INTEGER,
    updated_at          TEXT,
    provenance          TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);
CREATE INDEX catalog_variations_item ON catalog_variations(item_id);

CREATE TABLE catalog_modifier_lists (
    id          TEXT PRIMARY KEY,
    name        TEXT,
    is_deleted  INTEGER NOT NULL DEFAULT 0,
    version     INTEGER,
    updated_at  TEXT,
    provenance  TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);

CREATE TABLE catalog_modifiers (
    id               TEXT PRIMARY KEY,
    modifier_list_id TEXT,
    name             TEXT,
    price_amount     INTEGER,
    currency         TEXT,
    is_deleted       INTEGER NOT NULL DEFAULT 0,
    version          INTEGER,
    updated_at       TEXT,
    provenance       TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);

CREATE TABLE payments (
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
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);
CREATE INDEX payments_customer ON payments(customer_id, created_at);
CREATE INDEX payments_updated ON payments(updated_at);

CREATE TABLE refunds (
    id          TEXT PRIMARY KEY,
    payment_id  TEXT,
    order_id    TEXT,
    location_id TEXT,
    status      TEXT,
    amount      INTEGER,
    currency    TEXT,
    reason      TEXT,
    created_at  TEXT,
    updated_at  TEXT,
    provenance  TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);
CREATE INDEX refunds_payment ON refunds(payment_id);

CREATE TABLE orders (
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
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);
CREATE INDEX orders_customer ON orders(customer_id, created_at);
CREATE INDEX orders_updated ON orders(updated_at);

CREATE TABLE order_line_items (
    order_id          TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
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
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit')),
    PRIMARY KEY (order_id, uid)
) WITHOUT ROWID;

CREATE TABLE order_line_item_modifiers (
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
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit')),
    PRIMARY KEY (order_id, line_item_uid, uid),
    FOREIGN KEY (order_id, line_item_uid) REFERENCES order_line_items(order_id, uid) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE bookings (
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
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);
CREATE INDEX bookings_customer ON bookings(customer_id, start_at);

CREATE TABLE booking_segments (
    booking_id           TEXT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    ordinal              INTEGER NOT NULL,
    team_member_id       TEXT,
    service_variation_id TEXT,
    duration_minutes     INTEGER,
    intermission_minutes INTEGER,
    provenance           TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit')),
    PRIMARY KEY (booking_id, ordinal)
) WITHOUT ROWID;

CREATE TABLE loyalty_programs (
    id              TEXT PRIMARY KEY,
    status          TEXT,
    terminology_one TEXT,
    terminology_other TEXT,
    created_at      TEXT,
    updated_at      TEXT,
    provenance      TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);

CREATE TABLE loyalty_accounts (
    id              TEXT PRIMARY KEY,
    program_id      TEXT,
    customer_id     TEXT,
    balance         INTEGER,
    lifetime_points INTEGER,
    enrolled_at     TEXT,
    created_at      TEXT,
    updated_at      TEXT,
    provenance      TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);
CREATE INDEX loyalty_accounts_customer ON loyalty_accounts(customer_id);

CREATE TABLE loyalty_events (
    id                 TEXT PRIMARY KEY,
    event_type         TEXT,
    loyalty_account_id TEXT,
    location_id        TEXT,
    order_id           TEXT,
    points             INTEGER,
    source             TEXT,
    created_at         TEXT,
    provenance         TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit'))
);
CREATE INDEX loyalty_events_account ON loyalty_events(loyalty_account_id, created_at);
