/**
 * `Backend` over Tauri IPC: each method invokes the Rust command of the same name
 * (snake_case) with camelCase argument names, as Tauri expects for command parameters, and
 * maps rejections to `BackendError`. Events arrive through `listen`.
 */
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { Backend, Unlisten } from './backend';
import { toBackendError } from './error';
import type {
  BusinessSummary,
  CandidateDecision,
  ColumnMapping,
  CustomerDetail,
  CustomerPage,
  CustomerQuery,
  DbInfo,
  HealthReport,
  JobStatus,
  MatchCandidate,
  ReviewEntry,
  TaskAction,
  TaskEntry,
  UploadJob,
  UploadSummary,
} from './types';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toBackendError(raw);
  }
}

/** The events the desktop shell sends, and their payloads. */
interface Events {
  'job-progress': JobStatus;
  'file-dropped': string[];
}

/** Subscribes to a Tauri event and returns a synchronous way to stop listening. */
function subscribe<K extends keyof Events>(event: K, callback: (payload: Events[K]) => void): Unlisten {
  let stopped = false;
  const pending = listen<Events[K]>(event, (message) => {
    if (!stopped) callback(message.payload);
  });
  pending.catch((raw: unknown) => {
    console.error(`Keeper UI: cannot listen to ${event}: ${toBackendError(raw).message}`);
  });
  return () => {
    stopped = true;
    void pending.then((unlisten) => {
      unlisten();
    }, () => undefined);
  };
}

export class TauriBackend implements Backend {
  readonly kind = 'tauri' as const;

  dbInfo(): Promise<DbInfo> {
    return call<DbInfo>('db_info');
  }

  jobStatus(): Promise<JobStatus> {
    return call<JobStatus>('job_status');
  }

  onJobProgress(callback: (status: JobStatus) => void): Unlisten {
    return subscribe('job-progress', callback);
  }

  startDemo(): Promise<JobStatus> {
    return call<JobStatus>('start_demo');
  }

  connectSquare(): Promise<JobStatus> {
    return call<JobStatus>('connect_square');
  }

  syncNow(): Promise<JobStatus> {
    return call<JobStatus>('sync_now');
  }

  listCustomers(query: CustomerQuery): Promise<CustomerPage> {
    return call<CustomerPage>('list_customers', { query });
  }

  customerDetail(id: string): Promise<CustomerDetail> {
    return call<CustomerDetail>('customer_detail', { id });
  }

  tasks(limit: number): Promise<TaskEntry[]> {
    return call<TaskEntry[]>('list_tasks', { limit });
  }

  updateTask(action: TaskAction): Promise<TaskEntry> {
    return call<TaskEntry>('update_task', { action });
  }

  businessSummary(): Promise<BusinessSummary> {
    return call<BusinessSummary>('business_summary');
  }

  reviews(): Promise<ReviewEntry[]> {
    return call<ReviewEntry[]>('list_reviews');
  }

  fetchReviews(): Promise<JobStatus> {
    return call<JobStatus>('fetch_reviews');
  }

  pickSpreadsheet(): Promise<string | null> {
    return call<string | null>('pick_spreadsheet');
  }

  onFileDropped(callback: (paths: string[]) => void): Unlisten {
    return subscribe('file-dropped', callback);
  }

  uploadSpreadsheet(path: string): Promise<UploadJob> {
    return call<UploadJob>('upload_spreadsheet', { path });
  }

  uploadJob(jobId: string): Promise<UploadJob> {
    return call<UploadJob>('upload_job', { jobId });
  }

  uploads(): Promise<UploadSummary[]> {
    return call<UploadSummary[]>('list_uploads');
  }

  updateMapping(uploadId: string, mapping: ColumnMapping[]): Promise<UploadJob> {
    return call<UploadJob>('update_mapping', { uploadId, mapping });
  }

  candidates(uploadId: string): Promise<MatchCandidate[]> {
    return call<MatchCandidate[]>('match_candidates', { uploadId });
  }

  decideCandidate(candidateId: string, decision: CandidateDecision): Promise<MatchCandidate> {
    return call<MatchCandidate>('decide_candidate', { candidateId, decision });
  }

  chooseAlternative(candidateId: string, customerId: string): Promise<MatchCandidate> {
    return call<MatchCandidate>('choose_alternative', { candidateId, customerId });
  }

  acceptAbove(uploadId: string, threshold: number): Promise<number> {
    return call<number>('accept_above', { uploadId, threshold });
  }

  undoUpload(uploadId: string): Promise<UploadJob> {
    return call<UploadJob>('undo_upload', { uploadId });
  }

  undoCandidate(candidateId: string): Promise<MatchCandidate> {
    return call<MatchCandidate>('undo_candidate', { candidateId });
  }

  health(): Promise<HealthReport> {
    return call<HealthReport>('health_report');
  }
}
