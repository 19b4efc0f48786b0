-- Migration 10: the retry queue used by sync (keeper-import's retry.rs). A sync window of
-- normal or low priority that fails transiently (or is deferred by an open breaker or a
-- scarce budget) is kept in `retry_queue` (migration 0005) with its full error and, once
-- its priority's attempts are used up, marked dead: kept and shown by health, no longer
-- retried by itself.
ALTER TABLE retry_queue ADD COLUMN last_error TEXT;
ALTER TABLE retry_queue ADD COLUMN dead_at_ms INTEGER;
