import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { CoreModule } from '../../src/common/core.module.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { AuditModule } from '../../src/modules/audit/audit.module.js';
import { OutboxRelayService } from '../../src/modules/vetting/outbox-relay.service.js';
import { SnapshotsService } from '../../src/modules/vetting/snapshots.service.js';
import { SweepService } from '../../src/modules/vetting/sweep.service.js';
import { VettingCoreModule } from '../../src/modules/vetting/vetting.module.js';

@Module({})
class SweeperModule {}

export interface Sweeper {
  sweep(today: string, memberId?: string): Promise<{ raised: number; resolved: number }>;
  relay(): Promise<{ delivered: number; failed: number }>;
  /** The worker's compliance snapshot job, as of `today`: the dates it computed. */
  snapshots(today: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The worker's services without its BullMQ processors or schedulers: tests run the sweep and the relay
 * directly, as of a date they choose, instead of waiting for a scheduler.
 */
export async function startSweeper(config: AppConfig): Promise<Sweeper> {
  const ctx: INestApplicationContext = await NestFactory.createApplicationContext(
    {
      module: SweeperModule,
      imports: [CoreModule.register(config, 'worker'), AuditModule, VettingCoreModule],
    },
    { logger: false },
  );
  await ctx.init();
  const sweeps = ctx.get(SweepService);
  const relay = ctx.get(OutboxRelayService);
  return {
    sweep: (today, memberId) => sweeps.sweep(today, memberId ?? null, 'test'),
    relay: () => relay.relay(),
    snapshots: (today) => ctx.get(SnapshotsService).refresh(today),
    close: () => ctx.close(),
  };
}
