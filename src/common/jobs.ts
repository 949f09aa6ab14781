import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { JOB_QUEUE, type JobName, type JobPayloads, QUEUES } from './queues.js';

const ENQUEUE_TIMEOUT_MS = 1500;

/**
 * A nudge collapsed with one already waiting; asked for while one runs, it is kept (the last one) and runs
 * after it (BullMQ's keepLastIfActive): the running one may have read the database before the change.
 */
const collapsed = (id: string): JobsOptions => ({ deduplication: { id, keepLastIfActive: true } });

/** The options of a person's check (exported for the test that holds one active). */
export const checkPersonOptions = (workforceMemberId: string): JobsOptions =>
  collapsed(`vetting-check-person-${workforceMemberId}`);

/**
 * The producers' side of the queues. Enqueueing is a nudge, never the only record of work to do: every
 * job it asks for is also found by the worker's scheduled sweep and outbox relay from PostgreSQL. So a
 * request never waits for or fails because of Redis: `nudge` returns at once and logs a failure.
 */
@Injectable()
export class Jobs {
  private readonly logger = new Logger(Jobs.name);
  private readonly queues: Record<string, Queue>;

  constructor(@InjectQueue(QUEUES.vetting) vetting: Queue, @InjectQueue(QUEUES.outbox) outbox: Queue) {
    this.queues = { [QUEUES.vetting]: vetting, [QUEUES.outbox]: outbox };
    // While Redis is away the queues report connection errors: expected, and answered by `nudge`'s catch.
    for (const queue of Object.values(this.queues)) queue.on('error', () => undefined);
  }

  /** Adds a job and waits for Redis to take it (or fails within a few seconds). */
  async add<N extends JobName>(name: N, data: JobPayloads[N], options: JobsOptions = {}): Promise<void> {
    const queue = this.queues[JOB_QUEUE[name]];
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        queue.add(name, data, options),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('Redis did not take the job in time')),
            ENQUEUE_TIMEOUT_MS,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fire and forget: the caller's answer does not depend on Redis. */
  nudge<N extends JobName>(name: N, data: JobPayloads[N], options: JobsOptions = {}): void {
    this.add(name, data, options).catch((error: unknown) =>
      this.logger.warn(`${name} not enqueued (the scheduled run will cover it): ${(error as Error).message}`),
    );
  }

  /**
   * One person's clearances or post changed: a check for them, collapsed while one is already waiting; one
   * asked for while a check of theirs is running runs again after it (it may have read the state before
   * this change), so none is lost.
   */
  checkPerson(workforceMemberId: string): void {
    this.nudge('vetting-check-person', { workforceMemberId }, checkPersonOptions(workforceMemberId));
  }

  /** Many people changed at once (an import, Redis back after an outage): one sweep, collapsed likewise. */
  sweepSoon(): void {
    this.nudge('vetting-sweep', {}, collapsed('vetting-sweep-now'));
  }

  /** New outbox messages: relay them now rather than at the next scheduled relay. */
  relayOutbox(): void {
    this.nudge('outbox-relay', {}, collapsed('outbox-relay-now'));
  }
}

/**
 * The log line of a failed job (every processor's `failed` event): the job's name and id, the attempt, and
 * the error's class and message; never its payload (ids only, yet still kept out of the logs) or stack.
 */
export function logJobFailure(
  logger: { error(message: string): void },
  job: { name: string; id?: string; attemptsMade: number } | undefined,
  error: Error,
): void {
  logger.error(
    `job ${job?.name ?? '(unknown)'} ${job?.id ?? ''} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.name}: ${error.message}`,
  );
}
