// e2e suite: browser mode in Debian's Chromium (and Electron where its binary runs). Separate from the unit
// suite so `npm test` can report both, and so the renderer is built once before it.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
