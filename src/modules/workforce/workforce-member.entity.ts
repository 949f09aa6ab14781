import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { Department } from './department.entity.js';
import { Post } from './post.entity.js';
import { MemberType } from './workforce.enums.js';

/** Anyone the force employs or engages. Subjects of intelligence and cases, holders of vetting clearances. */
@Entity('workforce_member')
@Check('ck_workforce_member_dates', 'leave_date IS NULL OR start_date IS NULL OR leave_date >= start_date')
export class WorkforceMember {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'enum', enum: MemberType, enumName: 'member_type' })
  memberType: MemberType;

  /** Collar or staff number, unique in the force. */
  @Index('uq_workforce_member_staff_number', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  staffNumber: string;

  @Column({ type: 'varchar', length: 100 })
  givenName: string;

  @Column({ type: 'varchar', length: 100 })
  familyName: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  rankOrGrade: string | null;

  @Index('ix_workforce_member_department')
  @ManyToOne(() => Department, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'fk_workforce_member_department' })
  department: Relation<Department> | null;

  @Column({ type: 'uuid', nullable: true })
  departmentId: string | null;

  /** The current post; its required vetting level is what the person's clearances are measured against. */
  @Index('ix_workforce_member_post')
  @ManyToOne(() => Post, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'fk_workforce_member_post' })
  post: Relation<Post> | null;

  @Column({ type: 'uuid', nullable: true })
  postId: string | null;

  /** Indexed (as is leaveDate) for the vetting sweep's "whose state may have changed since" (migration 1795541000000). */
  @Index('ix_workforce_member_start_date')
  @Column({ type: 'date', nullable: true })
  startDate: string | null;

  @Index('ix_workforce_member_leave_date', { where: 'leave_date IS NOT NULL' })
  @Column({ type: 'date', nullable: true })
  leaveDate: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
