/**
 * Tests of the mapping from whatever an IPC call rejects with to `BackendError`.
 */
import { describe, expect, it } from 'vitest';
import { BackendError, IPC_ERROR_CODE, UNKNOWN_ERROR_CODE, toBackendError } from './error';

describe('toBackendError', () => {
  it('keeps the code and message of a serialized Rust error', () => {
    const error = toBackendError({ code: 'schema_too_new', message: 'database schema 9 is newer' });

    expect(error).toBeInstanceOf(BackendError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('schema_too_new');
    expect(error.message).toBe('database schema 9 is newer');
    expect(error.name).toBe('BackendError');
  });

  it('returns an existing BackendError unchanged', () => {
    const original = new BackendError('db_locked', 'locked');

    expect(toBackendError(original)).toBe(original);
  });

  it('maps a plain string from Tauri to the IPC error code', () => {
    const error = toBackendError('command db_info not found');

    expect(error.code).toBe(IPC_ERROR_CODE);
    expect(error.message).toBe('command db_info not found');
  });

  it('maps a thrown Error to the unknown code, keeping its message', () => {
    const error = toBackendError(new TypeError('window.__TAURI_INTERNALS__ is undefined'));

    expect(error.code).toBe(UNKNOWN_ERROR_CODE);
    expect(error.message).toBe('window.__TAURI_INTERNALS__ is undefined');
  });

  it('does not treat an object with a non-string code as a serialized error', () => {
    const error = toBackendError({ code: 42, message: 'nope' });

    expect(error.code).toBe(UNKNOWN_ERROR_CODE);
    expect(error.message).toContain('{"code":42,"message":"nope"}');
  });

  it('describes values JSON cannot encode', () => {
    expect(toBackendError(undefined).message).toContain('undefined');
    expect(toBackendError(null).message).toContain('null');
  });
});
