-- 0002: the quarantine, where normalization puts every record that failed a validation rule.
-- Nothing is dropped silently: a soft failure is stored normalized with the bad field nulled
-- AND listed here; a hard failure is only listed here (with its JSON) until a later version
-- of the object passes, which clears its rows.
--
-- Keyed by (object_type, square_id, rule) so normalizing the same object twice never adds a
-- second row. An object without an id is keyed by `sha256:<hash of its JSON>`.
-- `detected_at` keeps the first time the failure was seen.

CREATE TABLE quarantine (
    object_type TEXT NOT NULL,              -- CUSTOMER, PAYMENT, ORDER, ITEM, ...
    square_id   TEXT NOT NULL,
    rule        TEXT NOT NULL,              -- e.g. phone_invalid, amount_out_of_bounds
    severity    TEXT NOT NULL CHECK (severity IN ('soft','hard')),
    reason      TEXT NOT NULL,              -- for the owner: what is wrong and with which value
    json        TEXT NOT NULL,              -- the object as received
    detected_at TEXT NOT NULL,
    provenance  TEXT NOT NULL DEFAULT 'square_sync'
        CHECK (provenance IN ('square_sync','spreadsheet_import','review_source','owner_edit')),
    PRIMARY KEY (object_type, square_id, rule)
) WITHOUT ROWID;
CREATE INDEX quarantine_detected ON quarantine(detected_at);
