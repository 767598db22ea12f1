import { trainModel } from '../core/engine/train';
import { serveJob } from './worker-runtime';

serveJob('train', trainModel);
