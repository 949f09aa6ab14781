import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ENTITIES } from './entities.js';

function entityClassesIn(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return entityClassesIn(path);
    if (!name.endsWith('.ts') || name.endsWith('.spec.ts')) return [];
    const text = readFileSync(path, 'utf8');
    return [...text.matchAll(/@Entity\((?:(?!export class)[\s\S])*?export class (\w+)/g)].map((m) => m[1]);
  });
}

describe('entity registry', () => {
  it('lists every @Entity class under src/', () => {
    const declared = entityClassesIn(new URL('..', import.meta.url).pathname).sort();
    expect(ENTITIES.map((e) => e.name).sort()).toEqual(declared);
  });
});
