import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** What to do when there is none (said in one line by the browser tests and by the bench's browser row). */
export const INSTALL_CHROMIUM =
  'install it (apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH';

/**
 * The Chromium the console's browser tests and the bench's browser row run: Playwright's own download when
 * there is one (`executablePath` undefined), else CHROMIUM_PATH or Debian's; null when there is none.
 */
export function findChromium(): { executablePath?: string } | null {
  try {
    if (existsSync(chromium.executablePath())) return {};
  } catch {
    // no Playwright browser installed
  }
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium']) {
    if (candidate && existsSync(candidate)) return { executablePath: candidate };
  }
  return null;
}
