/**
 * Tests of the Health screen against the fake backend: the score, a row per Square endpoint
 * family, store size, quarantined records, recommendations, and errors with their code.
 */
import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../lib/backend';
import { FakeBackend } from '../lib/backend/fake';
import Health from './Health.svelte';

describe('health panel', () => {
  it('shows the score, store size, quarantined count and recommendations', async () => {
    render(Health, { backend: new FakeBackend() });

    expect((await screen.findByTestId('health-score')).textContent).toBe('92');
    expect(screen.getByTestId('store-size').textContent).toBe('46.0 MB');
    expect(screen.getByTestId('quarantined').textContent).toBe('2');
    expect(screen.getByTestId('recommendations').textContent).toContain('set aside');
  });

  it('has a row per endpoint family with rates, latencies, 429s, failures and circuit state', async () => {
    render(Health, { backend: new FakeBackend() });

    const rows = await screen.findAllByTestId('family-row');
    const cells = rows.map((row) => Array.from(row.querySelectorAll('th, td')).map((cell) => cell.textContent.replace(/\s+/g, ' ').trim()));
    expect(cells[1]).toEqual([
      'Orders', '97%', '240 ms', '610 ms', '3', '2026-11-29 06:03', '2026-11-29 06:02 429 Too Many Requests', '—', '0', 'Closed',
    ]);
    expect(cells[2]?.slice(0, 4)).toEqual(['Bookings', '—', '—', '—']);
  });

  it('keeps the database panel', async () => {
    render(Health, { backend: new FakeBackend() });

    expect(await screen.findByRole('table', { name: 'Rows per table' })).toBeTruthy();
  });

  it('shows the error and its code when the report cannot be read', async () => {
    render(Health, { backend: new FakeBackend({ failWith: new BackendError('health_unavailable', 'no figures yet') }) });

    const alerts = await screen.findAllByRole('alert');
    const health = alerts.find((alert) => alert.textContent.includes('Could not read the health report')) as HTMLElement;
    expect(health.textContent).toContain('no figures yet');
    expect(within(health).getByText('health_unavailable').tagName).toBe('CODE');
  });
});
