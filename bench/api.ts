import { createApp } from '../src/app.js';
import { checkDatabase, failStartup } from '../src/common/startup.js';
import { loadConfigOrExit } from '../src/config/app-config.js';
import { registerBaselines } from './baseline.js';

/**
 * The API as `npm run bench` runs it: exactly what src/main.ts serves (the same factory, flags and
 * environment), plus the raw baseline routes (baseline.ts) on the same Fastify instance, added before it
 * listens, so that Lantern and its baselines are measured in one process and one run. The product itself
 * has no bench route and no switch for one.
 */
const config = loadConfigOrExit();
try {
  await checkDatabase(config);
  const app = await createApp(config);
  registerBaselines(app.getHttpAdapter().getInstance(), config);
  await app.listen({ port: config.PORT, host: config.HOST });
} catch (error) {
  failStartup(error, { port: config.PORT, host: config.HOST });
}
