// The preview of one artifact, as core read it (runs.artifactPreview): JSON as a collapsible tree, text as is,
// an image through a blob URL (never inline markup: an SVG's scripts can't run in an <img>), and a parquet
// file's schema and first rows as a table.
import { useEffect, useState } from 'react';
import type { ArtifactPreview as Preview } from '../../../shared/contract';
import { fmtBytes, fmtCount, fmtInt } from '../format';

export function ArtifactPreview({ preview }: { preview: Preview }) {
  return (
    <figure className="preview" aria-label={`preview of ${preview.path}`}>
      <figcaption className="muted mono">{preview.path} · {fmtBytes(preview.sizeBytes)}{caption(preview)}</figcaption>
      <Body preview={preview} />
    </figure>
  );
}

function caption(p: Preview): string {
  if (p.kind === 'text' && p.truncated) return ' (first 64 KiB)';
  if (p.kind === 'table') return ` · first ${p.rows.length} of ${fmtInt(p.totalRows)} rows, ${p.columns.length} columns`;
  return '';
}

function Body({ preview: p }: { preview: Preview }) {
  switch (p.kind) {
    case 'text': {
      const parsed = p.json && !p.truncated ? parseJson(p.text) : undefined;
      return parsed === undefined ? <pre className="mono">{p.text}</pre> : <div className="json-view mono" role="tree" aria-label="JSON"><JsonValue value={parsed} depth={0} /></div>;
    }
    case 'image': return <ImagePreview base64={p.base64} mime={p.mime} alt={p.path} />;
    case 'table': return <TablePreview preview={p} />;
    case 'none': return <p className="muted">{p.reason}</p>;
  }
}

function parseJson(text: string): unknown {
  try { return JSON.parse(text) as unknown; } catch { return undefined; }
}

/** Objects and arrays fold (the first two levels open); leaves show as JSON. */
function JsonValue({ value, depth, name }: { value: unknown; depth: number; name?: string }) {
  const label = name === undefined ? null : <span className="json-key">{JSON.stringify(name)}: </span>;
  if (value === null || typeof value !== 'object') return <div role="treeitem" aria-selected={false}>{label}<span className={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span></div>;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <details open={depth < 2} role="treeitem" aria-selected={false}>
      <summary>{label}{open}<span className="muted"> {fmtCount(entries.length, Array.isArray(value) ? 'item' : 'key')} </span>{close}</summary>
      <div role="group" className="json-children">
        {entries.map(([k, v]) => <JsonValue key={k} value={v} depth={depth + 1} name={Array.isArray(value) ? undefined : k} />)}
      </div>
    </details>
  );
}

function ImagePreview({ base64, mime, alt }: { base64: string; mime: string; alt: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const bin = atob(base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const u = URL.createObjectURL(new Blob([bytes], { type: mime }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [base64, mime]);
  return url ? <img className="artifact-image" src={url} alt={alt} /> : null;
}

function TablePreview({ preview }: { preview: Extract<Preview, { kind: 'table' }> }) {
  return (
    <div className="table-preview">
      <table className="grid" aria-label="parquet head">
        <thead><tr>{preview.columns.map((c) => <th key={c.name} title={`${c.name}: ${c.type}`}>{c.name}<br /><span className="muted">{c.type}</span></th>)}</tr></thead>
        <tbody>{preview.rows.map((r, i) => (
          <tr key={i}>{r.map((v, j) => <td key={j} className={typeof v === 'number' ? 'num' : ''}>{v === null ? <span className="muted">null</span> : String(v)}</td>)}</tr>
        ))}</tbody>
      </table>
    </div>
  );
}
