// Cooperative cancellation that works across threads: a busy worker cannot read messages, but it can read
// a shared flag between chunks, trees or sweeps.
import { MeterError } from './errors';

export interface CancelToken {
  readonly cancelled: boolean;
  throwIfCancelled(): void;
  /** the shared flag itself, to hand on to helper threads (1 = cancelled) */
  readonly flag: Int32Array;
}

export function cancelTokenFrom(buffer: SharedArrayBuffer): CancelToken {
  const flag = new Int32Array(buffer);
  return {
    flag,
    get cancelled() { return Atomics.load(flag, 0) === 1; },
    throwIfCancelled() {
      if (Atomics.load(flag, 0) === 1) throw new MeterError('CANCELLED', 'The job was cancelled.');
    },
  };
}

export function newCancelFlag(): { buffer: SharedArrayBuffer; cancel(): void; token: CancelToken } {
  const buffer = new SharedArrayBuffer(4);
  const flag = new Int32Array(buffer);
  return { buffer, cancel: () => Atomics.store(flag, 0, 1), token: cancelTokenFrom(buffer) };
}

export const NEVER_CANCELLED: CancelToken = { cancelled: false, throwIfCancelled() {}, flag: new Int32Array(new SharedArrayBuffer(4)) };
