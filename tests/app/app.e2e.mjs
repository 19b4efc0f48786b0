// End-to-end test of the real Keeper app binary, driven through tauri-driver and
// WebKitWebDriver under Xvfb (scripts/app-e2e.sh starts them and sets the environment).
//
// The owner's main path: demo onboarding → import finishes → customer list → a customer's
// page → a spreadsheet dropped on the window → matches reviewed and accepted → tasks shown →
// Sync now starts a sync. A screenshot of every screen goes to KEEPER_SHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { remote } from 'webdriverio';

const APP = process.env.KEEPER_APP;
const SHOTS = process.env.KEEPER_SHOTS;
const DB = process.env.KEEPER_DB;
const WORK = process.env.KEEPER_E2E_WORK;
const NOTIFICATIONS = process.env.KEEPER_NOTIFICATIONS;
const HERE = new URL('.', import.meta.url).pathname;
if (!APP || !SHOTS || !DB || !WORK || !NOTIFICATIONS) {
  throw new Error(
    'run through scripts/app-e2e.sh (KEEPER_APP, KEEPER_SHOTS, KEEPER_DB, KEEPER_E2E_WORK, KEEPER_NOTIFICATIONS)',
  );
}
mkdirSync(SHOTS, { recursive: true });

let browser;

before(async () => {
  browser = await remote({
    hostname: '127.0.0.1',
    port: 4444,
    logLevel: 'warn',
    capabilities: {
      'tauri:options': { application: APP },
      'wdio:enforceWebDriverClassic': true,
    },
  });
});

after(async () => {
  if (browser) await browser.deleteSession();
});

async function shot(name) {
  // A whole-screen capture shows the real window (and the tray), not just the page.
  execFileSync('import', ['-window', 'root', join(SHOTS, `${name}.png`)]);
}

async function byTestId(id, timeout = 20_000) {
  const el = await browser.$(`[data-testid="${id}"]`);
  await el.waitForExist({ timeout, timeoutMsg: `no element [data-testid="${id}"] after ${timeout} ms` });
  return el;
}

async function nav(screen) {
  await (await byTestId(`nav-${screen}`)).click();
}

/** Calls a Keeper command from inside the page, as the UI does. */
async function invoke(command, args = {}) {
  return browser.executeAsync(
    (cmd, a, done) => {
      window.__TAURI_INTERNALS__
        .invoke(cmd, a)
        .then((v) => done({ ok: v }))
        .catch((e) => done({ err: e }));
    },
    command,
    args,
  );
}

