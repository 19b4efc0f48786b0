/**
 * Tests of the Tauri backend with `invoke` replaced, so they run without the desktop shell:
 * the command name it calls and how rejections become `BackendError`.
 */
import { invoke } from '@tauri-apps/api/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendError, IPC_ERROR_CODE } from './error';
import { TauriBackend } from './tauri';
import type { DbInfo } from './types';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const invokeMock = vi.mocked(invoke);

describe('TauriBackend', () => {
  beforeEach(() => {
    invokeMock.mockReset();
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
