// Screens are addressed by the URL hash (#/data, #/train, #/runs?filter=…, #/runs/<id>, #/compare?runs=…),
// so reload, back, and a copied link reopen the same view: filter, order, columns, selection, chart axes.
// Models: #/models, #/models/<name>, #/models/<name>/<version>.
// Pipelines: #/pipelines, #/pipelines?flow=<flow run id>. MLflow UI's run, experiment and version addresses too.
export type Screen = 'data' | 'train' | 'runs' | 'compare' | 'models' | 'score' | 'tune' | 'pipelines' | 'monitor';
export interface Route { screen: Screen; runId: string | null; query: Record<string, string>; model?: string | null; version?: number | null }

const SCREENS: Screen[] = ['data', 'train', 'runs', 'compare', 'models', 'score', 'tune', 'pipelines', 'monitor'];

/**
 * MLflow UI's addresses, which MLflow's own client prints for a run logged into Meter ("View run … at
 * http://127.0.0.1:N/#/experiments/1/runs/<id>"): the run's page; an experiment's, the runs table (its MLflow
 * number isn't Meter's id); a model version's (#/models/<name>/versions/<v>), that version.
 */
function fromMlflowUi(parts: string[]): string[] {
  if (parts[0] === 'experiments') return parts[2] === 'runs' && parts[3] ? ['runs', parts[3]] : ['runs'];
  if (parts[0] === 'models' && parts[2] === 'versions') return ['models', parts[1], parts[3] ?? ''];
  return parts;
}

export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const path = q < 0 ? body : body.slice(0, q);
  const query = Object.fromEntries(new URLSearchParams(q < 0 ? '' : body.slice(q + 1)));
  const parts = fromMlflowUi(path.split('/').filter(Boolean));
  const screen = (SCREENS as string[]).includes(parts[0] ?? '') ? (parts[0] as Screen) : 'data';
  const model = screen === 'models' && parts[1] ? decodeURIComponent(parts[1]) : null;
  const version = screen === 'models' && parts[2] && /^\d+$/.test(parts[2]) ? Number(parts[2]) : null;
  return { screen, runId: screen === 'runs' && parts[1] ? decodeURIComponent(parts[1]) : null, query, model, version };
}

export function hashFor(route: Pick<Route, 'screen'> & Partial<Route>): string {
  let path = route.screen === 'runs' && route.runId ? `#/runs/${encodeURIComponent(route.runId)}` : `#/${route.screen}`;
  if (route.screen === 'models' && route.model) path += `/${encodeURIComponent(route.model)}${route.version ? `/${route.version}` : ''}`;
  const entries = Object.entries(route.query ?? {}).filter(([, v]) => v !== '');
  return entries.length ? `${path}?${new URLSearchParams(entries).toString()}` : path;
}
