/**
 * The spreadsheet being reviewed, shared by the app (which uploads dropped files) and the
 * Match review screen. Every action goes through the backend and then shows what it returned.
 *
 * Uploading, matching again with corrected columns and undoing a whole upload take seconds on
 * a large merchant, so the backend runs them as jobs: the command answers at once with the
 * job, which this session polls (`job` holds it, for the progress bar) until it ends, then
 * reads the upload and its candidates again. A failed job shows its error like any other.
 *
 * The app also runs spreadsheet jobs of its own: at start it finishes the ones it did not
 * finish when it last ran. `resume` (called when the screen opens with nothing shown) follows
 * such a job while the app's job slot runs it, then shows the newest upload not undone.
 */
import type {
  Backend,
  CandidateDecision,
  ColumnMapping,
  MatchCandidate,
  UploadJob,
  UploadSummary,
} from '../backend';
import { BackendError, toBackendError } from '../backend/error';

/** How often a running spreadsheet job is polled, in milliseconds. */
export const JOB_POLL_MS = 200;

/** File types the enrichment import reads (the same list as the desktop file dialog). */
export const SPREADSHEET = /\.(csv|tsv|txt|xlsx|xlsm|xls|xlsb|ods)$/i;

export class MatchSession {
  upload: UploadSummary | null = $state(null);
  candidates: MatchCandidate[] = $state([]);
  /** What is happening right now, in words, or null when idle. */
  busy: string | null = $state(null);
  error: BackendError | null = $state(null);
  /** One line about the last thing done, e.g. "Accepted 3 matches". */
  notice: string | null = $state(null);
  /** The spreadsheet job running (or last run), for its progress. */
  job: UploadJob | null = $state(null);

  readonly #backend: Backend;
  readonly #pollMs: number;
  /** Counts the owner's actions, so a `resume` that outlived one leaves the screen alone. */
  #actions = 0;

  constructor(backend: Backend, pollMs: number = JOB_POLL_MS) {
    this.#backend = backend;
    this.#pollMs = pollMs;
  }

