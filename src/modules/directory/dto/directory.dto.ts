import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { Role } from '../../../common/auth/roles.js';
import { MemberType } from '../../workforce/workforce.enums.js';

export class PeopleLookupQuery {
  @ApiProperty({
    description: 'Staff number, family name or "given family" (prefixes, any case)',
    example: 'ST1',
  })
  @IsString()
  @Length(2, 100)
  q: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 25, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(25)
  limit: number = 10;
}

/** A workforce member as anyone working in Lantern may look them up: no vetting data. */
export class PersonView {
  @ApiProperty({ example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'DS4127' })
  staffNumber: string;

  @ApiProperty({ example: 'Karen' })
  givenName: string;

  @ApiProperty({ example: 'Holloway' })
  familyName: string;

  @ApiProperty({ example: 'Detective Sergeant', nullable: true, type: String })
  rankOrGrade: string | null;

  @ApiProperty({ enum: MemberType, enumName: 'MemberType' })
  memberType: MemberType;

  @ApiProperty({
    example: '1e8c4a7b-3d9f-4c2e-b5a1-6f7d2e9c8b13',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  departmentId: string | null;

  @ApiProperty({ example: 'Response Policing North', nullable: true, type: String })
  departmentName: string | null;
}

export class PeopleLookup {
  @ApiProperty({ type: [PersonView] })
  items: PersonView[];
}

export class UserNamesQuery {
  @ApiPropertyOptional({ enum: Role, enumName: 'Role' })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional({
    type: [String],
    description: 'Only these users (comma-separated or repeated), up to 200',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').filter(Boolean) : value,
  )
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  ids?: string[];
}

/** A user's name as shown beside their id (assignees, investigators, actors in the audit trail). */
export class UserName {
  @ApiProperty({ example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Priya Shah' })
  displayName: string;

  @ApiProperty({ enum: Role, enumName: 'Role', isArray: true })
  roles: Role[];

  @ApiProperty({ example: true })
  enabled: boolean;
}

export class UserNames {
  @ApiProperty({ type: [UserName] })
  items: UserName[];
}

export class DepartmentName {
  @ApiProperty({ example: '1e8c4a7b-3d9f-4c2e-b5a1-6f7d2e9c8b13', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'RESP-N' })
  code: string;

  @ApiProperty({ example: 'Response Policing North' })
  name: string;
}

export class DepartmentNames {
  @ApiProperty({ type: [DepartmentName] })
  items: DepartmentName[];
}

export enum ReferenceKind {
  IntelligenceReport = 'intelligence_report',
  Case = 'case',
}

export class ReferenceParam {
  @ApiProperty({ example: 'INT-2026-000123' })
  @IsString()
  @Matches(/^[A-Za-z0-9-]{3,40}$/, { message: 'reference must be letters, digits and hyphens' })
  reference: string;
}

export class ReferenceView {
  @ApiProperty({ example: 'case', enum: ReferenceKind, enumName: 'ReferenceKind' })
  kind: ReferenceKind;

  @ApiProperty({ example: '8a1d5e27-6c4b-4f0e-b3a9-2e7d9c1f5b34', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'CASE-2026-M4X9TB' })
  reference: string;
}
