import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Relation } from 'typeorm';
import { IntelligenceReport } from '../intelligence/intelligence-report.entity.js';
import { WorkforceMember } from '../workforce/workforce-member.entity.js';
import {
  BreachType,
  CaseEventKind,
  CaseStatus,
  CaseType,
  MatterType,
  ReferralCriterion,
  Severity,
} from './cases.enums.js';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';

/**
 * A case: an investigation into one or more workforce members. Facts the figures aggregate (type, status,
 * financial years recorded and finalised, severity, referral) are columns; the financial years and the
 * timeliness dates are kept by a trigger (migration), so figures are plain SQL aggregates.
 */
@Entity('case_record')
@Index('ix_case_record_recorded', ['recordedAt', 'id'])
@Index('ix_case_record_status_recorded', ['status', 'recordedAt', 'id'])
@Index('ix_case_record_investigator', ['investigatorId', 'recordedAt', 'id'])
@Index('ix_case_record_recorded_fy', ['recordedFinancialYear', 'caseType'])
@Index('ix_case_record_finalised_fy', ['finalisedFinancialYear', 'caseType'])
// Hand-made in the migration: GIN over categories; the overdue-update queue (open cases by due date).
@Index('ix_case_record_categories', { synchronize: false })
@Index('ix_case_record_update_due', { synchronize: false })
@Index('uq_case_record_year_number', ['referenceYear', 'referenceNumber'], { unique: true })
export class CaseRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `CASE-2026-M4X9TB` (src/common/reference.ts); before migration 1795552200000, `CASE-2026-000045`. */
  @Index('uq_case_record_reference', { unique: true })
  @Column({ type: 'varchar', length: 20 })
  reference: string;

  @Column({ type: 'int' })
  referenceYear: number;

  /** The gap-free number of references recorded before migration 1795552200000; NULL since. */
  @Column({ type: 'int', nullable: true })
  referenceNumber: number | null;

  @Column({ type: 'enum', enum: CaseType, enumName: 'case_type' })
  caseType: CaseType;

  /** Home Office misconduct return: complaint, conduct matter, recordable conduct matter. */
  @Column({ type: 'enum', enum: MatterType, enumName: 'case_matter_type' })
  matterType: MatterType;

  @Column({ type: 'enum', enum: CaseStatus, enumName: 'case_status', default: CaseStatus.Open })
  status: CaseStatus;

  /** The status a suspended case returns to. */
  @Column({ type: 'enum', enum: CaseStatus, enumName: 'case_status', nullable: true })
  suspendedFrom: CaseStatus | null;

  @Column({ type: 'text', nullable: true })
  suspensionReason: string | null;

  /** Sensitive narrative: never in logs, audit details or error messages. */
  @Column({ type: 'text' })
  allegationSummary: string;

  @Column({ type: 'enum', enum: CorruptionCategory, enumName: 'corruption_category' })
  primaryCategory: CorruptionCategory;

  /** Every category, the primary included. */
  @Column({ type: 'enum', enum: CorruptionCategory, enumName: 'corruption_category', array: true })
  categories: CorruptionCategory[];

  @Column({ type: 'enum', enum: BreachType, enumName: 'case_breach_type', nullable: true })
  breachType: BreachType | null;

  /** Facts recorded for the referral evaluation (e.g. serious assault, chief officer, same incident). */
  @Column({
    type: 'enum',
    enum: ReferralCriterion,
    enumName: 'referral_criterion',
    array: true,
    default: '{}',
  })
  referralFacts: ReferralCriterion[];

  /** Kept with the categories and facts: the mandatory criteria met. */
  @Column({
    type: 'enum',
    enum: ReferralCriterion,
    enumName: 'referral_criterion',
    array: true,
    default: '{}',
  })
  referralCriteriaMet: ReferralCriterion[];

  @Column({ type: 'boolean', default: false })
  referralRequired: boolean;

  /** A supervisor's record of why no referral was made to the IOPC (lets a required-referral case start). */
  @Column({ type: 'text', nullable: true })
  noReferralReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  noReferralBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  noReferralAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  investigatorId: string | null;

  @Column({ type: 'uuid', nullable: true })
  supervisorId: string | null;

  @Column({ type: 'enum', enum: Severity, enumName: 'case_severity', nullable: true })
  severity: Severity | null;

  /** When the case was recorded (the figures' "recorded" basis). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  /** Financial year (start year) of recordedAt; kept by trigger. */
  @Column({ type: 'int' })
  recordedFinancialYear: number;

  @Column({ type: 'timestamptz', nullable: true })
  investigationStartedAt: Date | null;

  /** When the case closed (the figures' "finalised" basis). */
  @Column({ type: 'timestamptz', nullable: true })
  finalisedAt: Date | null;

  @Column({ type: 'int', nullable: true })
  finalisedFinancialYear: number | null;

  @Column({ type: 'boolean', default: false })
  everSuspended: boolean;

  /** Last progress update to the complainant and subject. */
  @Column({ type: 'timestamptz', nullable: true })
  lastUpdateAt: Date | null;

  /** Next progress update due: 28 days after the last (or after recording); kept by trigger. */
  @Column({ type: 'date' })
  nextUpdateDue: string;

  /** 12 months after recording: an investigation still open then is reported to the PCC; kept by trigger. */
  @Column({ type: 'date' })
  pccReportDue: string;

  /** Raised when a dismissal is recorded; cleared when every dismissed subject has a Barred List entry. */
  @Column({ type: 'timestamptz', nullable: true })
  barredListReminderAt: Date | null;

  @Column({ type: 'uuid' })
  createdBy: string;

  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** The workforce members a case is about (the conflict-of-interest link). */
