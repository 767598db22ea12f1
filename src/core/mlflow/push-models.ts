// A push's registered models: each version becomes a version of the same name on the server (source: the
// pushed run's model folder), tagged meter.version, with its description and tags; then the aliases. A version
// pushed before, or one an import made of one of this server's versions, is that version, not a new one
// (version-map.ts: the same tag and the same run).
import type { CoreContext } from '../context';
import { getModel } from '../registry/registry-repo';
import { getPushMapping } from './push-map';
import { codeOf, type Json, type Remote } from './remote';
import type { TransferCounts } from './transfer';
import { localModelFolder, versionsThere } from './version-map';
import { PUSHED_VERSION_TAG } from './mlflow-tags';

/** What a push says of its models (part of push.ts's PushReport). */
export interface ModelsReport {
  versions: { name: string; version: number; remoteVersion: string | null; pushed: boolean; reason?: string }[];
  aliases: { name: string; alias: string; remoteVersion: string }[];
}

/** What pushing models needs of the push (push.ts's session). */
export interface ModelSession { ctx: CoreContext; remote: Remote; dryRun: boolean; counts: TransferCounts }

export async function pushModel(s: ModelSession, name: string, runs: Map<string, string>, report: ModelsReport): Promise<void> {
  const { ctx, remote } = s;
  const model = getModel(ctx.db, name);
  let exists = true;
  let remoteAliases: Record<string, string> = {};
  try {
    const got = (await remote.call('GET', 'registered-models/get', { name })).registered_model as Json;
    remoteAliases = Object.fromEntries(((got.aliases as Json[] | undefined) ?? []).map((a) => [a.alias as string, String(a.version)]));
  } catch (err) { if (codeOf(err) !== 'RESOURCE_DOES_NOT_EXIST') throw err; exists = false; }
  if (!exists) {
    s.counts.models++;
    if (!s.dryRun) {
      try {
        await remote.call('POST', 'registered-models/create', { name, description: model.description, tags: Object.entries(model.tags).map(([key, value]) => ({ key, value })) });
      } catch (err) {
        if (codeOf(err) !== 'RESOURCE_ALREADY_EXISTS') throw err;
      }
    }
  }
  // The versions the server has already: made by a push of them, or those an import made them of — each of the
  // same run there and the same model folder in it (version-map.ts), so another home's v1 or another server's
  // version 1 is not taken for ours.
  // A run not pushed now (gone from Meter since) is found through the push map.
  const remoteVersions = exists
    ? ((await remote.call('GET', 'model-versions/search', { filter: `name = '${name.replace(/'/g, "''")}'`, max_results: 10000 })).model_versions as Json[] | undefined) ?? []
    : [];
  const runStatus = ctx.db.prepare('SELECT status FROM runs WHERE run_id = ?').pluck();
  const there = versionsThere(model.versions, remoteVersions, (runId) => runs.get(runId) ?? getPushMapping(ctx.db, remote.base, runId)?.remoteRunId, (v) => localModelFolder(ctx.db, name, v));
  for (const v of [...model.versions].sort((a, b) => a.version - b.version)) {
    const have = there.get(v.version);
    if (have) { s.counts.skipped++; report.versions.push({ name, version: v.version, remoteVersion: have, pushed: false }); continue; }
    const remoteRun = runs.get(v.runId); // '' in a dry run: its run would be pushed now
    if (remoteRun === undefined) {
      const running = v.runExists && runStatus.get(v.runId) === 'RUNNING';
      const reason = running ? `its run ${v.runId} is still running; push it when the run has ended` : `its run ${v.runId} no longer exists in Meter or was not pushed`;
      s.counts.skipped++;
      report.versions.push({ name, version: v.version, remoteVersion: null, pushed: false, reason });
      continue;
    }
    s.counts.versions++;
    if (s.dryRun) { report.versions.push({ name, version: v.version, remoteVersion: null, pushed: false, reason: 'dry run' }); continue; }
    const info = await remote.call('GET', 'runs/get', { run_id: remoteRun });
    // The meter.version tag travels in the create call itself, so a version is never there untagged.
    const created = await remote.call('POST', 'model-versions/create', {
      name, source: `${info.run.info.artifact_uri as string}/${localModelFolder(ctx.db, name, v.version)}`, run_id: remoteRun, description: v.description,
      // (a meter.version tag the version brought from the server names another store's number: ours replaces it)
      tags: [...Object.entries(v.tags).filter(([key]) => key !== PUSHED_VERSION_TAG).map(([key, value]) => ({ key, value })), { key: PUSHED_VERSION_TAG, value: String(v.version) }],
    });
    const remoteVersion = created.model_version.version as string;
    there.set(v.version, remoteVersion);
    report.versions.push({ name, version: v.version, remoteVersion, pushed: true });
  }
  if (s.dryRun) return;
  for (const [alias, version] of Object.entries(model.aliases)) {
    const remoteVersion = there.get(version);
    if (!remoteVersion || remoteAliases[alias] === remoteVersion) continue;
    await remote.call('POST', 'registered-models/alias', { name, alias, version: remoteVersion });
    report.aliases.push({ name, alias, remoteVersion });
  }
}
