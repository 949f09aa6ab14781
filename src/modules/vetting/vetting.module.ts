import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppUser } from '../auth/user.entity.js';
import { Department } from '../workforce/department.entity.js';
import { Post } from '../workforce/post.entity.js';
import { WorkforceMember } from '../workforce/workforce-member.entity.js';
import { WorkforceModule } from '../workforce/workforce.module.js';
import { VettingAlert } from './alert.entity.js';
import { AlertsService } from './alerts.service.js';
import { VettingClearance } from './clearance.entity.js';
import { ClearancesService } from './clearances.service.js';
import { ComplianceService } from './compliance.service.js';
import { VettingDeclaration } from './declaration.entity.js';
import { OutboxMessage } from './outbox.entity.js';
import { OutboxRelayService } from './outbox-relay.service.js';
import { SweepService } from './sweep.service.js';
import { VettingRulesService } from './vetting-rules.service.js';
import { MemberVettingController, VettingController } from './vetting.controller.js';

const ENTITIES = [VettingClearance, VettingAlert, VettingDeclaration, OutboxMessage];

/**
 * Clearances, declarations, alerts and compliance (API). AlertsService.raiseReviewRequired is for the
 * cases module (a misconduct outcome short of dismissal).
 */
@Module({
  imports: [TypeOrmModule.forFeature(ENTITIES), WorkforceModule],
  controllers: [MemberVettingController, VettingController],
  providers: [VettingRulesService, ClearancesService, AlertsService, ComplianceService],
  exports: [AlertsService, VettingRulesService],
})
export class VettingModule {}

/** The worker's side: the sweep and the outbox relay (their processors are in vetting.processor.ts). */
@Module({
  // The entities the vetting ones refer to, so that the worker's TypeORM knows the whole graph.
  imports: [TypeOrmModule.forFeature([...ENTITIES, AppUser, WorkforceMember, Department, Post])],
  providers: [VettingRulesService, SweepService, OutboxRelayService],
  exports: [SweepService, OutboxRelayService, VettingRulesService],
})
export class VettingCoreModule {}
