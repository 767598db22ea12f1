// A run's artifact paths (a/b/c.json) as a folder tree: folders first, then files, each by name; a folder's
// size is its files' total. Pure, so the browser's shape is tested without a page.
import type { Artifact } from '../../../shared/domain';

export interface ArtifactNode {
  name: string;
  /** the path inside the run's folder ('eval/plots' for a folder) */
  path: string;
  sizeBytes: number;
  /** the file; null for a folder */
  file: Artifact | null;
  children: ArtifactNode[];
}

export function artifactTree(artifacts: readonly Artifact[]): ArtifactNode[] {
  const root: ArtifactNode = { name: '', path: '', sizeBytes: 0, file: null, children: [] };
  for (const a of artifacts) {
    const parts = a.path.split('/').filter(Boolean);
    let at = root;
    at.sizeBytes += a.sizeBytes;
    parts.forEach((name, i) => {
      const path = parts.slice(0, i + 1).join('/');
      const isFile = i === parts.length - 1;
      let next = at.children.find((c) => c.name === name && (c.file !== null) === isFile);
      if (!next) {
        next = { name, path, sizeBytes: 0, file: isFile ? a : null, children: [] };
        at.children.push(next);
      }
      if (!isFile) next.sizeBytes += a.sizeBytes;
      else next.sizeBytes = a.sizeBytes;
      at = next;
    });
  }
  const sort = (nodes: ArtifactNode[]): ArtifactNode[] => nodes
    .sort((x, y) => Number(x.file !== null) - Number(y.file !== null) || x.name.localeCompare(y.name))
    .map((n) => ({ ...n, children: sort(n.children) }));
  return sort(root.children);
}

/** Every folder's path, outermost first (to open them all at once). */
export function folderPaths(nodes: readonly ArtifactNode[]): string[] {
  return nodes.flatMap((n) => (n.file ? [] : [n.path, ...folderPaths(n.children)]));
}

/** What the preview can show, judged by the name (core decides for certain). */
export const PREVIEWABLE = /\.(json|txt|md|csv|tsv|log|ya?ml|py|toml|ini|cfg|png|jpe?g|gif|svg|parquet)$|(^|\/)MLmodel$/i;
