// The shared formatters: counts with their noun (the JSON preview's "[ 1 item ]", not "[ 1 items ]").
import { describe, expect, it } from 'vitest';
import { fmtCount } from './format';

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
