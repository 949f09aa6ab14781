import { loadConfigOrExit } from './config/app-config.js';
import { createApp } from './app.js';

const config = loadConfigOrExit();
const app = await createApp(config);
await app.listen({ port: config.PORT, host: config.HOST });
