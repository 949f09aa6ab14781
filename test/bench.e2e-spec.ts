import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The harness itself must not rot: its small mode runs end to end on a test database. */
describe('npm run bench -- --small', () => {
  it('seeds, measures every scenario against its baseline and writes results.json', async () => {
    const results = join(mkdtempSync(join(tmpdir(), 'lantern-bench-')), 'results.json');
    const { stdout } = await run(process.execPath, ['dist/bench/run.js', '--small'], {
      env: {
        ...process.env,
        BENCH_DATABASE: `lantern_test_${process.env.LANTERN_TEST_RUN}_bench`,
        BENCH_RESULTS: results,
        BENCH_DURATION_SECONDS: '1',
      },
      timeout: 360_000,
      maxBuffer: 10 * 1024 * 1024,
    });
    expect(stdout).toContain('| scenario');
    const written = JSON.parse(readFileSync(results, 'utf8')) as {
      small: boolean;
      results: { scenario: string; lantern: number; baseline: number | null }[];
    };
    expect(written.small).toBe(true);
    expect(written.results.length).toBeGreaterThan(5);
    for (const r of written.results) expect(Number.isFinite(r.lantern)).toBe(true);
    // The figures under load, against their bare route: both sides answered, without errors.
    const underLoad = written.results.filter((r) => r.scenario.includes('under load'));
    expect(underLoad).toHaveLength(2);
    for (const r of underLoad) expect(r.scenario).toContain('errors 0 / 0');
    // ICT monitoring (bench/monitoring.ts): every planted pattern found, no flag on the control population.
    const monitoring = written.results.filter((r) => r.scenario.startsWith('monitoring'));
    expect(monitoring.length).toBeGreaterThanOrEqual(6);
    const found = monitoring.find((r) => r.scenario.includes('planted patterns found'));
    expect(found?.lantern).toBe(found?.baseline);
    expect(monitoring.find((r) => r.scenario.includes('control population'))?.lantern).toBe(0);
    // The console in Chromium: the first load of the queue and of a case page (JavaScript and time to the
    // list, two rows each), or one line saying why they were skipped (no Chromium, no built console).
    const browser = written.results.filter((r) => r.scenario.startsWith('console first load'));
    if (stdout.includes('browser row skipped:')) expect(browser).toHaveLength(0);
    else expect(browser).toHaveLength(4);
  }, 420_000);
});
