// The Score screen's choices, kept while you move around the app: which datasets to score, with which model.
import { create } from 'zustand';
import type { DatasetId } from '../../../shared/domain';

interface ScoreChoices {
  datasetIds: DatasetId[];
  modelUri: string;
  outputDir: string;
  add(ids: DatasetId[]): void;
  toggle(id: DatasetId): void;
  set(patch: Partial<Pick<ScoreChoices, 'modelUri' | 'outputDir'>>): void;
}

export const useScore = create<ScoreChoices>((set, get) => ({
  datasetIds: [], modelUri: '', outputDir: '',
  add: (ids) => set({ datasetIds: [...new Set([...get().datasetIds, ...ids])] }),
  toggle: (id) => set({ datasetIds: get().datasetIds.includes(id) ? get().datasetIds.filter((x) => x !== id) : [...get().datasetIds, id] }),
  set: (patch) => set(patch),
}));
