/**
 * Tests of the shared job status: it follows progress events, reads the current status
 * once, and never lets a slow status answer overwrite a newer event.
 */
import { describe, expect, it } from 'vitest';
import { BackendError, type JobStatus } from '../backend';
import { FakeBackend } from '../backend/fake';
import { IDLE_JOB } from '../backend/sample';
import { JobTracker } from './jobs.svelte';

const running: JobStatus = { ...IDLE_JOB, kind: 'sync', state: 'running', stage: 'Syncing' };

describe('JobTracker', () => {
  it('reads the current status on start and follows events after it', async () => {
    const backend = new FakeBackend({ job: running });
    const jobs = new JobTracker(backend);

    const stop = jobs.start();
    await Promise.resolve();
    await Promise.resolve();
    expect(jobs.running).toBe(true);

    backend.emitJobProgress({ ...running, state: 'finished' });
    expect(jobs.status?.state).toBe('finished');
    expect(jobs.running).toBe(false);

    stop();
    backend.emitJobProgress({ ...running, state: 'failed' });
    expect(jobs.status?.state).toBe('finished');
  });

  it('keeps a newer event over an older status answer', async () => {
    const backend = new FakeBackend({ job: running });
    const jobs = new JobTracker(backend);
    const refreshed = jobs.refresh();

    jobs.start();
    backend.emitJobProgress({ ...running, state: 'finished' });
    await refreshed;

    expect(jobs.status?.state).toBe('finished');
  });

  it('keeps the error when the status cannot be read', async () => {
    const jobs = new JobTracker(new FakeBackend({ failWith: new BackendError('store_locked', 'locked') }));

    await jobs.refresh();

    expect(jobs.error?.code).toBe('store_locked');
    expect(jobs.status).toBeNull();
  });
});
