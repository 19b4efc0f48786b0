/**
 * Tests of the Tauri backend with `invoke` replaced, so they run without the desktop shell:
 * the command name it calls and how rejections become `BackendError`.
 */
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendError, IPC_ERROR_CODE } from './error';
import { TauriBackend } from './tauri';
import type { DbInfo } from './types';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }));

const invokeMock = vi.mocked(invoke);
const listenMock = vi.mocked(listen);

describe('TauriBackend', () => {
  beforeEach(() => {
    invokeMock.mockReset();
    listenMock.mockReset();
  });

  const query = { search: 'ana', sort: 'name' as const, descending: false, offset: 100, limit: 100 };
  const action = { id: 't1', state: 'snoozed' as const, until: '2026-12-06' };
  const mapping = [{ column: 'Name', field: 'full_name', confidence: 0.9, samples: [] }];
  const commands: [string, (backend: TauriBackend) => Promise<unknown>, string, Record<string, unknown> | undefined][] = [
    ['jobStatus', (b) => b.jobStatus(), 'job_status', undefined],
    ['startDemo', (b) => b.startDemo(), 'start_demo', undefined],
    ['connectSquare', (b) => b.connectSquare(), 'connect_square', undefined],
    ['syncNow', (b) => b.syncNow(), 'sync_now', undefined],
    ['listCustomers', (b) => b.listCustomers(query), 'list_customers', { query }],
    ['customerDetail', (b) => b.customerDetail('c1'), 'customer_detail', { id: 'c1' }],
    ['tasks', (b) => b.tasks(25), 'list_tasks', { limit: 25 }],
    ['updateTask', (b) => b.updateTask(action), 'update_task', { action }],
    ['businessSummary', (b) => b.businessSummary(), 'business_summary', undefined],
    ['reviews', (b) => b.reviews(), 'list_reviews', undefined],
    ['fetchReviews', (b) => b.fetchReviews(), 'fetch_reviews', undefined],
    ['pickSpreadsheet', (b) => b.pickSpreadsheet(), 'pick_spreadsheet', undefined],
    ['uploadSpreadsheet', (b) => b.uploadSpreadsheet('/tmp/a.csv'), 'upload_spreadsheet', { path: '/tmp/a.csv' }],
    ['uploadJob', (b) => b.uploadJob('j1'), 'upload_job', { jobId: 'j1' }],
    ['uploads', (b) => b.uploads(), 'list_uploads', undefined],
    ['updateMapping', (b) => b.updateMapping('u1', mapping), 'update_mapping', { uploadId: 'u1', mapping }],
    ['candidates', (b) => b.candidates('u1'), 'match_candidates', { uploadId: 'u1' }],
    ['decideCandidate', (b) => b.decideCandidate('m1', 'reject'), 'decide_candidate', { candidateId: 'm1', decision: 'reject' }],
    ['acceptAbove', (b) => b.acceptAbove('u1', 0.85), 'accept_above', { uploadId: 'u1', threshold: 0.85 }],
    ['undoUpload', (b) => b.undoUpload('u1'), 'undo_upload', { uploadId: 'u1' }],
    ['undoCandidate', (b) => b.undoCandidate('m1'), 'undo_candidate', { candidateId: 'm1' }],
    ['health', (b) => b.health(), 'health_report', undefined],
  ];

  it.each(commands)('%s invokes %s with camelCase arguments', async (_method, run, command, args) => {
    invokeMock.mockResolvedValue('answer');

    await expect(run(new TauriBackend())).resolves.toBe('answer');
    expect(invokeMock).toHaveBeenCalledWith(command, args);
  });

  it('passes job-progress payloads to the callback until unsubscribed', async () => {
    const unlisten = vi.fn();
    let handler: ((event: { payload: unknown }) => void) | undefined;
    listenMock.mockImplementation((_event, callback) => {
      handler = callback as typeof handler;
      return Promise.resolve(unlisten);
    });
    const seen: unknown[] = [];

    const stop = new TauriBackend().onJobProgress((status) => seen.push(status));
    handler?.({ payload: { state: 'running' } });
    stop();
    handler?.({ payload: { state: 'finished' } });
    await Promise.resolve();

    expect(listenMock).toHaveBeenCalledWith('job-progress', expect.any(Function));
    expect(seen).toEqual([{ state: 'running' }]);
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it('listens to file-dropped for dropped paths', () => {
    listenMock.mockImplementation((_event, callback) => {
      (callback as (event: { payload: unknown }) => void)({ payload: ['/tmp/a.csv'] });
      return Promise.resolve(vi.fn());
    });
    const dropped: string[][] = [];

    new TauriBackend().onFileDropped((paths) => dropped.push(paths));

    expect(listenMock).toHaveBeenCalledWith('file-dropped', expect.any(Function));
    expect(dropped).toEqual([['/tmp/a.csv']]);
  });

  it('calls the db_info command and returns its result', async () => {
    const info: DbInfo = { path: '/data/keeper.db', schema_version: 3, counts: [{ table: 'customers', rows: 5 }] };
    invokeMock.mockResolvedValue(info);

    await expect(new TauriBackend().dbInfo()).resolves.toEqual(info);
    expect(invokeMock).toHaveBeenCalledWith('db_info', undefined);
  });

  it('turns a serialized Rust error into a BackendError with its code', async () => {
    invokeMock.mockRejectedValue({ code: 'db_open_failed', message: 'unable to open database file' });

    const failure: unknown = await new TauriBackend().dbInfo().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(BackendError);
    expect(failure).toMatchObject({ code: 'db_open_failed', message: 'unable to open database file' });
  });

  it('turns a string rejection from Tauri into an IPC BackendError', async () => {
    invokeMock.mockRejectedValue('command db_info not found');

    await expect(new TauriBackend().dbInfo()).rejects.toMatchObject({
      code: IPC_ERROR_CODE,
      message: 'command db_info not found',
    });
  });
});
