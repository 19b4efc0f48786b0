/**
 * Tests of the Insights screen against the fake backend: today's tasks ranked with reason,
 * value and context; done / snooze (7 days) / dismiss sent to the backend; the charts'
 * figures and the cohort heatmap; errors shown with their code.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendError, type TaskAction } from '../lib/backend';
import { FakeBackend } from '../lib/backend/fake';
import Insights from './Insights.svelte';

beforeEach(() => {
  // jsdom cannot draw on a canvas; the charts then show their figures as tables.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});

const fixedNow = (): Date => new Date('2026-11-29T10:00:00Z');

function figures(testid: string): string[][] {
  const table = screen.getByTestId(testid).querySelector('table') as HTMLTableElement;
  return Array.from(table.querySelectorAll('tbody tr')).map((row) =>
    Array.from(row.querySelectorAll('th, td')).map((cell) => cell.textContent.trim()),
  );
}

describe("today's tasks", () => {
  it('lists the tasks in rank order with reason, value at stake and context', async () => {
    const backend = new FakeBackend();
    render(Insights, { backend, now: fixedNow });

    const tasks = await screen.findAllByTestId('task');
    expect(tasks).toHaveLength(6);
    expect(backend.argsOf('tasks')).toEqual([[25]]);
    const first = tasks[0] as HTMLElement;
    expect(first.textContent).toContain('1');
    expect(first.textContent).toContain('Churn prevention');
    expect(first.textContent).toContain('Usually visits every 5 weeks; now 3 weeks overdue.');
    expect(first.textContent).toContain('$400.00');
    const context = within(first).getByText('Context').closest('details') as HTMLDetailsElement;
    expect(context.open).toBe(false);
    expect(context.textContent).toContain('Last visit');
  });

  it('marks a task done', async () => {
    const backend = new FakeBackend();
    render(Insights, { backend, now: fixedNow });
    const first = (await screen.findAllByTestId('task'))[0] as HTMLElement;

    await fireEvent.click(within(first).getByTestId('task-done'));

    expect((await within(first).findByTestId('task-state')).textContent.trim()).toBe('Done');
    expect(backend.argsOf('updateTask')).toEqual([[{ id: 'sample-task-1', state: 'done', until: null }]]);
  });

  it('snoozes a task for seven days from today', async () => {
    const backend = new FakeBackend();
    render(Insights, { backend, now: fixedNow });
    const second = (await screen.findAllByTestId('task'))[1] as HTMLElement;

    await fireEvent.click(within(second).getByTestId('task-snooze'));

    expect((await within(second).findByTestId('task-state')).textContent.trim()).toBe('Snoozed until 2026-12-06');
    const [action] = backend.argsOf('updateTask')[0] as [TaskAction];
    expect(action).toEqual({ id: 'sample-task-2', state: 'snoozed', until: '2026-12-06' });
  });

  it('dismisses a task', async () => {
    const backend = new FakeBackend();
    render(Insights, { backend, now: fixedNow });
    const third = (await screen.findAllByTestId('task'))[2] as HTMLElement;

    await fireEvent.click(within(third).getByTestId('task-dismiss'));

    expect((await within(third).findByTestId('task-state')).textContent.trim()).toBe('Dismissed');
    expect(backend.argsOf('updateTask')).toEqual([[{ id: 'sample-task-3', state: 'dismissed', until: null }]]);
  });

  it('says so when there is nothing to do', async () => {
    render(Insights, { backend: new FakeBackend({ tasks: [] }) });

    expect(await screen.findByText('Nothing to do today: no customer needs a call.')).toBeTruthy();
  });

  it('shows a failed task update with its code and keeps the task open', async () => {
    const backend = new FakeBackend();
    render(Insights, { backend, now: fixedNow });
    const first = (await screen.findAllByTestId('task'))[0] as HTMLElement;
    backend.setFailure(new BackendError('task_not_found', 'The task is gone.'));

    await fireEvent.click(within(first).getByTestId('task-done'));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not update the task: The task is gone.');
    expect(within(alert).getByText('task_not_found').tagName).toBe('CODE');
    expect(within(first).getByTestId('task-done')).toBeTruthy();
  });
});

describe('charts', () => {
  it('draws each chart with its figures in a table beside it', async () => {
    render(Insights, { backend: new FakeBackend() });

    await screen.findByTestId('chart-revenue');
    expect(figures('chart-revenue')[0]).toEqual(['2026-06', '$18,000.00']);
    expect(figures('chart-revenue')).toHaveLength(6);
    expect(figures('chart-status')).toEqual([['Active', '812'], ['Lapsed', '301'], ['New', '127']]);
    expect(figures('chart-frequency')[0]).toEqual(['1 visit', '310']);
    expect(figures('chart-churn')[4]).toEqual(['80–100%', '350']);
    expect(figures('chart-staff')[0]).toEqual(['Mia Torres', '70%']);
  });

  it('shows cohort retention as a heatmap table', async () => {
    render(Insights, { backend: new FakeBackend() });

    const table = await screen.findByTestId('cohorts');
    const rows = within(table).getAllByRole('row').slice(1);
    const first = Array.from((rows[0] as HTMLElement).querySelectorAll('th, td')).map((cell) => cell.textContent.trim());
    expect(first).toEqual(['2026-06', '48', '62%', '51%', '44%', '40%', '38%']);
    const cell = (rows[0] as HTMLElement).querySelectorAll('td')[1] as HTMLElement;
    expect(cell.className).toContain('heat-6');
    const last = Array.from((rows[4] as HTMLElement).querySelectorAll('td')).map((td) => td.textContent.trim());
    expect(last).toEqual(['50', '57%', '', '', '', '']);
  });

  it('lists staff figures, with a dash where one is unknown', async () => {
    render(Insights, { backend: new FakeBackend() });

    const table = await screen.findByTestId('staff-table');
    const last = within(table).getAllByRole('row').at(-1) as HTMLElement;
    expect(Array.from(last.querySelectorAll('th, td')).map((cell) => cell.textContent.trim())).toEqual([
      'Ravi Shah', '46%', '40%', '—', '$15,000.00', '—',
    ]);
  });

  it('shows the error and its code when the figures cannot be read', async () => {
    render(Insights, { backend: new FakeBackend({ failWith: new BackendError('analysis_missing', 'Run the analysis first.') }) });

    await waitFor(() => {
      expect(screen.getAllByRole('alert')).toHaveLength(2);
    });
    const charts = screen.getAllByRole('alert').find((alert) => alert.textContent.includes('Could not load the charts')) as HTMLElement;
    expect(charts.textContent).toContain('Run the analysis first.');
    expect(within(charts).getByText('analysis_missing').tagName).toBe('CODE');
  });
});
