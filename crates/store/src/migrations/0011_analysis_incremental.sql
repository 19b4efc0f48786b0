-- Migration 11: incremental recompute (`keeper_analysis::recompute_with`).
--
-- A run after a sync refits the churn and spend models only when the stored fit is stale
-- (older than a day, or the number of customers moved by more than a tenth since it was
-- fitted); otherwise it reuses the parameters of the latest run. It rewrites only the
-- `customer_metrics` rows whose content changed: each row carries a hash of everything it
-- stores except `computed_at`, so a customer whose history, model numbers and day counts
-- are unchanged keeps the row (and the `computed_at`) of the run that last changed it.

-- The run that fitted the parameters a run used (equal to `computed_at` when it refitted),
-- how many customers that fit saw, the Gamma-Gamma log-likelihood (so a reused fit is
-- whole), and how many metric rows the run wrote or deleted.
ALTER TABLE analysis_runs ADD COLUMN fitted_at TEXT;
ALTER TABLE analysis_runs ADD COLUMN fit_customers INTEGER;
ALTER TABLE analysis_runs ADD COLUMN gg_log_likelihood REAL;
ALTER TABLE analysis_runs ADD COLUMN refitted INTEGER NOT NULL DEFAULT 1;
ALTER TABLE analysis_runs ADD COLUMN rows_written INTEGER;

-- FNV-1a (64-bit) of the row's stored values except `computed_at` (see
-- `keeper_analysis::persist::row_hash`); NULL for rows written before this migration.
ALTER TABLE customer_metrics ADD COLUMN content_hash INTEGER;
