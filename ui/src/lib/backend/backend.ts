/**
 * The one interface the UI uses to talk to Keeper's core.
 *
 * `tauri.ts` implements it over Tauri IPC; `fake.ts` implements it in memory for unit tests
 * and for running the UI in a plain browser. Every method rejects with a `BackendError`.
 */
import type {
  BusinessSummary,
  CandidateDecision,
  ColumnMapping,
  CustomerDetail,
  CustomerPage,
  CustomerQuery,
  DbInfo,
  HealthReport,
  JobStatus,
  MatchCandidate,
  ReviewEntry,
  TaskAction,
  TaskEntry,
  UploadJob,
  UploadSummary,
} from './types';

/** Which implementation is answering, so the UI can say when it shows sample data. */
export type BackendKind = 'tauri' | 'fake';

/** Stops an event subscription. */
export type Unlisten = () => void;

export interface Backend {
  readonly kind: BackendKind;
  /** Location, schema version and row counts of the local database. */
  dbInfo(): Promise<DbInfo>;

  /** The current (or last) import, sync or demo job. */
  jobStatus(): Promise<JobStatus>;
  /** Calls `callback` with every progress snapshot the running job sends. */
  onJobProgress(callback: (status: JobStatus) => void): Unlisten;
  /** Starts the embedded simulator with the salon profile and imports from it. */
  startDemo(): Promise<JobStatus>;
  /** Opens Square's sign-in in the system browser, then imports. */
  connectSquare(): Promise<JobStatus>;
  /** Fetches what changed in Square since the last sync. */
  syncNow(): Promise<JobStatus>;

  /** A window of the customer list. */
  listCustomers(query: CustomerQuery): Promise<CustomerPage>;
  customerDetail(id: string): Promise<CustomerDetail>;

  /** Today's tasks, best first. */
  tasks(limit: number): Promise<TaskEntry[]>;
  updateTask(action: TaskAction): Promise<TaskEntry>;
  businessSummary(): Promise<BusinessSummary>;
  reviews(): Promise<ReviewEntry[]>;
  /**
   * Reads new reviews now (the demo merchant's, or the Google and Yelp sources set up) as a
   * background job; rejects with `no_review_source` when there is none.
   */
  fetchReviews(): Promise<JobStatus>;

  /** Shows the system file picker; null when the owner cancels. */
  pickSpreadsheet(): Promise<string | null>;
  /** Calls `callback` with the paths of files dropped anywhere on the window. */
  onFileDropped(callback: (paths: string[]) => void): Unlisten;
  /**
   * Starts reading and matching a spreadsheet as a background job and answers at once with
   * the job (follow it with `uploadJob`); rejects at once for a file Keeper cannot read
   * (`unsupported_file`, `file_unreadable`) or while another job runs (`job_running`).
   */
  uploadSpreadsheet(path: string): Promise<UploadJob>;
  /** A spreadsheet job (upload, re-match, undo) as it stands now. */
  uploadJob(jobId: string): Promise<UploadJob>;
  uploads(): Promise<UploadSummary[]>;
  /** Matches the upload again with corrected columns, as a job; its `upload_id` is the new upload. */
  updateMapping(uploadId: string, mapping: ColumnMapping[]): Promise<UploadJob>;
  candidates(uploadId: string): Promise<MatchCandidate[]>;
  decideCandidate(candidateId: string, decision: CandidateDecision): Promise<MatchCandidate>;
  /** Links the candidate's sheet row to one of its alternatives instead, and accepts it. */
  chooseAlternative(candidateId: string, customerId: string): Promise<MatchCandidate>;
  /** Accepts every pending candidate scoring at least `threshold`; returns how many. */
  acceptAbove(uploadId: string, threshold: number): Promise<number>;
  /** Undoes a whole upload, as a job. */
  undoUpload(uploadId: string): Promise<UploadJob>;
  undoCandidate(candidateId: string): Promise<MatchCandidate>;

  health(): Promise<HealthReport>;
}
