import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Role } from '../../../common/auth/roles.js';

export class LoginRequest {
  @ApiProperty({ example: 'analyst@lantern.example' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct-horse-lantern-27', format: 'password' })
  @IsString()
  @Length(1, 256)
  password: string;

  @ApiPropertyOptional({
    example: true,
    description:
      'Browsers: true to receive the refresh token as an HttpOnly; Secure; SameSite=Strict cookie scoped to ' +
      '/api/v1/auth instead of in the body',
  })
  @IsOptional()
  @IsBoolean()
  cookie?: boolean;
}

export class RefreshRequest {
  @ApiPropertyOptional({
    example: 'r1.4c0b9e2f7a3d6e1b8c5f2a9d4e7b0c3f6a1d8e5b2c9f4a7d0e3b6c1f8a5d2e9',
    description: 'Omit to use the refresh cookie set at login',
  })
  @IsOptional()
  @IsString()
  @Length(20, 200)
  refreshToken?: string;
}

export class ChangePasswordRequest {
  @ApiProperty({ example: 'correct-horse-lantern-27', format: 'password' })
  @IsString()
  @Length(1, 256)
  currentPassword: string;

  @ApiProperty({
    example: 'lamp-post-orchard-tide-9',
    format: 'password',
    minLength: 12,
    description: 'At least 12 characters, not a common password',
  })
  @IsString()
  @MaxLength(256)
  newPassword: string;
}

export class TokenPair {
  @ApiProperty({
    example:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI1YjllMmM3ZiIsInJvbGVzIjpbImFuYWx5c3QiXX0.Q2hhbmdlTWU',
    description: 'JWT (HS256); send as `Authorization: Bearer …`',
  })
  accessToken: string;

  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn: number;

  @ApiPropertyOptional({
    example: 'r1.4c0b9e2f7a3d6e1b8c5f2a9d4e7b0c3f6a1d8e5b2c9f4a7d0e3b6c1f8a5d2e9',
    description:
      'Opaque; exchange once at /auth/refresh for a new pair. Absent when it was set as the cookie',
  })
  refreshToken?: string;
}

export class Me {
  @ApiProperty({ example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'priya.shah@lantern.police.uk' })
  email: string;

  @ApiProperty({ example: 'Priya Shah' })
  displayName: string;

  @ApiProperty({ example: ['analyst'], enum: Role, enumName: 'Role', isArray: true })
  roles: Role[];

  @ApiProperty({ example: null, format: 'uuid', nullable: true, type: String })
  workforceMemberId: string | null;
}
