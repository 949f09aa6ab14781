import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { PageQuery } from '../../common/pagination.js';
import { uuidPipe } from '../../common/validation.js';
import { AlertsService } from './alerts.service.js';
import { ClearancesService } from './clearances.service.js';
import { ComplianceService } from './compliance.service.js';
import {
  AcknowledgeAlertRequest,
  AlertPage,
  AlertQuery,
  AlertView,
  ClearancePage,
  ClearanceView,
  ComplianceQuery,
  ComplianceView,
  DeclarationPage,
  DeclarationRequest,
  DeclarationView,
  RecordClearanceRequest,
  ResolveAlertRequest,
  RulesView,
  WithdrawClearanceRequest,
} from './dto/vetting.dto.js';
import { VettingRulesService } from './vetting-rules.service.js';

const MANAGERS = [Role.VettingOfficer, Role.Supervisor, Role.Admin];

/** A person's clearances and declarations, under their workforce record. */
@ApiTags('vetting')
@ApiBearerAuth()
@Roles(...MANAGERS)
@Controller('workforce/:workforceMemberId')
export class MemberVettingController {
  constructor(private readonly clearances: ClearancesService) {}

  @Post('clearances')
  @ApiOperation({
    summary:
      'Record a clearance (a renewal or change of level supersedes the current one of the same family)',
  })
  @ApiCreatedResponse({ type: ClearanceView })
  record(
    @CurrentActor() actor: Actor,
    @Param('workforceMemberId', uuidPipe('workforceMemberId')) workforceMemberId: string,
    @Body() body: RecordClearanceRequest,
  ): Promise<ClearanceView> {
    return this.clearances.record(actor, workforceMemberId, body);
  }

  @Get('clearances')
  @ApiOperation({ summary: 'The person’s clearance history, newest grant first' })
  @ApiOkResponse({ type: ClearancePage })
  list(
    @CurrentActor() actor: Actor,
    @Param('workforceMemberId', uuidPipe('workforceMemberId')) workforceMemberId: string,
    @Query() query: PageQuery,
  ): Promise<ClearancePage> {
    return this.clearances.listForMember(actor, workforceMemberId, query);
  }

  @Post('declarations')
  @ApiOperation({ summary: 'Record a declared change of circumstances; raises a review_required alert' })
  @ApiCreatedResponse({ type: DeclarationView })
  declare(
    @CurrentActor() actor: Actor,
    @Param('workforceMemberId', uuidPipe('workforceMemberId')) workforceMemberId: string,
    @Body() body: DeclarationRequest,
  ): Promise<DeclarationView> {
    return this.clearances.declare(actor, workforceMemberId, body);
  }

  @Get('declarations')
  @ApiOperation({
    summary: 'A member’s declarations (associations, business interests, changes of circumstance)',
  })
  @ApiOkResponse({ type: DeclarationPage })
  declarations(
    @CurrentActor() actor: Actor,
    @Param('workforceMemberId', uuidPipe('workforceMemberId')) workforceMemberId: string,
    @Query() query: PageQuery,
  ): Promise<DeclarationPage> {
    return this.clearances.listDeclarations(actor, workforceMemberId, query);
  }
}

@ApiTags('vetting')
@ApiBearerAuth()
@Roles(...MANAGERS)
@Controller('vetting')
export class VettingController {
  constructor(
    private readonly clearances: ClearancesService,
    private readonly alerts: AlertsService,
    private readonly complianceService: ComplianceService,
    private readonly rules: VettingRulesService,
  ) {}

  @Get('clearances/:id')
  @ApiOperation({ summary: 'One vetting clearance' })
  @ApiOkResponse({ type: ClearanceView })
  clearance(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<ClearanceView> {
    return this.clearances.get(actor, id);
  }

  @Post('clearances/:id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a clearance (kept in the history with the date and reason)' })
  @ApiOkResponse({ type: ClearanceView })
  withdraw(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: WithdrawClearanceRequest,
  ): Promise<ClearanceView> {
    return this.clearances.withdraw(actor, id, body);
  }

  @Get('alerts')
  @ApiOperation({
    summary: 'Vetting alerts, most urgent (earliest due) first; unresolved unless status is given',
  })
  @ApiOkResponse({ type: AlertPage })
  listAlerts(@CurrentActor() actor: Actor, @Query() query: AlertQuery): Promise<AlertPage> {
    return this.alerts.list(actor, query);
  }

  @Get('alerts/:id')
  @ApiOperation({ summary: 'One vetting alert' })
  @ApiOkResponse({ type: AlertView })
  alert(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<AlertView> {
    return this.alerts.get(actor, id);
  }

  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an open alert (409 if it changed meanwhile)' })
  @ApiOkResponse({ type: AlertView })
  acknowledge(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: AcknowledgeAlertRequest,
  ): Promise<AlertView> {
    return this.alerts.acknowledge(actor, id, body.version);
  }

  @Post('alerts/:id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve an alert with a reason (409 if it changed meanwhile)' })
  @ApiOkResponse({ type: AlertView })
  resolve(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: ResolveAlertRequest,
  ): Promise<AlertView> {
    return this.alerts.resolve(actor, id, body);
  }

  @Get('compliance')
  @Roles(...MANAGERS, Role.Auditor)
  @ApiOperation({
    summary:
      'Share of the workforce in service on a date (default today) with up-to-date vetting, overall and by group',
  })
  @ApiOkResponse({ type: ComplianceView })
  compliance(@CurrentActor() actor: Actor, @Query() query: ComplianceQuery): Promise<ComplianceView> {
    return this.complianceService.compliance(actor, query.asOf);
  }

  @Get('rules')
  @Roles(...MANAGERS, Role.Auditor)
  @ApiOperation({ summary: 'The vetting rules in force (VETTING_RULES over the defaults)' })
  @ApiOkResponse({ type: RulesView })
  rulesInForce(): RulesView {
    return this.rules.rules;
  }
}
