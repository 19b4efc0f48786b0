/**
 * Tests of spreadsheet match review against the fake backend: choosing or dropping a file,
 * the editable column mapping, candidates grouped by band with fields side by side,
 * decisions by button and by key, linking a row to another of its candidates, bulk accept above
 * a threshold, and undo.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../App.svelte';
import { BackendError, type ColumnMapping } from '../lib/backend';
import { FakeBackend } from '../lib/backend/fake';

beforeEach(() => {
  // jsdom cannot draw on a canvas (Insights' charts); say so quietly instead of logging.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});

async function openUpload(backend = new FakeBackend()): Promise<FakeBackend> {
  render(App, { backend, initialScreen: 'match-review' });
  await fireEvent.click(screen.getByTestId('choose-file'));
  await screen.findAllByTestId('candidate');
  return backend;
}

function candidateStates(): (string | null)[] {
  return screen.getAllByTestId('candidate').map((element) => element.getAttribute('data-state'));
}

function selectedId(): string | null | undefined {
  return screen.getAllByTestId('candidate').find((element) => element.getAttribute('aria-current') === 'true')?.getAttribute('data-candidate-id');
}

async function press(key: string, target: Element | Window = window): Promise<void> {
  await fireEvent.keyDown(target, { key });
}

describe('choosing a spreadsheet', () => {
  it('uploads the picked file and shows its summary, columns and candidates by band', async () => {
    const backend = await openUpload();

    expect(backend.calls.pickSpreadsheet).toBe(1);
    expect(backend.argsOf('uploadSpreadsheet')).toEqual([['/home/owner/clients.xlsx']]);
    const summary = screen.getByTestId('upload-summary');
    expect(within(summary).getByRole('heading', { name: 'clients.xlsx' })).toBeTruthy();
    expect(summary.textContent).toContain('9 to review');
    expect(screen.getAllByTestId('mapping-row')).toHaveLength(6);
    expect(screen.getByRole('heading', { name: /Likely the same person \(3\)/ })).toBeTruthy();
    expect(screen.getByRole('heading', { name: /Needs your eye \(3\)/ })).toBeTruthy();
    expect(screen.getByRole('heading', { name: /Probably someone else \(3\)/ })).toBeTruthy();
  });

  it('shows the sheet and Square side by side with each field’s outcome and weight', async () => {
    await openUpload();

    const first = screen.getAllByTestId('candidate')[0] as HTMLElement;
    const rows = within(first).getAllByRole('row').slice(1).map((row) =>
      Array.from(row.querySelectorAll('th, td')).map((cell) => cell.textContent.trim()),
    );
    expect(rows[0]).toEqual(['Name', expect.any(String), expect.any(String), 'given exact, family exact', '+14.1']);
    expect(rows[1]).toEqual(['Email', expect.stringContaining('@example.com'), expect.stringContaining('@example.com'), 'exact', '+6.3']);
    expect(rows[2]?.[3]).toBe('missing');
    expect(first.textContent).toContain('score 0.97');
  });

  it('does nothing when the picker is cancelled', async () => {
    const backend = new FakeBackend({ pickedFile: null });
    render(App, { backend, initialScreen: 'match-review' });

    await fireEvent.click(screen.getByTestId('choose-file'));

    await waitFor(() => {
      expect(backend.calls.pickSpreadsheet).toBe(1);
    });
    expect(backend.calls.uploadSpreadsheet).toBe(0);
    expect(screen.queryByTestId('upload-summary')).toBeNull();
  });

  it('shows the error and its code when the file cannot be read', async () => {
    const backend = new FakeBackend({ pickedFile: '/home/owner/photo.png' });
    render(App, { backend, initialScreen: 'match-review' });

    await fireEvent.click(screen.getByTestId('choose-file'));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Keeper reads CSV and Excel files');
    expect(within(alert).getByText('unsupported_file').tagName).toBe('CODE');
  });
});

describe('the upload job', () => {
  it('shows the job’s step and a progress bar while it runs, then the upload it wrote', async () => {
    const backend = new FakeBackend({ uploadJobPolls: 3 });
    render(App, { backend, initialScreen: 'match-review' });

    await fireEvent.click(screen.getByTestId('choose-file'));

    const progress = await screen.findByTestId('upload-progress');
    expect(progress.tagName).toBe('PROGRESS');
    await waitFor(() => {
      expect(screen.getByTestId('match-busy').textContent).toContain('Matching the rows against 240 customers');
    });
    expect(screen.getByTestId<HTMLButtonElement>('choose-file').disabled).toBe(true);
    expect(screen.queryByTestId('upload-summary')).toBeNull();

    await screen.findAllByTestId('candidate', {}, { timeout: 3000 });
    expect(screen.queryByTestId('upload-progress')).toBeNull();
    expect(screen.queryByTestId('match-busy')).toBeNull();
    expect(backend.calls.uploadJob).toBe(4);
    expect(backend.argsOf('candidates')).toEqual([['sample-upload-1']]);
    expect(within(screen.getByTestId('upload-summary')).getByRole('heading', { name: 'clients.xlsx' })).toBeTruthy();
  });

  it('shows a failed job’s error with its code and what to do, and no upload', async () => {
    const backend = new FakeBackend();
    backend.failUploadJobs(
      new BackendError('no_usable_column', 'Check that the sheet has a header row and a column with a name, email or phone.'),
    );
    render(App, { backend, initialScreen: 'match-review' });

    await fireEvent.click(screen.getByTestId('choose-file'));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('a column with a name, email or phone');
    expect(within(alert).getByText('no_usable_column').tagName).toBe('CODE');
    expect(screen.queryByTestId('upload-summary')).toBeNull();
    expect(screen.getByTestId<HTMLButtonElement>('choose-file').disabled).toBe(false);
  });

  it('shows the new upload with its candidates once matching again with corrected columns ends', async () => {
    const backend = await openUpload();

    await fireEvent.change(screen.getByRole('combobox', { name: 'Field for column Notes' }), { target: { value: '' } });

    await waitFor(() => {
      expect(backend.argsOf('candidates').at(-1)).toEqual(['sample-upload-2']);
    });
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Field for column Notes' }).value).toBe('');
    const uploads = await backend.uploads();
    expect(uploads.map((upload) => [upload.id, upload.undone])).toEqual([
      ['sample-upload-2', false],
      ['sample-upload-1', true],
    ]);
    expect(screen.queryByText('This upload was undone: nothing from it is kept.')).toBeNull();
  });
});

describe('a spreadsheet job the app ran on its own', () => {
  // Regression: the desktop app finishes at start the spreadsheet jobs it did not finish when
  // it last ran, but the screen showed their upload only after the next drop.
  it('is followed when the screen opens, and its upload shown without a new drop', async () => {
    const backend = new FakeBackend({ resumedUpload: 'left-over.csv', uploadJobPolls: 2 });
    render(App, { backend, initialScreen: 'match-review' });

    await waitFor(() => {
      expect(screen.getByTestId('match-busy').textContent).toContain('Matching the rows of left-over.csv');
    });
    const summary = await screen.findByTestId('upload-summary', {}, { timeout: 3000 });
    expect(within(summary).getByRole('heading', { name: 'left-over.csv' })).toBeTruthy();
    expect(screen.getAllByTestId('candidate').length).toBeGreaterThan(0);
    expect(screen.queryByTestId('match-busy')).toBeNull();
    expect(backend.calls.uploadSpreadsheet).toBe(0);
    expect(backend.calls.pickSpreadsheet).toBe(0);
  });

  it('shows the newest upload not undone when the screen opens again with nothing shown', async () => {
    const backend = new FakeBackend();
    await backend.uploadSpreadsheet('/home/owner/first.csv');
    await backend.uploadJob('sample-job-1');
    await backend.uploadJob('sample-job-1');
    await backend.uploadSpreadsheet('/home/owner/second.csv');
    await backend.uploadJob('sample-job-2');
    await backend.uploadJob('sample-job-2');
    await backend.undoUpload('sample-upload-2');
    await backend.uploadJob('sample-job-3');
    await backend.uploadJob('sample-job-3');
    render(App, { backend, initialScreen: 'match-review' });

    const summary = await screen.findByTestId('upload-summary');
    expect(within(summary).getByRole('heading', { name: 'first.csv' })).toBeTruthy();
    expect(backend.argsOf('candidates')).toEqual([['sample-upload-1']]);
  });

  it('leaves a dropped file’s upload on screen when the drop came while the app’s own job ran', async () => {
    const backend = new FakeBackend({ resumedUpload: 'left-over.csv', uploadJobPolls: 3 });
    render(App, { backend, initialScreen: 'match-review' });
    await waitFor(() => {
      expect(screen.getByTestId('match-busy').textContent).toContain('left-over.csv');
    });

    backend.dropFiles(['/tmp/Dropped.csv']);

    await waitFor(
      () => {
        expect(within(screen.getByTestId('upload-summary')).getByRole('heading', { name: 'Dropped.csv' })).toBeTruthy();
      },
      { timeout: 3000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(within(screen.getByTestId('upload-summary')).getByRole('heading', { name: 'Dropped.csv' })).toBeTruthy();
    expect(screen.queryByTestId('match-busy')).toBeNull();
  });
});

describe('dropping a file on the window', () => {
  it('opens match review from any screen and uploads the dropped spreadsheet', async () => {
    const backend = new FakeBackend();
    render(App, { backend, initialScreen: 'insights' });
    await waitFor(() => {
      expect(backend.calls.onFileDropped).toBe(1);
    });

    backend.dropFiles(['/tmp/readme.pdf', '/tmp/Old clients.csv']);

    await screen.findByRole('heading', { level: 1, name: 'Match review' });
    await screen.findAllByTestId('candidate');
    expect(backend.argsOf('uploadSpreadsheet')).toEqual([['/tmp/Old clients.csv']]);
  });

  it('explains when the dropped file is not a spreadsheet', async () => {
    const backend = new FakeBackend();
    render(App, { backend });
    await waitFor(() => {
      expect(backend.calls.onFileDropped).toBe(1);
    });

    backend.dropFiles(['/tmp/photo.jpg']);

    expect((await screen.findByTestId('match-notice')).textContent).toContain('Keeper reads CSV and Excel files');
    expect(backend.calls.uploadSpreadsheet).toBe(0);
  });
});

describe('column mapping', () => {
  it('sends the whole mapping with the changed field and matches again', async () => {
    const backend = await openUpload();

    await fireEvent.change(screen.getByRole('combobox', { name: 'Field for column DOB' }), { target: { value: '' } });

    await waitFor(() => {
      expect(backend.calls.updateMapping).toBe(1);
    });
    const [uploadId, mapping] = backend.argsOf('updateMapping')[0] as [string, ColumnMapping[]];
    expect(uploadId).toBe('sample-upload-1');
    expect(mapping.map((column) => [column.column, column.field])).toEqual([
      ['Client name', 'full_name'],
      ['E-mail', 'email'],
      ['Mobile', 'phone'],
      ['DOB', null],
      ['Notes', 'notes'],
      ['Card #', null],
    ]);
    await waitFor(() => {
      expect(backend.calls.candidates).toBe(2);
    });
  });
});

describe('decisions', () => {
  it('accepts, rejects and skips with the buttons', async () => {
    const backend = await openUpload();

    await fireEvent.click(within(screen.getAllByTestId('candidate')[0] as HTMLElement).getByTestId('accept'));
    await waitFor(() => {
      expect(candidateStates()[0]).toBe('accepted');
    });
    await fireEvent.click(within(screen.getAllByTestId('candidate')[3] as HTMLElement).getByTestId('reject'));
    await waitFor(() => {
      expect(candidateStates()[3]).toBe('rejected');
    });
    await fireEvent.click(within(screen.getAllByTestId('candidate')[4] as HTMLElement).getByTestId('skip'));
    await waitFor(() => {
      expect(candidateStates()[4]).toBe('skipped');
    });

    expect(backend.argsOf('decideCandidate')).toEqual([
      ['sample-upload-1-c1', 'accept'],
      ['sample-upload-1-c4', 'reject'],
      ['sample-upload-1-c5', 'skip'],
    ]);
    expect(screen.getByTestId('upload-summary').textContent).toContain('1 accepted');
  });

  it('moves with j / k and the arrows, and decides with a / r / s', async () => {
    const backend = await openUpload();
    expect(selectedId()).toBe('sample-upload-1-c1');

    await press('a');
    await waitFor(() => {
      expect(candidateStates()[0]).toBe('accepted');
    });
    expect(selectedId()).toBe('sample-upload-1-c2');

    await press('j');
    expect(selectedId()).toBe('sample-upload-1-c3');
    await press('ArrowDown');
    expect(selectedId()).toBe('sample-upload-1-c4');
    await press('k');
    await press('ArrowUp');
    expect(selectedId()).toBe('sample-upload-1-c2');

    await press('r');
    await waitFor(() => {
      expect(candidateStates()[1]).toBe('rejected');
    });
    await press('s');
    await waitFor(() => {
      expect(candidateStates()[2]).toBe('skipped');
    });
    expect(selectedId()).toBe('sample-upload-1-c4');

    expect(backend.argsOf('decideCandidate')).toEqual([
      ['sample-upload-1-c1', 'accept'],
      ['sample-upload-1-c2', 'reject'],
      ['sample-upload-1-c3', 'skip'],
    ]);
  });

  it('undoes the selected decision with u', async () => {
    const backend = await openUpload();
    await press('a');
    await waitFor(() => {
      expect(candidateStates()[0]).toBe('accepted');
    });

    await press('k');
    await press('u');

    await waitFor(() => {
      expect(candidateStates()[0]).toBe('pending');
    });
    expect(backend.argsOf('undoCandidate')).toEqual([['sample-upload-1-c1']]);
  });

  it('ignores the shortcut keys while typing in a field', async () => {
    const backend = await openUpload();

    await press('a', screen.getByTestId('threshold'));

    expect(backend.calls.decideCandidate).toBe(0);
  });

  it('accepts every pending candidate above the threshold at once', async () => {
    const backend = await openUpload();
    await fireEvent.input(screen.getByTestId('threshold'), { target: { value: '0.6' } });

    await fireEvent.click(screen.getByTestId('accept-above'));

    expect((await screen.findByTestId('match-notice')).textContent).toBe('Accepted 5 matches scoring 0.6 or more.');
    expect(backend.argsOf('acceptAbove')).toEqual([['sample-upload-1', 0.6]]);
    expect(candidateStates().filter((state) => state === 'accepted')).toHaveLength(5);
    expect(screen.getByTestId('upload-summary').textContent).toContain('5 accepted');
  });

  it('undoes one candidate with its button and the whole upload with another', async () => {
    const backend = await openUpload();
    await fireEvent.click(within(screen.getAllByTestId('candidate')[0] as HTMLElement).getByTestId('accept'));
    const undo = await within(screen.getAllByTestId('candidate')[0] as HTMLElement).findByTestId('undo-candidate');

    await fireEvent.click(undo);
    await waitFor(() => {
      expect(candidateStates()[0]).toBe('pending');
    });
    expect(backend.argsOf('undoCandidate')).toEqual([['sample-upload-1-c1']]);

    await fireEvent.click(screen.getByTestId('undo-upload'));
    expect(await screen.findByText('This upload was undone: nothing from it is kept.')).toBeTruthy();
    expect(backend.argsOf('undoUpload')).toEqual([['sample-upload-1']]);
    expect(screen.getByTestId<HTMLButtonElement>('undo-upload').disabled).toBe(true);
  });

  it('lists the other customers a row in review may be and links the row to the chosen one', async () => {
    const backend = await openUpload();
    const review = screen.getAllByTestId('candidate')[3] as HTMLElement;
    const alternatives = within(review).getAllByTestId('alternative');
    expect(alternatives).toHaveLength(2);
    expect(alternatives[0]?.textContent).toContain('score 0.68');
    expect(alternatives[1]?.textContent).toContain('already linked to row 2');
    expect(within(screen.getAllByTestId('candidate')[0] as HTMLElement).queryByTestId('alternatives')).toBeNull();
    const before = review.querySelector('h3')?.textContent ?? '';
    const chosenName = alternatives[0]?.querySelector('strong')?.textContent ?? '';

    await fireEvent.click(within(alternatives[0] as HTMLElement).getByTestId('choose-alternative'));

    await waitFor(() => {
      expect(candidateStates()[3]).toBe('accepted');
    });
    expect(backend.argsOf('chooseAlternative')).toEqual([['sample-upload-1-c4', expect.any(String)]]);
    const after = (screen.getAllByTestId('candidate')[3] as HTMLElement).querySelector('h3')?.textContent ?? '';
    expect(after).not.toBe(before);
    expect(after).toContain('score 0.68');
    expect(after).toContain(chosenName);
    expect(screen.getByTestId('match-notice').textContent).toContain('Row 5 is now');
    // The first guess is offered in turn, so the owner can change their mind.
    const again = within(screen.getAllByTestId('candidate')[3] as HTMLElement).getAllByTestId('alternative');
    expect(again.map((entry) => entry.textContent).join(' ')).toContain('score 0.72');
  });

  it('shows a failed decision with its code', async () => {
    const backend = await openUpload();
    backend.setFailure(new BackendError('candidate_conflict', 'That row was decided in another window.'));

    await press('a');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('That row was decided in another window.');
    expect(within(alert).getByText('candidate_conflict').tagName).toBe('CODE');
  });
});
