import { Module } from '@nestjs/common';
import { WorkforceModule } from '../workforce/workforce.module.js';
import { AlertsRepository } from './alerts.repository.js';
import { AuthModule } from '../auth/auth.module.js';
import { AlertsService } from './alerts.service.js';
import { ClearancesRepository } from './clearances.repository.js';
import { ClearancesService } from './clearances.service.js';
import { ComplianceService } from './compliance.service.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxRelayService } from './outbox-relay.service.js';
import { OutboxService } from './outbox.service.js';
import { SnapshotsRepository } from './snapshots.repository.js';
import { SnapshotsService } from './snapshots.service.js';
import { SweepRepository } from './sweep.repository.js';
import { SweepService } from './sweep.service.js';
import { VettingRulesService } from './vetting-rules.service.js';
import { MemberVettingController, VettingController } from './vetting.controller.js';
import { VettingRepository } from './vetting.repository.js';

/**
 * Clearances, declarations, alerts and compliance (API). AlertsService.raiseReviewRequired is for the
 * cases module (a misconduct outcome short of dismissal).
 */
@Module({
  imports: [WorkforceModule, AuthModule],
  controllers: [MemberVettingController, VettingController],
  providers: [
    VettingRulesService,
    ClearancesService,
    AlertsService,
    ComplianceService,
    VettingRepository,
    AlertsRepository,
    ClearancesRepository,
  ],
  exports: [AlertsService, VettingRulesService],
})
export class VettingModule {}

/**
 * The worker's side: the sweep, the outbox relay and the compliance snapshots (their processors are in
 * vetting.processor.ts); the outbox itself (OutboxService) and its relay's transports for the notifications
 * module.
 */
@Module({
  providers: [
    VettingRulesService,
    SnapshotsService,
    SnapshotsRepository,
    SweepService,
    OutboxRelayService,
    VettingRepository,
    SweepRepository,
    OutboxRepository,
    OutboxService,
  ],
  exports: [SweepService, OutboxRelayService, OutboxService, VettingRulesService, SnapshotsService],
})
export class VettingCoreModule {}
