/**
 * Tests of backend selection: Tauri inside the desktop webview, the fake elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { isTauri, selectBackend } from './index';

describe('selectBackend', () => {
  it('picks the Tauri backend when Tauri internals are present', () => {
    const scope = { __TAURI_INTERNALS__: {} };

    expect(isTauri(scope)).toBe(true);
    expect(selectBackend(scope).kind).toBe('tauri');
  });

  it('picks the fake backend in a plain browser', () => {
    expect(isTauri({})).toBe(false);
    expect(selectBackend({}).kind).toBe('fake');
  });

  it('looks at the real global scope by default, which has no Tauri in tests', () => {
    expect(selectBackend().kind).toBe('fake');
  });
});
