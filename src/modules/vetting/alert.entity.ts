import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { WorkforceMember } from '../workforce/workforce-member.entity.js';
import { VettingClearance } from './clearance.entity.js';
import { AlertKind, AlertSource, AlertStatus, VettingLevel } from './vetting.enums.js';

/**
 * A vetting alert: at most one open per clearance and kind (renewal_due, overdue), one open per person
 * below their post's level, and one per source for review_required; then acknowledged and resolved (by an
 * officer with a reason, and a review date while the cause remains, or by the sweep when the cause is gone).
 * A resolved alert is history: when its cause returns the sweep raises a new one. The partial unique
 * indexes that guard this are in the migration (TypeORM cannot declare them).
 */
@Entity('vetting_alert')
@Check('ck_vetting_alert_clearance', "(kind IN ('renewal_due', 'overdue')) = (clearance_id IS NOT NULL)")
@Check(
  'ck_vetting_alert_source',
  "(kind = 'review_required') = (source_id IS NOT NULL) AND (source_id IS NULL) = (source_type IS NULL)",
)
@Check('ck_vetting_alert_resolved', "(status = 'resolved') = (resolved_at IS NOT NULL)")
@Check('ck_vetting_alert_review_by', "review_by IS NULL OR status = 'resolved'")
@Index('uq_vetting_alert_open_clearance_kind', ['clearanceId', 'kind'], {
  unique: true,
  where: "clearance_id IS NOT NULL AND status <> 'resolved'",
})
@Index('ix_vetting_alert_clearance', ['clearanceId', 'kind'], { where: 'clearance_id IS NOT NULL' })
@Index('ix_vetting_alert_review_by', ['reviewBy'], { where: 'review_by IS NOT NULL' })
@Index('ix_vetting_alert_member_review_by', ['workforceMemberId', 'kind', 'reviewBy'], {
  where: 'review_by IS NOT NULL',
})
@Index('uq_vetting_alert_open_below_required', ['workforceMemberId'], {
  unique: true,
  where: "kind = 'below_required' AND status <> 'resolved'",
})
@Index('uq_vetting_alert_source', ['sourceType', 'sourceId'], {
  unique: true,
  where: 'source_id IS NOT NULL',
})
@Index('ix_vetting_alert_unresolved', ['workforceMemberId', 'kind'], { where: "status <> 'resolved'" })
@Index('ix_vetting_alert_due', ['dueOn', 'id'])
@Index('ix_vetting_alert_member', ['workforceMemberId', 'kind'])
export class VettingAlert {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => WorkforceMember, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workforce_member_id', foreignKeyConstraintName: 'fk_vetting_alert_member' })
  workforceMember: Relation<WorkforceMember>;

  @Column({ type: 'uuid' })
  workforceMemberId: string;

  @Column({ type: 'enum', enum: AlertKind, enumName: 'vetting_alert_kind' })
  kind: AlertKind;

  @Column({ type: 'enum', enum: AlertStatus, enumName: 'vetting_alert_status', default: AlertStatus.Open })
  status: AlertStatus;

  @ManyToOne(() => VettingClearance, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'clearance_id', foreignKeyConstraintName: 'fk_vetting_alert_clearance' })
  clearance: Relation<VettingClearance> | null;

  @Column({ type: 'uuid', nullable: true })
  clearanceId: string | null;

  /** The clearance's level (renewal_due, overdue) or the level the post requires (below_required). */
  @Column({ type: 'enum', enum: VettingLevel, enumName: 'vetting_level', nullable: true })
  level: VettingLevel | null;

  /** When action is due: the expiry date, or the day the alert was raised. Lists sort by it. */
  @Column({ type: 'date' })
  dueOn: string;

  @Column({ type: 'enum', enum: AlertSource, enumName: 'vetting_alert_source', nullable: true })
  sourceType: AlertSource | null;

  @Column({ type: 'uuid', nullable: true })
  sourceId: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  raisedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  acknowledgedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  /** null when the sweep resolved it (cause gone). */
  @Column({ type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  resolutionReason: string | null;

  /** Resolved by hand while the cause remained: the sweep raises the alert again from this date. */
  @Column({ type: 'date', nullable: true })
  reviewBy: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;
}
