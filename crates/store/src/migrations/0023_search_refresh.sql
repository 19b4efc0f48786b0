-- 0023: the match-review screen's decisions answer at once; the search documents of the
-- customers they touched are rebuilt afterwards by the app's background refresh
-- (keeper-api `search_refresh.rs`).
--
-- Each decision records its customers here in the same transaction as the decision, and the
-- refresh deletes the rows it has rebuilt, so a decision whose rebuild never ran (the app
-- quit or crashed) is rebuilt when the app starts again. A customer may be listed more than
-- once (one row per decision); rebuilding a document twice leaves it as after once.
CREATE TABLE search_refresh_queue (
    id          INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL,
    queued_at   TEXT NOT NULL
);

