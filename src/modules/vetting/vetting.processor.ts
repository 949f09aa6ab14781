import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { Clock } from '../../common/clock.js';
import { Jobs } from '../../common/jobs.js';
import { type JobPayloads, QUEUES } from '../../common/queues.js';
import { AppConfig } from '../../config/app-config.js';
import { OutboxRelayService, type RelayResult } from './outbox-relay.service.js';
import { type SweepResult, SweepService } from './sweep.service.js';
import { VettingCoreModule } from './vetting.module.js';

/** The vetting queue: the scheduled sweep and the one-person checks. */
@Processor(QUEUES.vetting, { concurrency: 2 })
export class VettingProcessor extends WorkerHost {
  constructor(
    private readonly sweeps: SweepService,
    private readonly clock: Clock,
    private readonly jobs: Jobs,
  ) {
    super();
  }

  async process(job: Job): Promise<SweepResult> {
    let result: SweepResult;
    switch (job.name) {
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
}

/** The outbox queue: relay pending messages to the webhook. */
@Processor(QUEUES.outbox, { concurrency: 1 })
export class OutboxProcessor extends WorkerHost {
  constructor(private readonly relay: OutboxRelayService) {
    super();
  }

  async process(job: Job): Promise<RelayResult> {
    if (job.name !== 'outbox-relay') throw new Error(`unknown job ${job.name} on the outbox queue`);
    return this.relay.relay();
  }
}

/**
 * Registers the job schedulers at start. upsertJobScheduler is idempotent by scheduler id, so any number
 * of worker processes keep exactly one schedule each, and a changed cron replaces the old one.
 */
@Injectable()
export class VettingSchedules implements OnApplicationBootstrap {
  private readonly logger = new Logger(VettingSchedules.name);

  constructor(
    @InjectQueue(QUEUES.vetting) private readonly vetting: Queue,
    @InjectQueue(QUEUES.outbox) private readonly outbox: Queue,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly jobs: Jobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.register();
    // Catch up at start (after downtime, a deploy, a changed configuration) rather than at the next tick.
    this.jobs.sweepSoon();
    // A Redis that restarts without persistence forgets the schedules: register them again on reconnect.
    for (const queue of [this.vetting, this.outbox]) {
      queue.getBackend().connection.on('ready', () => void this.register());
    }
    this.logger.log(
      `vetting sweep scheduled (${this.config.VETTING_SWEEP_CRON} UTC); outbox relay every ${this.config.OUTBOX_RELAY_INTERVAL_SECONDS}s`,
    );
  }

  private async register(): Promise<void> {
    try {
      await this.vetting.upsertJobScheduler(
        'vetting-sweep',
        { pattern: this.config.VETTING_SWEEP_CRON, tz: 'UTC' },
        { name: 'vetting-sweep', data: {} },
      );
      await this.outbox.upsertJobScheduler(
        'outbox-relay',
        { every: this.config.OUTBOX_RELAY_INTERVAL_SECONDS * 1000 },
        {
          name: 'outbox-relay',
          data: {},
          opts: { removeOnComplete: { count: 100 }, removeOnFail: { age: 7 * 24 * 3600 } },
        },
      );
    } catch (error) {
      this.logger.warn(
        `job schedulers not registered now (retried on reconnect): ${(error as Error).message}`,
      );
    }
  }
}

/** Everything vetting runs in the worker process. */
@Module({
  imports: [VettingCoreModule],
  providers: [VettingProcessor, OutboxProcessor, VettingSchedules],
})
export class VettingWorkerModule {}
