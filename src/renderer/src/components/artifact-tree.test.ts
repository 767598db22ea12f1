import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../shared/domain';
import { artifactTree, folderPaths, PREVIEWABLE } from './artifact-tree';

const a = (path: string, sizeBytes: number): Artifact => ({ path, sizeBytes, createdMs: 0 });

describe('artifact tree', () => {
  const tree = artifactTree([a('model/model.json', 100), a('eval/plots/residuals.png', 30), a('README.md', 5), a('eval/metrics.json', 20), a('eval/plots/curve.svg', 10)]);

  it('nests paths as folders, folders first and then files, each by name', () => {
    expect(tree.map((n) => n.name)).toEqual(['eval', 'model', 'README.md']);
    expect(tree[0].children.map((n) => n.path)).toEqual(['eval/plots', 'eval/metrics.json']);
    expect(tree[0].children[0].children.map((n) => n.name)).toEqual(['curve.svg', 'residuals.png']);
  });

  it("sums a folder's files and keeps each file's record", () => {
    expect(tree[0].sizeBytes).toBe(60);
    expect(tree[0].children[0].sizeBytes).toBe(40);
    expect(tree[1].children[0].file).toEqual(a('model/model.json', 100));
    expect(tree[0].file).toBeNull();
  });

  it('lists every folder path, and an empty run has no tree', () => {
    expect(folderPaths(tree)).toEqual(['eval', 'eval/plots', 'model']);
    expect(artifactTree([])).toEqual([]);
  });

  it('guesses what can be previewed by the name', () => {
    expect(['a.json', 'b/c.PNG', 'x.parquet', 'model/MLmodel', 'p.svg'].every((p) => PREVIEWABLE.test(p))).toBe(true);
    expect(['model.bin', 'model.pkl', 'MLmodel.bak'].some((p) => PREVIEWABLE.test(p))).toBe(false);
  });
});
