import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { MemberType } from './workforce.enums.js';

/** Anyone the force employs or engages. Subjects of intelligence and cases, holders of vetting clearances. */
@Entity('workforce_member')
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

  @Column({ type: 'date', nullable: true })
  startDate: string | null;

  @Column({ type: 'date', nullable: true })
  leaveDate: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
