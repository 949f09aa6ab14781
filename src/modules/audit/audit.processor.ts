import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { logJobFailure } from '../../common/jobs.js';
import { QUEUES, type JobPayloads } from '../../common/queues.js';
import { JobSchedules } from '../../common/schedules.js';
import { AuditService } from './audit.service.js';

/** Every night at 02:30 UTC; `upsertJobScheduler` keeps exactly one scheduler however many workers start. */
export const AUDIT_VERIFY_CRON = '30 2 * * *';

/**
 * How often the subject index's pending list is moved into the index (migration 1795551000000): often
 * enough that it never nears its 4 MB limit, when the insert that found it full would do it under the
 * chain's lock (under the bench's load it filled in ~12 s).
 */
export const AUDIT_SUBJECTS_FLUSH_MS = 5000;

/** Both jobs carry nothing. */
type AuditJob = Job<JobPayloads['audit-verify']>;

/**
 * The audit trail's background work. The worker re-verifies the hash chain nightly, so that tampering is
 * found even when no auditor asks; the result is itself an audit event (outcome `failed` when the chain is
 * broken) and a log line. Every few seconds it flushes the subject index's pending list. Two jobs at a
 * time, so that a night's verification (minutes on a force's trail) does not hold up the flushes.
 */
@Processor(QUEUES.audit, { concurrency: 2 })
@Injectable()
export class AuditProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(AuditProcessor.name);

  constructor(
    private readonly audit: AuditService,
    @InjectQueue(QUEUES.audit) private readonly queue: Queue,
    private readonly schedules: JobSchedules,
  ) {
    super();
  }

  /** Declared to the worker's registry, which registers them at start and whenever Redis comes back. */
  onModuleInit(): void {
    this.schedules.schedule(this.queue, 'audit-verify', { pattern: AUDIT_VERIFY_CRON, tz: 'UTC' });
    // A missed flush is made up by the next one: no retries, and no history of thousands of runs a day.
    this.schedules.schedule(
      this.queue,
      'audit-subjects-flush',
      { every: AUDIT_SUBJECTS_FLUSH_MS },
      { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
    );
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    logJobFailure(this.logger, job, error);
  }

  async process(job: AuditJob): Promise<void> {
    if (job.name === 'audit-subjects-flush') {
      const pages = await this.audit.flushSubjectIndex();
      if (pages > 0) this.logger.debug({ pages }, 'Audit subject index: pending list flushed');
      return;
    }
    const result = await this.audit.verify({
      userId: null,
      roles: [],
      workforceMemberId: null,
      sessionId: null,
      requestId: `job-${job.id ?? 'audit-verify'}`,
      clientAddress: null,
    });
    if (result.valid) this.logger.log({ checked: result.checked }, 'Audit chain verified');
    else
      this.logger.error(
        { checked: result.checked, firstFailure: result.firstFailure },
        'Audit chain verification FAILED',
      );
  }
}
