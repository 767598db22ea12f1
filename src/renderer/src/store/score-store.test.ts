// The Score screen's choices, and the drop on Score that feeds them: files go through the client (a fake
// transport here) and the ones that imported are ticked.
import { APP_INFO, dataset } from './test-support';
import { beforeEach, describe, expect, it } from 'vitest';
import { asDatasetId } from '../../../shared/domain';
import { MeterError } from '../../../shared/errors';
import { createClient } from '../api/client';
import { createFakeTransport } from '../api/fake-transport';
import { useApp } from './app-store';
import { useScore } from './score-store';

const initialScore = useScore.getState();
const initialApp = useApp.getState();
beforeEach(() => { useScore.setState(initialScore, true); useApp.setState(initialApp, true); });

describe('score choices', () => {
  it('adds datasets once each, toggles them, and keeps the model and folder', () => {
    const s = () => useScore.getState();
    s().add([asDatasetId('a'), asDatasetId('b')]);
    s().add([asDatasetId('b'), asDatasetId('c')]);
    expect(s().datasetIds).toEqual(['a', 'b', 'c']);
    s().toggle(asDatasetId('b'));
    s().toggle(asDatasetId('d'));
    expect(s().datasetIds).toEqual(['a', 'c', 'd']);
    s().set({ modelUri: 'models:/taxi@champion', outputDir: '/out' });
    expect(s()).toMatchObject({ modelUri: 'models:/taxi@champion', outputDir: '/out' });
  });

  it('ticks the files dropped on Score that imported, and not the one core refused', async () => {
    const t = createFakeTransport({
      'app.info': () => APP_INFO, 'data.list': () => [], 'experiments.list': () => [], 'jobs.list': () => [],
      'runs.search': () => ({ runs: [], total: 0, offset: 0, limit: 50 }),
      'data.import': ({ path }) => {
        if (path.includes('yellow')) throw new MeterError('SCHEMA_MISMATCH', 'yellow.parquet has no column lpep_pickup_datetime.');
        return { ...dataset('feb', '2023-02'), alreadyImported: false };
      },
    });
    await useApp.getState().init(createClient(t));
    // What App does with a drop on the Score screen.
    const outcomes = await useApp.getState().importFiles([new File(['a'], 'feb.parquet'), new File(['b'], 'yellow.parquet')]);
    useScore.getState().add(outcomes.flatMap((o) => (o.ok ? [o.dataset.datasetId] : [])));
    expect(useScore.getState().datasetIds).toEqual(['feb']);
    expect(useApp.getState().imports[0]).toMatchObject({ ok: false, error: { code: 'SCHEMA_MISMATCH' } });
  });
});
