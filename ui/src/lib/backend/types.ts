/**
 * Data shapes that cross the IPC boundary between the Rust shell and the UI.
 *
 * Field names are snake_case because that is how the Rust side serializes them. The view
 * types are generated from `crates/api/src/views.rs` by ts-rs (into `./generated/`, when
 * `cargo test -p keeper-api` runs) and re-exported here, so the two sides cannot drift
 * apart; never edit the generated files. `DbInfo` comes from the shell's own command and is
 * still written by hand.
 */

export type { BusinessSummary } from './generated/BusinessSummary';
export type { CohortRow } from './generated/CohortRow';
export type { ColumnMapping } from './generated/ColumnMapping';
export type { CustomerDetail } from './generated/CustomerDetail';
export type { CustomerMetrics } from './generated/CustomerMetrics';
export type { CustomerPage } from './generated/CustomerPage';
export type { CustomerQuery } from './generated/CustomerQuery';
export type { CustomerRow } from './generated/CustomerRow';
export type { CustomerSort } from './generated/CustomerSort';
export type { FamilyHealth } from './generated/FamilyHealth';
export type { FieldComparison } from './generated/FieldComparison';
export type { HealthReport } from './generated/HealthReport';
export type { JobKind } from './generated/JobKind';
export type { JobState } from './generated/JobState';
export type { JobStatus } from './generated/JobStatus';
export type { MatchAlternative } from './generated/MatchAlternative';
export type { MatchCandidate } from './generated/MatchCandidate';
export type { Mention } from './generated/Mention';
export type { NoteEntry } from './generated/NoteEntry';
export type { Point } from './generated/Point';
export type { Ranked } from './generated/Ranked';
export type { ReviewEntry } from './generated/ReviewEntry';
export type { StaffRow } from './generated/StaffRow';
export type { StreamProgress } from './generated/StreamProgress';
export type { TaskAction } from './generated/TaskAction';
export type { TaskEntry } from './generated/TaskEntry';
export type { TaskState } from './generated/TaskState';
export type { UploadJob } from './generated/UploadJob';
export type { UploadJobKind } from './generated/UploadJobKind';
export type { UploadSummary } from './generated/UploadSummary';
export type { VisitEntry } from './generated/VisitEntry';

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

/** What the owner decides about a match candidate (`decide_candidate`'s `decision`). */
export type CandidateDecision = 'accept' | 'reject' | 'skip';
