import { Global, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { JobSchedulerTemplateOptions, Queue, RepeatOptions } from 'bullmq';
import type { JobName, JobPayloads } from './queues.js';

interface Schedule {
  queue: Queue;
  id: JobName;
  repeat: Omit<RepeatOptions, 'key'>;
  opts?: JobSchedulerTemplateOptions;
}

/**
 * Every job scheduler of the worker, and what to do when Redis comes back, in one place (issue 28).
 * Modules declare their schedulers and catch-ups while the application starts (`onModuleInit`); at bootstrap
 * and again on every `ready` of a queue's connection (Redis restarted, perhaps without its data) all of
 * them are registered again (`upsertJobScheduler` is idempotent by id, so any number of workers keep one
 * schedule each) and the catch-ups run (the vetting sweep of the change marks left meanwhile, the outbox
 * relay). A failure is one log line; the next `ready` tries again.
 */
@Injectable()
export class JobSchedules implements OnApplicationBootstrap {
  private readonly logger = new Logger('JobSchedules');
  private readonly schedules = new Map<JobName, Schedule>();
  private readonly catchUps: (() => void)[] = [];
  private readonly watched = new Set<Queue>();
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;

  /** A scheduler: `name` is both its id and its job's name. */
  schedule<N extends JobName>(
    queue: Queue,
    name: N,
    repeat: Omit<RepeatOptions, 'key'>,
    opts?: JobSchedulerTemplateOptions,
  ): void {
    this.schedules.set(name, { queue, id: name, repeat, opts });
    this.watch(queue);
  }

  /** Work to ask for at start and whenever Redis comes back (a nudge: it must not throw). */
  onReconnect(catchUp: () => void): void {
    this.catchUps.push(catchUp);
  }

  /** The scheduler ids, for the start-up log line. */
  names(): string[] {
    return [...this.schedules.keys()];
  }

  async onApplicationBootstrap(): Promise<void> {
    this.started = true;
    await this.refresh();
  }

  /** Registers every scheduler and runs the catch-ups; calls while one runs are coalesced into one more. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.registerAll();
      } while (this.again);
    })().finally(() => (this.running = null));
    return this.running;
  }

  private watch(queue: Queue): void {
    if (this.watched.has(queue)) return;
    this.watched.add(queue);
    queue.on('error', () => undefined); // reconnects on its own; each attempt is logged where it matters
    queue.getBackend().connection.on('ready', () => {
      if (this.started) void this.refresh();
    });
  }

  private async registerAll(): Promise<void> {
    try {
      for (const s of this.schedules.values()) {
        await s.queue.upsertJobScheduler(s.id, s.repeat, {
          name: s.id,
          data: {} as JobPayloads[typeof s.id],
          ...(s.opts ? { opts: s.opts } : {}),
        });
      }
    } catch (error) {
      this.logger.warn(
        `job schedulers not registered now (retried when Redis is back): ${(error as Error).message}`,
      );
      return;
    }
    for (const catchUp of this.catchUps) catchUp();
  }
}

/** The worker's scheduler registry (the API has none). */
@Global()
@Module({ providers: [JobSchedules], exports: [JobSchedules] })
export class SchedulesModule {}
