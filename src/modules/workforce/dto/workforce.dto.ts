import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsDateString,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { Int4, OptionalUuid, QueryBoolean } from '../../../common/dto.js';
import { PageMeta, PageQuery } from '../../../common/pagination.js';
import { VettingLevel, VettingState } from '../../vetting/vetting.enums.js';
import { MemberType } from '../workforce.enums.js';

const CODE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$/;
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

// ---------- Departments ----------

export class CreateDepartmentRequest {
  @ApiProperty({ example: 'PSD', description: 'HR code, unique: letters, digits, . _ / -' })
  @Transform(trim)
  @Matches(CODE, { message: 'code must be 1-32 letters, digits, . _ / or -' })
  code: string;

  @ApiProperty({ example: 'Professional Standards Department' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;
}

export class UpdateDepartmentRequest {
  @ApiPropertyOptional({ example: 'PSD' })
  @IsOptional()
  @Transform(trim)
  @Matches(CODE, { message: 'code must be 1-32 letters, digits, . _ / or -' })
  code?: string;

  @ApiPropertyOptional({ example: 'Professional Standards: Counter-Corruption Unit' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiProperty({ example: 3, description: 'The version you read; a stale one is a 409' })
  @Int4(1)
  version: number;
}

export class DepartmentView {
  @ApiProperty({ example: '1e8c4a7b-3d9f-4c2e-b5a1-6f7d2e9c8b13', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'PSD-CCU' }) code: string;
  @ApiProperty({ example: 'Professional Standards: Counter-Corruption Unit' }) name: string;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ example: '2026-05-11T08:42:17.000Z', format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: '2026-06-02T14:05:33.000Z', format: 'date-time' }) updatedAt: string;
}

export class DepartmentQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Name starts with (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  namePrefix?: string;
}

export class DepartmentPage extends PageMeta {
  @ApiProperty({ type: [DepartmentView] }) items: DepartmentView[];
}

// ---------- Posts ----------

export class CreatePostRequest {
  @ApiProperty({ example: 'PSD-CCU-DS' })
  @Transform(trim)
  @Matches(CODE, { message: 'code must be 1-32 letters, digits, . _ / or -' })
  code: string;

  @ApiProperty({ example: 'Detective Sergeant, Counter-Corruption Unit' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiPropertyOptional({
    example: '1e8c4a7b-3d9f-4c2e-b5a1-6f7d2e9c8b13',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsUUID('all')
  departmentId?: string | null;

  @ApiPropertyOptional({ example: 'MV', enum: VettingLevel, enumName: 'VettingLevel', nullable: true })
  @IsOptional()
  @IsEnum(VettingLevel)
  requiredLevel?: VettingLevel | null;
}

export class UpdatePostRequest {
  @ApiPropertyOptional({ example: 'PSD-CCU-DS' })
  @IsOptional()
  @Transform(trim)
  @Matches(CODE, { message: 'code must be 1-32 letters, digits, . _ / or -' })
  code?: string;

  @ApiPropertyOptional({ example: 'Detective Sergeant, Counter-Corruption Unit' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({
    example: '1e8c4a7b-3d9f-4c2e-b5a1-6f7d2e9c8b13',
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null: no department',
  })
  @ValidateIf((o: UpdatePostRequest) => o.departmentId !== undefined && o.departmentId !== null)
  @IsUUID('all')
  departmentId?: string | null;

  @ApiPropertyOptional({
    example: 'MV',
    enum: VettingLevel,
    enumName: 'VettingLevel',
    nullable: true,
    description: 'null: no particular level; a change re-checks everyone in the post',
  })
  @ValidateIf((o: UpdatePostRequest) => o.requiredLevel !== undefined && o.requiredLevel !== null)
  @IsEnum(VettingLevel)
  requiredLevel?: VettingLevel | null;

  @ApiProperty({ example: 3 })
  @Int4(1)
  version: number;
}

export class PostView {
  @ApiProperty({ example: '9c5d2b8e-7a1f-4d3c-8e6b-4a2f1c7d9e51', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'PSD-CCU-DS' }) code: string;
  @ApiProperty({ example: 'Detective Sergeant, Counter-Corruption Unit' }) title: string;
  @ApiProperty({
    example: '1e8c4a7b-3d9f-4c2e-b5a1-6f7d2e9c8b13',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  departmentId: string | null;
  @ApiProperty({ example: 'MV', enum: VettingLevel, enumName: 'VettingLevel', nullable: true })
  requiredLevel: VettingLevel | null;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ example: '2026-05-11T08:42:17.000Z', format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: '2026-06-02T14:05:33.000Z', format: 'date-time' }) updatedAt: string;
}

export class PostQuery extends PageQuery {
  @OptionalUuid('Posts in this department')
  departmentId?: string;

  @ApiPropertyOptional({ enum: VettingLevel, enumName: 'VettingLevel' })
  @IsOptional()
  @IsEnum(VettingLevel)
  requiredLevel?: VettingLevel;
}

export class PostPage extends PageMeta {
  @ApiProperty({ type: [PostView] }) items: PostView[];
}

// ---------- Members ----------

export class CreateMemberRequest {
  @ApiProperty({ enum: MemberType, enumName: 'MemberType' })
  @IsEnum(MemberType)
  memberType: MemberType;

  @ApiProperty({ example: 'PC1234', description: 'Collar or staff number, unique in the force' })
  @Transform(trim)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9/-]{0,31}$/, {
    message: 'staffNumber must be 1-32 letters, digits, / or -',
  })
  staffNumber: string;

  @ApiProperty({ example: 'Sam' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  givenName: string;

  @ApiProperty({ example: 'Patel' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  familyName: string;

  @ApiPropertyOptional({ example: 'Detective Sergeant', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  rankOrGrade?: string | null;

  @ApiPropertyOptional({
    example: '1e8c4a7b-3d9f-4c2e-b5a1-6f7d2e9c8b13',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsUUID('all')
  departmentId?: string | null;

  @ApiPropertyOptional({
    example: '9c5d2b8e-7a1f-4d3c-8e6b-4a2f1c7d9e51',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsUUID('all')
  postId?: string | null;

  @ApiPropertyOptional({ example: '2014-09-01', format: 'date', nullable: true, type: String })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'startDate must be a date (YYYY-MM-DD)' })
  startDate?: string | null;

  @ApiPropertyOptional({ example: null, format: 'date', nullable: true, type: String })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'leaveDate must be a date (YYYY-MM-DD)' })
  leaveDate?: string | null;
}

/** Every field optional except the version; null clears a nullable field. */
export class UpdateMemberRequest {
  @ApiPropertyOptional({ enum: MemberType, enumName: 'MemberType' })
  @IsOptional()
  @IsEnum(MemberType)
  memberType?: MemberType;

  @ApiPropertyOptional({ example: 'DS4127' })
  @IsOptional()
  @Transform(trim)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9/-]{0,31}$/, {
    message: 'staffNumber must be 1-32 letters, digits, / or -',
  })
  staffNumber?: string;

  @ApiPropertyOptional({ example: 'Karen' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  givenName?: string;

  @ApiPropertyOptional({ example: 'Holloway' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  familyName?: string;

  @ApiPropertyOptional({ example: 'Detective Sergeant', nullable: true, type: String })
  @ValidateIf((o: UpdateMemberRequest) => o.rankOrGrade !== undefined && o.rankOrGrade !== null)
  @IsString()
  @Length(1, 100)
  rankOrGrade?: string | null;

  @ApiPropertyOptional({
    example: '1e8c4a7b-3d9f-4c2e-b5a1-6f7d2e9c8b13',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  @ValidateIf((o: UpdateMemberRequest) => o.departmentId !== undefined && o.departmentId !== null)
  @IsUUID('all')
  departmentId?: string | null;

  @ApiPropertyOptional({
    example: '9c5d2b8e-7a1f-4d3c-8e6b-4a2f1c7d9e51',
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'A change re-checks vetting',
  })
  @ValidateIf((o: UpdateMemberRequest) => o.postId !== undefined && o.postId !== null)
  @IsUUID('all')
  postId?: string | null;

  @ApiPropertyOptional({ example: '2014-09-01', format: 'date', nullable: true, type: String })
  @ValidateIf((o: UpdateMemberRequest) => o.startDate !== undefined && o.startDate !== null)
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'startDate must be a date (YYYY-MM-DD)' })
  startDate?: string | null;

  @ApiPropertyOptional({ example: null, format: 'date', nullable: true, type: String })
  @ValidateIf((o: UpdateMemberRequest) => o.leaveDate !== undefined && o.leaveDate !== null)
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'leaveDate must be a date (YYYY-MM-DD)' })
  leaveDate?: string | null;

  @ApiProperty({ example: 3 })
  @Int4(1)
  version: number;
}

export class MemberVetting {
  @ApiProperty({ example: 'up_to_date', enum: VettingState, enumName: 'VettingState' }) state: VettingState;
  @ApiProperty({
    example: 'MV',
    enum: VettingLevel,
    enumName: 'VettingLevel',
    nullable: true,
    description: 'What the post requires',
  })
  requiredLevel: VettingLevel | null;
  @ApiProperty({
    example: '2a7f9c4e-8b3d-4e1a-9f6c-1d5b8e3a7c26',
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The clearance the state rests on',
  })
  clearanceId: string | null;
  @ApiProperty({ example: 'MV', enum: VettingLevel, enumName: 'VettingLevel', nullable: true })
  clearanceLevel: VettingLevel | null;
  @ApiProperty({ example: '2029-03-17', format: 'date', nullable: true, type: String }) expiresOn:
    string | null;
}

export class MemberView {
  @ApiProperty({ example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08', format: 'uuid' }) id: string;
  @ApiProperty({ enum: MemberType, enumName: 'MemberType' }) memberType: MemberType;
  @ApiProperty({ example: 'DS4127' }) staffNumber: string;
  @ApiProperty({ example: 'Karen' }) givenName: string;
  @ApiProperty({ example: 'Holloway' }) familyName: string;
  @ApiProperty({ example: 'Detective Sergeant', nullable: true, type: String }) rankOrGrade: string | null;
  @ApiProperty({
    example: '1e8c4a7b-3d9f-4c2e-b5a1-6f7d2e9c8b13',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  departmentId: string | null;
  @ApiProperty({
    example: '9c5d2b8e-7a1f-4d3c-8e6b-4a2f1c7d9e51',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  postId: string | null;
  @ApiProperty({ example: '2014-09-01', format: 'date', nullable: true, type: String }) startDate:
    string | null;
  @ApiProperty({ example: null, format: 'date', nullable: true, type: String }) leaveDate: string | null;
  @ApiProperty({ example: true, description: 'Employed today (started, not left)' }) current: boolean;
  @ApiProperty({ type: MemberVetting }) vetting: MemberVetting;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ example: '2026-05-11T08:42:17.000Z', format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: '2026-06-02T14:05:33.000Z', format: 'date-time' }) updatedAt: string;
}

export class MemberQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MemberType, enumName: 'MemberType' })
  @IsOptional()
  @IsEnum(MemberType)
  memberType?: MemberType;

  @OptionalUuid('In this department')
  departmentId?: string;

  @OptionalUuid('In this post')
  postId?: string;

  @ApiPropertyOptional({ enum: VettingState, enumName: 'VettingState' })
  @IsOptional()
  @IsEnum(VettingState)
  vettingState?: VettingState;

  @QueryBoolean('Only people employed today (true) or only leavers and future starters (false)')
  current?: boolean;

  @ApiPropertyOptional({ description: 'Staff number starts with' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  staffNumberPrefix?: string;

  @ApiPropertyOptional({ description: 'Family name starts with (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  familyNamePrefix?: string;
}

export class MemberPage extends PageMeta {
  @ApiProperty({ type: [MemberView] }) items: MemberView[];
}

export class ImportRowError {
  @ApiProperty({ description: 'Line number in the file (the header is line 1)' }) line: number;
  @ApiProperty({ example: 'member_type' }) column: string;
  @ApiProperty({ example: 'member_type must be one of officer, staff, ...' }) message: string;
}

export class ImportResult {
  @ApiProperty({ example: 3012 }) rows: number;
  @ApiProperty({ example: 12 }) inserted: number;
  @ApiProperty({ example: 7 }) updated: number;
  @ApiProperty({ example: 2993, description: 'Rows identical to what is stored' }) unchanged: number;
}

export const IMPORT_COLUMNS = [
  'staff_number',
  'member_type',
  'given_name',
  'family_name',
  'rank_or_grade',
  'department_code',
  'post_code',
  'start_date',
  'leave_date',
] as const;
