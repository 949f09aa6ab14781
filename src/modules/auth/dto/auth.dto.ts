import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Role } from '../../../common/auth/roles.js';

export class LoginRequest {
  @ApiProperty({ example: 'analyst@lantern.example' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 256)
  password: string;

  @ApiPropertyOptional({
    description:
      'Browsers: true to receive the refresh token as an HttpOnly; Secure; SameSite=Strict cookie scoped to ' +
      '/api/v1/auth instead of in the body',
  })
  @IsOptional()
  @IsBoolean()
  cookie?: boolean;
}

export class RefreshRequest {
  @ApiPropertyOptional({ description: 'Omit to use the refresh cookie set at login' })
  @IsOptional()
  @IsString()
  @Length(20, 200)
  refreshToken?: string;
}

export class ChangePasswordRequest {
  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 256)
  currentPassword: string;

  @ApiProperty({
    format: 'password',
    minLength: 12,
    description: 'At least 12 characters, not a common password',
  })
  @IsString()
  @MaxLength(256)
  newPassword: string;
}

export class TokenPair {
  @ApiProperty({ description: 'JWT (HS256); send as `Authorization: Bearer …`' })
  accessToken: string;

  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn: number;

  @ApiPropertyOptional({
    description:
      'Opaque; exchange once at /auth/refresh for a new pair. Absent when it was set as the cookie',
  })
  refreshToken?: string;
}

export class Me {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ enum: Role, enumName: 'Role', isArray: true })
  roles: Role[];

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  workforceMemberId: string | null;
}
