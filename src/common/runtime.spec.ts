import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runtimeOf } from './runtime.js';

const packageWith = (start: string): URL => {
  const file = join(mkdtempSync(join(tmpdir(), 'runtime-')), 'package.json');
  writeFileSync(file, JSON.stringify({ scripts: { start } }));
  return pathToFileURL(file);
};

describe('runtimeOf', () => {
  it('reads the environment before node and the flags after it from npm start', () => {
    expect(runtimeOf(packageWith('A_=1 B=x=y node --one --two=2 dist/src/main.js'))).toEqual({
      flags: ['--one', '--two=2'],
      env: { A_: '1', B: 'x=y' },
    });
  });

  it('has no environment when npm start sets none', () => {
    expect(runtimeOf(packageWith('node dist/src/main.js'))).toEqual({ flags: [], env: {} });
  });

  it('reads Lantern’s own npm start', () => {
    const own = runtimeOf(new URL('../../package.json', import.meta.url));
    expect(own.flags).toContain('--no-allocation-site-pretenuring');
    expect(own.env).toEqual({ MALLOC_TRIM_THRESHOLD_: '131072' });
  });
});
