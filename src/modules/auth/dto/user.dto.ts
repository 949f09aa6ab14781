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

  @ApiPropertyOptional({
    example: 'correct-horse-lantern-27',
    format: 'password',
    description: 'Omit to have one generated and returned once',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;

  @ApiPropertyOptional({
    example: 'e4f1a9c3-2d6b-4e8a-9c5f-7a3b1d2e6f90',
    format: 'uuid',
    description: 'The user’s own workforce record',
  })
  @IsOptional()
  @IsUUID('all')
  workforceMemberId?: string;
}

export class UpdateRolesRequest {
  @RolesProperty()
  roles: Role[];

  @ApiProperty({ example: 3, description: 'The version you read; a stale one is a 409' })
  @Int4(1)
  version: number;
}

export class LinkWorkforceMemberRequest {
  @ApiProperty({
    example: 'e4f1a9c3-2d6b-4e8a-9c5f-7a3b1d2e6f90',
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null removes the link',
  })
  @ValidateIf((o: LinkWorkforceMemberRequest) => o.workforceMemberId !== null)
  @IsUUID('all')
  workforceMemberId: string | null;

  @ApiProperty({ example: 3 })
  @Int4(1)
  version: number;
}

export class ResetPasswordRequest {
  @ApiPropertyOptional({
    example: 'lamp-post-orchard-tide-9',
    format: 'password',
    description: 'Omit to have one generated and returned once',
  })
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
  @ApiProperty({ example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'priya.shah@lantern.police.uk' })
  email: string;

  @ApiProperty({ example: 'Priya Shah' })
  displayName: string;

  @ApiProperty({ example: ['analyst'], enum: Role, enumName: 'Role', isArray: true })
  roles: Role[];

  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ example: null, format: 'uuid', nullable: true, type: String })
  workforceMemberId: string | null;

  @ApiProperty({ example: null, format: 'date-time', nullable: true, type: String })
  lockedUntil: string | null;

  @ApiProperty({ example: 3 })
  version: number;

  @ApiProperty({ example: '2026-05-11T08:42:17.000Z', format: 'date-time' })
  createdAt: string;

  @ApiProperty({ example: '2026-06-02T14:05:33.000Z', format: 'date-time' })
  updatedAt: string;
}

export class CreatedUser extends UserView {
  @ApiPropertyOptional({
    example: 'tidal-ember-quarry-58',
    description: 'Only when generated: shown this once, never stored in clear',
  })
  generatedPassword?: string;
}

export class PasswordReset {
  @ApiPropertyOptional({
    example: 'tidal-ember-quarry-58',
    description: 'Only when generated: shown this once',
  })
  generatedPassword?: string;
}

export class UserPage extends PageMeta {
  @ApiProperty({ type: [UserView] })
  items: UserView[];
}