/** The desktop notifications Keeper sent so far (recorded by notification_daemon.py). */
function notifications() {
  if (!existsSync(NOTIFICATIONS)) return [];
  return readFileSync(NOTIFICATIONS, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

function gdbus(...args) {
  return execFileSync('gdbus', args, { encoding: 'utf8', timeout: 15_000 });
}

/** `gdbus introspect` has no time-out option: a peer that never answers is cut off here. */
function introspect(name, path) {
  return execFileSync(
    'gdbus',
    ['introspect', '--session', '--dest', name, '--object-path', path, '--recurse'],
    { encoding: 'utf8', timeout: 3_000, stdio: ['ignore', 'pipe', 'ignore'] },
  );
}

/**
 * Clicks an item of Keeper's tray menu as a tray host does: libayatana-appindicator exports
 * the menu on the session bus (com.canonical.dbusmenu under /org/ayatana/NotificationItem);
 * the host reads its layout and sends Event(id, "clicked").
 */
function clickTrayItem(label) {
  const names = [
    ...gdbus(
      'call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus',
      '--method', 'org.freedesktop.DBus.ListNames',
    ).matchAll(/'(:[0-9.]+)'/g),
  ].map((m) => m[1]);
  for (const name of names) {
    let xml;
    try {
      xml = introspect(name, '/org/ayatana/NotificationItem');
    } catch {
      continue; // not a GDBus peer with that object (or one that does not answer)
    }
    if (!xml.includes('com.canonical.dbusmenu')) continue;
    const path = xml.match(/node (\/org\/ayatana\/NotificationItem\/\S+\/Menu) \{/)?.[1];
    assert.ok(path, `no Menu object in ${xml}`);
    const layout = gdbus(
      'call', '--session', '--dest', name, '--object-path', path,
      '--method', 'com.canonical.dbusmenu.GetLayout', '--', '0', '-1', '[]',
    );
    const id = layout.match(new RegExp(`\\((\\d+), \\{[^}]*'label': <'${label}'>`))?.[1];
    assert.ok(id, `the tray menu has no "${label}": ${layout}`);
    gdbus(
      'call', '--session', '--dest', name, '--object-path', path,
      '--method', 'com.canonical.dbusmenu.Event', '--', id, 'clicked', '<0>', '0',
    );
    return { name, path, layout };
  }
  throw new Error('no tray menu on the session bus (com.canonical.dbusmenu under /org/ayatana/NotificationItem)');
}

/** Drags `file` from a small GTK window (drag_source.py) onto Keeper's window with xdotool. */
async function dragOnto(file) {
  const source = spawn('/usr/bin/python3', [join(HERE, 'drag_source.py'), file, '1500', '200'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    source.stdout.once('data', resolve);
    source.once('exit', (code) => reject(new Error(`the drag source exited with ${code} before it was ready`)));
  });
  await browser.pause(1000);
  execFileSync('xdotool', ['mousemove', '1560', '250', 'mousedown', '1']);
  for (const [x, y] of [[1400, 260], [1000, 300], [700, 350], [600, 400]]) {
    execFileSync('xdotool', ['mousemove', String(x), String(y)]);
    await browser.pause(150);
  }
  execFileSync('xdotool', ['mouseup', '1']);
  await browser.pause(500);
  source.kill();
}

async function waitForJob(kind, timeout) {
  let last;
  await browser.waitUntil(
    async () => {
      last = (await invoke('job_status')).ok;
      return last && last.kind === kind && (last.state === 'finished' || last.state === 'failed');
    },
    { timeout, interval: 500, timeoutMsg: `the ${kind} job did not finish in ${timeout} ms` },
  );
  assert.equal(last.state, 'finished', `the ${kind} job failed: ${last.error_code}: ${last.error}`);
  return last;
}

test('demo onboarding imports the demo merchant', async () => {
  await byTestId('start-demo', 60_000);
  await shot('01-onboarding');
  await (await byTestId('start-demo')).click();
  await byTestId('job-state');
  await browser.pause(1500);
  await shot('02-import-running');
  const done = await waitForJob('demo', 10 * 60_000);
  assert.ok(done.streams.length >= 5, `expected progress for every stream, got ${done.streams.length}`);
  await browser.waitUntil(async () => (await (await byTestId('job-state')).getText()).includes('finished'), {
    timeout: 10_000,
    timeoutMsg: 'the Import screen never showed the finished state',
  });
  await shot('03-import-finished');
});

test('the demo\'s urgent reviews raise one desktop notification naming a reviewer', async () => {
  let urgent;
  await browser.waitUntil(
    async () => {
      urgent = notifications().filter((n) => /urgent review/.test(n.summary));
      return urgent.length > 0;
    },
    { timeout: 20_000, timeoutMsg: `no urgent-review notification; got ${JSON.stringify(notifications())}` },
  );
  assert.equal(urgent.length, 1, `one notice for the fetch, got ${JSON.stringify(urgent)}`);
  const stored = (await invoke('list_reviews')).ok.filter((r) => r.urgent);
  const count = Number(urgent[0].summary.match(/^(\d+)/)[1]);
  assert.equal(count, stored.length, `the notice counts ${count}, the store has ${stored.length} urgent`);
  assert.match(urgent[0].body, / on (Google|Yelp|a file)/, urgent[0].body);
});

let customerNames = [];
/** The customer whose uncertain row is accepted by hand, and that row's note. */
let reviewedCustomer = null;
const REVIEWED_NOTE = 'Patch test before any colour';

test('the customer list shows customers and opens a customer page', async () => {
  await nav('customers');
  const first = await byTestId('customer-row');
  const rows = await browser.$$('[data-testid="customer-row"]');
  assert.ok(rows.length > 5, `only ${rows.length} customer rows rendered`);
  customerNames = (await Promise.all(rows.slice(0, 8).map((r) => r.getText()))).map((t) => t.split('\n')[0]);
  await shot('04-customers');
  await first.click();
  const detail = await byTestId('customer-detail');
  assert.ok((await detail.getText()).length > 20, 'the customer page is empty');
  await shot('05-customer');
});

test('a spreadsheet dropped on the window is matched and its matches can be accepted', async () => {
  const customers = (await invoke('list_customers', {
    query: { search: null, sort: 'value', descending: true, offset: 0, limit: 20 },
  })).ok.rows;
  assert.ok(customers.length >= 11, 'not enough customers to build a sheet from');
  // Five rows are written so the matcher cannot be sure, graded from weak to strong evidence,
  // about two bits apart, against customers Square has both a phone and an email for (so the
  // sheet's other phone and email count against them). Where a pair lands depends on the
  // model fitted to this sheet and these customers (its prior moves every score by a few
  // bits; on one demo merchant the single grade the test once used scored 0.66–0.81, on
  // another 0.46–0.49): spread over the review band's width (0.5–0.9, about 3 bits), at least
  // one lands between the thresholds, to be accepted by hand. Tried against twelve sets of the
  // demo's customers with `keeper upload`: every set had one to four rows in review.
  const uncertainOnes = customers.slice(6).filter((c) => c.phone && c.email).slice(0, 5);
  assert.equal(uncertainOnes.length, 5, 'not enough customers with a phone and an email');
  const sure = customers.slice(0, 6);
  const lines = ['Full Name,Mobile,E-mail,Notes'];
  sure.forEach((c, i) => {
    // A mix the matcher must handle: exact emails, a typo'd name with the phone only.
    if (i % 2 === 0) lines.push(`${c.name},,${c.email ?? ''},Prefers mornings`);
    else lines.push(`${c.name.replace(/a/, 'e')},${c.phone ?? ''},,Allergic to latex`);
  });
  uncertainOnes.forEach((c, i) => {
    const parts = c.name.split(' ');
    const given = parts[0];
    const family = parts[parts.length - 1];
    const misspelt = family.length > 3 ? family.slice(0, 3) + family[2] + family.slice(3) : family + 'e';
    const initial = `${given[0]}.`;
    const phone = `(212) 555-70${10 + i}`;
    const email = `someone.else${i}@example.invalid`;
    const grades = [
      `${initial} ${misspelt},${phone},${email}`,
      `${initial} ${misspelt},${phone},`,
      `${given} ${misspelt},${phone},${email}`,
      `${initial} ${family},${phone},`,
      `${given} ${misspelt},${phone},`,
    ];
    lines.push(`${grades[i]},${REVIEWED_NOTE}`);
  });
  lines.push('Nobody Known,+1 555 0100 999,nobody@example.invalid,Walk-in');
  const sheet = join(WORK, 'clients-from-old-system.csv');
  writeFileSync(sheet, lines.join('\n') + '\n');

  // Drag the file from a small GTK window onto Keeper's window. On a loaded machine the X
  // drag can be lost before it starts (no upload at all): then it is dragged once more.
  // The drop starts a background job (the first spreadsheet job of this database: id 1);
  // its arrival is the job, recorded at once, and the upload exists when the job ends.
  for (let attempt = 1; ; attempt++) {
    await dragOnto(sheet);
    const arrived = await browser
      .waitUntil(async () => (await invoke('upload_job', { jobId: '1' })).ok !== undefined, {
        timeout: 30_000,
        interval: 500,
      })
      .then(() => true, () => false);
    if (arrived) break;
    assert.ok(attempt < 2, 'two drags of the sheet onto the window never started an upload');
    console.log('# the first drag started no upload; dragging again');
  }
  await browser.waitUntil(
    async () => !['running', 'waiting'].includes((await invoke('upload_job', { jobId: '1' })).ok.state),
    { timeout: 120_000, interval: 500, timeoutMsg: 'the upload job did not end in 2 minutes' },
  );
  const job = (await invoke('upload_job', { jobId: '1' })).ok;
  assert.equal(job.state, 'finished', `the upload job failed: ${job.error_code}: ${job.error}`);

  const summary = await byTestId('upload-summary', 60_000);
  await browser.waitUntil(async () => (await summary.getText()).length > 0, { timeout: 10_000 });
  await shot('06-match-review');
  const candidates = await browser.$$('[data-testid="candidate"]');
  assert.ok(candidates.length >= 1, 'no match candidates were shown');
  const uploads = (await invoke('list_uploads')).ok;
  assert.equal(uploads.length, 1, 'the drop did not create exactly one upload');

  // Manual acceptance: move to the uncertain row with j and accept it with a.
  const listed = (await invoke('match_candidates', { uploadId: uploads[0].id })).ok;
  const uncertain = listed.find((c) => c.band === 'review' && c.state === 'pending');
  assert.ok(
    uncertain,
    `no row landed between the thresholds: ${JSON.stringify(
      listed.map((c) => [c.row_number, c.band, c.state, c.score.toFixed(2), c.customer_name]),
    )}`,
  );
  const reviewed = uncertainOnes.find((c) => c.id === uncertain.customer_id);
  assert.ok(reviewed, `the uncertain row points at ${uncertain.customer_name}, not at one it was written for`);
  await browser.execute(() => document.activeElement && document.activeElement.blur());
  let current = null;
  for (let i = 0; i < 40 && current !== uncertain.id; i++) {
    current = await (await browser.$('[data-testid="candidate"][aria-current="true"]')).getAttribute('data-candidate-id');
    if (current !== uncertain.id) {
      await browser.keys('j');
      await browser.pause(100);
    }
  }
  assert.equal(current, uncertain.id, 'j never reached the uncertain row');
  await shot('07-review-selected');
  await browser.keys('a');
  await browser.waitUntil(
    async () => (await invoke('list_uploads')).ok[0].accepted === uploads[0].accepted + 1,
    { timeout: 10_000, timeoutMsg: 'pressing a did not add one accepted match' },
  );
  await browser.waitUntil(
    async () =>
      (await (await browser.$(`[data-candidate-id="${uncertain.id}"]`)).getAttribute('data-state')) === 'accepted',
    { timeout: 10_000, timeoutMsg: 'the accepted row does not show as accepted' },
  );
  reviewedCustomer = reviewed;
  await (await byTestId('accept-above')).click();
  await browser.pause(1000);
  const after = (await invoke('list_uploads')).ok[0];
  assert.ok(after.accepted >= 1, `nothing accepted: ${JSON.stringify(after)}`);
  await shot('08-matches-accepted');
});

test("the customer accepted by hand shows the sheet's note on their page", async () => {
  assert.ok(reviewedCustomer, 'the manual acceptance did not run');
  await nav('customers');
  // The list keeps its state: the page opened earlier may still be showing.
  const back = await browser.$('[data-testid="customer-back"]');
  if (await back.isExisting()) await back.click();
  const search = await byTestId('customer-search');
  await search.setValue(reviewedCustomer.name);
  // The virtualized list re-renders while the search narrows: open the row, then check the
  // page is this customer's (and try again when a re-render moved the row under the click).
  let seen = [];
  let opened = false;
  for (let attempt = 0; attempt < 5 && !opened; attempt++) {
    await browser.pause(1000);
    let row;
    seen = [];
    for (const r of await browser.$$('[data-testid="customer-row"]')) {
      const lines = (await r.getText()).split('\n').map((l) => l.trim());
      seen.push(lines.join(' | '));
      // WebKit's text of a row may leave out the name cell: the email identifies it too.
      if (lines.includes(reviewedCustomer.name) || (reviewedCustomer.email && lines.includes(reviewedCustomer.email))) {
        row = r;
        break;
      }
    }
    if (!row) continue;
    await row.click();
    const detail = await byTestId('customer-detail');
    await browser.pause(500);
    opened = (await detail.getText()).includes(reviewedCustomer.name);
    if (!opened) await (await byTestId('customer-back')).click();
  }
  assert.ok(opened, `could not open ${reviewedCustomer.name}'s page from the search; rows: ${JSON.stringify(seen)}`);
  let note;
  await browser.waitUntil(
    async () => {
      for (const n of await browser.$$('[data-testid="note"]')) {
        if ((await n.getText()).includes(REVIEWED_NOTE)) {
          note = n;
          return true;
        }
      }
      return false;
    },
    { timeout: 20_000, timeoutMsg: `the uploaded note is not on ${reviewedCustomer.name}'s page` },
  );
  await note.scrollIntoView();
  await shot('09-customer-with-uploaded-note');
  await (await byTestId('customer-back')).click();
});

test('insights show ranked tasks with reasons', async () => {
  await nav('insights');
  const task = await byTestId('task', 30_000);
  assert.ok((await task.getText()).length > 10, 'a task without a reason');
  await browser.pause(1000); // let the charts draw
  await shot('10-insights');
});

test('reviews and health screens render', async () => {
  await nav('reviews');
  await browser.pause(1500);
  await shot('11-reviews');
  await nav('health');
  await browser.pause(1500);
  await shot('12-health');
});

// The tray's menu is clicked through D-Bus (com.canonical.dbusmenu), as a tray host does.
test('the tray\'s Sync now runs a sync against the demo merchant and reports it', async () => {
  const before = (await invoke('job_status')).ok;
  const menu = clickTrayItem('Sync now');
  for (const label of ['Open Keeper', 'Quit']) {
    assert.ok(menu.layout.includes(`'${label}'`), `the tray menu lacks ${label}: ${menu.layout}`);
  }
  await browser.waitUntil(
    async () => {
      const s = (await invoke('job_status')).ok;
      return s.kind === 'sync' && s.started_at !== before.started_at;
    },
    { timeout: 10_000, timeoutMsg: 'clicking Sync now in the tray menu started no sync' },
  );
  await nav('import');
  const done = await waitForJob('sync', 3 * 60_000);
  assert.ok(done.summary.length >= 1, 'the sync finished without a summary');
  await browser.pause(500);
  await shot('13-after-sync');
});
