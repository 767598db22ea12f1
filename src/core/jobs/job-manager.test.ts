import { describe, expect, it } from 'vitest';
import { MeterError } from '../../shared/errors';
import { EventHub } from './event-hub';
import { JobManager } from './job-manager';

// A task job's outcome as a user sees it: a body that stops itself with CANCELLED (a push whose lease another
// push took) is a cancelled job, not a failure; any other error is a failure.
describe('task jobs end as their body says', () => {
  const manager = () => new JobManager('/nonexistent', new EventHub(), (fn) => fn());

  it('a body throwing CANCELLED ends cancelled, its message kept', async () => {
    const jobs = manager();
    const id = jobs.startTask('mlflow-push', async () => { throw new MeterError('CANCELLED', 'Another push took over this server.'); }, { runId: null });
    const out = await jobs.wait(id);
    expect(out.state).toBe('cancelled');
    expect(out.error?.message).toBe('Another push took over this server.');
  });

  it('a body throwing anything else ends failed', async () => {
    const jobs = manager();
    const id = jobs.startTask('mlflow-push', async () => { throw new MeterError('INVALID_STATE', 'The server answered 500.'); }, { runId: null });
    const out = await jobs.wait(id);
    expect(out.state).toBe('failed');
    expect(out.error?.code).toBe('INVALID_STATE');
  });
});
