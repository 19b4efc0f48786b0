/**
 * `Backend` over Tauri IPC: each method invokes the Rust command of the same name
 * (snake_case) and maps rejections to `BackendError`.
 */
import { invoke } from '@tauri-apps/api/core';
import type { Backend } from './backend';
import { toBackendError } from './error';
import type { DbInfo } from './types';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toBackendError(raw);
  }
}

export class TauriBackend implements Backend {
  readonly kind = 'tauri' as const;

  dbInfo(): Promise<DbInfo> {
    return call<DbInfo>('db_info');
  }
}
