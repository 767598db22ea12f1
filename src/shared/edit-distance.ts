// How far a typo is from a name, for "did you mean" hints: the runs filter's unknown keys (plain edits) and a
// pipeline file's misspelt fields and values (where swapping two neighbours, "modle", counts as one edit).

/** Insertions, deletions and replacements between `a` and `b`; with `swaps`, a swap of two neighbours is one edit. */
export function editDistance(a: string, b: string, { swaps = false } = {}): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