@Entity('case_subject')
export class CaseSubject {
  @PrimaryColumn({ type: 'uuid' })
  caseId: string;

  @Index('ix_case_subject_member')
  @PrimaryColumn({ type: 'uuid' })
  workforceMemberId: string;

  @ManyToOne(() => CaseRecord, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_subject_case' })
  case: Relation<CaseRecord>;

  @ManyToOne(() => WorkforceMember, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workforce_member_id', foreignKeyConstraintName: 'fk_case_subject_member' })
  workforceMember: Relation<WorkforceMember>;

  @CreateDateColumn({ type: 'timestamptz' })
  addedAt: Date;
}

/** Intelligence reports linked to a case (either way: from the case, or the report's referral to it). */
@Entity('case_intelligence')
export class CaseIntelligence {
  @PrimaryColumn({ type: 'uuid' })
  caseId: string;

  @Index('ix_case_intelligence_report')
  @PrimaryColumn({ type: 'uuid' })
  reportId: string;

  @ManyToOne(() => CaseRecord, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_intelligence_case' })
  case: Relation<CaseRecord>;

  @ManyToOne(() => IntelligenceReport, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'fk_case_intelligence_report' })
  report: Relation<IntelligenceReport>;

  @CreateDateColumn({ type: 'timestamptz' })
  linkedAt: Date;
}

/** Every severity assessment of a case's subjects, with who and why (the latest one is also on the case). */
@Entity('case_severity_assessment')
@Index('ix_case_severity_assessment_case', ['caseId', 'assessedAt'])
export class CaseSeverityAssessment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => CaseRecord, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_severity_assessment_case' })
  case: Relation<CaseRecord>;

  @Column({ type: 'uuid' })
  caseId: string;

  /** The subject assessed; NULL: every subject of the case at the time. */
  @ManyToOne(() => WorkforceMember, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'workforce_member_id', foreignKeyConstraintName: 'fk_case_severity_assessment_member' })
  workforceMember: Relation<WorkforceMember> | null;

  @Column({ type: 'uuid', nullable: true })
  workforceMemberId: string | null;

  @Column({ type: 'enum', enum: Severity, enumName: 'case_severity' })
  severity: Severity;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'uuid' })
  assessedBy: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  assessedAt: Date;
}

/** The case's timeline: every event, who and when. `details` holds codes and ids only; `note` is sensitive. */
@Entity('case_event')
@Index('ix_case_event_case', ['caseId', 'occurredAt', 'id'])
export class CaseEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => CaseRecord, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_event_case' })
  case: Relation<CaseRecord>;

  @Column({ type: 'uuid' })
  caseId: string;

  @Column({ type: 'enum', enum: CaseEventKind, enumName: 'case_event_kind' })
  kind: CaseEventKind;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'timestamptz', default: () => 'clock_timestamp()' })
  occurredAt: Date;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  note: string | null;
}
