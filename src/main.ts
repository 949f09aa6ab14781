import { loadConfigOrExit } from './config/app-config.js';
import { createApp } from './app.js';
import { checkDatabase, failStartup } from './common/startup.js';

const config = loadConfigOrExit();
// A connection problem at start is one line naming it and exit code 1 (issue 28).
try {
  await checkDatabase(config);
  const app = await createApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
} catch (error) {
  failStartup(error, { port: config.PORT, host: config.HOST });
}
