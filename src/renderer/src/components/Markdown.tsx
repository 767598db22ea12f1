// A small Markdown renderer for run notes: headings, lists, paragraphs, **bold**, *italic*, `code` and
// https links. It builds React elements (never HTML strings), so notes can't inject markup or script.
import type { ReactNode } from 'react';

function inline(text: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(\*\*[^*]+\*\*|\*[^*]+\*|`[^`]+`|\[[^\]]+\]\(https:\/\/[^)\s]+\))/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let i = 0;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const t = m[0];
    const k = `${key}-${i++}`;
    if (t.startsWith('**')) out.push(<strong key={k}>{t.slice(2, -2)}</strong>);
    else if (t.startsWith('`')) out.push(<code key={k}>{t.slice(1, -1)}</code>);
    else if (t.startsWith('[')) {
      const [, label, href] = /^\[([^\]]+)\]\((.+)\)$/.exec(t)!;
      out.push(<a key={k} href={href} target="_blank" rel="noopener noreferrer">{label}</a>);
    } else out.push(<em key={k}>{t.slice(1, -1)}</em>);
    last = m.index + t.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function Markdown({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  let list: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) { blocks.push(<p key={`p${blocks.length}`}>{inline(para.join(' '), `p${blocks.length}`)}</p>); para = []; }
    if (list.length) { const k = `l${blocks.length}`; blocks.push(<ul key={k}>{list.map((li, i) => <li key={i}>{inline(li, `${k}-${i}`)}</li>)}</ul>); list = []; }
  };
  for (const line of text.split('\n')) {
    const h = /^(#{1,3})\s+(.*)$/.exec(line);
    const li = /^\s*[-*]\s+(.*)$/.exec(line);
    if (h) { flush(); const H = `h${h[1].length}` as 'h1' | 'h2' | 'h3'; blocks.push(<H key={`h${blocks.length}`}>{inline(h[2], `h${blocks.length}`)}</H>); }
    else if (li) { if (para.length) flush(); list.push(li[1]); }
    else if (line.trim() === '') flush();
    else { if (list.length) flush(); para.push(line.trim()); }
  }
  flush();
  return <div className="markdown">{blocks}</div>;
}
