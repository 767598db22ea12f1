// Exports a registered model (any model URI) as a deployable service: model.json, a dependency-free
// server.js (resources/export/server.js), package.json, a Dockerfile and a README. The bundle is built in a
// temp folder beside the target and renamed into place, so a failed export leaves nothing half-made.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MeterError, messageOf } from '../../shared/errors';
import type { ExportResult } from '../../shared/contract';
import type { CoreContext } from '../context';
import { parseModelFile } from '../engine/model-file';
import { resolveModelUri } from '../registry/resolve';
import { refuseMlflowModel } from '../mlflow/foreign-model';
import { bundleReadme, dockerfile } from './bundle-docs';
import { outputFolder } from '../output-folder';

export function exportModel(ctx: CoreContext, uri: string, rawOut: string): ExportResult {
  if (rawOut.trim() === '') throw new MeterError('INVALID_ARGUMENT', 'Choose a folder to export into (--out DIR).');
  const resolved = resolveModelUri(ctx, uri);
  refuseMlflowModel(resolved.modelPath, resolved.uri, 'export');
  const outDir = outputFolder(rawOut, join(ctx.home, 'exports'));
  if (existsSync(outDir) && readdirSync(outDir).length > 0) throw new MeterError('ALREADY_EXISTS', `${outDir} exists and is not empty; export into a new or empty folder.`);
  const bytes = readFileSync(resolved.modelPath);
  const model = parseModelFile(JSON.parse(bytes.toString('utf8')), resolved.uri);
  const name = resolved.name ?? `run-${resolved.runId.slice(0, 8)}`;
  const meta = { name, version: resolved.version, runId: resolved.runId, uri: resolved.uri, modelSha256: createHash('sha256').update(bytes).digest('hex'), exportedAt: new Date().toISOString(), meterVersion: ctx.version };
  const temp = `${outDir}.partial-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  try {
    writeFileSync(join(temp, 'model.json'), bytes);
    writeFileSync(join(temp, 'meter-bundle.json'), `${JSON.stringify(meta, null, 2)}\n`);
    cpSync(join(ctx.resourcesDir, 'export', 'server.js'), join(temp, 'server.js'));
    writeFileSync(join(temp, 'package.json'), `${JSON.stringify({
      name: name.toLowerCase().replace(/[^a-z0-9._-]/g, '-'), version: '1.0.0', private: true, type: 'commonjs',
      description: `${name} v${meta.version ?? '?'} as a web service (exported by Meter)`, scripts: { start: 'node server.js' }, engines: { node: '>=18' },
    }, null, 2)}\n`);
    writeFileSync(join(temp, 'Dockerfile'), dockerfile());
    writeFileSync(join(temp, '.dockerignore'), 'node_modules\n*.log\n');
    writeFileSync(join(temp, 'README.md'), bundleReadme(meta, model));
    mkdirSync(dirname(outDir), { recursive: true });
    if (existsSync(outDir)) rmSync(outDir, { recursive: true }); // empty, checked above
    renameSync(temp, outDir);
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    if (err instanceof MeterError) throw err;
    throw new MeterError('FILE_UNREADABLE', `Cannot write the bundle to ${outDir}: ${messageOf(err)}`);
  }
  return { outDir, files: readdirSync(outDir).sort(), name, version: resolved.version, runId: resolved.runId, modelSha256: meta.modelSha256 };
}
