import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CorruptionCategory } from '../../../common/domain/corruption-category.js';
import {
  GradingScheme,
  IntelligenceState,
  ReceiptMethod,
  ReviewDecision,
  SourceType,
  SubjectRole,
} from '../intelligence.enums.js';
import { GRADE_PART_CODES } from '../intelligence.enums.js';

export class GradingView {
  @ApiProperty({ enum: GradingScheme, enumName: 'GradingScheme' })
  scheme: GradingScheme;

  @ApiProperty({ example: '2', enum: GRADE_PART_CODES.sourceEvaluation })
  sourceEvaluation: string;

  @ApiProperty({ example: 'B', enum: GRADE_PART_CODES.intelligenceAssessment })
  intelligenceAssessment: string;

  @ApiProperty({ example: 'C', enum: GRADE_PART_CODES.handlingCode })
  handlingCode: string;

  @ApiPropertyOptional({
    example: 'Share only with the force vetting unit; do not disclose the source',
    nullable: true,
    type: String,
    description: 'Only on the full report',
  })
  handlingConditions?: string | null;
}

export class SubjectView {
  @ApiProperty({ example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08', format: 'uuid' })
  workforceMemberId: string;

  @ApiProperty({ enum: SubjectRole, enumName: 'SubjectRole' })
  role: SubjectRole;

  @ApiProperty({ example: 'DS4127' })
  staffNumber: string;

  @ApiProperty({ example: 'Karen' })
  givenName: string;

  @ApiProperty({ example: 'Holloway' })
  familyName: string;
}

export class ReportRef {
  @ApiProperty({ example: '6b2d8f4a-1c7e-4a9b-8e3d-5f1a7c9b2e46', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'INT-2026-R8W2MC' })
  reference: string;
}

export class AssessmentView {
  @ApiProperty({ example: '4c8e1f6a-9d2b-4b5e-a7c3-2e9f6d1a8b37', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 2, description: '1 for the first assessment submitted, then 2, ...' })
  versionNo: number;

  @ApiProperty({
    example:
      'Source 2 (untested), intelligence B (known indirectly, corroborated by the ICT audit of 2 June). Grounds to open a case: APSP, vulnerable victim.',
  })
  assessmentText: string;

  @ApiProperty({ example: 'referred_to_case', enum: ReviewDecision, enumName: 'ReviewDecision' })
  recommendedDecision: ReviewDecision;

  @ApiProperty({ example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45', format: 'uuid' })
  submittedBy: string;

  @ApiProperty({
    example: 'Priya Shah',
    nullable: true,
    type: String,
    description: 'Display name of the user',
  })
  submittedByName: string | null;

  @ApiProperty({ example: '2026-05-20T11:02:44.000Z', format: 'date-time' })
  submittedAt: string;

  @ApiProperty({
    type: () => SendBackView,
    nullable: true,
    description: 'When a supervisor sent this version back to its analyst, with why (the version is kept)',
  })
  sentBack: SendBackView | null;
}

export class SendBackView {
  @ApiProperty({
    example:
      'Say which ICT audit corroborates the account, and grade the source 2: the caller has not reported before',
  })
  reason: string;

  @ApiProperty({ example: '7d3a8f1e-4c2b-4b9d-a6e5-3f1c9b8d2a67', format: 'uuid' })
  sentBackBy: string;

  @ApiProperty({
    example: 'DI Marcus Reid',
    nullable: true,
    type: String,
    description: 'Display name of the user',
  })
  sentBackByName: string | null;

  @ApiProperty({ example: '2026-05-21T15:10:00.000Z', format: 'date-time' })
  sentBackAt: string;
}

export class ReviewView {
  @ApiProperty({ example: 'a9d3f7c2-6e1b-4c8a-b4f5-7e2d9a3c1f84', format: 'uuid' })
  id: string;

  @ApiProperty({ example: '4c8e1f6a-9d2b-4b5e-a7c3-2e9f6d1a8b37', format: 'uuid' })
  assessmentId: string;

  @ApiProperty({ example: 'referred_to_case', enum: ReviewDecision, enumName: 'ReviewDecision' })
  decision: ReviewDecision;

  @ApiProperty({ example: null, nullable: true, type: String })
  reason: string | null;

  @ApiProperty({ example: null, nullable: true, type: String, format: 'date' })
  reviewDate: string | null;

  @ApiProperty({
    example: '8a1d5e27-6c4b-4f0e-b3a9-2e7d9c1f5b34',
    nullable: true,
    type: String,
    format: 'uuid',
  })
  caseId: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  recipient: string | null;

  @ApiProperty({ example: '7d3a8f1e-4c2b-4b9d-a6e5-3f1c9b8d2a67', format: 'uuid' })
  reviewedBy: string;

  @ApiProperty({
    example: 'DI Marcus Reid',
    nullable: true,
    type: String,
    description: 'Display name of the user',
  })
  reviewedByName: string | null;

  @ApiProperty({ example: '2026-05-22T09:31:05.000Z', format: 'date-time' })
  reviewedAt: string;
}

export class IntelligenceView {
  @ApiProperty({ example: '3f6c1e9a-2b7d-4c55-9e0a-6d1b8f2c4a70', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'INT-2026-7K3QZD' })
  reference: string;

  @ApiProperty({ example: 'awaiting_review', enum: IntelligenceState, enumName: 'IntelligenceState' })
  state: IntelligenceState;

  @ApiProperty({ example: '2026-05-09T16:20:00.000Z', format: 'date-time' })
  receivedAt: string;

  @ApiProperty({ example: 'reporting_line', enum: ReceiptMethod, enumName: 'ReceiptMethod' })
  receiptMethod: ReceiptMethod;

  @ApiProperty({ enum: SourceType, enumName: 'SourceType' })
  sourceType: SourceType;

  @ApiProperty({
    example: true,
    description: 'False when the caller may not see the source details (they are then null)',
  })
  sourceDetailsVisible: boolean;

  @ApiProperty({
    example:
      'Colleague in the custody suite, by the confidential reporting line; wishes to stay anonymous to the subject',
    nullable: true,
    type: String,
  })
  sourceDetails: string | null;

  @ApiProperty({ type: GradingView })
  grading: GradingView;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  primaryCategory: CorruptionCategory;

  @ApiProperty({
    example: ['misuse_of_systems'],
    enum: CorruptionCategory,
    enumName: 'CorruptionCategory',
    isArray: true,
  })
  secondaryCategories: CorruptionCategory[];

  @ApiProperty({ example: true })
  vulnerablePerson: boolean;

  @ApiProperty({
    example: 'Victim of a domestic abuse incident the subject attended in March 2026',
    nullable: true,
    type: String,
  })
  vulnerablePersonNote: string | null;

  @ApiProperty({
    example:
      'Fictional: the subject is said to have messaged a domestic abuse victim he met on duty, from his personal phone, asking to meet off duty.',
  })
  narrative: string;

  @ApiProperty({ type: [SubjectView] })
  subjects: SubjectView[];

  @ApiProperty({ type: [ReportRef], description: 'Linked reports (either direction) the caller may see' })
  linkedReports: ReportRef[];

  @ApiProperty({ type: [ReportRef] })
  possibleDuplicates: ReportRef[];

  @ApiProperty({ example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45', format: 'uuid' })
  recordedBy: string;

  @ApiProperty({
    example: 'Priya Shah',
    nullable: true,
    type: String,
    description: 'Display name (null in the answer to the recording)',
  })
  recordedByName: string | null;

  @ApiProperty({
    example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  assigneeId: string | null;

  @ApiProperty({
    example: 'Priya Shah',
    nullable: true,
    type: String,
    description: 'The assignee’s display name',
  })
  assigneeName: string | null;

  @ApiProperty({ example: '2026-05-12T09:00:00.000Z', format: 'date-time', nullable: true, type: String })
  assignedAt: string | null;

  @ApiProperty({
    example: '7d3a8f1e-4c2b-4b9d-a6e5-3f1c9b8d2a67',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  assignedBy: string | null;

  @ApiProperty({ example: '2026-05-20T11:02:44.000Z', format: 'date-time', nullable: true, type: String })
  submittedAt: string | null;

  @ApiProperty({
    example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  submittedBy: string | null;

  @ApiProperty({ example: null, format: 'date-time', nullable: true, type: String })
  reviewedAt: string | null;

  @ApiProperty({ example: null, format: 'uuid', nullable: true, type: String })
  reviewedBy: string | null;

  @ApiProperty({ example: null, enum: ReviewDecision, enumName: 'ReviewDecision', nullable: true })
  decision: ReviewDecision | null;

  @ApiProperty({ example: null, nullable: true, type: String, format: 'date' })
  reviewDate: string | null;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The case it was referred to',
  })
  referredCaseId: string | null;

  @ApiProperty({ type: [AssessmentView], description: 'Every version, oldest first' })
  assessments: AssessmentView[];

  @ApiProperty({ type: [ReviewView], description: 'Every review, oldest first' })
  reviews: ReviewView[];

  @ApiProperty({ example: 0 })
  urgencyRank: number;

  @ApiProperty({ example: 23 })
  ageDays: number;

  @ApiProperty({ example: '2026-06-06', format: 'date' })
  dueDate: string;

  @ApiProperty({ example: false })
  overdue: boolean;

  @ApiProperty({ example: 3 })
  version: number;

  @ApiProperty({ example: '2026-05-11T08:42:17.000Z', format: 'date-time' })
  createdAt: string;

  @ApiProperty({ example: '2026-06-02T14:05:33.000Z', format: 'date-time' })
  updatedAt: string;
}
