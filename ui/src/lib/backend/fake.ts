/**
 * In-memory `Backend` for unit tests and for running the UI in a plain browser.
 *
 * It answers from the data it was given (or the labelled sample data in `sample.ts`), or
 * rejects with the error it was given; it never pretends to be connected to anything. Tests
 * drive events with `emitJobProgress` and `dropFiles`, and read `calls` (how often each
 * method ran) and `argsOf` (what it was called with).
 *
 * Spreadsheet jobs (upload, re-match, undo) run as the desktop's do: the command answers with
 * a running job, `uploadJob` reports it running for `uploadJobPolls` polls and then applies
 * its change and reports it finished (or failed, after `failUploadJobs`).
 */
import type { Backend, BackendKind, Unlisten } from './backend';
import { BackendError } from './error';
import {
  IDLE_JOB,
  SAMPLE_HEALTH,
  SAMPLE_MAPPING,
  SAMPLE_REVIEWS,
  SAMPLE_STREAMS,
  SAMPLE_SUMMARY,
  SAMPLE_TODAY,
  sampleCandidates,
  sampleCustomers,
  sampleDetail,
  sampleTasks,
} from './sample';
import type {
  BusinessSummary,
  CandidateDecision,
  ColumnMapping,
  CustomerDetail,
  CustomerPage,
  CustomerQuery,
  CustomerRow,
  DbInfo,
  HealthReport,
  JobKind,
  JobStatus,
  MatchCandidate,
  ReviewEntry,
  TaskAction,
  TaskEntry,
  UploadJob,
  UploadJobKind,
  UploadSummary,
} from './types';

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
  /** Which backend it claims to be; `fake` unless a test stands in for the desktop. */
  kind?: BackendKind;
  /** What `dbInfo()` resolves with; defaults to `SAMPLE_DB_INFO`. */
  dbInfo?: DbInfo;
  /** When set, every call rejects with this error instead. */
  failWith?: BackendError;
  /** The customer list, or how many sample customers to make (default 240). */
  customers?: CustomerRow[] | number;
  /** What search the list says it uses. */
  searchMode?: string;
  searchNote?: string | null;
  job?: JobStatus;
  tasks?: TaskEntry[];
  summary?: BusinessSummary;
  reviews?: ReviewEntry[];
  health?: HealthReport;
  /** What the file picker returns (null: the owner cancelled). */
  pickedFile?: string | null;
  /** Play a started job forward on a timer (for the browser preview). */
  animateJobs?: boolean;
  /** Polls of `uploadJob` that answer "running" before a spreadsheet job finishes (default 1). */
  uploadJobPolls?: number;
  /**
   * A spreadsheet (file name) the app is uploading on its own when the UI starts, as the
   * desktop app finishes a job left from its last run: `jobStatus` reports an upload job
   * running for `uploadJobPolls` calls, then the upload exists and the job is finished.
   */
  resumedUpload?: string;
}

/** A spreadsheet job of the fake: its view, polls left, and the change it makes at the end. */
interface FakeUploadJob {
  job: UploadJob;
  polls: number;
  stages: string[];
  /** Applies the job's change; returns the upload to show. */
  finish: () => string | null;
  failure: BackendError | undefined;
}

type Method = Exclude<keyof Backend, 'kind'>;

const METHODS: readonly Method[] = [
  'dbInfo', 'jobStatus', 'onJobProgress', 'startDemo', 'connectSquare', 'syncNow', 'listCustomers',
  'customerDetail', 'tasks', 'updateTask', 'businessSummary', 'reviews', 'fetchReviews', 'pickSpreadsheet',
  'onFileDropped', 'uploadSpreadsheet', 'uploadJob', 'uploads', 'updateMapping', 'candidates',
  'decideCandidate', 'chooseAlternative', 'acceptAbove', 'undoUpload', 'undoCandidate', 'health',
];

function copy<T>(value: T): T {
  return structuredClone(value);
}

const DECIDED: Record<CandidateDecision, string> = { accept: 'accepted', reject: 'rejected', skip: 'skipped' };

export class FakeBackend implements Backend {
  readonly kind: BackendKind;
  /** Number of calls made per method, for tests that check what the UI asked for. */
  readonly calls = Object.fromEntries(METHODS.map((method) => [method, 0])) as Record<Method, number>;
  readonly #args = new Map<Method, unknown[][]>();

