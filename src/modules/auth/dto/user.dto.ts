import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { Role } from '../../../common/auth/roles.js';
import { Int4, QueryBoolean } from '../../../common/dto.js';
import { PageMeta, PageQuery } from '../../../common/pagination.js';

const RolesProperty = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ enum: Role, enumName: 'Role', isArray: true, example: ['analyst'] }),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(5),
    ArrayUnique(),
    IsEnum(Role, { each: true }),
  );

export class CreateUserRequest {
  @ApiProperty({ example: 'j.smith@force.police.uk' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'J Smith' })
  @IsString()
  @Length(1, 200)
  displayName: string;

  @RolesProperty()
  roles: Role[];

  @ApiPropertyOptional({ format: 'password', description: 'Omit to have one generated and returned once' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The user’s own workforce record' })
  @IsOptional()
  @IsUUID('all')
  workforceMemberId?: string;
}

export class UpdateRolesRequest {
  @RolesProperty()
  roles: Role[];

  @ApiProperty({ description: 'The version you read; a stale one is a 409' })
  @Int4(1)
  version: number;
}

export class LinkWorkforceMemberRequest {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null removes the link' })
  @ValidateIf((o: LinkWorkforceMemberRequest) => o.workforceMemberId !== null)
  @IsUUID('all')
  workforceMemberId: string | null;

  @ApiProperty()
  @Int4(1)
  version: number;
}

export class ResetPasswordRequest {
  @ApiPropertyOptional({ format: 'password', description: 'Omit to have one generated and returned once' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ enum: Role, enumName: 'Role' })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @QueryBoolean('Only enabled (true) or disabled (false) users')
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'Email starts with' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  emailPrefix?: string;
}

export class UserView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ enum: Role, enumName: 'Role', isArray: true })
  roles: Role[];

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  workforceMemberId: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lockedUntil: string | null;

  @ApiProperty()
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class CreatedUser extends UserView {
  @ApiPropertyOptional({ description: 'Only when generated: shown this once, never stored in clear' })
  generatedPassword?: string;
}

export class PasswordReset {
  @ApiPropertyOptional({ description: 'Only when generated: shown this once' })
  generatedPassword?: string;
}

export class UserPage extends PageMeta {
  @ApiProperty({ type: [UserView] })
  items: UserView[];
}
