/**
 * In-memory `Backend` for unit tests and for running the UI in a plain browser.
 *
 * It answers from the data it was given, or rejects with the error it was given; it never
 * pretends to be connected to anything. The default data is labelled as sample data.
 */
import type { Backend } from './backend';
import type { BackendError } from './error';
import type { DbInfo } from './types';

/** Sample database description shown when the UI runs outside the desktop app. */
export const SAMPLE_DB_INFO: DbInfo = {
  path: '(browser preview: sample data, no database file)',
  schema_version: 1,
  counts: [
    { table: 'customers', rows: 1240 },
    { table: 'bookings', rows: 8312 },
    { table: 'orders', rows: 9025 },
    { table: 'payments', rows: 8990 },
    { table: 'team_members', rows: 7 },
  ],
};

export interface FakeBackendOptions {
  /** What `dbInfo()` resolves with; defaults to `SAMPLE_DB_INFO`. */
  dbInfo?: DbInfo;
  /** When set, every call rejects with this error instead. */
  failWith?: BackendError;
}

export class FakeBackend implements Backend {
  readonly kind = 'fake' as const;
  /** Number of calls made per method, for tests that check what the UI asked for. */
  readonly calls = { dbInfo: 0 };

  #dbInfo: DbInfo;
  #failWith: BackendError | undefined;

  constructor(options: FakeBackendOptions = {}) {
    this.#dbInfo = options.dbInfo ?? SAMPLE_DB_INFO;
    this.#failWith = options.failWith;
  }

  /** Makes later calls reject with `error`, or succeed again when `undefined`. */
  setFailure(error: BackendError | undefined): void {
    this.#failWith = error;
  }

  dbInfo(): Promise<DbInfo> {
    this.calls.dbInfo += 1;
    if (this.#failWith) return Promise.reject(this.#failWith);
    // Hand out a copy so callers cannot change the fake's state by mutating the result.
    return Promise.resolve(structuredClone(this.#dbInfo));
  }
}
