// A search's plot choices (log loss axis, contour parameters) are kept per search across reloads, a bad or
// missing stored value falls back to the defaults, and only the most recent searches are kept.
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STUDY_VIEW, KEPT_STUDIES, recallStudyView, rememberStudyView } from './study-view';

const store = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };

describe('study view memory', () => {
  beforeEach(() => store.clear());

  it('keeps each search\'s choices apart', () => {
    rememberStudyView('s1', { logLoss: true, contourX: 'maxDepth', contourY: 'learningRate' });
    rememberStudyView('s2', { logLoss: false, contourX: 'alpha', contourY: null });
    expect(recallStudyView('s1')).toEqual({ logLoss: true, contourX: 'maxDepth', contourY: 'learningRate' });
    expect(recallStudyView('s2')).toEqual({ logLoss: false, contourX: 'alpha', contourY: null });
    expect(recallStudyView('s3')).toEqual(DEFAULT_STUDY_VIEW);
  });

  it('reads a hand-edited or broken value as the defaults, field by field', () => {
    store.set('meter.study-views', '{not json');
    expect(recallStudyView('s1')).toEqual(DEFAULT_STUDY_VIEW);
    store.set('meter.study-views', JSON.stringify({ s1: { logLoss: 'yes', contourX: 3, contourY: 'alpha' } }));
    expect(recallStudyView('s1')).toEqual({ logLoss: false, contourX: null, contourY: 'alpha' });
  });

  it(`keeps the ${KEPT_STUDIES} searches changed last and forgets older ones`, () => {
    for (let i = 0; i <= KEPT_STUDIES; i++) rememberStudyView(`s${i}`, { logLoss: true, contourX: null, contourY: null }, 1000 + i);
    expect(recallStudyView('s0')).toEqual(DEFAULT_STUDY_VIEW);
    expect(recallStudyView('s1').logLoss).toBe(true);
    expect(recallStudyView(`s${KEPT_STUDIES}`).logLoss).toBe(true);
    expect(Object.keys(JSON.parse(store.get('meter.study-views')!) as object)).toHaveLength(KEPT_STUDIES);
  });
});
