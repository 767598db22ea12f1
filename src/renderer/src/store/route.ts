// Screens are addressed by the URL hash (#/data, #/train, #/runs, #/runs/<id>), so reload and back work.
export type Screen = 'data' | 'train' | 'runs';
export interface Route { screen: Screen; runId: string | null }

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'train') return { screen: 'train', runId: null };
  if (parts[0] === 'runs') return { screen: 'runs', runId: parts[1] ? decodeURIComponent(parts[1]) : null };
  return { screen: 'data', runId: null };
}

export function hashFor(route: Route): string {
  return route.screen === 'runs' && route.runId ? `#/runs/${encodeURIComponent(route.runId)}` : `#/${route.screen}`;
}
