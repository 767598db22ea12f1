// Several files per flag, and globs expanded here in Node (no shell needed, the same on Windows):
//   meter train --train 'data/yellow_tripdata_2023-0[1-9].parquet' --val a.parquet b.parquet
// A glob may use * ? and [abc] / [a-z] / [!a] in any path segment (not **); its matches come sorted by name.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { MeterError } from '../shared/errors';

/** `--train a b --val c` → `--train a --train b --val c`: the words after a file flag, up to the next flag. */
export function spreadFileFlags(argv: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  let current: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0];
      current = names.includes(name) ? name : null;
      out.push(a);
      // "--train x": x is the flag's own value; "--train=x" carries it
      if (current && !a.includes('=') && i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.push(argv[++i]);
      continue;
    }
    if (current) out.push(`--${current}`, a);
    else out.push(a);
  }
  return out;
}

const GLOB = /[*?[]/;

/** A glob segment as a regular expression over one file or folder name. */
function segmentPattern(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/\\\\]*';
    else if (c === '?') re += '[^/\\\\]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      let body = seg.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Every existing path matching `pattern` (relative to cwd), sorted; a plain path is returned as given. */
export function expandGlob(pattern: string, cwd: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
  if (!GLOB.test(pattern)) return [abs];
  const parts = abs.split(/[\\/]/);
  let bases = [parts[0] === '' ? sep : `${parts[0]}${sep}`];
  for (let k = 1; k < parts.length; k++) {
    const seg = parts[k];
    if (seg === '') continue;
    const last = k === parts.length - 1;
    const next: string[] = [];
    for (const base of bases) {
      if (!GLOB.test(seg)) { next.push(join(base, seg)); continue; }
      let names: string[];
      try { names = readdirSync(base); } catch { continue; }
      const re = segmentPattern(seg);
      for (const name of names.sort()) {
        if (!re.test(name) || (name.startsWith('.') && !seg.startsWith('.'))) continue;
        const p = join(base, name);
        try { if (last ? statSync(p).isFile() : statSync(p).isDirectory()) next.push(p); } catch { /* vanished: skip */ }
      }
    }
    bases = next;
  }
  return bases.filter((p) => { try { return statSync(p).isFile(); } catch { return false; } });
}

/** The files of one role's flag values: globs expanded, order kept, each file once. A glob matching nothing is refused. */
export function filesForFlag(flag: string, patterns: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const pattern of patterns) {
    const matches = expandGlob(pattern, cwd);
    if (matches.length === 0) {
      throw new MeterError('INVALID_ARGUMENT', `--${flag} '${pattern}' matches no file (globs are expanded by Meter: * ? [a-z] within a folder name or file name).`, { flag, pattern });
    }
    for (const m of matches) if (!out.includes(m)) out.push(m);
  }
  return out;
}
