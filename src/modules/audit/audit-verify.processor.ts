import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { QUEUES, type JobPayloads } from '../../common/queues.js';
import { AuditService } from './audit.service.js';

/** Every night at 02:30 UTC; `upsertJobScheduler` keeps exactly one scheduler however many workers start. */
export const AUDIT_VERIFY_CRON = '30 2 * * *';

/**
 * The worker re-verifies the audit hash chain nightly, so that tampering is found even when no auditor
 * asks; the result is itself an audit event (outcome `failed` when the chain is broken) and a log line.
 */
@Processor(QUEUES.audit)
@Injectable()
export class AuditVerifyProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditVerifyProcessor.name);

  constructor(
    private readonly audit: AuditService,
    @InjectQueue(QUEUES.audit) private readonly queue: Queue<JobPayloads['audit-verify']>,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'audit-verify',
      { pattern: AUDIT_VERIFY_CRON, tz: 'UTC' },
      { name: 'audit-verify', data: {} },
    );
  }

  async process(job: Job<JobPayloads['audit-verify']>): Promise<void> {
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
