//! Versioned schema migrations. Each migration is a numbered SQL file applied once, in order,
//! inside a transaction; a shipped migration is never edited (add a new file instead).

use crate::{Error, Result};
use rusqlite::Connection;

/// A migration shipped with this build.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration this build knows, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "quarantine",
        sql: include_str!("migrations/0002_quarantine.sql"),
    },
    Migration {
        version: 3,
        name: "import_state",
        sql: include_str!("migrations/0003_import_state.sql"),
    },
    Migration {
        version: 4,
        name: "analysis",
        sql: include_str!("migrations/0004_analysis.sql"),
    },
    Migration {
        version: 5,
        name: "health",
        sql: include_str!("migrations/0005_health.sql"),
    },
    Migration {
        version: 6,
        name: "search",
        sql: include_str!("migrations/0006_search.sql"),
    },
    Migration {
        version: 7,
        name: "reviews",
        sql: include_str!("migrations/0007_reviews.sql"),
    },
    Migration {
        version: 8,
        name: "enrichment",
        sql: include_str!("migrations/0008_enrichment.sql"),
    },
    Migration {
        version: 9,
        name: "import_speed",
        sql: include_str!("migrations/0009_import_speed.sql"),
    },
    Migration {
        version: 10,
        name: "retry_queue",
        sql: include_str!("migrations/0010_retry_queue.sql"),
    },
    Migration {
        version: 11,
        name: "analysis_incremental",
        sql: include_str!("migrations/0011_analysis_incremental.sql"),
    },
    Migration {
        version: 12,
        name: "enrichment_search",
        sql: include_str!("migrations/0012_enrichment_search.sql"),
    },
    Migration {
        version: 13,
        name: "ui_latency",
        sql: include_str!("migrations/0013_ui_latency.sql"),
    },
    Migration {
        version: 14,
        name: "import_throughput",
        sql: include_str!("migrations/0014_import_throughput.sql"),
    },
    Migration {
        version: 15,
        name: "analysis_incremental_read",
        sql: include_str!("migrations/0015_analysis_incremental_read.sql"),
    },
    Migration {
        version: 16,
        name: "normalize_speed",
        sql: include_str!("migrations/0016_normalize_speed.sql"),
    },
    Migration {
        version: 17,
        name: "ui_jobs",
        sql: include_str!("migrations/0017_ui_jobs.sql"),
    },
    Migration {
        version: 18,
        name: "search_query",
        sql: include_str!("migrations/0018_search_query.sql"),
    },
    Migration {
        version: 19,
        name: "search_query",
        sql: include_str!("migrations/0019_search_query.sql"),
    },
    Migration {
        version: 20,
        name: "normalize_speed",
        sql: include_str!("migrations/0020_normalize_speed.sql"),
    },
    Migration {
        version: 21,
        name: "ui_jobs",
        sql: include_str!("migrations/0021_ui_jobs.sql"),
    },
    Migration {
        version: 22,
        name: "analysis_incremental_read",
        sql: include_str!("migrations/0022_analysis_incremental_read.sql"),
    },
    Migration {
        version: 23,
        name: "search_refresh",
        sql: include_str!("migrations/0023_search_refresh.sql"),
    },
];

/// The schema version a fully migrated database has.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The schema version recorded in the database (0 for a new file).
pub fn current_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies every migration newer than the database's version.
pub fn apply(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        )",
    )?;
    let current = current_version(conn)?;
    let known = latest_version();
    if current > known {
        return Err(Error::SchemaTooNew {
            found: current,
            known,
        });
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let run = || -> rusqlite::Result<()> {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(m.sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
                (m.version, m.name),
            )?;
            tx.pragma_update(None, "user_version", m.version)?;
            tx.commit()
        };
        run().map_err(|source| Error::Migration {
            version: m.version,
            name: m.name,
            source,
        })?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    Ok(())
}
