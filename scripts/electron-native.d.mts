export function ensureElectronSqlite(root: string): { ok: true; path: string } | { ok: false; reason: string };
