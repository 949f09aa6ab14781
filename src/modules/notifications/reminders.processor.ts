import { BullModule, InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { Jobs, logJobFailure } from '../../common/jobs.js';
import { QUEUES } from '../../common/queues.js';
import { JobSchedules } from '../../common/schedules.js';
import { AppConfig } from '../../config/app-config.js';
import { RecipientsModule } from '../auth/recipients.service.js';
import { CaseDueDatesModule } from '../cases/case-due-dates.service.js';
import { ReportDueDatesModule } from '../intelligence/report-due-dates.service.js';
import { VettingCoreModule } from '../vetting/vetting.module.js';
import { DigestMailTransport } from './digest-mail.js';
import { NotificationsRepository } from './notifications.repository.js';
import { RemindersService, type SweepOutcome } from './reminders.service.js';

/** The reminders queue: the sweep (scheduled, and at start and after Redis comes back). */
@Processor(QUEUES.reminders, { concurrency: 1 })
export class RemindersProcessor extends WorkerHost {
  private readonly logger = new Logger(RemindersProcessor.name);

  constructor(
    private readonly reminders: RemindersService,
    private readonly jobs: Jobs,
  ) {
    super();
  }

  async process(job: Job): Promise<SweepOutcome> {
    if (job.name !== 'reminders-sweep') throw new Error(`unknown job ${job.name} on the reminders queue`);
    const result = await this.reminders.sweep();
    if (result.raised + result.resolved + result.digests > 0) this.jobs.relayOutbox();
    return result;
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    logJobFailure(this.logger, job, error);
  }
}

/** Declares the reminder sweep's scheduler (REMINDER_SWEEP_CRON, UTC) and its catch-up after an outage. */
@Injectable()
export class RemindersSchedules implements OnModuleInit {
  private readonly logger = new Logger(RemindersSchedules.name);

  constructor(
    @InjectQueue(QUEUES.reminders) private readonly queue: Queue,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly schedules: JobSchedules,
  ) {}

  onModuleInit(): void {
    this.schedules.schedule(
      this.queue,
      'reminders-sweep',
      { pattern: this.config.REMINDER_SWEEP_CRON, tz: 'UTC' },
      { removeOnComplete: { count: 100 }, removeOnFail: { age: 7 * 24 * 3600 } },
    );
    this.schedules.onReconnect(() => {
      this.queue
        // Collapsed with one waiting; asked for while one runs (Redis back again), kept and run after it: the
        // running one may have read the records before what changed meanwhile.
        .add('reminders-sweep', {}, { deduplication: { id: 'reminders-sweep-now', keepLastIfActive: true } })
        .catch((error: unknown) =>
          this.logger.warn(
            `reminders-sweep not enqueued (the schedule will run it): ${(error as Error).message}`,
          ),
        );
    });
  }
}

/** Everything the reminders run in the worker process. */
@Module({
  imports: [
    BullModule.registerQueue({ name: QUEUES.reminders }),
    VettingCoreModule,
    CaseDueDatesModule,
    ReportDueDatesModule,
    RecipientsModule,
  ],
  providers: [
    NotificationsRepository,
    RemindersService,
    DigestMailTransport,
    RemindersProcessor,
    RemindersSchedules,
  ],
  exports: [RemindersService],
})
export class NotificationsWorkerModule {}
