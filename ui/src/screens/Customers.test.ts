/**
 * Tests of the Customers screen against the fake backend: the virtualized list (DOM size at
 * 20k rows, pages fetched by offset as it scrolls, cached), sorting, the debounced search and
 * its mode note, the customer page, errors, and customer text rendered as text.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { BackendError, type CustomerQuery, type CustomerRow } from '../lib/backend';
import { FakeBackend } from '../lib/backend/fake';
import { sampleCustomers } from '../lib/backend/sample';
import Customers from './Customers.svelte';

const ROW_HEIGHT = 44;

function queries(backend: FakeBackend): CustomerQuery[] {
  return backend.argsOf('listCustomers').map((args) => args[0] as CustomerQuery);
}

function scrollTo(top: number): void {
  const scroller = screen.getByTestId('customer-scroll');
  scroller.scrollTop = top;
  void fireEvent.scroll(scroller);
}

function row(overrides: Partial<CustomerRow>): CustomerRow {
  return { ...sampleCustomers(1)[0], ...overrides } as CustomerRow;
}

describe('customer list', () => {
  it('keeps fewer than 100 rows in the DOM with 20,000 customers', async () => {
    const backend = new FakeBackend({ customers: 20_000 });
    render(Customers, { backend });

    await screen.findAllByTestId('customer-row');
    expect(screen.getByTestId('result-count').textContent).toContain('20,000');
    expect(screen.getAllByTestId('customer-row').length).toBeLessThan(100);

    scrollTo(ROW_HEIGHT * 12_000);
    await waitFor(() => {
      expect(screen.getAllByTestId('customer-row')[0]?.getAttribute('aria-rowindex')).toBe(String(12_000 - 8 + 2));
    });
    expect(screen.getAllByTestId('customer-row').length).toBeLessThan(100);
  });

  it('fetches the pages a scroll reaches by offset, and reuses pages it already has', async () => {
    const backend = new FakeBackend({ customers: 20_000 });
    render(Customers, { backend });
    await screen.findAllByTestId('customer-row');
    expect(queries(backend).map((query) => [query.offset, query.limit])).toEqual([[0, 100]]);

    scrollTo(ROW_HEIGHT * 5_000);
    await waitFor(() => {
      expect(queries(backend).map((query) => query.offset)).toEqual([0, 4_900, 5_000]);
    });

    scrollTo(0);
    await screen.findAllByTestId('customer-row');
    scrollTo(ROW_HEIGHT * 5_000);
    await waitFor(() => {
      expect(screen.getAllByTestId('customer-row')[0]?.getAttribute('aria-rowindex')).toBe(String(5_000 - 8 + 2));
    });
    expect(backend.calls.listCustomers).toBe(3);
  });

  it('sorts by a column when its header is clicked, and reverses on a second click', async () => {
    const backend = new FakeBackend({ customers: 300 });
    render(Customers, { backend });
    await screen.findAllByTestId('customer-row');
    expect(queries(backend)[0]).toMatchObject({ sort: 'value', descending: true });

    await fireEvent.click(screen.getByTestId('sort-name'));
    await waitFor(() => {
      expect(queries(backend).at(-1)).toMatchObject({ sort: 'name', descending: false, offset: 0 });
    });
    const header = screen.getByTestId('sort-name').parentElement as HTMLElement;
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    await waitFor(() => {
      const names = screen.getAllByTestId('customer-row').map((element) => within(element).getByRole('button').textContent);
      expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    });

    await fireEvent.click(screen.getByTestId('sort-name'));
    await waitFor(() => {
      expect(queries(backend).at(-1)).toMatchObject({ sort: 'name', descending: true });
    });
    expect(header.getAttribute('aria-sort')).toBe('descending');

    for (const sort of ['value', 'last_visit', 'risk', 'visits', 'overdue'] as const) {
      await fireEvent.click(screen.getByTestId(`sort-${sort}`));
      await waitFor(() => {
        expect(queries(backend).at(-1)?.sort).toBe(sort);
      });
    }
  });

  it('searches once typing pauses, and says which search mode answered', async () => {
    const customers = [
      row({ id: 'c1', name: 'Ana Chen', email: null, phone: null }),
      row({ id: 'c2', name: 'Ben Brown', email: null, phone: null }),
      row({ id: 'c3', name: 'Chloe Chen', email: null, phone: null }),
    ];
    const backend = new FakeBackend({ customers, searchMode: 'text', searchNote: 'The meaning model is not installed.' });
    render(Customers, { backend, debounceMs: 20 });
    await screen.findAllByTestId('customer-row');
    expect(screen.getByTestId('search-mode').textContent).toContain('Search mode: text. The meaning model is not installed.');

    const input = screen.getByTestId('customer-search');
    await fireEvent.input(input, { target: { value: 'c' } });
    await fireEvent.input(input, { target: { value: 'ch' } });
    await fireEvent.input(input, { target: { value: 'chen' } });

    await waitFor(() => {
      expect(screen.getAllByTestId('customer-row')).toHaveLength(2);
    });
    expect(queries(backend).map((query) => query.search)).toEqual([null, 'chen']);
    expect(screen.getByTestId('result-count').textContent).toContain('2 customers');
  });

  it('hides the search note when hybrid search answers', async () => {
    render(Customers, { backend: new FakeBackend({ customers: 5, searchMode: 'hybrid', searchNote: null }) });

    await screen.findAllByTestId('customer-row');
    expect(screen.queryByTestId('search-mode')).toBeNull();
  });

  it('says when nothing matches the search', async () => {
    render(Customers, { backend: new FakeBackend({ customers: 5 }), debounceMs: 1 });
    await screen.findAllByTestId('customer-row');

    await fireEvent.input(screen.getByTestId('customer-search'), { target: { value: 'zzz-nobody' } });

    expect(await screen.findByText('No customer matches “zzz-nobody”.')).toBeTruthy();
    expect(screen.queryAllByTestId('customer-row')).toHaveLength(0);
  });

  it('shows the error and its code when the list cannot load, and retries', async () => {
    const backend = new FakeBackend({ failWith: new BackendError('store_locked', 'database is locked') });
    render(Customers, { backend });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load customers: database is locked');
    expect(within(alert).getByText('store_locked').tagName).toBe('CODE');

    backend.setFailure(undefined);
    await fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByTestId('customer-row')).not.toHaveLength(0);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('renders a customer name full of markup as plain text', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const { container } = render(Customers, { backend: new FakeBackend({ customers: [row({ id: 'h1', name: hostile })] }) });

    const rows = await screen.findAllByTestId('customer-row');
    expect(within(rows[0] as HTMLElement).getByRole('button').textContent).toBe(hostile);
    expect(container.querySelector('img')).toBeNull();

    await fireEvent.click(within(rows[0] as HTMLElement).getByRole('button'));
    const detail = await screen.findByTestId('customer-detail');
    expect(within(detail).getByRole('heading', { name: hostile })).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
  });
});

describe('customer page', () => {
  it('opens from a row with the figures, visits, notes by source and tasks, and goes back', async () => {
    const customers = [row({ id: 'c1', name: 'Ana Chen', visits: 9, p_alive: 0.83, lifetime_value_cents: 54_000 })];
    const backend = new FakeBackend({ customers });
    render(Customers, { backend });

    await fireEvent.click(within((await screen.findAllByTestId('customer-row'))[0] as HTMLElement).getByRole('button'));

    const detail = await screen.findByTestId('customer-detail');
    await within(detail).findByRole('heading', { name: 'Ana Chen' });
    expect(backend.argsOf('customerDetail')).toEqual([['c1']]);
    expect(within(detail).getByTestId('metric-p-alive').textContent).toBe('83%');
    expect(within(detail).getByTestId('metric-clv').textContent).toContain('324');
    expect(within(detail).getByTestId('metric-next-visit').textContent).toBe('2026-12-09');
    expect(within(detail).getByTestId('timeline').querySelectorAll('li')).toHaveLength(9);
    const notes = within(detail).getAllByTestId('note').map((note) => note.textContent);
    expect(notes[0]).toContain('From Square');
    expect(notes[1]).toContain('From an uploaded sheet: clients-2024.xlsx');
    expect(within(detail).getByText(/Usually visits every 5 weeks/)).toBeTruthy();
    expect(screen.queryByTestId('model-note')).toBeNull();

    await fireEvent.click(screen.getByTestId('customer-back'));
    expect(screen.queryByTestId('customer-detail')).toBeNull();
    expect(screen.getAllByTestId('customer-row')).toHaveLength(1);
    expect(backend.calls.listCustomers).toBe(1);
  });

  it('explains missing figures with the model note', async () => {
    const customers = [row({ id: 'thin', name: 'New Person', visits: 2, p_alive: null, days_overdue: null })];
    render(Customers, { backend: new FakeBackend({ customers }) });

    await fireEvent.click(within((await screen.findAllByTestId('customer-row'))[0] as HTMLElement).getByRole('button'));

    const note = await screen.findByTestId('model-note');
    expect(note.textContent).toBe('2 visits: too few for the churn model; using cadence');
    expect(screen.getByTestId('metric-p-alive').textContent).toBe('—');
    expect(screen.getByTestId('metric-clv').textContent).toBe('—');
  });

  it('shows the error with its code when the customer cannot be read', async () => {
    const backend = new FakeBackend({ customers: 3 });
    render(Customers, { backend });
    const first = (await screen.findAllByTestId('customer-row'))[0] as HTMLElement;
    backend.setFailure(new BackendError('customer_not_found', 'No customer with id X'));

    await fireEvent.click(within(first).getByRole('button'));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not open this customer: No customer with id X');
    expect(within(alert).getByText('customer_not_found').tagName).toBe('CODE');
  });
});
