/**
 * Tests of the in-memory backend used by unit tests and the browser preview.
 */
import { describe, expect, it } from 'vitest';
import { BackendError } from './error';
import { FakeBackend, SAMPLE_DB_INFO } from './fake';
import type { UploadJob } from './types';

describe('FakeBackend', () => {
  it('answers with sample data by default and says it is the fake', async () => {
    const backend = new FakeBackend();

    expect(backend.kind).toBe('fake');
    await expect(backend.dbInfo()).resolves.toEqual(SAMPLE_DB_INFO);
  });

  it('hands out copies, so a caller cannot change what later calls return', async () => {
    const backend = new FakeBackend();
    const first = await backend.dbInfo();
    first.counts.push({ table: 'injected', rows: 1 });

    const second = await backend.dbInfo();
    expect(second.counts.map((count) => count.table)).not.toContain('injected');
  });

  it('rejects with the configured error until the failure is cleared', async () => {
    const backend = new FakeBackend({ failWith: new BackendError('db_locked', 'database is locked') });

    await expect(backend.dbInfo()).rejects.toMatchObject({ code: 'db_locked' });
    backend.setFailure(undefined);
    await expect(backend.dbInfo()).resolves.toEqual(SAMPLE_DB_INFO);
    expect(backend.calls.dbInfo).toBe(2);
  });
});

describe('FakeBackend customers', () => {
  it('pages, sorts and searches the customer list like the desktop does', async () => {
    const backend = new FakeBackend({ customers: 1_000 });

    const page = await backend.listCustomers({ search: null, sort: 'visits', descending: true, offset: 100, limit: 50 });
    expect(page.total).toBe(1_000);
    expect(page.offset).toBe(100);
    expect(page.rows).toHaveLength(50);
    const visits = page.rows.map((row) => row.visits);
    expect(visits).toEqual([...visits].sort((a, b) => b - a));

    const found = await backend.listCustomers({ search: 'example.com', sort: 'name', descending: false, offset: 0, limit: 10 });
    expect(found.total).toBeLessThan(1_000);
    expect(found.rows.every((row) => row.email?.includes('example.com'))).toBe(true);
    expect(backend.argsOf('listCustomers')).toHaveLength(2);
  });

  it('rejects an unknown customer with a not-found code', async () => {
    await expect(new FakeBackend({ customers: 2 }).customerDetail('nope')).rejects.toMatchObject({ code: 'customer_not_found' });
  });
});

describe('FakeBackend events and match review', () => {
  it('sends job progress to subscribers until they unsubscribe', async () => {
    const backend = new FakeBackend();
    const seen: string[] = [];
    const stop = backend.onJobProgress((status) => seen.push(status.state));

    const started = await backend.startDemo();
    backend.emitJobProgress({ ...started, state: 'finished' });
    stop();
    backend.emitJobProgress({ ...started, state: 'failed' });

    expect(started).toMatchObject({ kind: 'demo', state: 'running' });
    expect(seen).toEqual(['finished']);
    await expect(backend.jobStatus()).resolves.toMatchObject({ state: 'failed' });
  });

  it('starts a reviews fetch as a running sync job that says what it reads', async () => {
    const backend = new FakeBackend();

    const started = await backend.fetchReviews();

    expect(started).toMatchObject({ kind: 'sync', state: 'running', stage: 'Reading your Google and Yelp reviews' });
    expect(backend.calls.fetchReviews).toBe(1);
    await expect(backend.jobStatus()).resolves.toMatchObject({ state: 'running' });
  });

  /** Polls a spreadsheet job until it ends, as the match-review session does. */
  async function finish(backend: FakeBackend, job: UploadJob): Promise<UploadJob> {
    let now = job;
    while (now.state === 'running') now = await backend.uploadJob(now.id);
    return now;
  }

  it('runs an upload as a job that reports its steps and ends with the upload', async () => {
    const backend = new FakeBackend({ uploadJobPolls: 2 });
    const started = await backend.uploadSpreadsheet('/tmp/clients.csv');
    expect(started).toMatchObject({ kind: 'upload', state: 'running', stage: 'Reading clients.csv', percent: 0, upload_id: null });
    expect(await backend.uploads()).toEqual([]);

    const first = await backend.uploadJob(started.id);
    expect(first).toMatchObject({ state: 'running', stage: expect.stringContaining('Matching') as unknown });
    expect(first.percent).toBeGreaterThan(0);
    await backend.uploadJob(started.id);
    const done = await backend.uploadJob(started.id);
    expect(done).toMatchObject({ state: 'finished', percent: 100 });
    const [upload] = await backend.uploads();
    expect(upload?.id).toBe(done.upload_id);
  });

  it('ends a job with its error code after failUploadJobs', async () => {
    const backend = new FakeBackend();
    backend.failUploadJobs(new BackendError('no_usable_column', 'Keeper needs a name, email or phone column.'));
    const done = await finish(backend, await backend.uploadSpreadsheet('/tmp/stock.csv'));
    expect(done).toMatchObject({ state: 'failed', error_code: 'no_usable_column' });
    expect(await backend.uploads()).toEqual([]);
  });

  it('keeps upload counts in step with decisions, bulk accepts and undo', async () => {
    const backend = new FakeBackend();
    const job = await finish(backend, await backend.uploadSpreadsheet('/tmp/clients.csv'));
    const id = job.upload_id ?? '';
    const candidates = await backend.candidates(id);
    const [upload] = await backend.uploads();
    expect(upload).toMatchObject({ file_name: 'clients.csv', accepted: 0, to_review: 9 });

    await backend.decideCandidate(candidates[8]?.id ?? '', 'reject');
    expect(await backend.acceptAbove(id, 0.9)).toBe(3);
    const [after] = await backend.uploads();
    expect(after).toMatchObject({ accepted: 3, rejected: 1, to_review: 5 });

    const undo = await finish(backend, await backend.undoUpload(id));
    expect(undo).toMatchObject({ kind: 'undo_upload', state: 'finished', upload_id: id });
    const [undone] = await backend.uploads();
    expect(undone).toMatchObject({ undone: true, accepted: 0, rejected: 1, to_review: 0 });
    await expect(backend.undoUpload(id)).rejects.toMatchObject({ code: 'upload_undone' });
  });

  it('refuses a file that is not a spreadsheet', async () => {
    await expect(new FakeBackend().uploadSpreadsheet('/tmp/cat.png')).rejects.toMatchObject({ code: 'unsupported_file' });
  });
});
