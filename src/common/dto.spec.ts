import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import { INT4_MAX } from './dto.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** Every DTO file of the API (`*.dto.ts`), and the shared page query. */
function dtoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return dtoFiles(path);
    return entry.name.endsWith('.dto.ts') || path.endsWith(join('common', 'pagination.ts')) ? [path] : [];
  });
}

describe('integers in DTOs', () => {
  it('bounds every integer field to what an int4 column holds, with a minimum (Int4)', async () => {
    const files = dtoFiles(SRC);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) await import(file);

    const storage = getMetadataStorage() as unknown as {
      validationMetadatas: Map<object, ValidationMetadata[]>;
    };
    const unbounded: string[] = [];
    let integers = 0;
    for (const [target, metadatas] of storage.validationMetadatas) {
      const byProperty = new Map<string, ValidationMetadata[]>();
      for (const m of metadatas)
        byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
      for (const [property, rules] of byProperty) {
        if (!rules.some((r) => r.name === 'isInt')) continue;
        integers += 1;
        const max = rules.find((r) => r.name === 'max')?.constraints[0] as number | undefined;
        const min = rules.find((r) => r.name === 'min')?.constraints[0] as number | undefined;
        if (max === undefined || max > INT4_MAX || min === undefined || min < -INT4_MAX - 1) {
          unbounded.push(`${(target as { name?: string }).name}.${property} (min ${min}, max ${max})`);
        }
      }
    }
    expect(integers).toBeGreaterThan(10);
    expect(unbounded).toEqual([]);
    expect(files.map((f) => relative(SRC, f))).toContain(join('common', 'pagination.ts'));
  });
});
