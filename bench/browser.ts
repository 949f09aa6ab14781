import { type Browser, chromium } from '@playwright/test';
import { findChromium, INSTALL_CHROMIUM } from './chromium.js';
import { median } from './lib.js';

/** One console page as the browser row loads it. */
interface ConsolePage {
  name: string;
  path: string;
  /** What shows that its list is rendered (a CSS selector). */
  rendered: string;
}

export interface BrowserRow {
  scenario: string;
  lantern: number;
  baseline: number | null;
  unit: string;
  target: string;
  better: 'lower' | 'higher';
  limit?: number;
}

/** What a cold first load of one page did: its JavaScript and the time until its list was drawn. */
interface FirstLoad {
  jsBytes: number;
  /** The scripts' bodies as they came over the wire (compressed as the API sent them). */
  jsWireBytes: number;
  renderedMs: number;
  /** The page's API calls alone, made again from the same page: the session's refresh, /auth/me, the rest. */
  apiMs: number;
}

/**
 * `npm run bench`'s browser row: the first load of the queue and of a case page in Chromium (Playwright with
 * the system's Chromium, found as the browser tests find it), each in a fresh browser context (nothing
 * cached) signed in by its refresh cookie, as a reload or a new tab would be. Measured per page:
 *
 * - the JavaScript transferred: the scripts' bodies as they came over the wire (the API sends the Brotli
 *   copies the build wrote, to a browser that accepts them). Target ≤ 350 KB.
 * - the time from navigation to its list drawn (a `requestAnimationFrame` poll in the page), against the
 *   same page's API calls alone, made again from the loaded page with `fetch` in the order the console makes
 *   them (the session's refresh, then /auth/me, then every other GET it made, at once). Target ≤ 1.5×.
 *
 * Without Chromium, or without a built console, the row is skipped with one line saying why.
 */
export async function browserScenarios(options: {
  /** The API serving the console (localhost: the refresh cookie is Secure, and localhost is a secure origin). */
  base: string;
  email: string;
  password: string;
  caseId: string;
  runs: number;
  record: (row: BrowserRow) => void;
  say: (line: string) => unknown;
}): Promise<void> {
  const { base, say } = options;
  const found = findChromium();
  if (!found) {
    say(`browser row skipped: no Chromium found (${INSTALL_CHROMIUM})`);
    return;
  }
  const index = await fetch(`${base}/queue`).then(
    (r) => (r.ok ? r.text() : ''),
    () => '',
  );
  if (!index.includes('/assets/')) {
    say('browser row skipped: the API serves no console (build it first: npm run build)');
    return;
  }
  const pages: ConsolePage[] = [
    { name: 'queue', path: '/queue', rendered: '[data-testid="queue"] tbody tr' },
    { name: 'case page', path: `/cases/${options.caseId}`, rendered: 'form[aria-label^="Outcome for"]' },
  ];
  const browser = await chromium.launch({ executablePath: found.executablePath });
  try {
    for (const page of pages) {
      const loads: FirstLoad[] = [];
      // One load first, not counted: the API's own first requests of each kind (its caches) are not the
      // console's.
      await firstLoad(browser, options, page);
      for (let i = 0; i < options.runs; i++) loads.push(await firstLoad(browser, options, page));
      const js = median(loads.map((l) => l.jsWireBytes)) / 1024;
      const raw = median(loads.map((l) => l.jsBytes)) / 1024;
      options.record({
        scenario: `console first load of the ${page.name}: JavaScript transferred, compressed as served (${raw.toFixed(0)} KB as built)`,
        lantern: js,
        baseline: null,
        unit: 'KB',
        target: '≤ 350 KB',
        better: 'lower',
        limit: 350,
      });
      options.record({
        scenario: `console first load of the ${page.name}: list rendered vs the page's API calls alone (median of ${loads.length})`,
        lantern: median(loads.map((l) => l.renderedMs)),
        baseline: median(loads.map((l) => l.apiMs)),
        unit: 'ms',
        target: '≤ 1.5×',
        better: 'lower',
        limit: 1.5,
      });
    }
  } finally {
    await browser.close();
  }
}

/** The refresh cookie of a new session (what signing in leaves in the browser). */
async function refreshCookie(base: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, cookie: true }),
  });
  if (!response.ok) throw new Error(`bench login: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('lantern_refresh='));
  if (!cookie) throw new Error('bench login: no refresh cookie');
  return cookie.slice('lantern_refresh='.length).split(';')[0];
}

async function firstLoad(
  browser: Browser,
  options: { base: string; email: string; password: string },
  target: ConsolePage,
): Promise<FirstLoad> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addCookies([
      {
        name: 'lantern_refresh',
        value: await refreshCookie(options.base, options.email, options.password),
        domain: new URL(options.base).hostname,
        path: '/api/v1/auth',
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
      },
    ]);
    const page = await context.newPage();
    const scripts: Promise<[Buffer, number]>[] = [];
    const gets: string[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') {
        scripts.push(
          Promise.all([response.body(), response.request().sizes()]).then(([body, sizes]) => [
            body,
            sizes.responseBodySize,
          ]),
        );
      }
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (
        request.method() === 'GET' &&
        url.pathname.startsWith('/api/') &&
        url.pathname !== '/api/v1/auth/me'
      )
        gets.push(url.pathname + url.search);
    });
    await page.goto(`${options.base}${target.path}`, { waitUntil: 'commit' });
    // performance.now() counts from the navigation's start: the first frame in which the list is there.
    const rendered = await page.waitForFunction(
      (selector) => (document.querySelector(selector) ? performance.now() : false),
      target.rendered,
      { polling: 'raf', timeout: 120_000 },
    );
    const renderedMs = (await rendered.jsonValue()) as number;
    await page.waitForLoadState('networkidle');
    const bodies = await Promise.all(scripts);
    const apiMs = await page.evaluate(async (urls: string[]) => {
      const t0 = performance.now();
      const session = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        credentials: 'same-origin',
      });
      const { accessToken } = (await session.json()) as { accessToken: string };
      const headers = { authorization: `Bearer ${accessToken}` };
      await (await fetch('/api/v1/auth/me', { headers })).arrayBuffer();
      await Promise.all(urls.map(async (url) => (await fetch(url, { headers })).arrayBuffer()));
      return performance.now() - t0;
    }, gets);
    return {
      jsBytes: bodies.reduce((n, [b]) => n + b.length, 0),
      jsWireBytes: bodies.reduce((n, [, wire]) => n + wire, 0),
      renderedMs,
      apiMs,
    };
  } finally {
    await context.close();
  }
}
