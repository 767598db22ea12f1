// Arguments arrive as untyped JSON from IPC, HTTP and the CLI; each handler checks what it reads and says
// which field is wrong, before anything is written.
import { MeterError } from '../../shared/errors';

export function argObject(arg: unknown, method: string): Record<string, unknown> {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) {
    throw new MeterError('INVALID_ARGUMENT', `${method} takes an object argument.`);
  }
  return arg as Record<string, unknown>;
}

export function str(o: Record<string, unknown>, field: string, method: string): string {
  const v = o[field];
  if (typeof v !== 'string' || v === '') throw new MeterError('INVALID_ARGUMENT', `${method}: "${field}" must be a non-empty string.`);
  return v;
}

export function optStr(o: Record<string, unknown>, field: string, method: string): string | undefined {
  return o[field] === undefined || o[field] === null ? undefined : str(o, field, method);
}

export function optInt(o: Record<string, unknown>, field: string, method: string): number | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new MeterError('INVALID_ARGUMENT', `${method}: "${field}" must be an integer.`);
  return v;
}

export function numberRecord(o: Record<string, unknown>, field: string, method: string): Record<string, number> {
  const v = o[field];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new MeterError('INVALID_ARGUMENT', `${method}: "${field}" must be an object of numbers.`);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new MeterError('INVALID_ARGUMENT', `${method}: ${field}.${k} must be a finite number; got ${JSON.stringify(x)}.`);
  }
  return v as Record<string, number>;
}

export function strList(o: Record<string, unknown>, field: string, method: string): string[] {
  const v = o[field];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
    throw new MeterError('INVALID_ARGUMENT', `${method}: "${field}" must be a list of non-empty strings.`);
  }
  return v as string[];
}

export function bool(o: Record<string, unknown>, field: string, method: string): boolean {
  if (typeof o[field] !== 'boolean') throw new MeterError('INVALID_ARGUMENT', `${method}: "${field}" must be true or false.`);
  return o[field] as boolean;
}
