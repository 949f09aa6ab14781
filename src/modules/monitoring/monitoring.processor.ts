import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { logJobFailure } from '../../common/jobs.js';
import { QUEUES } from '../../common/queues.js';
import { JobSchedules } from '../../common/schedules.js';
import { AppConfig } from '../../config/app-config.js';
import { AccessModule } from '../access/access.module.js';
import { LinkedReportsModule } from '../intelligence/linked-reports.service.js';
import { MonitoringModule } from './monitoring.module.js';
import { RulesService } from './rules.service.js';
import { DeclaredAssociationsModule } from './declared-associations.service.js';

/** The monitoring queue: the incremental rule pass (every 30 s) and the partition upkeep (hourly). */
@Processor(QUEUES.monitoring, { concurrency: 1 })
export class MonitoringProcessor extends WorkerHost {
  private readonly logger = new Logger(MonitoringProcessor.name);

  constructor(private readonly rules: RulesService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'monitoring-evaluate':
        return this.rules.evaluate();
      case 'monitoring-partitions': {
        const made = await this.rules.ensureAhead();
        const dropped = await this.rules.applyRetention();
        return { made, dropped };
      }
      default:
        throw new Error(`unknown job ${job.name} on the monitoring queue`);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    logJobFailure(this.logger, job, error);
  }
}

@Injectable()
export class MonitoringSchedules implements OnModuleInit {
  constructor(
    @InjectQueue(QUEUES.monitoring) private readonly queue: Queue,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly schedules: JobSchedules,
  ) {}

  onModuleInit(): void {
    const keep = { removeOnComplete: { count: 100 }, removeOnFail: { age: 7 * 24 * 3600 } };
    this.schedules.schedule(this.queue, 'monitoring-evaluate', { every: 30_000 }, keep);
    this.schedules.schedule(this.queue, 'monitoring-partitions', { every: 3_600_000 }, keep);
  }
}

/** Everything monitoring runs in the worker process. */
@Module({
  imports: [AccessModule, LinkedReportsModule, DeclaredAssociationsModule, MonitoringModule],
  providers: [MonitoringProcessor, MonitoringSchedules],
})
export class MonitoringWorkerModule {}
