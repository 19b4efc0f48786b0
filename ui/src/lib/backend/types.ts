/**
 * Data shapes that cross the IPC boundary between the Rust shell and the UI.
 *
 * Field names are snake_case because that is how the Rust side serializes them.
 * These types are written by hand for now; a later issue generates them from the Rust
 * types with ts-rs, and this file will then re-export the generated bindings.
 */

/** One table of the local database and how many rows it holds. */
export interface TableCount {
  table: string;
  rows: number;
}

/** What the `db_info` command reports about the local database. */
export interface DbInfo {
  /** Absolute path of the SQLite file on disk. */
  path: string;
  /** Number of the last migration applied. */
  schema_version: number;
  /** Row count of each table, in the order the backend lists them. */
  counts: TableCount[];
}
