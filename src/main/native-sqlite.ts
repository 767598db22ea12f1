// better-sqlite3 is a native addon compiled for one ABI. node_modules holds the Node build (CLI, tests,
// browser mode). In development, Electron loads a second build made for its own ABI by
// scripts/electron-native.mjs; a packaged app has node_modules rebuilt for Electron by electron-builder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function electronSqliteBinding(packageRoot: string, packaged: boolean): string | undefined {
  if (packaged) return undefined;
  const candidate = join(packageRoot, 'native', `electron-abi${process.versions.modules}`, 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}
