/**
 * Sample data for the fake backend: a deterministic salon with made-up customers, tasks,
 * charts, reviews and health figures. Everything here is labelled as sample data where the UI
 * shows it, and none of it comes from a real shop.
 */
import type {
  BusinessSummary,
  ColumnMapping,
  CustomerDetail,
  CustomerRow,
  HealthReport,
  JobStatus,
  MatchCandidate,
  ReviewEntry,
  TaskEntry,
} from './types';

/** A small seeded generator (mulberry32) so the sample data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN = ['Ana', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jon', 'Kemi', 'Luca', 'Maya', 'Noor', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq'];
const FAMILY = ['Alvarez', 'Brown', 'Chen', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jensen', 'Khan', 'Lopez', 'Moreau', 'Nakamura', 'Okafor', 'Patel', 'Rossi', 'Silva', 'Tanaka', 'Weber'];
export const SAMPLE_STAFF = ['Mia Torres', 'Leo Martin', 'Sara Kim', 'Ravi Shah'];
const SERVICES = ['Cut & blow-dry', 'Colour', 'Highlights', 'Beard trim', 'Treatment'];

/** The date every sample figure is relative to. */
export const SAMPLE_TODAY = '2026-11-29';

function isoDaysBefore(days: number): string {
  const date = new Date(`${SAMPLE_TODAY}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)] as T;
}

/** `count` sample customers, the same ones for the same count and seed. */
export function sampleCustomers(count: number, seed = 7): CustomerRow[] {
  const random = seededRandom(seed);
  const rows: CustomerRow[] = [];
  for (let index = 0; index < count; index += 1) {
    const given = pick(GIVEN, random);
    const family = pick(FAMILY, random);
    const visits = Math.floor(random() * 30);
    const thin = visits < 3;
    const id = `SAMPLE-${String(index + 1).padStart(5, '0')}`;
    rows.push({
      id,
      name: `${given} ${family}`,
      email: random() < 0.8 ? `${given}.${family}${index}@example.com`.toLowerCase() : null,
      phone: random() < 0.7 ? `+1 555 01${String(index % 100).padStart(2, '0')}` : null,
      visits,
      last_visit: visits === 0 ? null : isoDaysBefore(Math.floor(random() * 400)),
      lifetime_value_cents: visits * (3500 + Math.floor(random() * 9000)),
      p_alive: thin ? null : Math.round(random() * 100) / 100,
      days_overdue: thin ? null : Math.floor(random() * 120) - 40,
      preferred_staff: visits === 0 ? null : pick(SAMPLE_STAFF, random),
    });
  }
  return rows;
}

/** The customer page for a sample row, built from the row so the figures agree. */
export function sampleDetail(row: CustomerRow): CustomerDetail {
  const random = seededRandom(row.id.length * 131 + row.visits * 17 + row.name.length);
  const shown = Math.min(row.visits, 12);
  const timeline = Array.from({ length: shown }, (_, index) => ({
    date: isoDaysBefore(index * 35 + Math.floor(random() * 10)),
    source: index % 3 === 0 ? 'booking' : 'payment',
    amount_cents: 3500 + Math.floor(random() * 9000),
    services: [pick(SERVICES, random)],
    staff: row.preferred_staff,
  }));
  const thin = row.p_alive === null;
  return {
    row,
    birthday: random() < 0.5 ? '1988-04-12' : null,
    created_at: '2023-02-01T10:00:00Z',
    currency: 'USD',
    metrics: {
      first_visit: timeline.at(-1)?.date ?? null,
      last_visit: row.last_visit,
      mean_days_between: thin ? null : 35,
      sd_days_between: thin ? null : 6.5,
      average_spend_cents: row.visits === 0 ? null : Math.round(row.lifetime_value_cents / row.visits),
      next_expected_visit: thin ? null : isoDaysBefore(-10),
      p_alive: row.p_alive,
      expected_visits_30d: thin ? null : 0.8,
      expected_visits_90d: thin ? null : 2.3,
      clv_cents: thin ? null : Math.round(row.lifetime_value_cents * 0.6),
      modifier_attach_rate: thin ? null : 0.25,
      no_shows: Math.floor(random() * 2),
      cancellations: Math.floor(random() * 3),
      loyalty: random() < 0.3 ? '120 points' : null,
      model_note: thin ? `${row.visits} visits: too few for the churn model; using cadence` : null,
    },
    timeline,
    services: SERVICES.slice(0, 3).map((name, index) => ({ name, count: Math.max(shown - index * 3, 1), amount_cents: 12000 - index * 3000 })),
    staff: row.preferred_staff ? [{ name: row.preferred_staff, count: shown, amount_cents: row.lifetime_value_cents }] : [],
    modifiers: [{ name: 'Deep conditioning', count: 2, amount_cents: 3000 }],
    notes: [
      { source: 'square', text: 'Prefers afternoon appointments.', origin: null },
      { source: 'spreadsheet', text: 'Sensitive scalp: use the mild shampoo.', origin: 'clients-2024.xlsx' },
    ],
    reviews: [],
    tasks: [],
  };
}

export function sampleTasks(customers: CustomerRow[]): TaskEntry[] {
  const reasons: [string, string][] = [
    ['churn_prevention', 'Usually visits every 5 weeks; now 3 weeks overdue.'],
    ['reactivation', 'Has not been back for 7 months after 12 visits.'],
    ['second_visit', 'First visit 3 weeks ago; a second visit makes a regular.'],
    ['upsell', 'Books colour every time but never a treatment.'],
    ['review_follow_up', 'Left a 2-star review mentioning the wait.'],
    ['birthday', 'Birthday next week.'],
  ];
  return reasons.map(([task_type, reason], index) => {
    const customer = customers[index];
    return {
      id: `sample-task-${index + 1}`,
      customer_id: customer?.id ?? null,
      customer_name: customer?.name ?? null,
      task_type,
      reason,
      value_at_stake_cents: 40000 - index * 5000,
      state: 'open',
      snoozed_until: null,
      created_at: `${SAMPLE_TODAY}T06:00:00Z`,
      context: customer ? `Last visit ${customer.last_visit ?? 'unknown'}; usually sees ${customer.preferred_staff ?? 'anyone'}.` : null,
    };
  });
}

export const SAMPLE_SUMMARY: BusinessSummary = {
  currency: 'USD',
  revenue_by_month: ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'].map((label, index) => ({
    label,
    value: 1_800_000 + index * 120_000,
  })),
  active_customers: 812,
  lapsed_customers: 301,
  new_customers: 127,
  visit_frequency: [
    { label: '1 visit', value: 310 },
    { label: '2–3', value: 280 },
    { label: '4–6', value: 220 },
    { label: '7–12', value: 160 },
    { label: '13+', value: 70 },
  ],
  cohorts: [
    { cohort: '2026-06', size: 48, retention: [0.62, 0.51, 0.44, 0.4, 0.38] },
    { cohort: '2026-07', size: 52, retention: [0.58, 0.49, 0.42, 0.39] },
    { cohort: '2026-08', size: 40, retention: [0.6, 0.47, 0.41] },
    { cohort: '2026-09', size: 45, retention: [0.55, 0.45] },
    { cohort: '2026-10', size: 50, retention: [0.57] },
  ],
  churn_risk: [
    { label: '0–20%', value: 120 },
    { label: '20–40%', value: 180 },
    { label: '40–60%', value: 210 },
    { label: '60–80%', value: 260 },
    { label: '80–100%', value: 350 },
  ],
  staff: SAMPLE_STAFF.map((name, index) => ({
    id: `sample-staff-${index + 1}`,
    name,
    retention: 0.7 - index * 0.08,
    rebooking_rate: 0.55 - index * 0.05,
    second_visit_rate: index === 3 ? null : 0.5 - index * 0.04,
    revenue_cents: 2_400_000 - index * 300_000,
    review_sentiment: index === 3 ? null : 0.6 - index * 0.2,
  })),
  computed_at: `${SAMPLE_TODAY}T06:00:00Z`,
};

export const SAMPLE_REVIEWS: ReviewEntry[] = [
  {
    id: 'sample-review-1',
    source: 'google',
    author: 'Rosa S.',
    rating: 1,
    text: 'Waited 40 minutes and the colour came out patchy. Not coming back.',
    created_at: `${SAMPLE_TODAY}T08:12:00Z`,
    sentiment: -0.85,
    urgent: true,
    urgent_reason: 'One star, says they will not return, posted today.',
    customer_id: null,
    customer_name: null,
    mentions: [{ kind: 'service', name: 'Colour', sentiment: -0.9 }],
  },
  {
    id: 'sample-review-2',
    source: 'yelp',
    author: 'Dev P.',
    rating: 5,
    text: 'Mia is brilliant, best cut I have had in years.',
    created_at: '2026-11-20T17:40:00Z',
    sentiment: 0.92,
    urgent: false,
    urgent_reason: null,
    customer_id: null,
    customer_name: null,
    mentions: [
      { kind: 'team_member', name: 'Mia Torres', sentiment: 0.95 },
      { kind: 'service', name: 'Cut & blow-dry', sentiment: 0.8 },
    ],
  },
  {
    id: 'sample-review-3',
    source: 'file',
    author: null,
    rating: null,
    text: 'Friendly staff, a bit pricey.',
    created_at: '2026-10-02T12:00:00Z',
    sentiment: 0.2,
    urgent: false,
    urgent_reason: null,
    customer_id: null,
    customer_name: null,
    mentions: [],
  },
];

export const SAMPLE_HEALTH: HealthReport = {
  score: 92,
  families: [
    { family: 'customers', success_rate: 1, mean_latency_ms: 180, p95_latency_ms: 320, rate_limited: 0, last_success: `${SAMPLE_TODAY}T06:01:00Z`, last_failure: null, last_error: null, backoff_seconds: 0, queued_retries: 0, circuit_state: 'closed' },
    { family: 'orders', success_rate: 0.97, mean_latency_ms: 240, p95_latency_ms: 610, rate_limited: 3, last_success: `${SAMPLE_TODAY}T06:03:00Z`, last_failure: `${SAMPLE_TODAY}T06:02:10Z`, last_error: '429 Too Many Requests', backoff_seconds: 0, queued_retries: 0, circuit_state: 'closed' },
    { family: 'bookings', success_rate: null, mean_latency_ms: null, p95_latency_ms: null, rate_limited: 0, last_success: null, last_failure: null, last_error: null, backoff_seconds: 0, queued_retries: 0, circuit_state: 'closed' },
  ],
  store_bytes: 48_234_496,
  quarantined: 2,
  last_sync: `${SAMPLE_TODAY}T06:03:00Z`,
  recommendations: ['Two records failed validation and were set aside; they are listed under quarantine.'],
};

export const IDLE_JOB: JobStatus = {
  kind: null,
  state: 'idle',
  stage: 'Nothing imported yet',
  streams: [],
  started_at: null,
  finished_at: null,
  rate_limited: false,
  backoff_seconds: 0,
  error_code: null,
  error: null,
  summary: [],
};

/** The streams a sample import goes through, in order. */
export const SAMPLE_STREAMS = ['customers', 'team_members', 'catalog', 'orders', 'payments', 'bookings'];

export const SAMPLE_MAPPING: ColumnMapping[] = [
  { column: 'Client name', field: 'full_name', confidence: 0.96, samples: ['Ana Alvarez', 'Ben Brown'] },
  { column: 'E-mail', field: 'email', confidence: 0.99, samples: ['ana@example.com', 'ben@example.com'] },
  { column: 'Mobile', field: 'phone', confidence: 0.9, samples: ['+1 555 0100', '555-0101'] },
  { column: 'DOB', field: 'birthday', confidence: 0.7, samples: ['12/04/1988', '03/09/1990'] },
  { column: 'Notes', field: 'notes', confidence: 0.8, samples: ['Allergic to ammonia', ''] },
  { column: 'Card #', field: null, confidence: 0.1, samples: ['1234', '5678'] },
];

/** Candidates for a sample upload: three per band, against the first sample customers; the
 * first row in review could also be one of two later customers. */
export function sampleCandidates(uploadId: string, customers: CustomerRow[]): MatchCandidate[] {
  const bands: [string, number][] = [
    ['accept', 0.97], ['accept', 0.93], ['accept', 0.9],
    ['review', 0.72], ['review', 0.6], ['review', 0.55],
    ['reject', 0.2], ['reject', 0.12], ['reject', 0.05],
  ];
  const fieldsOf = (customer: CustomerRow | undefined, agree: boolean): MatchCandidate['fields'] => {
    const name = customer?.name ?? 'Unknown';
    return [
      { field: 'name', upload: agree ? name : name.split(' ')[0] ?? name, square: name, outcome: agree ? 'given exact, family exact' : 'given exact', weight: agree ? 14.1 : 7.2 },
      { field: 'email', upload: customer?.email ?? null, square: agree ? customer?.email ?? null : 'someone.else@example.com', outcome: agree ? 'exact' : 'different', weight: agree ? 6.3 : -3.8 },
      { field: 'phone', upload: null, square: customer?.phone ?? null, outcome: 'missing', weight: 0 },
    ];
  };
  const alternative = (
    other: CustomerRow | undefined,
    score: number,
    takenBy: number | null,
  ): MatchCandidate['alternatives'][number] => ({
    customer_id: other?.id ?? 'unknown',
    customer_name: other?.name ?? null,
    score,
    fields: fieldsOf(other, false),
    taken_by_row: takenBy,
  });
  return bands.map(([band, score], index) => {
    const customer = customers[index];
    const agree = band === 'accept';
    const alternatives = index === 3 ? [alternative(customers[9], 0.68, null), alternative(customers[0], 0.61, 2)] : [];
    return {
      id: `${uploadId}-c${index + 1}`,
      row_number: index + 2,
      customer_id: customer?.id ?? null,
      customer_name: customer?.name ?? null,
      score,
      band,
      state: 'pending',
      fields: fieldsOf(customer, agree),
      alternatives,
    };
  });
}
