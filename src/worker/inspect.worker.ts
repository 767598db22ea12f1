import { inspectTlc } from '../core/data/tlc-reader';
import { serveJob } from './worker-runtime';

serveJob('inspect', (spec, progress) => {
  progress('read', 0, 1);
  const report = inspectTlc(spec.path);
  progress('read', 1, 1);
  return report;
});
