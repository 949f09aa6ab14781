import type pg from 'pg';

export const TEST_DB_PREFIX: string;
export function adminUrl(): string;
export function assertTestDatabase(name: string): void;
export function urlFor(database: string): string;
export function appUrlFor(database: string): string;
export function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T>;
export function createDatabase(name: string, template?: string): Promise<string>;
export function dropDatabase(name: string): Promise<void>;
export function listDatabases(prefix: string): Promise<string[]>;
export function migrate(database: string): Promise<void>;
