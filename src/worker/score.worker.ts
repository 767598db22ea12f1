import { scoreJob } from '../core/scoring/score-job';
import { serveJob } from './worker-runtime';

serveJob('score', scoreJob);
