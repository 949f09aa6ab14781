import { writeFileSync } from 'node:fs';
import { loadConfig } from '../config/app-config.js';
import { buildOpenApiDocument, createApp } from '../app.js';

/** Writes openapi.json from the code. The test suite fails when the committed file differs. */
export function serialiseOpenApi(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const config = loadConfig({
    ...process.env,
    JWT_SECRET: process.env.JWT_SECRET ?? 'openapi-generation-only-'.padEnd(40, 'x'),
  });
  const app = await createApp(config, { logs: false });
  await app.init();
  writeFileSync(
    new URL('../../../openapi.json', import.meta.url),
    serialiseOpenApi(buildOpenApiDocument(app)),
  );
  await app.close();
  process.stdout.write('openapi.json written\n');
}