  /**
   * Follows a started job until it ends, showing its stage; resolves with the id of the
   * upload to show, or throws the job's error.
   */
  async #follow(started: UploadJob): Promise<string | null> {
    let job = started;
    this.job = job;
    while (job.state === 'running' || job.state === 'waiting') {
      this.busy = job.stage;
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
      job = await this.#backend.uploadJob(job.id);
      this.job = job;
    }
    if (job.state === 'failed') {
      throw new BackendError(job.error_code ?? 'upload_job_failed', job.error ?? 'The spreadsheet job stopped.');
    }
    return job.upload_id;
  }

  /** Shows upload `id` (or keeps the current one) with its candidates, read again. */
  async #show(id: string | null): Promise<void> {
    const uploadId = id ?? this.upload?.id;
    if (uploadId === undefined) return;
    const found = (await this.#backend.uploads()).find((entry) => entry.id === uploadId);
    if (found) this.upload = found;
    this.candidates = await this.#backend.candidates(uploadId);
  }

  async #run(busy: string, work: () => Promise<void>): Promise<void> {
    this.#actions += 1;
    this.busy = busy;
    this.error = null;
    try {
      await work();
    } catch (raw) {
      this.error = toBackendError(raw);
    } finally {
      this.busy = null;
    }
  }

  /**
   * When nothing is shown: follows the spreadsheet job the app is running on its own (one it
   * finished at start, left from its last run), then shows the newest upload not undone with
   * its candidates. Does nothing once the owner has started something else meanwhile.
   */
  async resume(): Promise<void> {
    if (this.upload !== null || this.busy !== null) return;
    const actions = this.#actions;
    const untouched = (): boolean => actions === this.#actions && this.upload === null;
    let following = false;
    try {
      let status = await this.#backend.jobStatus();
      while (status.kind === 'upload' && status.state === 'running' && untouched()) {
        following = true;
        this.busy = status.stage;
        await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
        status = await this.#backend.jobStatus();
      }
      if (!untouched()) return;
      const latest = (await this.#backend.uploads()).find((entry) => !entry.undone);
      if (latest === undefined) return;
      const candidates = await this.#backend.candidates(latest.id);
      if (!untouched()) return;
      this.upload = latest;
      this.candidates = candidates;
    } catch (raw) {
      if (actions === this.#actions) this.error = toBackendError(raw);
    } finally {
      if (following && actions === this.#actions) this.busy = null;
    }
  }

  /** Opens the file picker and uploads the chosen file. */
  async pick(): Promise<void> {
    this.error = null;
    let path: string | null;
    try {
      path = await this.#backend.pickSpreadsheet();
    } catch (raw) {
      this.error = toBackendError(raw);
      return;
    }
    if (path !== null) await this.uploadPath(path);
  }

  /** Uploads the first spreadsheet among dropped paths, or says why nothing happened. */
  async dropped(paths: string[]): Promise<void> {
    const sheet = paths.find((path) => SPREADSHEET.test(path));
    if (sheet === undefined) {
      this.notice = `Keeper reads CSV and Excel files; ${paths.length === 1 ? 'that file is' : 'those files are'} not one.`;
      return;
    }
    await this.uploadPath(sheet);
  }

  async uploadPath(path: string): Promise<void> {
    const name = path.split(/[\\/]/).pop() ?? path;
    this.notice = null;
    await this.#run(`Reading ${name}…`, async () => {
      const uploadId = await this.#follow(await this.#backend.uploadSpreadsheet(path));
      if (uploadId === null) return;
      this.upload = null;
      await this.#show(uploadId);
    });
  }

  async saveMapping(mapping: ColumnMapping[]): Promise<void> {
    const upload = this.upload;
    if (!upload) return;
    await this.#run('Matching again with the new columns…', async () => {
      // Send plain data, not the reactive proxies the mapping may be built from.
      const job = await this.#backend.updateMapping(upload.id, $state.snapshot(mapping));
      await this.#show(await this.#follow(job));
    });
  }

  #replace(candidate: MatchCandidate): void {
    this.candidates = this.candidates.map((entry) => (entry.id === candidate.id ? candidate : entry));
  }

  async #refreshSummary(): Promise<void> {
    const id = this.upload?.id;
    if (id === undefined) return;
    const found = (await this.#backend.uploads()).find((entry) => entry.id === id);
    if (found) this.upload = found;
  }

  async decide(candidateId: string, decision: CandidateDecision): Promise<void> {
    await this.#run('Saving…', async () => {
      this.#replace(await this.#backend.decideCandidate(candidateId, decision));
      await this.#refreshSummary();
    });
  }

  /** The owner picked another customer for a row: link the row to it and accept. */
  async chooseAlternative(candidateId: string, customerId: string): Promise<void> {
    await this.#run('Saving…', async () => {
      const chosen = await this.#backend.chooseAlternative(candidateId, customerId);
      this.#replace(chosen);
      this.notice = `Row ${chosen.row_number} is now ${chosen.customer_name ?? customerId}.`;
      await this.#refreshSummary();
    });
  }

  async undoCandidate(candidateId: string): Promise<void> {
    await this.#run('Undoing…', async () => {
      this.#replace(await this.#backend.undoCandidate(candidateId));
      await this.#refreshSummary();
    });
  }

  async acceptAbove(threshold: number): Promise<void> {
    const upload = this.upload;
    if (!upload) return;
    await this.#run('Accepting…', async () => {
      const accepted = await this.#backend.acceptAbove(upload.id, threshold);
      this.notice = `Accepted ${accepted} ${accepted === 1 ? 'match' : 'matches'} scoring ${threshold} or more.`;
      this.candidates = await this.#backend.candidates(upload.id);
      await this.#refreshSummary();
    });
  }

  async undoUpload(): Promise<void> {
    const upload = this.upload;
    if (!upload) return;
    await this.#run('Undoing the whole upload…', async () => {
      await this.#show(await this.#follow(await this.#backend.undoUpload(upload.id)));
      this.notice = `Undid everything ${upload.file_name} changed.`;
    });
  }
}
