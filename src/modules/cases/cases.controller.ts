import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { uuidPipe } from '../../common/validation.js';
import { CaseAction } from './cases.enums.js';
import { CasesService } from './cases.service.js';
import { CaseFileService } from './case-file.service.js';
import { CaseLifecycleService } from './case-lifecycle.service.js';
import { CaseOutcomesService } from './case-outcomes.service.js';
import { CaseReferralService } from './case-referral.service.js';
import { CaseQuery, TimelineQuery } from './dto/case-query.dto.js';
import {
  AddNoteRequest,
  AssessSeverityRequest,
  CaseActionRequest,
  CreateCaseRequest,
  RecordUpdateRequest,
  SuspendCaseRequest,
  UpdateCaseRequest,
} from './dto/case-requests.dto.js';
import { CasePage, CaseView } from './dto/case.dto.js';
import { ConfirmOutcomeRequest, OutcomeView, RecordOutcomeRequest } from './dto/outcome.dto.js';
import {
  CorrectReferralRequest,
  NoReferralRequest,
  RecordReferralRequest,
  ReferralDecisionRequest,
} from './dto/referral.dto.js';
import { TimelineEventView, TimelinePage } from './dto/timeline.dto.js';

/** Cases are worked by analysts and supervisors; supervisors alone close them and explain a referral not made. */
@ApiTags('cases')
@ApiBearerAuth()
@Roles(Role.Analyst, Role.Supervisor)
@Controller('cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly lifecycle: CaseLifecycleService,
    private readonly referrals: CaseReferralService,
    private readonly outcomes: CaseOutcomesService,
    private readonly files: CaseFileService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Open a case (reference CASE-<year>-<6 random base32 characters>, unique, revealing no count)',
  })
  @ApiCreatedResponse({ type: CaseView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateCaseRequest): Promise<CaseView> {
    return this.lifecycle.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'Cases, newest recorded first, with filters (e.g. ?overdueUpdate=true)' })
  @ApiOkResponse({ type: CasePage })
  list(@CurrentActor() actor: Actor, @Query() query: CaseQuery): Promise<CasePage> {
    return this.cases.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One case with subjects, referral, IOPC decision, outcomes and timeline' })
  @ApiOkResponse({ type: CaseView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<CaseView> {
    return this.cases.get(actor, id);
  }

  @Get(':id/file.pdf')
  @ApiOperation({
    summary:
      'The case file: the whole case as the caller may see it, as PDF for a misconduct panel or the IOPC',
    description:
      'Subjects, allegations and categories, referral and IOPC decision, severity history, outcomes, notes and updates, linked reports the caller may see, and the timeline; every page footed with the reader’s name, the time and OFFICIAL-SENSITIVE. Audited as an export (`case.export`) naming the case’s people.',
  })
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: 'The case file, as an attachment named after the case reference',
    schema: { type: 'string', format: 'binary' },
  })
  async file(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { reference, pdf } = await this.files.file(actor, id);
    void reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${reference}.pdf"`)
      .send(pdf);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the case; send the version you read (stale: 409 stale_version)' })
  @ApiOkResponse({ type: CaseView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: UpdateCaseRequest,
  ): Promise<CaseView> {
    return this.lifecycle.update(actor, id, body);
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'Every event on the case, oldest first, with who and when' })
  @ApiOkResponse({ type: TimelinePage })
  timeline(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Query() query: TimelineQuery,
  ): Promise<TimelinePage> {
    return this.cases.timeline(actor, id, query);
  }

  @Post(':id/start-investigation')
  @HttpCode(200)
  @ApiOperation({ summary: 'open → under_investigation (refused while a required referral is undecided)' })
  @ApiOkResponse({ type: CaseView })
  start(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: CaseActionRequest,
  ): Promise<CaseView> {
    return this.lifecycle.act(actor, id, CaseAction.StartInvestigation, body);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend with a reason (e.g. awaiting a criminal trial)' })
  @ApiOkResponse({ type: CaseView })
  suspend(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: SuspendCaseRequest,
  ): Promise<CaseView> {
    return this.lifecycle.act(actor, id, CaseAction.Suspend, body);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Return a suspended case to the status it was suspended from' })
  @ApiOkResponse({ type: CaseView })
  resume(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: CaseActionRequest,
  ): Promise<CaseView> {
    return this.lifecycle.act(actor, id, CaseAction.Resume, body);
  }

  @Post(':id/await-outcome')
  @ApiOperation({ summary: 'Investigation finished: the case awaits its outcome' })
  @HttpCode(200)
  @ApiOkResponse({ type: CaseView })
  awaitOutcome(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: CaseActionRequest,
  ): Promise<CaseView> {
    return this.lifecycle.act(actor, id, CaseAction.AwaitOutcome, body);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles(Role.Supervisor)
  @ApiOperation({ summary: 'Close: refused (409 case_not_ready_to_close) with the list of what is missing' })
  @ApiOkResponse({ type: CaseView })
  close(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: CaseActionRequest,
  ): Promise<CaseView> {
    return this.lifecycle.act(actor, id, CaseAction.Close, body);
  }

  @Post(':id/severity')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assess severity (every assessment is kept, with who and why)' })
  @ApiOkResponse({ type: CaseView })
  severity(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: AssessSeverityRequest,
  ): Promise<CaseView> {
    return this.outcomes.assessSeverity(actor, id, body);
  }

  @Post(':id/referral')
  @ApiOperation({ summary: 'Record the referral to the IOPC' })
  @ApiCreatedResponse({ type: CaseView })
  referral(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: RecordReferralRequest,
  ): Promise<CaseView> {
    return this.referrals.recordReferral(actor, id, body);
  }

  @Post(':id/referral/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the IOPC’s decision: independent, directed, local or returned' })
  @ApiOkResponse({ type: CaseView })
  decision(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: ReferralDecisionRequest,
  ): Promise<CaseView> {
    return this.referrals.recordReferralDecision(actor, id, body);
  }

  @Post(':id/referral/correction')
  @HttpCode(200)
  @Roles(Role.Supervisor)
  @ApiOperation({
    summary:
      'A supervisor corrects the recorded referral or IOPC decision with a reason; the earlier values stay in the timeline',
  })
  @ApiOkResponse({ type: CaseView })
  correctReferral(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: CorrectReferralRequest,
  ): Promise<CaseView> {
    return this.referrals.correctReferral(actor, id, body);
  }

  @Post(':id/no-referral')
  @HttpCode(200)
  @Roles(Role.Supervisor)
  @ApiOperation({ summary: 'A supervisor records why no referral was made although the criteria are met' })
  @ApiOkResponse({ type: CaseView })
  noReferral(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: NoReferralRequest,
  ): Promise<CaseView> {
    return this.referrals.recordNoReferral(actor, id, body);
  }

  @Put(':id/subjects/:workforceMemberId/outcome')
  @ApiOperation({
    summary:
      'Propose (or replace, with its version) one subject’s outcome; refused with every regulation rule broken. A supervisor who did not propose it confirms it',
  })
  @ApiOkResponse({ type: OutcomeView })
  outcome(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Param('workforceMemberId', uuidPipe('workforceMemberId')) workforceMemberId: string,
    @Body() body: RecordOutcomeRequest,
  ): Promise<OutcomeView> {
    return this.outcomes.recordOutcome(actor, id, workforceMemberId, body);
  }

  @Post(':id/subjects/:workforceMemberId/outcome/confirm')
  @HttpCode(200)
  @Roles(Role.Supervisor)
  @ApiOperation({
    summary:
      'A supervisor who did not propose it confirms a subject’s outcome (409 confirmer_is_proposer); only confirmed outcomes count',
  })
  @ApiOkResponse({ type: OutcomeView })
  confirmOutcome(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Param('workforceMemberId', uuidPipe('workforceMemberId')) workforceMemberId: string,
    @Body() body: ConfirmOutcomeRequest,
  ): Promise<OutcomeView> {
    return this.outcomes.confirmOutcome(actor, id, workforceMemberId, body);
  }

  @Post(':id/updates')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record a progress update given to complainant and/or subject (next due in 28 days)',
  })
  @ApiOkResponse({ type: CaseView })
  updateGiven(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: RecordUpdateRequest,
  ): Promise<CaseView> {
    return this.lifecycle.recordUpdate(actor, id, body);
  }

  @Post(':id/notes')
  @ApiOperation({ summary: 'Add a note to the timeline' })
  @ApiCreatedResponse({ type: TimelineEventView })
  note(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: AddNoteRequest,
  ): Promise<TimelineEventView> {
    return this.lifecycle.addNote(actor, id, body);
  }
}
