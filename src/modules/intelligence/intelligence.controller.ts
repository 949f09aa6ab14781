import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { CommonError, Problem } from '../../common/problem.js';
import { uuidPipe } from '../../common/validation.js';
import {
  AssignRequest,
  ReviewRequest,
  SendBackRequest,
  SubmitForReviewRequest,
} from './dto/lifecycle.dto.js';
import { QueuePage, QueueQuery, QueueSummary, ReportListQuery, SearchQuery } from './dto/queue.dto.js';
import { CreateIntelligenceRequest, UpdateIntelligenceRequest } from './dto/report-input.dto.js';
import { IntelligenceView } from './dto/report.dto.js';
import { LifecycleService } from './lifecycle.service.js';
import { QueueService } from './queue.service.js';
import { RecordingService } from './recording.service.js';
import { SearchService } from './search.service.js';

/**
 * Corruption intelligence: analysts record and assess, supervisors assign and review. Vetting officers,
 * auditors and admins see no intelligence. A report concerning the caller's own workforce record is a 404.
 */
@ApiTags('intelligence')
@ApiBearerAuth()
@Roles(Role.Analyst, Role.Supervisor)
@Controller('intelligence')
export class IntelligenceController {
  constructor(
    private readonly recording: RecordingService,
    private readonly lifecycle: LifecycleService,
    private readonly queues: QueueService,
    private readonly searches: SearchService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Record a graded intelligence report (its reference is issued here)' })
  @ApiCreatedResponse({ type: IntelligenceView, description: 'The report, with any possible duplicates' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateIntelligenceRequest): Promise<IntelligenceView> {
    return this.recording.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'Reports in any state, newest first, filtered (no search words needed)' })
  @ApiOkResponse({ type: QueuePage })
  list(@CurrentActor() actor: Actor, @Query() query: ReportListQuery): Promise<QueuePage> {
    return this.queues.list(actor, query);
  }

  @Get('queue')
  @ApiOperation({
    summary: 'The assessment queue: open reports, most urgent (vulnerable person, APSP) then oldest first',
  })
  @ApiOkResponse({ type: QueuePage })
  queue(@CurrentActor() actor: Actor, @Query() query: QueueQuery): Promise<QueuePage> {
    return this.queues.queue(actor, query);
  }

  @Get('queue/summary')
  @Roles(Role.Supervisor)
  @ApiOperation({ summary: 'Counts by state, the oldest item, overdue items and open items per analyst' })
  @ApiOkResponse({ type: QueueSummary })
  summary(@CurrentActor() actor: Actor): Promise<QueueSummary> {
    return this.queues.summary(actor);
  }

  @Get('search')
  @ApiOperation({ summary: 'Full-text search over narrative and reference, newest first' })
  @ApiOkResponse({ type: QueuePage })
  search(@CurrentActor() actor: Actor, @Query() query: SearchQuery): Promise<QueuePage> {
    return this.searches.search(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One intelligence report with its grading, subjects, duplicates and history' })
  @ApiOkResponse({ type: IntelligenceView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<IntelligenceView> {
    return this.recording.get(actor, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a report still open; send the version you read (stale: 409)' })
  @ApiOkResponse({ type: IntelligenceView })
  @ApiConflictResponse({
    type: Problem,
    description: `stale_version, ${CommonError.InvalidTransition}`,
  })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: UpdateIntelligenceRequest,
  ): Promise<IntelligenceView> {
    return this.recording.update(actor, id, body);
  }

  @Post(':id/assign')
  @Roles(Role.Supervisor)
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign (or reassign) the report to an analyst for assessment' })
  @ApiOkResponse({ type: IntelligenceView })
  @ApiConflictResponse({ type: Problem, description: CommonError.InvalidTransition })
  assign(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: AssignRequest,
  ): Promise<IntelligenceView> {
    return this.lifecycle.assign(actor, id, body);
  }

  @Post(':id/submit-for-review')
  @HttpCode(200)
  @ApiOperation({ summary: 'The assignee submits an assessment and a recommended decision (a new version)' })
  @ApiOkResponse({ type: IntelligenceView })
  @ApiConflictResponse({ type: Problem, description: CommonError.InvalidTransition })
  submitForReview(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: SubmitForReviewRequest,
  ): Promise<IntelligenceView> {
    return this.lifecycle.submitForReview(actor, id, body);
  }

  @Post(':id/send-back')
  @Roles(Role.Supervisor)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A supervisor (not the assessment’s author) sends the assessment back to its analyst with a reason; the version is kept',
  })
  @ApiOkResponse({ type: IntelligenceView })
  @ApiConflictResponse({ type: Problem, description: CommonError.InvalidTransition })
  sendBack(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: SendBackRequest,
  ): Promise<IntelligenceView> {
    return this.lifecycle.sendBack(actor, id, body);
  }

  @Post(':id/review')
  @Roles(Role.Supervisor)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A supervisor (not the assessment’s author) decides: no further action, development, case, dissemination',
  })
  @ApiOkResponse({ type: IntelligenceView })
  @ApiConflictResponse({ type: Problem, description: CommonError.InvalidTransition })
  review(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: ReviewRequest,
  ): Promise<IntelligenceView> {
    return this.lifecycle.review(actor, id, body);
  }
}
