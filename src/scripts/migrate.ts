import dataSource from '../database/data-source.js';
import { ensureAppLogin } from '../database/app-role.js';
import { DatabaseConfig, loadConfigOrExit } from '../config/app-config.js';

/**
 * `npm run migration:run` (and docker-compose's one-shot `migrate` service): the migrations, as the owner
 * (DATABASE_OWNER_URL), then `ensureAppLogin`: the application's login (DATABASE_URL, `lantern_app`) works,
 * with DATABASE_URL's password if it has one, and has none of the owner's rights. Exit 1 with one line
 * otherwise.
 */
const say = (line: string): boolean => process.stdout.write(`${line}\n`);
const config = loadConfigOrExit(DatabaseConfig);
try {
  const owner = await dataSource.initialize();
  try {
    const ran = await owner.runMigrations({ transaction: 'each' });
    say(ran.length ? `applied ${ran.length} migration(s)` : 'database schema up to date');
    await ensureAppLogin(owner, config);
    say(`the application logs in as ${new URL(config.DATABASE_URL).username || 'the default user'}`);
  } finally {
    await owner.destroy();
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
