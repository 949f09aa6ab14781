import { loadConfig, DatabaseConfig } from '../config/app-config.js';
import { applicationRoleProblem, databaseOwnerUrl, loginAs } from './app-role.js';

describe('the two logins', () => {
  it('derives the owner’s login from DATABASE_URL when DATABASE_OWNER_URL is unset: same server and database, as postgres', () => {
    const config = loadConfig(
      { DATABASE_URL: 'postgres://lantern_app:secret@db.local:6543/lantern_x' },
      DatabaseConfig,
    );
    expect(databaseOwnerUrl(config)).toBe('postgres://postgres@db.local:6543/lantern_x');
    const defaults = loadConfig({}, DatabaseConfig);
    expect(defaults.DATABASE_URL).toBe('postgres://lantern_app@127.0.0.1:5432/lantern');
    expect(databaseOwnerUrl(defaults)).toBe('postgres://postgres@127.0.0.1:5432/lantern');
  });

  it('takes DATABASE_OWNER_URL as given, and refuses a malformed one naming it', () => {
    const owner = 'postgres://owner:pw@127.0.0.1:5432/lantern';
    expect(databaseOwnerUrl(loadConfig({ DATABASE_OWNER_URL: owner }, DatabaseConfig))).toBe(owner);
    expect(() => loadConfig({ DATABASE_OWNER_URL: 'nonsense' }, DatabaseConfig)).toThrow(
      /DATABASE_OWNER_URL/,
    );
  });

  it('puts a login into a URL, encoding what needs it', () => {
    expect(loginAs('postgres://a:b@h:1/d?sslmode=require', 'lantern_app', 'p@ss:/w')).toBe(
      'postgres://lantern_app:p%40ss%3A%2Fw@h:1/d?sslmode=require',
    );
  });

  it('names every owner right a login must not have', () => {
    const clean = {
      role: 'lantern_app',
      superuser: false,
      createrole: false,
      bypassrls: false,
      owner: false,
      owner_name: 'postgres',
      create: false,
    };
    expect(applicationRoleProblem(clean)).toBeNull();
    expect(applicationRoleProblem({ ...clean, role: 'postgres', superuser: true, owner: true })).toBe(
      'DATABASE_URL logs in as "postgres", which is a superuser, has the rights of the schema owner (postgres): ' +
        "the API and worker must log in as lantern_app (created by the migrations); the owner's login is " +
        'DATABASE_OWNER_URL, for migrations only',
    );
    expect(applicationRoleProblem({ ...clean, create: true })).toContain(
      'may create objects in schema public',
    );
    expect(applicationRoleProblem({ ...clean, createrole: true })).toContain('may create roles');
  });
});
