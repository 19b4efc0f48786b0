/**
 * Tests of the whole app against the fake backend: sidebar navigation, the live database
 * panel, error display, and the honest onboarding state.
 */
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { BackendError } from './lib/backend';
import { FakeBackend } from './lib/backend/fake';
import { SCREENS } from './lib/navigation.svelte';

beforeEach(() => {
  // jsdom cannot draw on a canvas (Insights' charts); say so quietly instead of logging.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});

const formatRows = (rows: number): string => new Intl.NumberFormat().format(rows);

async function findAlert(text: string): Promise<HTMLElement> {
  const alerts = await screen.findAllByRole('alert');
  const alert = alerts.find((element) => element.textContent.includes(text));
  if (!alert) throw new Error(`no alert saying "${text}" among ${alerts.length}`);
  return alert;
}

function currentHeading(): string {
  return screen.getByRole('heading', { level: 1 }).textContent;
}

describe('navigation', () => {
  it('starts on onboarding and marks it as the current page', () => {
    render(App, { backend: new FakeBackend() });

    expect(currentHeading()).toBe('Get started');
    const current = screen.getByRole('button', { current: 'page' });
    expect(current.textContent.trim()).toBe('Get started');
  });

  it('switches to each screen when its sidebar entry is clicked', async () => {
    render(App, { backend: new FakeBackend() });
    const sidebar = screen.getByRole('navigation', { name: 'Main' });

    for (const entry of SCREENS) {
      await fireEvent.click(within(sidebar).getByRole('button', { name: entry.label }));
      expect(currentHeading()).toBe(entry.id === 'onboarding' ? 'Get started' : entry.label);
      const current = within(sidebar).getByRole('button', { current: 'page' });
      expect(current.textContent.trim()).toBe(entry.label);
    }
  });

  it('shows what will appear on a screen that has no data yet', async () => {
    render(App, { backend: new FakeBackend() });

    await fireEvent.click(screen.getByRole('button', { name: 'Match review' }));

    expect(screen.getByText(/add a spreadsheet of your clients/i)).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Get started' })).toBeNull();
  });

  it('names the current screen on the body and opens each screen at its top', async () => {
    render(App, { backend: new FakeBackend() });
    expect(document.body.dataset.screen).toBe('onboarding');
    document.documentElement.scrollTop = 500;

    await fireEvent.click(screen.getByTestId('nav-reviews'));

    expect(document.body.dataset.screen).toBe('reviews');
    expect(document.documentElement.scrollTop).toBe(0);
  });

  it('gives every sidebar entry a test id named for its screen', () => {
    render(App, { backend: new FakeBackend() });

    for (const entry of SCREENS) {
      expect(screen.getByTestId(`nav-${entry.id}`).textContent.trim()).toBe(entry.label);
    }
  });

  it('only asks the backend for database info once Health is opened', async () => {
    const backend = new FakeBackend();
    render(App, { backend });
    expect(backend.calls.dbInfo).toBe(0);

    await fireEvent.click(screen.getByRole('button', { name: 'Health' }));
    await screen.findByRole('table', { name: 'Rows per table' });

    expect(backend.calls.dbInfo).toBe(1);
  });
});

describe('database panel on the Health screen', () => {
  it('renders the path, schema version and row counts the backend returns', async () => {
    const backend = new FakeBackend({
      dbInfo: {
        path: '/home/owner/.local/share/keeper/keeper.db',
        schema_version: 7,
        counts: [
          { table: 'customers', rows: 20000 },
          { table: 'bookings', rows: 3 },
          { table: 'refunds', rows: 0 },
        ],
      },
    });
    render(App, { backend, initialScreen: 'health' });

    const table = await screen.findByRole('table', { name: 'Rows per table' });
    const rows = within(table).getAllByRole('row').slice(1); // skip the header row
    const cells = rows.map((row) =>
      Array.from(row.querySelectorAll('th, td')).map((cell) => cell.textContent.trim()),
    );
    expect(cells).toEqual([
      ['customers', formatRows(20000)],
      ['bookings', '3'],
      ['refunds', '0'],
    ]);
    expect(screen.getByText('/home/owner/.local/share/keeper/keeper.db')).toBeTruthy();
    expect(screen.getByTestId('schema-version').textContent).toBe('7');
  });

  it('says so when the database has no tables', async () => {
    const backend = new FakeBackend({ dbInfo: { path: '/tmp/k.db', schema_version: 0, counts: [] } });
    render(App, { backend, initialScreen: 'health' });

    expect(await screen.findByText('The database has no tables yet.')).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Rows per table' })).toBeNull();
  });

  it('shows the error message and code when the backend fails', async () => {
    const backend = new FakeBackend({
      failWith: new BackendError('db_open_failed', 'unable to open database file: /nope/keeper.db'),
    });
    render(App, { backend, initialScreen: 'health' });

    const alert = await findAlert('Could not read the database');
    expect(alert.textContent).toContain(
      'Could not read the database: unable to open database file: /nope/keeper.db',
    );
    expect(within(alert).getByText('db_open_failed').tagName).toBe('CODE');
    expect(screen.queryByRole('table', { name: 'Rows per table' })).toBeNull();
  });

  it('recovers on refresh after the backend starts answering again', async () => {
    const backend = new FakeBackend({ failWith: new BackendError('db_locked', 'database is locked') });
    render(App, { backend, initialScreen: 'health' });
    await findAlert('Could not read the database');

    backend.setFailure(undefined);
    const panel = screen.getByRole('heading', { name: 'Database' }).closest('section') as HTMLElement;
    await fireEvent.click(within(panel).getByRole('button', { name: 'Refresh' }));

    expect(await screen.findByRole('table', { name: 'Rows per table' })).toBeTruthy();
    expect(within(panel).queryByRole('alert')).toBeNull();
    expect(backend.calls.dbInfo).toBe(2);
  });

  it('renders text from the backend as text, never as markup', async () => {
    const hostile = '<img src=x onerror="alert(1)">';
    const backend = new FakeBackend({
      dbInfo: { path: hostile, schema_version: 1, counts: [{ table: hostile, rows: 1 }] },
    });
    const { container } = render(App, { backend, initialScreen: 'health' });

    await screen.findByRole('table', { name: 'Rows per table' });
    expect(container.querySelector('img[src="x"]')).toBeNull();
    expect(screen.getAllByText(hostile)).toHaveLength(2);
  });
});

describe('browser preview', () => {
  it('tells the user the fake backend shows sample data', () => {
    render(App, { backend: new FakeBackend() });

    expect(screen.getByRole('note').textContent).toContain('showing sample data');
  });

  it('shows no sample-data note when the desktop backend answers', () => {
    render(App, { backend: new FakeBackend({ kind: 'tauri' }) });

    expect(screen.queryByRole('note')).toBeNull();
  });
});
