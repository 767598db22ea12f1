// Where a folder typed in the app goes: never the process's working folder.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputFolder } from './output-folder';

describe('outputFolder', () => {
  const base = '/meter-home/predictions';
  it('takes a relative folder under the default one, whatever the cwd', () => {
    expect(outputFolder('march', base)).toBe(join(base, 'march'));
    expect(outputFolder('  march/v2 ', base)).toBe(join(base, 'march', 'v2'));
    expect(outputFolder('../elsewhere', base)).toBe('/meter-home/elsewhere');
    expect(outputFolder('march', base)).not.toBe(join(process.cwd(), 'march'));
  });
  it('keeps absolute folders and reads ~ as the user\'s home', () => {
    expect(outputFolder('/data/out/', base)).toBe('/data/out');
    expect(outputFolder('~', base)).toBe(homedir());
    expect(outputFolder('~/preds', base)).toBe(join(homedir(), 'preds'));
  });
});
