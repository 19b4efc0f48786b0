/**
 * The one interface the UI uses to talk to Keeper's core.
 *
 * `tauri.ts` implements it over Tauri IPC; `fake.ts` implements it in memory for unit tests
 * and for running the UI in a plain browser. Every method rejects with a `BackendError`.
 */
import type { DbInfo } from './types';

/** Which implementation is answering, so the UI can say when it shows sample data. */
export type BackendKind = 'tauri' | 'fake';

export interface Backend {
  readonly kind: BackendKind;
  /** Location, schema version and row counts of the local database. */
  dbInfo(): Promise<DbInfo>;
}
