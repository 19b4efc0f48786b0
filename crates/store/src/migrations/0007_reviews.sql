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

-- Additions by keeper-reviews (the columns above are unchanged).
ALTER TABLE reviews ADD COLUMN excerpt INTEGER NOT NULL DEFAULT 0 CHECK (excerpt IN (0,1)); -- Yelp: truncated excerpt
ALTER TABLE reviews ADD COLUMN url TEXT;
ALTER TABLE reviews ADD COLUMN sentiment_method TEXT;       -- 'vader' or 'vader+salon'
ALTER TABLE reviews ADD COLUMN content_hash TEXT;           -- SHA-256 of what the source sent; an edit changes it
ALTER TABLE reviews ADD COLUMN customer_match TEXT;         -- why customer_id was linked (e.g. 'full_name_exact')
CREATE INDEX reviews_urgent ON reviews(urgent) WHERE urgent = 1;
CREATE INDEX review_mentions_target ON review_mentions(kind, target_id);

-- Per staff member: how many reviews mention them and the mean sentence sentiment.
CREATE VIEW review_staff_sentiment AS
SELECT m.target_id AS team_member_id,
       COUNT(*) AS mentions,
       AVG(m.sentiment) AS mean_sentiment,
       SUM(CASE WHEN m.sentiment <= -0.05 THEN 1 ELSE 0 END) AS negative_mentions,
       AVG(r.rating) AS mean_rating
FROM review_mentions m JOIN reviews r ON r.id = m.review_id
WHERE m.kind = 'team_member'
GROUP BY m.target_id;
