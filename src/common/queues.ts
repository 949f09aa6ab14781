import type { RegisterQueueOptions } from '@nestjs/bullmq';

/**
 * Every queue, and every job name with its payload type, in one map. Payloads carry ids only: never
 * intelligence text, source details or personal data (they sit in Redis, outside the audit trail).
 */
export const QUEUES = {
  vetting: 'vetting',
  outbox: 'outbox',
  audit: 'audit',
  reminders: 'reminders',
  monitoring: 'monitoring',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  /** The scheduled set-based sweep over every clearance. */
  'vetting-sweep': Record<string, never>;
  /** One person's clearances or post changed: re-evaluate that person now. */
  'vetting-check-person': { workforceMemberId: string };
  /** Compute the vetting compliance snapshots missing (month ends passed, today, dates a change discarded). */
  'vetting-snapshots': Record<string, never>;
  /** Relay pending outbox rows (alerts to the webhook). */
  'outbox-relay': Record<string, never>;
  /** Verify the audit hash chain and log the result. */
  'audit-verify': Record<string, never>;
  /** Move the audit subject index's pending entries into the index. */
  'audit-subjects-flush': Record<string, never>;
  /** Raise the reminders due today, resolve those done, and make the morning digests when it is time. */
  'reminders-sweep': Record<string, never>;
  /** Evaluate the monitoring rules over the events loaded since the watermark; raise leads. */
  'monitoring-evaluate': Record<string, never>;
  /** Make the monitoring event partitions ahead; drop those past the retention period. */
  'monitoring-partitions': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export const JOB_QUEUE: Record<JobName, QueueName> = {
  'vetting-sweep': QUEUES.vetting,
  'vetting-check-person': QUEUES.vetting,
  'vetting-snapshots': QUEUES.vetting,
  'outbox-relay': QUEUES.outbox,
  'audit-verify': QUEUES.audit,
  'audit-subjects-flush': QUEUES.audit,
  'reminders-sweep': QUEUES.reminders,
  'monitoring-evaluate': QUEUES.monitoring,
  'monitoring-partitions': QUEUES.monitoring,
};

/** Retries with exponential backoff; failed jobs stay visible (Bull Board) for a week. */
export const DEFAULT_JOB_OPTIONS: RegisterQueueOptions['defaultJobOptions'] = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
