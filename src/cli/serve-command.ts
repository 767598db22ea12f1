// `meter serve`: Meter's local server without a window (the one browser mode uses), so MLflow's own clients
// can log into Meter. It prints the two lines a user pastes into a shell or a notebook:
//   export MLFLOW_TRACKING_URI=http://127.0.0.1:N
//   MLFLOW_TRACKING_TOKEN=<the session token>   (MLflow's clients send it as Authorization: Bearer)
// It binds 127.0.0.1. `--host ADDRESS` binds that address instead and then refuses to start without a token
// chosen by the user (--token or METER_TOKEN), since a printed random one would be lost to a remote client;
// ADDRESS must be the one clients will use (not 0.0.0.0), because every request's Host header is checked.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { openCore } from '../core/context';
import { packageRoot } from '../core/paths';
import { startBrowserServer } from '../server/browser-server';
import { serveUntilStopped } from './serve-until-stopped';
import { isSessionToken } from '../server/session-auth';
import { MeterError } from '../shared/errors';
import { numberFlag, one, parseArgs } from './args';

export interface ServeOptions { port?: number; host?: string; token?: string }

/** Checks serve's flags: the port, and the host/token rule. */
export function serveOptions(args: string[], env: NodeJS.ProcessEnv): ServeOptions & { json: boolean } {
  const p = parseArgs(args, { switches: ['json'], values: ['port', 'host', 'token'] });
  const port = numberFlag(p, 'port');
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new MeterError('INVALID_ARGUMENT', `--port must be an integer 0–65535; got ${port}.`);
  }
  const host = one(p, 'host');
  const token = one(p, 'token') ?? (env.METER_TOKEN || undefined);
  if (token !== undefined && !isSessionToken(token)) {
    throw new MeterError('INVALID_ARGUMENT', 'A token is 48 lowercase hex characters; make one with: openssl rand -hex 24');
  }
  if (host !== undefined) {
    if (isIP(host) === 0 && host !== 'localhost') throw new MeterError('INVALID_ARGUMENT', `--host takes an IP address; got "${host}".`);
    if (host === '0.0.0.0' || host === '::') {
      throw new MeterError('INVALID_ARGUMENT', `--host ${host} would answer on every address, and Meter checks each request's Host header: give the address clients will use (e.g. 192.168.1.20).`);
    }
    if (token === undefined) {
      throw new MeterError('INVALID_ARGUMENT', `meter serve --host ${host} needs a token you chose, since other machines must know it: pass --token T or set METER_TOKEN (48 hex characters: openssl rand -hex 24).`);
    }
  }
  return { port, host, token, json: p.switches.has('json') };
}

export async function serveCommand(home: string | undefined, args: string[], out: (line: string) => void): Promise<number> {
  const o = serveOptions(args, process.env);
  const staticDir = join(packageRoot(), 'out', 'renderer');
  const ctx = openCore({ home });
  let server;
  try {
    server = await startBrowserServer({ ctx, port: o.port, host: o.host, token: o.token, staticDir: existsSync(join(staticDir, 'index.html')) ? staticDir : undefined });
  } catch (err) {
    await ctx.close();
    throw err;
  }
  const host = o.host === undefined || o.host === 'localhost' ? (o.host ?? '127.0.0.1') : o.host.includes(':') ? `[${o.host}]` : o.host;
  const uri = `http://${host}:${server.port}`;
  if (o.json) out(JSON.stringify({ trackingUri: uri, token: server.token, port: server.port, home: ctx.home }));
  // `export`, so the two lines pasted into a shell reach the Python it starts (a bare VAR=value stays in the shell)
  else out(`export MLFLOW_TRACKING_URI=${uri}\nexport MLFLOW_TRACKING_TOKEN=${server.token}`);
  process.stderr.write(`Meter is serving ${ctx.home} on ${uri} (MLflow's clients: paste the two lines above into their shell; the app: ${uri}/?token=${server.token}). Ctrl-C to stop.\n`);
  await serveUntilStopped(ctx, server);
  return 0;
}
