// A server's model version made of a run a Meter pushed (this store's, or another home's that the pull imports
// first), from its Meter model folder: a teammate registered (in MLflow's UI or client) the model a push sent. It holds no MLmodel file — it is Meter's
// model, which the run here has — so a pull registers it as Meter registers a run's model (its own copy of the
// model file, the run's signature and datasets), tagged with the server's version number as any imported version.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_ARTIFACT, type ModelVersion, type RunId } from '../../shared/domain';
import type { CoreContext } from '../context';
import { registerRun } from '../registry/register';
import { setModelTag } from '../registry/versions';
import { inTransaction } from '../store/db';

const NATIVE_FOLDER = MODEL_ARTIFACT.slice(0, MODEL_ARTIFACT.lastIndexOf('/'));

/** Whether the run here holds Meter's own model in that artifact folder (and no MLflow model there). */
export function nativeModelHere(ctx: CoreContext, runId: string, folder: string): boolean {
  if (runId === '' || folder.replace(/\/+$/, '') !== NATIVE_FOLDER) return false;
  const dir = ctx.artifactsDir(runId);
  return existsSync(join(dir, ...MODEL_ARTIFACT.split('/'))) && !existsSync(join(dir, NATIVE_FOLDER, 'MLmodel'));
}

/** Whether an import would bring Meter's own model into that folder (a dry run's view of nativeModelHere: the
 * real import brings the run's files first, then finds the model there). */
export function nativeModelComing(folder: string, coming: ReadonlySet<string> | undefined): boolean {
  return folder.replace(/\/+$/, '') === NATIVE_FOLDER && coming?.has(MODEL_ARTIFACT) === true && !coming.has(`${NATIVE_FOLDER}/MLmodel`);
}

/** Registers the run's Meter model as the next version, with the server version's tags, in one transaction (a
 * version without its tag would be made again by the next pull). */
export function registerNativeVersion(ctx: CoreContext, r: { name: string; runId: string; description: string; tags: Record<string, string> }): ModelVersion {
  return inTransaction(ctx.db, () => {
    const made = registerRun(ctx, r.runId as RunId, r.name, r.description);
    for (const [key, value] of Object.entries(r.tags)) setModelTag(ctx.db, r.name, made.version, key, value);
    return made;
  });
}
