/**
 * Tests of the chart component with Chart.js replaced by a recorder: what it is asked to
 * draw, that it draws again when the figures change and is destroyed with the component,
 * and the table fallback where a canvas cannot draw.
 */
import { render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Chart from './Chart.svelte';

const drawn = vi.hoisted(() => ({ configs: [] as { type: string; data: { labels: string[]; datasets: { data: number[] }[] } }[], destroyed: 0 }));

vi.mock('./register', () => ({
  Chart: class {
    constructor(_context: unknown, config: (typeof drawn.configs)[number]) {
      drawn.configs.push(config);
    }
    destroy(): void {
      drawn.destroyed += 1;
    }
  },
}));

beforeEach(() => {
  drawn.configs.length = 0;
  drawn.destroyed = 0;
});

const props = {
  title: 'Revenue per month',
  kind: 'bar' as const,
  labels: ['2026-10', '2026-11'],
  series: [{ label: 'Revenue', values: [1000, 2000] }],
  format: (value: number) => `$${value / 100}`,
};

describe('Chart', () => {
  it('asks Chart.js for the chart type with the labels and values', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({} as CanvasRenderingContext2D);
    const { unmount } = render(Chart, props);

    await waitFor(() => {
      expect(drawn.configs).toHaveLength(1);
    });
    expect(drawn.configs[0]?.type).toBe('bar');
    expect(drawn.configs[0]?.data.labels).toEqual(['2026-10', '2026-11']);
    expect(drawn.configs[0]?.data.datasets[0]?.data).toEqual([1000, 2000]);
    expect(screen.getByRole('img', { name: 'Revenue per month' })).toBeTruthy();

    unmount();
    expect(drawn.destroyed).toBe(1);
  });

  it('draws again when the figures change', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({} as CanvasRenderingContext2D);
    const { rerender } = render(Chart, props);
    await waitFor(() => {
      expect(drawn.configs).toHaveLength(1);
    });

    await rerender({ ...props, labels: ['2026-11'], series: [{ label: 'Revenue', values: [5] }] });

    await waitFor(() => {
      expect(drawn.configs).toHaveLength(2);
    });
    expect(drawn.configs[1]?.data.labels).toEqual(['2026-11']);
    expect(drawn.destroyed).toBe(1);
  });

  it('opens the figures table when the canvas cannot draw', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    const { container } = render(Chart, props);

    await waitFor(() => {
      expect((container.querySelector('details') as HTMLDetailsElement).open).toBe(true);
    });
    expect(drawn.configs).toHaveLength(0);
    expect(Array.from(container.querySelectorAll('tbody td')).map((cell) => cell.textContent)).toEqual(['$10', '$20']);
  });

  it('says when there is nothing to draw', () => {
    render(Chart, { ...props, labels: [], series: [{ label: 'Revenue', values: [] }] });

    expect(screen.getByText('Not enough data yet.')).toBeTruthy();
  });
});
