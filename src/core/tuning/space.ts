// Checking a search space (every mistake named by its path), flattening it into the nodes the samplers
// work on, and drawing random points.
import { MeterError } from '../../shared/errors';
import { isDist, type Dist, type Point, type SearchSpace, type SpaceValue } from '../../shared/tuning/space';

/** A numeric or choice node at a path; `when` lists the choices that must hold for it to be active. */
export type Node =
  | { kind: 'num'; path: string; name: string; dist: 'uniform' | 'loguniform' | 'quniform' | 'qloguniform'; low: number; high: number; q: number; when: Condition[] }
  | { kind: 'choice'; path: string; name: string; options: SpaceValue[]; when: Condition[] };
export interface Condition { path: string; index: number }

const bad = (path: string, msg: string): MeterError => new MeterError('INVALID_ARGUMENT', `Search space ${path || '(top)'}: ${msg}`);

export function flattenSpace(space: unknown, path = '', when: Condition[] = []): Node[] {
  if (typeof space !== 'object' || space === null || Array.isArray(space)) throw bad(path, 'must be an object of parameters.');
  const nodes: Node[] = [];
  for (const [name, value] of Object.entries(space as SearchSpace)) {
    const p = path ? `${path}.${name}` : name;
    nodes.push(...flattenValue(name, value, p, when));
  }
  return nodes;
}

function flattenValue(name: string, value: SpaceValue, path: string, when: Condition[]): Node[] {
  if (typeof value === 'number' || typeof value === 'string') return [];
  if (!isDist(value)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const keys = Object.keys(value);
      throw bad(path, `"${keys.join('", "')}" is not a distribution; use one of uniform, loguniform, quniform, qloguniform, choice.`);
    }
    throw bad(path, 'must be a number, a string or a distribution.');
  }
  const d = value as Dist;
  if ('choice' in d) {
    if (!Array.isArray(d.choice) || d.choice.length === 0) throw bad(path, 'choice needs a non-empty list of options.');
    const nodes: Node[] = [{ kind: 'choice', path, name, options: d.choice, when }];
    d.choice.forEach((opt, index) => {
      if (typeof opt === 'object' && opt !== null && !isDist(opt)) nodes.push(...flattenSpace(opt, `${path}[${index}]`, [...when, { path, index }]));
      else if (typeof opt === 'object') throw bad(`${path}[${index}]`, 'a choice option is a value or a sub-space object, not a distribution.');
    });
    return nodes;
  }
  const [kind, args] = Object.entries(d)[0] as [string, number[]];
  const need = kind.startsWith('q') ? 3 : 2;
  if (!Array.isArray(args) || args.length !== need || args.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw bad(path, `${kind} takes [${need === 3 ? 'low, high, q' : 'low, high'}] as numbers.`);
  }
  const [low, high, q = 0] = args;
  if (!(low < high)) throw bad(path, `${kind} needs low < high; got [${low}, ${high}].`);
  if (need === 3 && !(q > 0)) throw bad(path, `${kind} needs q > 0; got ${q}.`);
  return [{ kind: 'num', path, name, dist: kind as 'uniform', low, high, q, when }];
}

export const active = (n: Node, chosen: Map<string, number>): boolean => n.when.every((c) => chosen.get(c.path) === c.index);

/** A node's value from its position in its sampling space (log for log distributions), quantized. */
export function toValue(n: Extract<Node, { kind: 'num' }>, u: number): number {
  const x = n.dist.includes('log') ? Math.exp(u) : u;
  return n.q > 0 ? Math.round(x / n.q) * n.q : x;
}

/** Draws (sampling space) → values (choices stay indexes; numbers are exponentiated and quantized). */
export function valuesOf(nodes: Node[], draws: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of nodes) {
    const u = draws.get(n.path);
    if (u === undefined) continue;
    out.set(n.path, n.kind === 'num' ? toValue(n, u) : u);
  }
  return out;
}

/** The point a set of node values describes: fixed values, drawn values, chosen sub-spaces merged in. */
export function buildPoint(space: SearchSpace, draws: Map<string, number | string>, path = ''): Point {
  const out: Point = {};
  for (const [name, value] of Object.entries(space)) {
    const p = path ? `${path}.${name}` : name;
    if (typeof value === 'number' || typeof value === 'string') { out[name] = value; continue; }
    const d = value as Dist;
    if ('choice' in d) {
      const index = draws.get(p) as number;
      const opt = d.choice[index];
      if (typeof opt === 'object' && opt !== null) Object.assign(out, buildPoint(opt as SearchSpace, draws, `${p}[${index}]`));
      else out[name] = opt;
    } else {
      out[name] = draws.get(p) as number;
    }
  }
  return out;
}

/** Random search: every active node drawn from its prior. Draws are kept in sampling space (log for log). */
export function sampleRandom(nodes: Node[], rand: () => number): Map<string, number> {
  const draws = new Map<string, number>();
  const chosen = new Map<string, number>();
  for (const n of nodes) {
    if (!active(n, chosen)) continue;
    if (n.kind === 'choice') { const i = Math.floor(rand() * n.options.length); chosen.set(n.path, i); draws.set(n.path, i); }
    else draws.set(n.path, n.low + rand() * (n.high - n.low));
  }
  return draws;
}

/**
 * The model kinds a space can draw, in the order it names them: its "model" value, the options of a choice of
 * models, and the "model" of each sub-space option (at any depth). Shown as the search's model in the runs table.
 */
export function searchedModels(space: SearchSpace): string[] {
  const out = new Set<string>();
  const visit = (sp: SearchSpace): void => {
    for (const [name, v] of Object.entries(sp)) {
      if (name === 'model' && typeof v === 'string') out.add(v);
      if (typeof v !== 'object' || v === null || !isDist(v) || !('choice' in v)) continue;
      for (const opt of v.choice) {
        if (name === 'model' && typeof opt === 'string') out.add(opt);
        else if (typeof opt === 'object' && opt !== null && !Array.isArray(opt) && !isDist(opt)) visit(opt as SearchSpace);
      }
    }
  };
  visit(space);
  return [...out];
}
