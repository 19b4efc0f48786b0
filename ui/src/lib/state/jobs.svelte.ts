/**
 * The latest job status, shared by the sidebar (running indicator), onboarding and the
 * import screen. The app subscribes to `job-progress` once, through `JobTracker.start`.
 */
import type { Backend, BackendError, JobStatus } from '../backend';
import { toBackendError } from '../backend/error';

export class JobTracker {
  /** Null until the backend has answered once. */
  status: JobStatus | null = $state(null);
  /** Set when reading the status failed. */
  error: BackendError | null = $state(null);

  readonly #backend: Backend;
  /** Counts events, so a slow `jobStatus` answer cannot overwrite a newer event. */
  #events = 0;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  get running(): boolean {
    return this.status?.state === 'running' || this.status?.state === 'waiting';
  }

  /** Subscribes to progress events and reads the current status; returns the unsubscribe. */
  start(): () => void {
    const unlisten = this.#backend.onJobProgress((status) => {
      this.#events += 1;
      this.update(status);
    });
    void this.refresh();
    return unlisten;
  }

  async refresh(): Promise<void> {
    const seen = this.#events;
    try {
      const status = await this.#backend.jobStatus();
      if (seen === this.#events) this.update(status);
    } catch (raw) {
      this.error = toBackendError(raw);
    }
  }

  update(status: JobStatus): void {
    this.status = status;
    this.error = null;
  }
}
