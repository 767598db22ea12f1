// The shared formatters: counts with their noun (the JSON preview's "[ 1 item ]", not "[ 1 items ]").
import { describe, expect, it } from 'vitest';
import { fmtClock, fmtCount, fmtTime } from './format';

describe('fmtCount', () => {
  it('is singular for exactly one, plural otherwise (zero included), with thousands separated', () => {
    expect(fmtCount(1, 'item')).toBe('1 item');
    expect(fmtCount(3, 'item')).toBe('3 items');
    expect(fmtCount(0, 'key')).toBe('0 keys');
    expect(fmtCount(2, 'key')).toBe('2 keys');
    expect(fmtCount(12000, 'row')).toBe('12,000 rows');
    expect(fmtCount(1, 'search', 'searches')).toBe('1 search');
    expect(fmtCount(2, 'search', 'searches')).toBe('2 searches');
  });
});

describe('times', () => {
  // local times built from parts, so the test holds in any time zone
  const at = (h: number, m: number, s: number) => new Date(2023, 2, 2, h, m, s).getTime();

  it('are 24-hour everywhere: the afternoon as 18:05, midnight as 00:xx (never 12 AM, 24:xx or PM)', () => {
    expect(fmtClock(at(18, 5, 9))).toBe('18:05:09');
    expect(fmtClock(at(0, 7, 0))).toBe('00:07:00');
    expect(fmtTime(at(18, 5, 9))).toMatch(/^2023-03-02,? 18:05:09$/);
    expect(fmtTime(at(0, 7, 0))).toMatch(/^2023-03-02,? 00:07:00$/);
    expect(`${fmtTime(at(12, 0, 0))} ${fmtClock(at(23, 59, 59))}`).not.toMatch(/AM|PM|a\.m\.|p\.m\./i);
  });

  it('show the same clock in a date-time and a time of day', () => {
    const t = at(13, 44, 1);
    expect(fmtTime(t).endsWith(fmtClock(t))).toBe(true);
  });
});
