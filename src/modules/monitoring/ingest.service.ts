import { Injectable } from '@nestjs/common';
import { type Actor } from '../../common/auth/actor.js';
import { Clock, londonDateOf } from '../../common/clock.js';
import { addDays } from '../../common/dates.js';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import type { IngestResult } from './dto/monitoring.dto.js';
import { parseNdjson, type RowProblem, type StagedEvent } from './ingest-rows.js';
import { MonitoringAudit, MonitoringResource } from './monitoring.codes.js';
import { MonitoringRepository } from './monitoring.repository.js';

/** Rows loaded per COPY (and per transaction) by the CLI; an API batch is one transaction. */
export const LOAD_CHUNK = 50_000;

/**
 * Ingest: a batch is validated row by row (bad rows reported by line and reason, good rows kept), the day
 * partitions it needs are made, and the good rows are loaded by COPY into a staging table and inserted
 * idempotently per (source, event id, time). The audit row names the source and the counts, never the rows.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly repository: MonitoringRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The bounds of `occurredAt`: not more than a day ahead, not before the retention period. */
  bounds(): { now: Date; oldest: Date } {
    const now = this.clock.now();
    const first = addDays(this.clock.today(), -this.config.MONITORING_RETENTION_DAYS + 1);
    return { now, oldest: new Date(`${first}T00:00:00Z`) };
  }

  async ingestNdjson(
    actor: Actor,
    source: { id: string; name: string },
    body: string,
  ): Promise<IngestResult> {
    const { now, oldest } = this.bounds();
    const { events, rejected } = parseNdjson(body, now, oldest);
    return this.load(actor, source, events, rejected);
  }

  /** Loads validated events (one transaction) and records one audit row for the batch. */
  async load(
    actor: Actor,
    source: { id: string; name: string },
    events: StagedEvent[],
    rejected: RowProblem[],
  ): Promise<IngestResult> {
    const stored = await this.tx.write(async (m) => {
      let count = 0;
      if (events.length > 0) {
        const days = events.map((e) => londonDateOf(new Date(e.occurredAt))).sort();
        await this.repository.ensurePartitions(m, days[0], days[days.length - 1]);
        const loaded = await this.repository.load(m, source.id, events);
        count = loaded.access + loaded.contact;
      }
      await this.audit.record(m, actor, {
        action: MonitoringAudit.EventsIngest,
        resourceType: MonitoringResource.Event,
        details: {
          sourceId: source.id,
          accepted: events.length,
          stored: count,
          rejected: rejected.length,
        },
      });
      return count;
    });
    return { accepted: events.length, stored, duplicates: events.length - stored, rejected };
  }
}