  #dbInfo: DbInfo;
  #failWith: BackendError | undefined;
  #customers: CustomerRow[];
  #searchMode: string;
  #searchNote: string | null;
  #job: JobStatus;
  #tasks: TaskEntry[];
  #summary: BusinessSummary;
  #reviews: ReviewEntry[];
  #health: HealthReport;
  #picked: string | null;
  #animate: boolean;
  #sorted = new Map<string, CustomerRow[]>();
  #uploads: UploadSummary[] = [];
  #candidates = new Map<string, MatchCandidate[]>();
  #uploadJobs = new Map<string, FakeUploadJob>();
  #uploadJobPolls: number;
  #uploadJobFailure: BackendError | undefined;
  /** The upload the app is finishing on its own: `jobStatus` calls left before it ends. */
  #resumed: { fileName: string; polls: number } | null = null;
  #jobListeners = new Set<(status: JobStatus) => void>();
  #dropListeners = new Set<(paths: string[]) => void>();

  constructor(options: FakeBackendOptions = {}) {
    this.kind = options.kind ?? 'fake';
    this.#dbInfo = options.dbInfo ?? SAMPLE_DB_INFO;
    this.#failWith = options.failWith;
    const customers = options.customers ?? 240;
    this.#customers = typeof customers === 'number' ? sampleCustomers(customers) : customers;
    this.#searchMode = options.searchMode ?? 'text';
    this.#searchNote =
      options.searchNote === undefined ? 'Sample data: search by meaning is off in the browser preview.' : options.searchNote;
    this.#job = options.job ?? IDLE_JOB;
    this.#tasks = options.tasks ?? sampleTasks(this.#customers);
    this.#summary = options.summary ?? SAMPLE_SUMMARY;
    this.#reviews = options.reviews ?? SAMPLE_REVIEWS;
    this.#health = options.health ?? SAMPLE_HEALTH;
    this.#picked = options.pickedFile === undefined ? '/home/owner/clients.xlsx' : options.pickedFile;
    this.#animate = options.animateJobs ?? false;
    this.#uploadJobPolls = options.uploadJobPolls ?? 1;
    if (options.resumedUpload !== undefined) {
      this.#resumed = { fileName: options.resumedUpload, polls: this.#uploadJobPolls };
      this.#job = {
        ...IDLE_JOB,
        kind: 'upload',
        state: 'running',
        stage: `Matching the rows of ${options.resumedUpload} (step 3 of 5)`,
        started_at: `${SAMPLE_TODAY}T09:00:00Z`,
      };
    }
  }

  /** Makes the spreadsheet jobs started from now on fail with `error` (or succeed again). */
  failUploadJobs(error: BackendError | undefined): void {
    this.#uploadJobFailure = error;
  }

  /** Makes later calls reject with `error`, or succeed again when `undefined`. */
  setFailure(error: BackendError | undefined): void {
    this.#failWith = error;
  }

  /** The arguments of every call to `method`, oldest first. */
  argsOf(method: Method): unknown[][] {
    return this.#args.get(method) ?? [];
  }

  /** Sends a `job-progress` event, as the desktop shell does while a job runs. */
  emitJobProgress(status: JobStatus): void {
    this.#job = status;
    for (const listener of this.#jobListeners) listener(copy(status));
  }

  /** Sends a `file-dropped` event, as the desktop shell does on a drop. */
  dropFiles(paths: string[]): void {
    for (const listener of this.#dropListeners) listener([...paths]);
  }

  #record(method: Method, args: unknown[]): void {
    this.calls[method] += 1;
    const list = this.#args.get(method) ?? [];
    list.push(args);
    this.#args.set(method, list);
  }

  #answer<T>(method: Method, args: unknown[], produce: () => T): Promise<T> {
    this.#record(method, args);
    if (this.#failWith) return Promise.reject(this.#failWith);
    try {
      // Hand out a copy so callers cannot change the fake's state by mutating the result.
      return Promise.resolve(copy(produce()));
    } catch (error) {
      if (error instanceof BackendError) return Promise.reject(error);
      const message = error instanceof Error ? error.message : String(error);
      return Promise.reject(new BackendError('fake_backend_error', message));
    }
  }

  dbInfo(): Promise<DbInfo> {
    return this.#answer('dbInfo', [], () => this.#dbInfo);
  }

  jobStatus(): Promise<JobStatus> {
    return this.#answer('jobStatus', [], () => {
      const resumed = this.#resumed;
      if (resumed !== null) {
        if (resumed.polls > 0) {
          resumed.polls -= 1;
        } else {
          this.#resumed = null;
          this.#addUpload(resumed.fileName);
          this.#job = { ...this.#job, state: 'finished', stage: 'Finished', finished_at: `${SAMPLE_TODAY}T09:00:04Z` };
        }
      }
      return this.#job;
    });
  }

  onJobProgress(callback: (status: JobStatus) => void): Unlisten {
    this.#record('onJobProgress', []);
    this.#jobListeners.add(callback);
    return () => this.#jobListeners.delete(callback);
  }

  #start(method: Method, kind: JobKind, stage?: string): Promise<JobStatus> {
    return this.#answer(method, [], () => {
      this.#job = {
        ...IDLE_JOB,
        kind,
        state: 'running',
        stage: stage ?? (kind === 'sync' ? 'Syncing' : 'Importing'),
        started_at: `${SAMPLE_TODAY}T09:00:00Z`,
        streams: SAMPLE_STREAMS.map((stream) => ({
          stream, state: 'waiting', pages: 0, objects: 0, percent: null, eta_seconds: null, error: null,
        })),
      };
      if (this.#animate) this.#play();
      return this.#job;
    });
  }

  /** Moves the current job forward one stream every half second, then finishes it. */
  #play(): void {
    let step = 0;
    const timer = setInterval(() => {
      step += 1;
      const streams = this.#job.streams.map((stream, index) => {
        if (index < step) return { ...stream, state: 'finished' as const, pages: 4, objects: 380, percent: 100, eta_seconds: 0 };
        if (index === step) return { ...stream, state: 'running' as const, pages: 2, objects: 190, percent: 50, eta_seconds: 1 };
        return stream;
      });
      const done = step > streams.length;
      this.emitJobProgress({
        ...this.#job,
        streams,
        state: done ? 'finished' : 'running',
        stage: done ? 'Finished' : 'Importing',
        rate_limited: step === 3,
        backoff_seconds: step === 3 ? 2 : 0,
        finished_at: done ? `${SAMPLE_TODAY}T09:00:04Z` : null,
        summary: done ? ['Imported 240 sample customers'] : [],
      });
      if (done) clearInterval(timer);
    }, 500);
  }

  startDemo(): Promise<JobStatus> {
    return this.#start('startDemo', 'demo');
  }

  connectSquare(): Promise<JobStatus> {
    return this.#start('connectSquare', 'import');
  }

  syncNow(): Promise<JobStatus> {
    return this.#start('syncNow', 'sync');
  }

  fetchReviews(): Promise<JobStatus> {
    return this.#start('fetchReviews', 'sync', 'Reading your Google and Yelp reviews');
  }

  #ordered(search: string | null, sort: CustomerQuery['sort'], descending: boolean): CustomerRow[] {
    const key = `${search ?? ''}\u0000${sort}\u0000${descending}`;
    const cached = this.#sorted.get(key);
    if (cached) return cached;
    const needle = search?.trim().toLowerCase() ?? '';
    const matching = needle
      ? this.#customers.filter((row) =>
          [row.name, row.email ?? '', row.phone ?? ''].some((text) => text.toLowerCase().includes(needle)),
        )
      : [...this.#customers];
    const value = (row: CustomerRow): number | string => {
      switch (sort) {
        case 'name': return row.name.toLowerCase();
        case 'value': return row.lifetime_value_cents;
        case 'last_visit': return row.last_visit ?? '';
        case 'risk': return row.p_alive ?? -1;
        case 'visits': return row.visits;
        case 'overdue': return row.days_overdue ?? Number.NEGATIVE_INFINITY;
      }
    };
    matching.sort((a, b) => {
      const left = value(a);
      const right = value(b);
      const order = left < right ? -1 : left > right ? 1 : a.id.localeCompare(b.id);
      return descending ? -order : order;
    });
    this.#sorted.set(key, matching);
    return matching;
  }

  listCustomers(query: CustomerQuery): Promise<CustomerPage> {
    return this.#answer('listCustomers', [query], () => {
      const rows = this.#ordered(query.search, query.sort, query.descending);
      return {
        rows: rows.slice(query.offset, query.offset + query.limit),
        total: rows.length,
        offset: query.offset,
        currency: 'USD',
        search_mode: this.#searchMode,
        search_note: this.#searchNote,
      };
    });
  }

  customerDetail(id: string): Promise<CustomerDetail> {
    return this.#answer('customerDetail', [id], () => {
      const row = this.#customers.find((customer) => customer.id === id);
      if (!row) throw new BackendError('customer_not_found', `No customer with id ${id}`);
      const detail = sampleDetail(row);
      detail.tasks = this.#tasks.filter((task) => task.customer_id === id);
      detail.reviews = this.#reviews.filter((review) => review.customer_id === id);
      return detail;
    });
  }

  tasks(limit: number): Promise<TaskEntry[]> {
    return this.#answer('tasks', [limit], () => this.#tasks.filter((task) => task.state === 'open').slice(0, limit));
  }

  updateTask(action: TaskAction): Promise<TaskEntry> {
    return this.#answer('updateTask', [action], () => {
      const task = this.#tasks.find((entry) => entry.id === action.id);
      if (!task) throw new BackendError('task_not_found', `No task with id ${action.id}`);
      task.state = action.state;
      task.snoozed_until = action.state === 'snoozed' ? action.until : null;
      return task;
    });
  }

  businessSummary(): Promise<BusinessSummary> {
    return this.#answer('businessSummary', [], () => this.#summary);
  }

  reviews(): Promise<ReviewEntry[]> {
    return this.#answer('reviews', [], () => this.#reviews);
  }

  pickSpreadsheet(): Promise<string | null> {
    return this.#answer('pickSpreadsheet', [], () => this.#picked);
  }

  onFileDropped(callback: (paths: string[]) => void): Unlisten {
    this.#record('onFileDropped', []);
    this.#dropListeners.add(callback);
    return () => this.#dropListeners.delete(callback);
  }

  #upload(uploadId: string): UploadSummary {
    const upload = this.#uploads.find((entry) => entry.id === uploadId);
    if (!upload) throw new BackendError('upload_not_found', `No upload with id ${uploadId}`);
    return upload;
  }

  #candidate(candidateId: string): [UploadSummary, MatchCandidate] {
    for (const [uploadId, list] of this.#candidates) {
      const candidate = list.find((entry) => entry.id === candidateId);
      if (candidate) return [this.#upload(uploadId), candidate];
    }
    throw new BackendError('candidate_not_found', `No candidate with id ${candidateId}`);
  }

  #recount(upload: UploadSummary): void {
    const list = this.#candidates.get(upload.id) ?? [];
    upload.accepted = list.filter((entry) => entry.state === 'accepted').length;
    upload.rejected = list.filter((entry) => entry.state === 'rejected').length;
    upload.to_review = list.filter((entry) => entry.state === 'pending' || entry.state === 'skipped').length;
  }

  #startUploadJob(kind: UploadJobKind, fileName: string | null, stages: string[], finish: () => string | null): UploadJob {
    const id = `sample-job-${this.#uploadJobs.size + 1}`;
    const job: UploadJob = {
      id,
      kind,
      state: 'running',
      stage: stages[0] ?? 'Working',
      percent: 0,
      file_name: fileName,
      upload_id: null,
      error_code: null,
      error: null,
    };
    this.#uploadJobs.set(id, { job, polls: this.#uploadJobPolls, stages, finish, failure: this.#uploadJobFailure });
    return job;
  }

  uploadSpreadsheet(path: string): Promise<UploadJob> {
    return this.#answer('uploadSpreadsheet', [path], () => {
      if (!/\.(csv|tsv|txt|xlsx|xlsm|xls|xlsb|ods)$/i.test(path)) {
        throw new BackendError('unsupported_file', `Keeper reads CSV and Excel files, not ${path}`);
      }
      const fileName = path.split(/[\\/]/).pop() ?? path;
      const stages = [`Reading ${fileName}`, `Matching the rows against ${this.#customers.length} customers`, 'Saving the matches'];
      return this.#startUploadJob('upload', fileName, stages, () => this.#addUpload(fileName));
    });
  }

  /** A new upload of `fileName` with sample candidates; returns its id. */
  #addUpload(fileName: string): string {
    const id = `sample-upload-${this.#uploads.length + 1}`;
    const candidates = sampleCandidates(id, this.#customers);
    const upload: UploadSummary = {
      id,
      file_name: fileName,
      rows: candidates.length + 1,
      accepted: 0,
      to_review: 0,
      rejected: 0,
      unmatched: 1,
      created_at: `${SAMPLE_TODAY}T09:30:00Z`,
      undone: false,
      mapping: copy(SAMPLE_MAPPING),
    };
    this.#uploads.unshift(upload);
    this.#candidates.set(id, candidates);
    this.#recount(upload);
    return id;
  }

  uploadJob(jobId: string): Promise<UploadJob> {
    return this.#answer('uploadJob', [jobId], () => {
      const entry = this.#uploadJobs.get(jobId);
      if (!entry) throw new BackendError('upload_job_not_found', `No upload job ${jobId}`);
      const { job } = entry;
      if (job.state !== 'running') return job;
      if (entry.polls > 0) {
        entry.polls -= 1;
        const done = this.#uploadJobPolls - entry.polls;
        const step = Math.min(entry.stages.length - 1, done);
        job.stage = entry.stages[step] ?? job.stage;
        job.percent = Math.round((100 * done) / (this.#uploadJobPolls + 1));
        return job;
      }
      if (entry.failure) {
        job.state = 'failed';
        job.stage = 'Stopped';
        job.percent = null;
        job.error_code = entry.failure.code;
        job.error = entry.failure.message;
        return job;
      }
      job.upload_id = entry.finish();
      job.state = 'finished';
      job.stage = 'Done';
      job.percent = 100;
      return job;
    });
  }

  uploads(): Promise<UploadSummary[]> {
    return this.#answer('uploads', [], () => this.#uploads);
  }

  updateMapping(uploadId: string, mapping: ColumnMapping[]): Promise<UploadJob> {
    return this.#answer('updateMapping', [uploadId, mapping], () => {
      const upload = this.#upload(uploadId);
      if (upload.undone) throw new BackendError('upload_undone', 'This upload was undone already.');
      const stages = [`Reading ${upload.file_name}`, 'Matching again with the new columns', 'Saving the matches'];
      return this.#startUploadJob('remap', upload.file_name, stages, () => {
        // As the app does: the old upload is undone and a new one takes its place.
        const id = `sample-upload-${this.#uploads.length + 1}`;
        upload.undone = true;
        const candidates = sampleCandidates(id, this.#customers);
        const replacement: UploadSummary = { ...copy(upload), id, undone: false, mapping: copy(mapping) };
        this.#uploads.unshift(replacement);
        this.#candidates.set(id, candidates);
        this.#recount(replacement);
        return id;
      });
    });
  }

  candidates(uploadId: string): Promise<MatchCandidate[]> {
    return this.#answer('candidates', [uploadId], () => {
      this.#upload(uploadId);
      return this.#candidates.get(uploadId) ?? [];
    });
  }

  decideCandidate(candidateId: string, decision: CandidateDecision): Promise<MatchCandidate> {
    return this.#answer('decideCandidate', [candidateId, decision], () => {
      const [upload, candidate] = this.#candidate(candidateId);
      candidate.state = DECIDED[decision];
      this.#recount(upload);
      return candidate;
    });
  }

  chooseAlternative(candidateId: string, customerId: string): Promise<MatchCandidate> {
    return this.#answer('chooseAlternative', [candidateId, customerId], () => {
      const [upload, candidate] = this.#candidate(candidateId);
      const index = candidate.alternatives.findIndex((entry) => entry.customer_id === customerId);
      const chosen = candidate.alternatives[index];
      if (chosen === undefined) {
        throw new BackendError('alternative_not_found', `${customerId} is not an alternative of ${candidateId}`);
      }
      // The first guess takes the chosen one's place among the alternatives.
      candidate.alternatives[index] = {
        customer_id: candidate.customer_id ?? '',
        customer_name: candidate.customer_name,
        score: candidate.score,
        fields: candidate.fields,
        taken_by_row: null,
      };
      candidate.customer_id = chosen.customer_id;
      candidate.customer_name = chosen.customer_name;
      candidate.score = chosen.score;
      candidate.fields = chosen.fields;
      candidate.state = 'accepted';
      this.#recount(upload);
      return candidate;
    });
  }

  acceptAbove(uploadId: string, threshold: number): Promise<number> {
    return this.#answer('acceptAbove', [uploadId, threshold], () => {
      const upload = this.#upload(uploadId);
      let accepted = 0;
      for (const candidate of this.#candidates.get(uploadId) ?? []) {
        if (candidate.state === 'pending' && candidate.score >= threshold) {
          candidate.state = 'accepted';
          accepted += 1;
        }
      }
      this.#recount(upload);
      return accepted;
    });
  }

  undoUpload(uploadId: string): Promise<UploadJob> {
    return this.#answer('undoUpload', [uploadId], () => {
      const upload = this.#upload(uploadId);
      if (upload.undone) throw new BackendError('upload_undone', 'This upload was undone already.');
      return this.#startUploadJob('undo_upload', upload.file_name, ['Undoing the upload'], () => {
        upload.undone = true;
        // As the app does: what was accepted or waiting is undone, a rejection stays.
        for (const candidate of this.#candidates.get(uploadId) ?? []) {
          if (['accepted', 'pending', 'skipped'].includes(candidate.state)) candidate.state = 'undone';
        }
        this.#recount(upload);
        return uploadId;
      });
    });
  }

  undoCandidate(candidateId: string): Promise<MatchCandidate> {
    return this.#answer('undoCandidate', [candidateId], () => {
      const [upload, candidate] = this.#candidate(candidateId);
      candidate.state = 'pending';
      this.#recount(upload);
      return candidate;
    });
  }

  health(): Promise<HealthReport> {
    return this.#answer('health', [], () => this.#health);
  }
}
