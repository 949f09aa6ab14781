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
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  staffNumber: string;

  @ApiProperty()
  givenName: string;

  @ApiProperty()
  familyName: string;

  @ApiProperty({ nullable: true, type: String })
  rankOrGrade: string | null;

  @ApiProperty({ enum: MemberType, enumName: 'MemberType' })
  memberType: MemberType;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  departmentId: string | null;

  @ApiProperty({ nullable: true, type: String })
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
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ enum: Role, enumName: 'Role', isArray: true })
  roles: Role[];

  @ApiProperty()
  enabled: boolean;
}

export class UserNames {
  @ApiProperty({ type: [UserName] })
  items: UserName[];
}

export class DepartmentName {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  code: string;

  @ApiProperty()
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
  @ApiProperty({ enum: ReferenceKind, enumName: 'ReferenceKind' })
  kind: ReferenceKind;

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  reference: string;
}
