/**
 * Entry point of the backend layer: picks the Tauri implementation inside the desktop app
 * and the in-memory fake in a plain browser, and re-exports the public types.
 */
import type { Backend } from './backend';
import { FakeBackend } from './fake';
import { TauriBackend } from './tauri';

export type { Backend, BackendKind, Unlisten } from './backend';
export { BackendError } from './error';
export type * from './types';

/** True when the page runs inside a Tauri webview (Tauri injects `__TAURI_INTERNALS__`). */
export function isTauri(scope: object = globalThis): boolean {
  return '__TAURI_INTERNALS__' in scope;
}

export function selectBackend(scope: object = globalThis): Backend {
  return isTauri(scope) ? new TauriBackend() : new FakeBackend({ animateJobs: true });
}
