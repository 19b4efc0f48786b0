/**
 * Tests of how figures read on screen: missing values as a dash, money from cents,
 * durations and sizes in plain units, and snooze dates.
 */
import { describe, expect, it } from 'vitest';
import { MISSING, addDays, bytes, duration, money, percent, words } from './format';

describe('format', () => {
  it('shows a missing figure as a dash, never as zero', () => {
    expect(money(null, 'USD')).toBe(MISSING);
    expect(percent(null)).toBe(MISSING);
    expect(duration(null)).toBe(MISSING);
  });

  it('reads money from the smallest currency unit', () => {
    expect(money(12_345, 'USD')).toContain('123.45');
    expect(money(500, 'NOTACODE')).toBe('5.00 NOTACODE');
  });

  it('reads durations and sizes in plain units', () => {
    expect(duration(45)).toBe('45 s');
    expect(duration(185)).toBe('3 min 5 s');
    expect(duration(3_720)).toBe('1 h 2 min');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(48_234_496)).toBe('46.0 MB');
  });

  it('moves a day across a month end, and turns codes into words', () => {
    expect(addDays(new Date('2026-11-29T23:30:00Z'), 7)).toBe('2026-12-06');
    expect(words('churn_prevention')).toBe('Churn prevention');
  });
});
