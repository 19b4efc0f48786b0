/**
 * Tests of onboarding and the import screen against the fake backend: starting the demo or
 * Square import, live progress from `job-progress` events, rate limiting, failures with
 * their code and next step, and the sidebar's running indicator.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { BackendError, type JobStatus } from '../lib/backend';
import { FakeBackend } from '../lib/backend/fake';
import { IDLE_JOB } from '../lib/backend/sample';

function job(overrides: Partial<JobStatus>): JobStatus {
  return {
    ...IDLE_JOB,
    kind: 'demo',
    state: 'running',
    stage: 'Importing',
    started_at: '2026-11-29T09:00:00Z',
    streams: [
      { stream: 'customers', state: 'finished', pages: 3, objects: 250, percent: 100, eta_seconds: 0, error: null },
      { stream: 'payments', state: 'running', pages: 7, objects: 700, percent: 40, eta_seconds: 95, error: null },
    ],
    ...overrides,
  };
}

async function heading(name: string): Promise<void> {
  await screen.findByRole('heading', { level: 1, name });
}

describe('onboarding', () => {
  it('starts the demo and moves to the import screen showing the job', async () => {
    const backend = new FakeBackend();
    render(App, { backend });

    await fireEvent.click(screen.getByTestId('start-demo'));

    await heading('Import');
    expect(backend.calls.startDemo).toBe(1);
    expect(backend.calls.connectSquare).toBe(0);
    expect(screen.getByTestId('job-state').textContent).toBe('running');
    expect(screen.getAllByTestId('stream-row')).toHaveLength(6);
  });

  it('connects Square through the backend', async () => {
    const backend = new FakeBackend();
    render(App, { backend });

    await fireEvent.click(screen.getByTestId('connect-square'));

    await heading('Import');
    expect(backend.calls.connectSquare).toBe(1);
  });

  it('stays put and shows the error with its code when Square sign-in fails', async () => {
    const backend = new FakeBackend();
    render(App, { backend });
    await waitFor(() => {
      expect(backend.calls.jobStatus).toBe(1);
    });
    backend.setFailure(new BackendError('oauth_cancelled', 'The Square sign-in was cancelled.'));

    await fireEvent.click(screen.getByTestId('connect-square'));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not connect to Square: The Square sign-in was cancelled.');
    expect(within(alert).getByText('oauth_cancelled').tagName).toBe('CODE');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Get started');
  });

  it('disables both ways in while a job runs', async () => {
    render(App, { backend: new FakeBackend({ job: job({}) }) });

    await waitFor(() => {
      expect(screen.getByTestId<HTMLButtonElement>('start-demo').disabled).toBe(true);
    });
    expect(screen.getByTestId<HTMLButtonElement>('connect-square').disabled).toBe(true);
  });
});

describe('import progress', () => {
  it('shows a row per stream with pages, records, percent and time left', async () => {
    render(App, { backend: new FakeBackend({ job: job({}) }), initialScreen: 'import' });

    const rows = await screen.findAllByTestId('stream-row');
    const cells = rows.map((row) => row.textContent.replace(/\s+/g, ' ').trim());
    expect(cells[0]).toContain('Customers');
    expect(cells[0]).toContain('100%');
    expect(cells[1]).toContain('Payments');
    expect(cells[1]).toContain('40%');
    expect(cells[1]).toContain('700');
    expect(cells[1]).toContain('1 min 35 s');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Demo: Importing');
  });

  it('follows job-progress events live and offers the customers when finished', async () => {
    const backend = new FakeBackend({ job: job({}) });
    render(App, { backend, initialScreen: 'import' });
    await screen.findAllByTestId('stream-row');
    expect(screen.getByTestId('job-indicator').textContent).toContain('Importing');

    backend.emitJobProgress(job({ state: 'finished', stage: 'Finished', summary: ['Imported 2,036 customers in 41 s'] }));

    await waitFor(() => {
      expect(screen.getByTestId('job-state').textContent).toBe('finished');
    });
    expect(screen.getByText('Imported 2,036 customers in 41 s')).toBeTruthy();
    expect(screen.queryByTestId('job-indicator')).toBeNull();
    await fireEvent.click(screen.getByTestId('see-customers'));
    await heading('Customers');
  });

  it('says when Square is rate limiting and how long the backoff is', async () => {
    render(App, { backend: new FakeBackend({ job: job({ rate_limited: true, backoff_seconds: 12 }) }), initialScreen: 'import' });

    const notice = await screen.findByTestId('rate-limit');
    expect(notice.textContent).toContain('slow down');
    expect(notice.textContent).toContain('12 s');
  });

  it('shows a failed job with its code, what to do next, and tries again', async () => {
    const failed = job({
      state: 'failed',
      kind: 'import',
      error_code: 'reconnect_square',
      error: 'Square no longer accepts the saved sign-in.',
      streams: [{ stream: 'orders', state: 'failed', pages: 1, objects: 10, percent: null, eta_seconds: null, error: 'Stopped after 5 failed retries; try again later.' }],
    });
    const backend = new FakeBackend({ job: failed });
    render(App, { backend, initialScreen: 'import' });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Square no longer accepts the saved sign-in.');
    expect(within(alert).getByText('reconnect_square').tagName).toBe('CODE');
    expect(alert.textContent).toContain('Connect Square again');
    expect(screen.getByText('Stopped after 5 failed retries; try again later.')).toBeTruthy();

    await fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => {
      expect(backend.calls.connectSquare).toBe(1);
    });
  });

  it.each([
    ['connection_failed', 'Check the internet connection'],
    ['circuit_open', 'Square is busy'],
    ['keyring_locked', 'Unlock your system keyring'],
    ['something_new', 'Try again; if it keeps failing'],
  ])('tells the owner what to do next after %s', async (code, advice) => {
    render(App, { backend: new FakeBackend({ job: job({ state: 'failed', error_code: code, error: 'It failed.' }) }), initialScreen: 'import' });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(`What to do next: ${advice}`);
  });

  it('sends someone with nothing imported back to Get started', async () => {
    render(App, { backend: new FakeBackend(), initialScreen: 'import' });

    expect(await screen.findByText('Nothing has been imported yet.')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('go-onboarding'));
    await heading('Get started');
  });

  it('syncs on demand after a finished import', async () => {
    const backend = new FakeBackend({ job: job({ state: 'finished', stage: 'Finished' }) });
    render(App, { backend, initialScreen: 'import' });

    await fireEvent.click(await screen.findByTestId('sync-now'));

    await waitFor(() => {
      expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Sync: Syncing');
    });
    expect(backend.calls.syncNow).toBe(1);
  });
});
