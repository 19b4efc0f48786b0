-- 0007: reviews from Google Business Profile, Yelp and file imports, with on-device sentiment,
-- staff and service mentions, and urgency. Upserted by (source, source_id).
--
-- Analysis reads `reviews` (review_follow_up and urgent tasks, per-staff sentiment), so the
-- columns below are a contract: add columns or tables, do not rename these.

CREATE TABLE reviews (
    id            TEXT PRIMARY KEY,          -- '<source>:<source_id>'
    source        TEXT NOT NULL CHECK (source IN ('google','yelp','file')),
    source_id     TEXT NOT NULL,
    author_name   TEXT,
    rating        INTEGER CHECK (rating BETWEEN 1 AND 5),
    text          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,             -- RFC 3339, UTC
    updated_at    TEXT,
    owner_reply   TEXT,
    customer_id   TEXT,                      -- linked Square customer when the name matched confidently
    sentiment     REAL,                      -- compound score in [-1, 1]
    urgent        INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0,1)),
    urgent_reason TEXT,
    fetched_at    TEXT NOT NULL,
    provenance    TEXT NOT NULL DEFAULT 'review_source'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit')),
    UNIQUE (source, source_id)
);
CREATE INDEX reviews_customer ON reviews(customer_id);
CREATE INDEX reviews_created ON reviews(created_at);

-- One row per staff member or service a review mentions, with the sentiment of the sentence.
CREATE TABLE review_mentions (
    review_id   TEXT NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('team_member','service')),
    target_id   TEXT NOT NULL,               -- team_members.id or catalog_items.id
    matched     TEXT NOT NULL,               -- the words in the review that matched
    sentiment   REAL,
    PRIMARY KEY (review_id, kind, target_id)
) WITHOUT ROWID;
