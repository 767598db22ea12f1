// A small argv parser: positionals, --flag value, --flag=value, repeatable flags, boolean switches.
import { MeterError } from '../shared/errors';

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
  switches: Set<string>;
}

export function parseArgs(argv: string[], spec: { switches: string[]; values: string[] }): ParsedArgs {
  const out: ParsedArgs = { positionals: [], flags: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') { out.positionals.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (spec.switches.includes(name)) {
      if (eq >= 0) throw new MeterError('INVALID_ARGUMENT', `--${name} takes no value.`);
      out.switches.add(name);
    } else if (spec.values.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new MeterError('INVALID_ARGUMENT', `--${name} needs a value.`);
      out.flags.set(name, [...(out.flags.get(name) ?? []), value]);
    } else {
      throw new MeterError('INVALID_ARGUMENT', `Unknown option --${name}. Run "meter help" for the options.`);
    }
  }
  return out;
}

export const one = (p: ParsedArgs, name: string): string | undefined => {
  const v = p.flags.get(name);
  if (v && v.length > 1) throw new MeterError('INVALID_ARGUMENT', `--${name} was given ${v.length} times; give it once.`);
  return v?.[0];
};

export function numberFlag(p: ParsedArgs, name: string): number | undefined {
  const v = one(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new MeterError('INVALID_ARGUMENT', `--${name} must be a number; got "${v}".`);
  return n;
}

/** --param k=v (repeatable) → { k: number } */
export function paramFlags(p: ParsedArgs): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kv of p.flags.get('param') ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(kv);
    if (!m || !Number.isFinite(Number(m[2]))) throw new MeterError('INVALID_ARGUMENT', `--param takes name=number; got "${kv}".`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}
