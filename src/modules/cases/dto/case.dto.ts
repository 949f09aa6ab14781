import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../../common/pagination.js';
import { MemberType } from '../../workforce/workforce.enums.js';
import {
  BreachType,
  CaseStatus,
  CaseType,
  ConductRegime,
  IopcDecision,
  MatterType,
  Severity,
} from '../cases.enums.js';
import { CorruptionCategory } from '../../../common/domain/corruption-category.js';
import { ReferralStatusView } from './referral.dto.js';
import { SeverityAssessmentView, OutcomeView } from './outcome.dto.js';

// The views of a case.

export class CaseSubjectView {
  @ApiProperty({ format: 'uuid' })
  workforceMemberId: string;

  @ApiProperty()
  staffNumber: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: MemberType, enumName: 'MemberType' })
  memberType: MemberType;

  @ApiProperty({
    enum: ConductRegime,
    enumName: 'ConductRegime',
    description: 'The regime that governs this subject’s matter (derived, never chosen)',
  })
  regime: ConductRegime;

  @ApiProperty({
    enum: Severity,
    enumName: 'Severity',
    nullable: true,
    description: 'The subject’s current severity assessment',
  })
  severity: Severity | null;
}

export class TimelinessView {
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastUpdateAt: string | null;

  @ApiProperty({ format: 'date', description: 'Next update to complainant and subject (every 28 days)' })
  nextUpdateDue: string;

  @ApiProperty()
  updateOverdue: boolean;

  @ApiProperty({ format: 'date', description: '12 months from recording: reported to the PCC if still open' })
  pccReportDue: string;

  @ApiProperty()
  pastPccMark: boolean;
}

export class BarredListReminderView {
  @ApiProperty({ format: 'date-time' })
  raisedAt: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Dismissed subjects without a Barred List entry',
  })
  subjectIds: string[];
}

export class CaseSummaryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'CASE-2026-M4X9TB' })
  reference: string;

  @ApiProperty({ enum: CaseType, enumName: 'CaseType' })
  caseType: CaseType;

  @ApiProperty({ enum: MatterType, enumName: 'MatterType' })
  matterType: MatterType;

  @ApiProperty({ enum: CaseStatus, enumName: 'CaseStatus' })
  status: CaseStatus;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  primaryCategory: CorruptionCategory;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory', isArray: true })
  categories: CorruptionCategory[];

  @ApiProperty({ type: [String], format: 'uuid' })
  subjectIds: string[];

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  investigatorId: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The investigator’s display name' })
  investigatorName: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  supervisorId: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The supervisor’s display name' })
  supervisorName: string | null;

  @ApiProperty({ enum: Severity, enumName: 'Severity', nullable: true })
  severity: Severity | null;

  @ApiProperty()
  referralRequired: boolean;

  @ApiProperty({ enum: IopcDecision, enumName: 'IopcDecision', nullable: true })
  iopcDecision: IopcDecision | null;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;

  @ApiProperty({ example: '2017/18' })
  recordedFinancialYear: string;

  @ApiProperty({ type: TimelinessView })
  timeliness: TimelinessView;

  @ApiProperty()
  version: number;
}

export class CaseView extends CaseSummaryView {
  @ApiProperty({ description: 'Sensitive narrative' })
  allegationSummary: string;

  @ApiProperty({
    format: 'date',
    description:
      'The date the matter came to the force’s attention (London): the officers’ regime follows it (2020 from 1 February 2020, 2012 before)',
  })
  cameToAttentionOn: string;

  @ApiProperty({ enum: BreachType, enumName: 'BreachType', nullable: true })
  breachType: BreachType | null;

  @ApiProperty({ enum: CaseStatus, enumName: 'CaseStatus', nullable: true })
  suspendedFrom: CaseStatus | null;

  @ApiProperty({ nullable: true, type: String })
  suspensionReason: string | null;

  @ApiProperty({ type: [CaseSubjectView] })
  subjects: CaseSubjectView[];

  @ApiProperty({ type: [String], format: 'uuid' })
  intelligenceReportIds: string[];

  @ApiProperty({ type: ReferralStatusView })
  referral: ReferralStatusView;

  @ApiProperty({ type: [SeverityAssessmentView], description: 'Every assessment, oldest first' })
  severityHistory: SeverityAssessmentView[];

  @ApiProperty({ type: [OutcomeView] })
  outcomes: OutcomeView[];

  @ApiProperty({ type: BarredListReminderView, nullable: true })
  barredListReminder: BarredListReminderView | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  investigationStartedAt: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finalisedAt: string | null;

  @ApiProperty({ format: 'uuid' })
  createdBy: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class CasePage extends PageMeta {
  @ApiProperty({ type: [CaseSummaryView] })
  items: CaseSummaryView[];
}
