// A run's artifacts as a folder tree: click a file (or Preview) to see it below the tree — JSON, text,
// images, a parquet file's first rows — read in core, so it works the same in the desktop app and the
// browser. Download everywhere (browser mode streams the file; the desktop app gets it through the contract
// and Electron asks where to save it), and the path on disk with Copy in the desktop app.
import { useMemo, useState } from 'react';
import type { ArtifactPreview as Preview } from '../../../shared/contract';
import type { Run } from '../../../shared/domain';
import { fmtBytes } from '../format';
import { useApp } from '../store/app-store';
import { ErrorNotice } from './ErrorNotice';
import { useAction } from './useAction';
import { CopyButton } from './CopyButton';
import { saveBlob } from '../save-blob';
import { artifactTree, folderPaths, PREVIEWABLE, type ArtifactNode } from './artifact-tree';
import { ArtifactPreview } from './ArtifactPreview';

/** up to this many files, every folder starts open */
const OPEN_ALL_UP_TO = 40;

export function ArtifactList({ run }: { run: Run }) {
  const client = useApp((s) => s.client);
  const home = useApp((s) => s.info?.home ?? '');
  const tree = useMemo(() => artifactTree(run.artifacts), [run.artifacts]);
  const [open, setOpen] = useState<Set<string>>(() => new Set(run.artifacts.length <= OPEN_ALL_UP_TO ? folderPaths(tree) : tree.filter((n) => !n.file).map((n) => n.path)));
  const [preview, setPreview] = useState<Preview | null>(null);
  const { run: attempt, retry, error } = useAction();
  if (run.artifacts.length === 0) return <p className="muted">None.</p>;
  const fetchOne = client?.artifact ?? null;
  const download = (path: string) => attempt(async () => saveBlob(await fetchOne!(run.runId, path), path.split('/').pop() ?? 'artifact'));
  const show = (path: string) => attempt(async () => {
    if (!client) return;
    if (preview?.path === path) { setPreview(null); return; }
    setPreview(await client.call('runs.artifactPreview', { runId: run.runId, path }));
  });
  const toggle = (path: string) => setOpen((s) => { const n = new Set(s); if (n.has(path)) n.delete(path); else n.add(path); return n; });

  const node = (n: ArtifactNode, depth: number) => n.file ? (
    <li key={n.path} role="treeitem" aria-selected={preview?.path === n.path} data-path={n.path} className="row artifact-file" style={{ paddingLeft: depth * 18 }}>
      {PREVIEWABLE.test(n.path)
        ? <button className="link mono" title={n.path} onClick={() => void show(n.path)}>{n.name}</button>
        : <span className="mono" title={n.path}>{n.name}</span>}
      <span className="muted">{fmtBytes(n.sizeBytes)}</span>
      {PREVIEWABLE.test(n.path) && <button className="link" aria-expanded={preview?.path === n.path} onClick={() => void show(n.path)}>{preview?.path === n.path ? 'Hide' : 'Preview'}</button>}
      {fetchOne && <button className="link" onClick={() => void download(n.path)}>Download</button>}
      {client?.mode !== 'browser' && <CopyButton text={`${home}/artifacts/${run.runId}/${n.path}`} label="copy path" />}
    </li>
  ) : (
    <li key={n.path} role="treeitem" aria-selected={false} aria-expanded={open.has(n.path)} data-path={n.path} className="artifact-folder">
      <button className="link folder" style={{ paddingLeft: depth * 18 }} onClick={() => toggle(n.path)}>
        <span aria-hidden="true">{open.has(n.path) ? '▾' : '▸'}</span> {n.name}/ <span className="muted">{fmtBytes(n.sizeBytes)}</span>
      </button>
      {open.has(n.path) && <ul role="group" className="plain">{n.children.map((c) => node(c, depth + 1))}</ul>}
    </li>
  );
  // tree and preview side by side on a wide window, the preview below the tree on a narrow one
  return (
    <div className={`artifact-browser${preview ? ' previewing' : ''}`}>
      <div>
        <ul className="plain artifacts" role="tree" aria-label="artifacts">{tree.map((n) => node(n, 0))}</ul>
        <ErrorNotice error={error} onRetry={retry} />
      </div>
      {preview && <ArtifactPreview preview={preview} />}
    </div>
  );
}
