import { createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parse } from 'csv-parse';
import { CoreModule } from '../common/core.module.js';
import { ProblemException } from '../common/problem.js';
import { type AppConfig, ConfigError, loadConfig } from '../config/app-config.js';
import { AccessModule } from '../modules/access/access.module.js';
import { AuditModule } from '../modules/audit/audit.module.js';
import { LinkedReportsModule } from '../modules/intelligence/linked-reports.service.js';
import { type RowProblem, type StagedEvent, validateEvent } from '../modules/monitoring/ingest-rows.js';
import { IngestService, LOAD_CHUNK } from '../modules/monitoring/ingest.service.js';
import { MonitoringModule } from '../modules/monitoring/monitoring.module.js';
import { SourcesService } from '../modules/monitoring/sources.service.js';
import { DeclaredAssociationsModule } from '../modules/monitoring/declared-associations.service.js';

/**
 * `MONITORING_SOURCE_KEY=… npm run monitoring:import -- FILE`: loads a force system's export of access and contact
 * events (NDJSON, or CSV with a header row: kind,eventId,occurredAt,user,action,channel,recordType,recordId,
 * incidentRef,people — people as a JSON array) as the source system whose key is given, exactly as the API
 * does (row-by-row validation, COPY, idempotent per source, event id and time), LOAD_CHUNK rows per
 * transaction. Bad rows are printed with their line and reason; exit 1 when any row was refused.
 */
const out = (line: string) => process.stdout.write(`${line}\n`);
const fail = (line: string): never => {
  process.stderr.write(`${line}\n`);
  process.exit(1);
};

const file = process.argv[2];
if (!file)
  fail('usage: MONITORING_SOURCE_KEY=<key> npm run monitoring:import -- FILE (.ndjson, .jsonl or .csv)');
const key = process.env.MONITORING_SOURCE_KEY;
if (!key) fail('MONITORING_SOURCE_KEY must hold the source system key (POST /api/v1/monitoring/sources)');

try {
  process.loadEnvFile();
} catch {
  // environment only
}
const configOrFail = (): AppConfig => {
  try {
    return loadConfig({
      ...process.env,
      JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
    });
  } catch (error) {
    return fail(error instanceof ConfigError ? error.message : String(error));
  }
};
const config = configOrFail();

@Module({
  imports: [
    CoreModule.register(config, 'api'),
    AuditModule,
    AccessModule,
    LinkedReportsModule,
    DeclaredAssociationsModule,
    MonitoringModule,
  ],
})
class CliModule {}

/** The file's rows as objects, with their line numbers (CSV: the header is line 1). */
async function* rowsOf(path: string): AsyncGenerator<{ line: number; raw: unknown; error?: string }> {
  if (path.toLowerCase().endsWith('.csv')) {
    const parser = createReadStream(path).pipe(parse({ columns: true, skip_empty_lines: true, info: true }));
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const row: Record<string, unknown> = { ...record };
      for (const k of Object.keys(row)) if (row[k] === '') delete row[k];
      try {
        if (typeof row.people === 'string') row.people = JSON.parse(row.people);
        yield { line: info.lines, raw: row };
      } catch {
        yield { line: info.lines, raw: row, error: 'people must be a JSON array' };
      }
    }
    return;
  }
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, raw: JSON.parse(text) };
    } catch {
      yield { line, raw: null, error: 'not valid JSON' };
    }
  }
}

const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
try {
  const source = await app.get(SourcesService).authenticate(key);
  const ingest = app.get(IngestService);
  const { now, oldest } = ingest.bounds();
  const actor = {
    userId: null,
    roles: [],
    workforceMemberId: null,
    sessionId: null,
    requestId: `cli-${Date.now()}`,
    clientAddress: 'cli',
  };
  let events: StagedEvent[] = [];
  let rejected: RowProblem[] = [];
  const totals = { accepted: 0, stored: 0, rejected: 0 };
  const started = Date.now();
  const flush = async () => {
    const result = await ingest.load(actor, source, events, rejected);
    totals.accepted += result.accepted;
    totals.stored += result.stored;
    totals.rejected += result.rejected.length;
    for (const r of result.rejected) out(`line ${r.line}: ${r.reason}`);
    events = [];
    rejected = [];
  };
  for await (const row of rowsOf(file)) {
    try {
      if (row.error) throw new Error(row.error);
      events.push(validateEvent(row.raw, row.line, now, oldest));
    } catch (error) {
      rejected.push({ line: row.line, reason: (error as Error).message });
    }
    if (events.length >= LOAD_CHUNK) await flush();
  }
  await flush();
  const seconds = (Date.now() - started) / 1000;
  out(
    `${source.name}: ${totals.accepted} accepted, ${totals.stored} stored, ` +
      `${totals.accepted - totals.stored} already stored, ${totals.rejected} refused ` +
      `(${Math.round(totals.accepted / Math.max(seconds, 0.001))} rows/s)`,
  );
  if (totals.rejected > 0) process.exitCode = 1;
} catch (error) {
  fail(error instanceof ProblemException ? error.init.detail : String(error));
} finally {
  await app.close();
}
