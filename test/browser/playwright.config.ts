import { defineConfig, devices } from '@playwright/test';
import { findChromium, INSTALL_CHROMIUM } from '../../bench/chromium.js';

/**
 * Browser tests of the console (npm run test:browser, part of npm test): Chromium from Playwright's own
 * download when there is one, else CHROMIUM_PATH or Debian's /usr/bin/chromium (bench/chromium.ts, the
 * lookup the bench's browser row uses too), else one line saying how to install it. The API runs from dist/
 * on a fresh test database with the demo data (global-setup.ts).
 */
function chromiumPath(): string | undefined {
  const found = findChromium();
  if (!found) {
    process.stderr.write(`Chromium not found: ${INSTALL_CHROMIUM}\n`);
    process.exit(1);
  }
  return found.executablePath;
}

export const PORT = Number(process.env.LANTERN_BROWSER_PORT ?? 4317);

export default defineConfig({
  testDir: '.',
  testMatch: '*.pw.ts',
  outputDir: '../../.playwright/results',
  globalSetup: './global-setup.ts',
  globalTeardown: './global-teardown.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    ...devices['Desktop Chrome'],
    viewport: { width: 1440, height: 900 },
    // As a user who asks for less motion (the console honours it): no dialog is checked by axe mid-fade.
    reducedMotion: 'reduce',
    launchOptions: { executablePath: chromiumPath() },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
