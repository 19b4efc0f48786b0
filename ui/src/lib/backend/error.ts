/**
 * The typed error every backend call rejects with.
 *
 * Keeper's Rust commands return errors serialized as `{ code, message }`, where `code` is a
 * stable snake_case string the UI can switch on and `message` is meant for people.
 * Anything else that reaches the UI (Tauri's own string errors, such as an unknown command,
 * or a thrown value of another shape) is mapped to one of the codes below so callers only
 * ever see `BackendError`.
 */

/** Code for an IPC failure reported by Tauri itself as a plain string. */
export const IPC_ERROR_CODE = 'ipc_error';
/** Code for a rejection whose shape the UI does not recognise. */
export const UNKNOWN_ERROR_CODE = 'unknown_error';

export class BackendError extends Error {
  override readonly name = 'BackendError';

  constructor(
    /** Stable snake_case code from the Rust error's `code()`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface SerializedError {
  code: string;
  message: string;
}

function isSerializedError(value: unknown): value is SerializedError {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.code === 'string' && typeof record.message === 'string';
}

/** Turns whatever an IPC call rejected with into a `BackendError`. */
export function toBackendError(raw: unknown): BackendError {
  if (raw instanceof BackendError) return raw;
  if (isSerializedError(raw)) return new BackendError(raw.code, raw.message);
  if (typeof raw === 'string') return new BackendError(IPC_ERROR_CODE, raw);
  if (raw instanceof Error) return new BackendError(UNKNOWN_ERROR_CODE, raw.message);
  return new BackendError(UNKNOWN_ERROR_CODE, `Unexpected error from the backend: ${describe(raw)}`);
}

function describe(value: unknown): string {
  try {
    // `JSON.stringify` returns undefined for values such as `undefined` or a function.
    const json = JSON.stringify(value) as string | undefined;
    return json ?? String(value);
  } catch {
    return String(value);
  }
}
