// Errors cross every boundary (worker → core → IPC/HTTP/CLI) as plain data. The code set is closed so
// that each transport can map it once: CLI exit codes and HTTP statuses come from the tables below.

export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'INVALID_STATE'
  | 'SCHEMA_MISMATCH'
  | 'FILE_UNREADABLE'
  | 'CANCELLED'
  | 'WORKER_CRASHED'
  | 'DB_BUSY'
  | 'DB_TOO_NEW'
  | 'MIGRATION_FAILED'
  | 'UNAUTHORIZED'
  | 'INTERNAL';

export interface MeterErrorData {
  code: ErrorCode;
  message: string;
  /** Plain JSON facts a caller can act on; a list stays a list (e.g. a refused pipeline's differences). */
  details?: Record<string, string | number | boolean | null | string[]>;
  retryable?: boolean;
}

export class MeterError extends Error {
  readonly code: ErrorCode;
  readonly details?: MeterErrorData['details'];
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, details?: MeterErrorData['details'], retryable = false) {
    super(message);
    this.name = 'MeterError';
    this.code = code;
    this.details = details;
    this.retryable = retryable;
  }

  toData(): MeterErrorData {
    const data: MeterErrorData = { code: this.code, message: this.message };
    if (this.details) data.details = this.details;
    if (this.retryable) data.retryable = true;
    return data;
  }

  static fromData(data: MeterErrorData): MeterError {
    return new MeterError(data.code, data.message, data.details, data.retryable ?? false);
  }
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'INVALID_ARGUMENT', 'NOT_FOUND', 'ALREADY_EXISTS', 'INVALID_STATE', 'SCHEMA_MISMATCH',
  'FILE_UNREADABLE', 'CANCELLED', 'WORKER_CRASHED', 'DB_BUSY', 'DB_TOO_NEW', 'MIGRATION_FAILED',
  'UNAUTHORIZED', 'INTERNAL',
]);

export function isMeterErrorData(value: unknown): value is MeterErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; message?: unknown };
  return typeof v.code === 'string' && ERROR_CODES.has(v.code) && typeof v.message === 'string';
}

/** The text of anything thrown (an Error's message, or the thing itself), for wrapping it in a MeterError. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Turns anything thrown into plain error data; unknown errors become INTERNAL and keep their text. */
export function toErrorData(err: unknown): MeterErrorData {
  if (err instanceof MeterError) return err.toData();
  if (isMeterErrorData(err)) return err;
  return { code: 'INTERNAL', message: `Internal error: ${messageOf(err)}` };
}

/** CLI exit status per code (0 is success; 1 is left for crashes of the CLI itself). */
export const EXIT_CODES: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 2,
  NOT_FOUND: 3,
  ALREADY_EXISTS: 4,
  INVALID_STATE: 5,
  SCHEMA_MISMATCH: 6,
  FILE_UNREADABLE: 7,
  CANCELLED: 8,
  WORKER_CRASHED: 9,
  DB_BUSY: 10,
  DB_TOO_NEW: 11,
  MIGRATION_FAILED: 12,
  UNAUTHORIZED: 13,
  INTERNAL: 70,
};

/** HTTP status per code, used by browser mode. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  INVALID_STATE: 409,
  SCHEMA_MISMATCH: 422,
  FILE_UNREADABLE: 422,
  CANCELLED: 409,
  WORKER_CRASHED: 500,
  DB_BUSY: 503,
  DB_TOO_NEW: 500,
  MIGRATION_FAILED: 500,
  UNAUTHORIZED: 401,
  INTERNAL: 500,
};
