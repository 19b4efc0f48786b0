/**
 * How numbers, money, dates and durations read on screen. Missing figures read as a dash
 * (with the reason shown next to them by the caller), never as zero.
 */

export const MISSING = '—';

const counts = new Intl.NumberFormat();

export function count(value: number): string {
  return counts.format(value);
}

/** Money from the smallest currency unit, e.g. 12345 USD cents → "$123.45". */
export function money(cents: number | null, currency: string): string {
  if (cents === null) return MISSING;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/** A share from 0–1 as a whole percentage, e.g. 0.834 → "83%". */
export function percent(share: number | null): string {
  if (share === null) return MISSING;
  return `${Math.round(share * 100)}%`;
}

export function decimal(value: number | null, digits = 1): string {
  if (value === null) return MISSING;
  return value.toFixed(digits);
}

/** A date or instant as the owner reads it; the day part only. */
export function day(iso: string | null): string {
  if (iso === null) return MISSING;
  return iso.slice(0, 10);
}

/** An instant with its time, e.g. "2026-11-29 06:03". */
export function instant(iso: string | null): string {
  if (iso === null) return MISSING;
  return iso.replace('T', ' ').slice(0, 16);
}

/** Seconds as "45 s", "3 min 5 s" or "1 h 2 min". */
export function duration(seconds: number | null): string {
  if (seconds === null) return MISSING;
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${whole % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Bytes as "46.0 MB". */
export function bytes(value: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${size} B` : `${size.toFixed(1)} ${units[unit] ?? 'B'}`;
}

/** The UTC day of `date` moved by `days`, as YYYY-MM-DD. */
export function addDays(date: Date, days: number): string {
  const moved = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days));
  return moved.toISOString().slice(0, 10);
}

/** Words from a snake_case code, e.g. "churn_prevention" → "Churn prevention". */
export function words(code: string): string {
  const spaced = code.replaceAll('_', ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
