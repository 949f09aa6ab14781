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
  @ApiProperty({ example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08', format: 'uuid' })
  workforceMemberId: string;

  @ApiProperty({ example: 'DS4127' })
  staffNumber: string;

  @ApiProperty({ example: 'Karen Holloway' })
  name: string;

  @ApiProperty({ enum: MemberType, enumName: 'MemberType' })
  memberType: MemberType;

  @ApiProperty({
    example: '2020',
    enum: ConductRegime,
    enumName: 'ConductRegime',
    description: 'The regime that governs this subject’s matter (derived, never chosen)',
  })
  regime: ConductRegime;

  @ApiProperty({
    example: 'gross_misconduct',
    enum: Severity,
    enumName: 'Severity',
    nullable: true,
    description: 'The subject’s current severity assessment',
  })
  severity: Severity | null;
}

export class TimelinessView {
  @ApiProperty({ example: '2026-05-29T10:00:00.000Z', format: 'date-time', nullable: true, type: String })
  lastUpdateAt: string | null;

  @ApiProperty({
    example: '2026-06-26',
    format: 'date',
    description: 'Next update to complainant and subject (every 28 days)',
  })
  nextUpdateDue: string;

  @ApiProperty({ example: false })
  updateOverdue: boolean;

  @ApiProperty({
    example: '2027-05-11',
    format: 'date',
    description: '12 months from recording: reported to the PCC if still open',
  })
  pccReportDue: string;

  @ApiProperty({ example: false })
  pastPccMark: boolean;
}

export class BarredListReminderView {
  @ApiProperty({ example: '2026-06-01T06:00:00.000Z', format: 'date-time' })
  raisedAt: string;

  @ApiProperty({
    example: ['c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08'],
    type: [String],
    format: 'uuid',
    description: 'Dismissed subjects without a Barred List entry',
  })
  workforceMemberIds: string[];
}

export class CaseSummaryView {
  @ApiProperty({ example: '8a1d5e27-6c4b-4f0e-b3a9-2e7d9c1f5b34', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'CASE-2026-M4X9TB' })
  reference: string;

  @ApiProperty({ example: 'misconduct', enum: CaseType, enumName: 'CaseType' })
  caseType: CaseType;

  @ApiProperty({ example: 'conduct_matter', enum: MatterType, enumName: 'MatterType' })
  matterType: MatterType;

  @ApiProperty({ example: 'under_investigation', enum: CaseStatus, enumName: 'CaseStatus' })
  status: CaseStatus;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  primaryCategory: CorruptionCategory;

  @ApiProperty({
    example: ['abuse_of_position_sexual', 'misuse_of_systems'],
    enum: CorruptionCategory,
    enumName: 'CorruptionCategory',
    isArray: true,
  })
  categories: CorruptionCategory[];

  @ApiProperty({ example: ['c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08'], type: [String], format: 'uuid' })
  workforceMemberIds: string[];

  @ApiProperty({
    example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  investigatorId: string | null;

  @ApiProperty({
    example: 'Priya Shah',
    nullable: true,
    type: String,
    description: 'The investigator’s display name',
  })
  investigatorName: string | null;

  @ApiProperty({
    example: '7d3a8f1e-4c2b-4b9d-a6e5-3f1c9b8d2a67',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  supervisorId: string | null;

  @ApiProperty({
    example: 'DI Marcus Reid',
    nullable: true,
    type: String,
    description: 'The supervisor’s display name',
  })
  supervisorName: string | null;

  @ApiProperty({ example: 'gross_misconduct', enum: Severity, enumName: 'Severity', nullable: true })
  severity: Severity | null;

  @ApiProperty({ example: true })
  referralRequired: boolean;

  @ApiProperty({ example: 'directed', enum: IopcDecision, enumName: 'IopcDecision', nullable: true })
  iopcDecision: IopcDecision | null;

  @ApiProperty({ example: '2026-05-11T08:42:17.000Z', format: 'date-time' })
  recordedAt: string;

  @ApiProperty({ example: '2026/27' })
  recordedFinancialYear: string;

  @ApiProperty({ type: TimelinessView })
  timeliness: TimelinessView;

  @ApiProperty({ example: 3 })
  version: number;
}

export class CaseView extends CaseSummaryView {
  @ApiProperty({
    example:
      'Fictional: DS Holloway is alleged to have pursued a relationship with a vulnerable victim of crime met on duty (APSP).',
    description: 'Sensitive narrative',
  })
  allegationSummary: string;

  @ApiProperty({
    example: '2026-02-11',
    format: 'date',
    description:
      'The date the matter came to the force’s attention (London): the officers’ regime follows it (2020 from 1 February 2020, 2012 before)',
  })
  cameToAttentionOn: string;

  @ApiProperty({ example: 'discreditable_conduct', enum: BreachType, enumName: 'BreachType', nullable: true })
  breachType: BreachType | null;

  @ApiProperty({ example: null, enum: CaseStatus, enumName: 'CaseStatus', nullable: true })
  suspendedFrom: CaseStatus | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  suspensionReason: string | null;

  @ApiProperty({ type: [CaseSubjectView] })
  subjects: CaseSubjectView[];

  @ApiProperty({ example: ['3f6c1e9a-2b7d-4c55-9e0a-6d1b8f2c4a70'], type: [String], format: 'uuid' })
  intelligenceReportIds: string[];

  @ApiProperty({ type: ReferralStatusView })
  referral: ReferralStatusView;

  @ApiProperty({ type: [SeverityAssessmentView], description: 'Every assessment, oldest first' })
  severityHistory: SeverityAssessmentView[];

  @ApiProperty({ type: [OutcomeView] })
  outcomes: OutcomeView[];

  @ApiProperty({ type: BarredListReminderView, nullable: true })
  barredListReminder: BarredListReminderView | null;

  @ApiProperty({ example: '2026-05-15T09:00:00.000Z', format: 'date-time', nullable: true, type: String })
  investigationStartedAt: string | null;

  @ApiProperty({ example: null, format: 'date-time', nullable: true, type: String })
  finalisedAt: string | null;

  @ApiProperty({ example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45', format: 'uuid' })
  createdBy: string;

  @ApiProperty({ example: '2026-05-11T08:42:17.000Z', format: 'date-time' })
  createdAt: string;

  @ApiProperty({ example: '2026-06-02T14:05:33.000Z', format: 'date-time' })
  updatedAt: string;
}

export class CasePage extends PageMeta {
  @ApiProperty({ type: [CaseSummaryView] })
  items: CaseSummaryView[];
}
