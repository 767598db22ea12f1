// The renderer shows core's argument errors without the method name in front.
import { describe, expect, it } from 'vitest';
import { pipelineSpec } from '../../../shared/pipeline';
import { MeterError } from '../../../shared/errors';
import { userMessage } from './error-text';

describe('userMessage', () => {
  it('takes the method off a real schema error, keeping the field it names', () => {
    let message = '';
    try { pipelineSpec.parse({ name: 'x', colour: 'red' }, 'pipelines.run: "pipeline"'); } catch (e) { message = (e as MeterError).message; }
    expect(message).toMatch(/^pipelines\.run: "pipeline" has no field "colour"/);
    expect(userMessage(message)).toMatch(/^"pipeline" has no field "colour"; it takes name, /);
  });

  it('takes it off after words put in front of the message', () => {
    expect(userMessage('Could not save: pipelines.save: "pipeline": "name" must be non-empty text; got "".'))
      .toBe('Could not save: "pipeline": "name" must be non-empty text; got "".');
  });

  it('drops the full stop after a closing question mark, not one in code', () => {
    expect(userMessage('Is it there?. Try again.')).toBe('Is it there? Try again.');
    expect(userMessage('Stop it!.')).toBe('Stop it!');
    expect(userMessage('read x?.y and go.')).toBe('read x?.y and go.');
  });

  it('keeps what only looks like a method: a file name, an unknown method, a name mid-sentence', () => {
    expect(userMessage('data.parquet: not a parquet file.')).toBe('data.parquet: not a parquet file.');
    expect(userMessage('pipelines.fly: no such thing.')).toBe('pipelines.fly: no such thing.');
    expect(userMessage('Call runs.search: it failed')).toBe('Call runs.search: it failed');
  });
});
