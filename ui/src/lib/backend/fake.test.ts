/**
 * Tests of the in-memory backend used by unit tests and the browser preview.
 */
import { describe, expect, it } from 'vitest';
import { BackendError } from './error';
import { FakeBackend, SAMPLE_DB_INFO } from './fake';

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
