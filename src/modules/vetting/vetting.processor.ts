import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { Clock } from '../../common/clock.js';
import { Jobs, logJobFailure } from '../../common/jobs.js';
import { type JobPayloads, QUEUES } from '../../common/queues.js';
import { JobSchedules } from '../../common/schedules.js';
import { AppConfig } from '../../config/app-config.js';
import { OutboxRelayService, type RelayResult } from './outbox-relay.service.js';
import { SnapshotsService } from './snapshots.service.js';
import { type SweepResult, SweepService } from './sweep.service.js';
import { VettingCoreModule } from './vetting.module.js';

/** Every so often the worker computes the compliance snapshots missing (a month end passed, a change discarded some). */
const SNAPSHOT_INTERVAL_MS = 5000;

/** The vetting queue: the scheduled sweep, the one-person checks and the compliance snapshots. */
@Processor(QUEUES.vetting, { concurrency: 2 })
export class VettingProcessor extends WorkerHost {
  private readonly logger = new Logger(VettingProcessor.name);

  constructor(
    private readonly sweeps: SweepService,
    private readonly snapshots: SnapshotsService,
    private readonly clock: Clock,
    private readonly jobs: Jobs,
  ) {
    super();
  }

  async process(job: Job): Promise<SweepResult | { computed: string[] }> {
    let result: SweepResult;
    switch (job.name) {
      case 'vetting-snapshots':
        return { computed: await this.snapshots.refresh(this.clock.today()) };
      case 'vetting-sweep':
        result = await this.sweeps.sweep(this.clock.today(), null, `job:${job.id}`);
        break;
      case 'vetting-check-person': {
        const data = job.data as JobPayloads['vetting-check-person'];
        result = await this.sweeps.sweep(this.clock.today(), data.workforceMemberId, `job:${job.id}`);
        break;
      }
      default:
        throw new Error(`unknown job ${job.name} on the vetting queue`);
    }
    if (result.raised > 0) this.jobs.relayOutbox();
    return result;
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    logJobFailure(this.logger, job, error);
  }
}

/** The outbox queue: relay pending messages to the webhook. */
@Processor(QUEUES.outbox, { concurrency: 1 })
export class OutboxProcessor extends WorkerHost {
  private readonly logger = new Logger(OutboxProcessor.name);

  constructor(private readonly relay: OutboxRelayService) {
    super();
  }

  async process(job: Job): Promise<RelayResult> {
    if (job.name !== 'outbox-relay') throw new Error(`unknown job ${job.name} on the outbox queue`);
    return this.relay.relay();
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    logJobFailure(this.logger, job, error);
  }
}

/**
 * Declares vetting's job schedulers and catch-ups to the worker's one registry (JobSchedules), which
 * registers them at start and again whenever Redis comes back: the sweep (cron) and the outbox relay; and,
 * at start and after every Redis outage, a sweep of the change marks left meanwhile (checks that could not
 * be enqueued) and a relay, rather than at the next tick.
 */
@Injectable()
export class VettingSchedules implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(VettingSchedules.name);

  constructor(
    @InjectQueue(QUEUES.vetting) private readonly vetting: Queue,
    @InjectQueue(QUEUES.outbox) private readonly outbox: Queue,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly jobs: Jobs,
    private readonly schedules: JobSchedules,
  ) {}

  onModuleInit(): void {
    this.schedules.schedule(this.vetting, 'vetting-sweep', {
      pattern: this.config.VETTING_SWEEP_CRON,
      tz: 'UTC',
    });
    this.schedules.schedule(
      this.vetting,
      'vetting-snapshots',
      { every: SNAPSHOT_INTERVAL_MS },
      { removeOnComplete: { count: 100 }, removeOnFail: { age: 7 * 24 * 3600 } },
    );
    this.schedules.schedule(
      this.outbox,
      'outbox-relay',
      { every: this.config.OUTBOX_RELAY_INTERVAL_SECONDS * 1000 },
      { removeOnComplete: { count: 100 }, removeOnFail: { age: 7 * 24 * 3600 } },
    );
    this.schedules.onReconnect(() => {
      this.jobs.sweepSoon();
      this.jobs.relayOutbox();
    });
  }

  onApplicationBootstrap(): void {
    this.logger.log(
      `vetting sweep scheduled (${this.config.VETTING_SWEEP_CRON} UTC); compliance snapshots every ${SNAPSHOT_INTERVAL_MS / 1000}s; outbox relay every ${this.config.OUTBOX_RELAY_INTERVAL_SECONDS}s`,
    );
  }
}

/** Everything vetting runs in the worker process. */
@Module({
  imports: [VettingCoreModule],
  providers: [VettingProcessor, OutboxProcessor, VettingSchedules],
})
export class VettingWorkerModule {}
