// The desktop app's artifact Download: the bytes come through the contract (runs.artifactFile) as a Blob the
// page then saves; a refusal arrives as the MeterError core raised.
import { describe, expect, it } from 'vitest';
import type { CallEnvelope, MeterBridge } from '../../../shared/bridge';
import { MeterError } from '../../../shared/errors';
import { createIpcTransport } from './ipc-transport';

function bridgeAnswering(answer: (method: string, arg: unknown) => CallEnvelope): MeterBridge & { calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  return {
    calls,
    call: async (method, arg) => { calls.push([method, arg]); return answer(method, arg); },
    onEvent: () => () => {},
    onCommand: () => () => {},
    pathForFile: () => '',
  };
}

describe('Electron transport: artifacts', () => {
  it('asks core for the whole file and hands back its exact bytes', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
    const bridge = bridgeAnswering(() => ({ ok: true, result: { path: 'm/x.bin', sizeBytes: bytes.length, base64: bytes.toString('base64') } }));
    const blob = await createIpcTransport(bridge).artifact!('abc', 'm/x.bin');
    expect(Buffer.from(await blob.arrayBuffer()).equals(bytes)).toBe(true);
    expect(bridge.calls).toEqual([['runs.artifactFile', { runId: 'abc', path: 'm/x.bin' }]]);
  });

  it("rejects with core's error", async () => {
    const bridge = bridgeAnswering(() => ({ ok: false, error: new MeterError('INVALID_ARGUMENT', 'too big').toData() }));
    const err = await createIpcTransport(bridge).artifact!('abc', 'big.bin').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('INVALID_ARGUMENT');
  });
});
