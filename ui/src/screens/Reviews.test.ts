/**
 * Tests of the Reviews screen against the fake backend: stars, sentiment, mentions, the
 * urgent badge with its reason, errors with their code, and review text rendered as text.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { BackendError, type ReviewEntry } from '../lib/backend';
import { FakeBackend } from '../lib/backend/fake';
import { SAMPLE_REVIEWS } from '../lib/backend/sample';
import Reviews from './Reviews.svelte';

describe('reviews', () => {
  it('shows each review with its stars, sentiment and mentions', async () => {
    render(Reviews, { backend: new FakeBackend() });

    const reviews = await screen.findAllByTestId('review');
    expect(reviews).toHaveLength(3);
    const happy = reviews[1] as HTMLElement;
    expect(within(happy).getByRole('img', { name: '5 out of 5 stars' })).toBeTruthy();
    expect(within(happy).getByTestId('sentiment').textContent).toBe('positive (0.92)');
    expect(within(happy).getAllByTestId('mention').map((mention) => mention.textContent.trim())).toEqual([
      'Staff: Mia Torres',
      'Service: Cut & blow-dry',
    ]);
    expect(within(happy).queryByTestId('urgent')).toBeNull();
    expect(within(reviews[2] as HTMLElement).getByText('no rating')).toBeTruthy();
  });

  it('flags an urgent review with the reason and counts urgent reviews', async () => {
    render(Reviews, { backend: new FakeBackend() });

    const angry = (await screen.findAllByTestId('review'))[0] as HTMLElement;
    expect(within(angry).getByTestId('urgent').textContent).toBe('Urgent');
    expect(angry.textContent).toContain('Why urgent: One star, says they will not return, posted today.');
    expect(within(angry).getByRole('img', { name: '1 out of 5 stars' })).toBeTruthy();
    expect(within(angry).getByTestId('sentiment').textContent).toBe('negative (-0.85)');
    expect(screen.getByTestId('urgent-count').textContent).toContain('1 review needs an answer soon.');
  });

  it('renders review text full of markup as plain text', async () => {
    const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const review: ReviewEntry = { ...(SAMPLE_REVIEWS[2] as ReviewEntry), text: hostile, author: hostile };
    const { container } = render(Reviews, { backend: new FakeBackend({ reviews: [review] }) });

    const shown = (await screen.findAllByTestId('review'))[0] as HTMLElement;
    expect(within(shown).getAllByText(hostile)).toHaveLength(2);
    expect(container.querySelector('img, script')).toBeNull();
  });

  it('says so when there are no reviews', async () => {
    render(Reviews, { backend: new FakeBackend({ reviews: [] }) });

    expect(await screen.findByText(/No reviews yet/)).toBeTruthy();
  });

  it('fetches reviews on the button, then reads the list again and shows the summary', async () => {
    const backend = new FakeBackend();
    render(Reviews, { backend });
    await screen.findAllByTestId('review');
    expect(backend.calls.reviews).toBe(1);

    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Fetch reviews' });
    await fireEvent.click(button);

    expect(backend.calls.fetchReviews).toBe(1);
    expect((await screen.findByTestId('fetch-status')).textContent).toContain('Fetching reviews…');
    expect(button.disabled).toBe(true);

    const running = await backend.jobStatus();
    backend.emitJobProgress({
      ...running,
      state: 'finished',
      finished_at: '2026-11-29T09:00:05Z',
      summary: ['Reviews: 2 new, 1 updated', 'Analysis done'],
    });

    await waitFor(() => {
      expect(backend.calls.reviews).toBe(2);
    });
    expect(screen.getByTestId('fetch-status').textContent).toBe('Reviews: 2 new, 1 updated');
    expect(button.disabled).toBe(false);
  });

  it('shows why reviews cannot be fetched when no source is set up', async () => {
    const backend = new FakeBackend();
    render(Reviews, { backend });
    await screen.findAllByTestId('review');
    backend.setFailure(new BackendError('no_review_source', 'No review source is set up.'));

    await fireEvent.click(screen.getByRole('button', { name: 'Fetch reviews' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not fetch reviews: No review source is set up.');
    expect(within(alert).getByText('no_review_source').tagName).toBe('CODE');
    expect(screen.getAllByTestId('review')).toHaveLength(3);
  });

  it('reports a fetch job that failed with its code', async () => {
    const backend = new FakeBackend();
    render(Reviews, { backend });
    await screen.findAllByTestId('review');
    await fireEvent.click(screen.getByRole('button', { name: 'Fetch reviews' }));
    await screen.findByTestId('fetch-status');

    backend.emitJobProgress({
      ...(await backend.jobStatus()),
      state: 'failed',
      error_code: 'yelp_unauthorized',
      error: 'Yelp refused the API key.',
    });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not fetch reviews: Yelp refused the API key.');
    expect(within(alert).getByText('yelp_unauthorized').tagName).toBe('CODE');
    expect(backend.calls.reviews).toBe(1);
  });

  it('shows the error and its code when reviews cannot be read', async () => {
    render(Reviews, { backend: new FakeBackend({ failWith: new BackendError('store_locked', 'database is locked') }) });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load reviews: database is locked');
    expect(within(alert).getByText('store_locked').tagName).toBe('CODE');
  });
});
