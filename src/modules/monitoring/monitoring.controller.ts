import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseEnumPipe,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Public, Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { NdjsonBody } from '../../common/body.js';
import { CommonError, Problem, ProblemException, problems } from '../../common/problem.js';
import { uuidPipe } from '../../common/validation.js';
import {
  CreateSourceRequest,
  FlagPage,
  FlagQuery,
  FlagView,
  IngestResult,
  RuleView,
  SourceView,
  SourceWithKey,
  TrialRequest,
  TrialResult,
  UpdateRuleRequest,
} from './dto/monitoring.dto.js';
import { FlagsService } from './flags.service.js';
import { IngestService } from './ingest.service.js';
import { RuleCode } from './monitoring.enums.js';
import { RulesService } from './rules.service.js';
import { SOURCE_KEY_HEADER, SourcesService } from './sources.service.js';

const rulePipe = new ParseEnumPipe(RuleCode, {
  exceptionFactory: () => problems.notFound('rule'),
});

/** ICT access monitoring (docs/monitoring.md): source systems, ingest, rules and their trials, flags. */
@ApiTags('monitoring')
@Controller('monitoring')
export class MonitoringController {
  constructor(
    private readonly sources: SourcesService,
    private readonly ingest: IngestService,
    private readonly rules: RulesService,
    private readonly flags: FlagsService,
  ) {}

  @Post('sources')
  @ApiBearerAuth()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Register a source system; its API key is in this answer only' })
  @ApiCreatedResponse({ type: SourceWithKey })
  createSource(@CurrentActor() actor: Actor, @Body() body: CreateSourceRequest): Promise<SourceWithKey> {
    return this.sources.create(actor, body.name);
  }

  @Get('sources')
  @ApiOperation({ summary: "List the source systems and their keys' state (never a key)" })
  @ApiBearerAuth()
  @Roles(Role.Admin)
  @ApiOkResponse({ type: [SourceView] })
  listSources(@CurrentActor() actor: Actor): Promise<SourceView[]> {
    return this.sources.list(actor);
  }

  @Post('sources/:id/rotate')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'A new key for the source (the old one stops working); shown once' })
  @ApiOkResponse({ type: SourceWithKey })
  rotateSource(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
  ): Promise<SourceWithKey> {
    return this.sources.rotate(actor, id);
  }

  @Post('sources/:id/revoke')
  @ApiOperation({ summary: "Revoke a source's key: its events are refused from now on" })
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles(Role.Admin)
  @ApiOkResponse({ type: SourceView })
  revokeSource(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<SourceView> {
    return this.sources.revoke(actor, id);
  }

  @Post('events')
  @HttpCode(200)
  @Public()
  @NdjsonBody()
  @ApiOperation({
    summary:
      'A batch of access and contact events (application/x-ndjson), authenticated by the source system key: ' +
      'good rows stored (idempotent per source, event id and time), bad rows reported by line and reason',
  })
  @ApiHeader({ name: 'X-Source-Key', required: true, description: 'The source system API key' })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({
    schema: {
      type: 'string',
      example:
        '{"kind":"access","eventId":"E1","occurredAt":"2026-06-01T10:00:00Z","user":"PC1","action":"view","recordType":"crime","recordId":"CR/1","people":[{"ref":"P1","role":"victim","vulnerable":true}]}\n',
    },
  })
  @ApiOkResponse({ type: IngestResult })
  @ApiUnauthorizedResponse({
    type: Problem,
    description: 'invalid_source_key: no, an unknown or a revoked X-Source-Key (the same answer for each)',
  })
  async events(
    @CurrentActor() actor: Actor,
    @Headers(SOURCE_KEY_HEADER) key: string | undefined,
    @Req() request: FastifyRequest,
  ): Promise<IngestResult> {
    const source = await this.sources.authenticate(key);
    if (typeof request.body !== 'string') {
      throw new ProblemException({
        status: 415,
        code: CommonError.UnsupportedMediaType,
        detail: 'Send the events as application/x-ndjson',
      });
    }
    return this.ingest.ingestNdjson(actor, source, request.body);
  }

  @Get('rules')
  @ApiOperation({ summary: 'The monitoring rules: thresholds, reasons, enabled or not' })
  @ApiBearerAuth()
  @Roles(Role.Supervisor, Role.Analyst)
  @ApiOkResponse({ type: [RuleView] })
  listRules(@CurrentActor() actor: Actor): Promise<RuleView[]> {
    return this.rules.list(actor);
  }

  @Patch('rules/:code')
  @ApiParam({ name: 'code', enum: RuleCode, enumName: 'MonitoringRuleCode' })
  @ApiBearerAuth()
  @Roles(Role.Supervisor)
  @ApiOperation({ summary: 'Enable or disable a rule, change its thresholds or reason (try it first)' })
  @ApiOkResponse({ type: RuleView })
  updateRule(
    @CurrentActor() actor: Actor,
    @Param('code', rulePipe) code: RuleCode,
    @Body() body: UpdateRuleRequest,
  ): Promise<RuleView> {
    return this.rules.update(actor, code, body);
  }

  @Post('rules/:code/trial')
  @ApiParam({ name: 'code', enum: RuleCode, enumName: 'MonitoringRuleCode' })
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles(Role.Supervisor)
  @ApiOperation({
    summary:
      'The flags a rule would raise over a past period, proposed against current thresholds, by department (no names)',
  })
  @ApiOkResponse({ type: TrialResult })
  trial(
    @CurrentActor() actor: Actor,
    @Param('code', rulePipe) code: RuleCode,
    @Body() body: TrialRequest,
  ): Promise<TrialResult> {
    return this.rules.trial(actor, code, body);
  }

  @Get('flags')
  @ApiOperation({ summary: 'Flags the rules raised (none about the caller)' })
  @ApiBearerAuth()
  @Roles(Role.Supervisor, Role.Analyst)
  @ApiOkResponse({ type: FlagPage })
  listFlags(@CurrentActor() actor: Actor, @Query() query: FlagQuery): Promise<FlagPage> {
    return this.flags.list(actor, query);
  }

  @Get('flags/:id')
  @ApiOperation({ summary: 'One flag with its reason and the events behind it' })
  @ApiBearerAuth()
  @Roles(Role.Supervisor, Role.Analyst)
  @ApiOkResponse({ type: FlagView })
  getFlag(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<FlagView> {
    return this.flags.get(actor, id);
  }
}
