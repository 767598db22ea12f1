// Reading a pipeline file for `meter pipeline`, with its mistakes told in the file's words: "pipeline file
// x.json: unknown field "modle" (did you mean "model"?)", not the API's ("pipelines.run: "pipeline" has no
// field …"). The contract's messages stay as they are for API users; only this edge words them for a file.
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { editDistance } from '../shared/edit-distance';
import { MeterError, messageOf } from '../shared/errors';
import { FEATURE_SETS, MODEL_KINDS, type ModelKind } from '../shared/domain';
import { paramRules } from '../shared/model-params';
import { PIPELINE_FIELDS, pipelineSpec, type PipelineSpec } from '../shared/pipeline';
import { parseCron } from '../core/pipelines/cron';

/** The name a typo most likely meant: same letters ignoring case, or within 2 edits (1 for names of 3 letters or fewer). */
export function closest(word: string, names: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const exact = names.find((n) => n.toLowerCase() === lower);
  if (exact) return exact;
  const ranked = names.map((n) => ({ n, d: editDistance(lower, n.toLowerCase(), { swaps: true }) })).sort((x, y) => x.d - y.d);
  const best = ranked[0];
  return best && best.d <= (word.length <= 3 ? 1 : 2) ? best.n : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const meant = (word: string, names: readonly string[], prefix = ''): string => {
  const guess = closest(word, names);
  return guess ? ` (did you mean "${prefix}${guess}"?)` : `; the fields${prefix ? ` of "${prefix.slice(0, -1)}"` : ''} are ${names.join(', ')}`;
};

/** The first mistake a user is likely to have made by hand: a misspelt field or value, with what was meant. */
function typo(raw: Record<string, unknown>): string | null {
  for (const [path, names] of Object.entries(PIPELINE_FIELDS)) {
    const obj = path ? raw[path] : raw;
    if (!isObject(obj)) continue;
    const prefix = path ? `${path}.` : '';
    const unknown = Object.keys(obj).find((k) => !names.includes(k));
    if (unknown !== undefined) return `unknown field "${prefix}${unknown}"${meant(unknown, names, prefix)}`;
  }
  const values: [string, readonly string[]][] = [['kind', ['green', 'yellow', 'fhv']], ['model', MODEL_KINDS], ['features', FEATURE_SETS]];
  for (const [field, allowed] of values) {
    const v = raw[field];
    if (typeof v === 'string' && !allowed.includes(v)) {
      const guess = closest(v, allowed);
      return `"${field}" is "${v}"${guess ? ` (did you mean "${guess}"?)` : ''}; it takes ${allowed.join(', ')}`;
    }
  }
  if (typeof raw.model === 'string' && (MODEL_KINDS as readonly string[]).includes(raw.model) && isObject(raw.params)) {
    const known = Object.keys(paramRules(raw.model as ModelKind));
    const unknown = Object.keys(raw.params).find((k) => !known.includes(k));
    if (unknown !== undefined) {
      const guess = closest(unknown, known);
      return `unknown parameter "params.${unknown}" for model ${raw.model}${guess ? ` (did you mean "params.${guess}"?)` : known.length ? `; it takes ${known.join(', ')}` : '; it takes none'}`;
    }
  }
  return null;
}

/** Reads a pipeline file: JSON, unknown keys refused by name, relative paths against the file's folder. */
export function readPipelineFile(cwd: string, file: string): { spec: PipelineSpec; path: string } {
  const path = resolve(cwd, file);
  const at = `pipeline file ${basename(path)}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new MeterError('FILE_UNREADABLE', `Cannot read the ${at}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? `there is no ${path}` : messageOf(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MeterError('INVALID_ARGUMENT', `${at} is not valid JSON: ${messageOf(err)}`);
  }
  if (!isObject(raw)) throw new MeterError('INVALID_ARGUMENT', `${at} must hold one JSON object ({"name": …, "data": …, …}).`);
  const mistake = typo(raw);
  if (mistake) throw new MeterError('INVALID_ARGUMENT', `${at}: ${mistake}.`);
  let spec: PipelineSpec;
  try {
    spec = pipelineSpec.parse(raw, at);
    if (spec.schedule !== undefined) parseCron(spec.schedule);
  } catch (err) {
    // The schema names the file already ("pipeline file x.json: …"); rules checked past it (params, schedule) don't.
    if (err instanceof MeterError && !err.message.startsWith(at)) throw new MeterError(err.code, `${at}: ${err.message}`, err.details);
    throw err;
  }
  return { spec: { ...spec, data: resolve(dirname(path), spec.data) }, path };
}
