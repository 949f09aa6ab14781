import {
  Column,
  CreateDateColumn,
  Entity,
  Generated,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Relation } from 'typeorm';
import { MemberType } from '../workforce/workforce.enums.js';
import { CaseSubject } from './case.entity.js';
import {
  AllegationResult,
  ConductRegime,
  CriminalOutcome,
  LeftService,
  MisconductFinding,
  MisconductOutcome,
  Proceedings,
  ProceedingsResult,
  Severity,
} from './cases.enums.js';

/**
 * One subject's outcome on one case. The subject's workforce type is copied in when recorded (officer vs
 * staff in the figures, as it was then). `finalisedAt` is set when the outcome is complete and confirmed.
 */
@Entity('case_subject_outcome')
@Index('ix_case_subject_outcome_recorded_fy', ['recordedFinancialYear', 'allegationResult'])
@Index('ix_case_subject_outcome_finalised_fy', ['finalisedFinancialYear', 'proceedings', 'misconductOutcome'])
export class CaseSubjectOutcome {
  /** The outcome's own id (e.g. the source of the vetting review it raises). */
  @Index('uq_case_subject_outcome_id', { unique: true })
  @Column({ type: 'uuid' })
  @Generated('uuid')
  id: string;

  @PrimaryColumn({ type: 'uuid' })
  caseId: string;

  @Index('ix_case_subject_outcome_member')
  @PrimaryColumn({ type: 'uuid' })
  workforceMemberId: string;

  /** An outcome belongs to one subject of the case; removing the subject while it has one is refused. */
  @ManyToOne(() => CaseSubject, { onDelete: 'RESTRICT' })
  @JoinColumn([
    {
      name: 'case_id',
      referencedColumnName: 'caseId',
      foreignKeyConstraintName: 'fk_case_subject_outcome_subject',
    },
    {
      name: 'workforce_member_id',
      referencedColumnName: 'workforceMemberId',
      foreignKeyConstraintName: 'fk_case_subject_outcome_subject',
    },
  ])
  subject: Relation<CaseSubject>;

  @Column({ type: 'enum', enum: MemberType, enumName: 'member_type' })
  memberType: MemberType;

  @Column({ type: 'enum', enum: CriminalOutcome, enumName: 'criminal_outcome', nullable: true })
  criminalOutcome: CriminalOutcome | null;

  @Column({ type: 'enum', enum: MisconductFinding, enumName: 'misconduct_finding', nullable: true })
  misconductFinding: MisconductFinding | null;

  @Column({ type: 'enum', enum: Proceedings, enumName: 'misconduct_proceedings', nullable: true })
  proceedings: Proceedings | null;

  @Column({ type: 'enum', enum: ProceedingsResult, enumName: 'proceedings_result', nullable: true })
  proceedingsResult: ProceedingsResult | null;

  @Column({ type: 'enum', enum: MisconductOutcome, enumName: 'misconduct_outcome', nullable: true })
  misconductOutcome: MisconductOutcome | null;

  @Column({ type: 'enum', enum: ConductRegime, enumName: 'conduct_regime', nullable: true })
  regime: ConductRegime | null;

  @Column({ type: 'enum', enum: AllegationResult, enumName: 'allegation_result', nullable: true })
  allegationResult: AllegationResult | null;

  @Column({ type: 'enum', enum: LeftService, enumName: 'left_service', nullable: true })
  leftService: LeftService | null;

  @Column({ type: 'date', nullable: true })
  leftServiceOn: string | null;

  @Column({ type: 'boolean', default: false })
  wouldHaveBeenDismissed: boolean;

  @Column({ type: 'date', nullable: true })
  barredListOn: string | null;

  @Column({ type: 'date', nullable: true })
  advisoryListOn: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  @Column({ type: 'int' })
  recordedFinancialYear: number;

  /** Set when the outcome is complete (nothing missing for closure); kept by the service. */
  @Column({ type: 'timestamptz', nullable: true })
  finalisedAt: Date | null;

  @Column({ type: 'int', nullable: true })
  finalisedFinancialYear: number | null;

  @Column({ type: 'uuid' })
  recordedBy: string;

  /** The subject's severity assessment when the outcome was last proposed. */
  @Column({ type: 'enum', enum: Severity, enumName: 'case_severity', nullable: true })
  severity: Severity | null;

  /** Confirmed by a supervisor other than the proposer (`recordedBy`); a new proposal clears it. */
  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  confirmedBy: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
