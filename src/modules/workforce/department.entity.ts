import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A department (command, directorate, unit) of the force. */
@Entity('department')
@Index('ix_department_name_id', ['name', 'id'])
export class Department {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The HR system's code, unique. */
  @Index('uq_department_code', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
