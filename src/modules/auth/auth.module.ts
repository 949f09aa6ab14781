import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TokenAuthenticator } from '../../common/auth/access.guard.js';
import { AppConfig } from '../../config/app-config.js';
import { WorkforceModule } from '../workforce/workforce.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { LoginLockout } from './login-lockout.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { PasswordService } from './password.service.js';
import { SessionCache } from './session-cache.js';
import { SessionsRepository } from './sessions.repository.js';
import { JWT_ALGORITHM, TokenService } from './token.service.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [
    WorkforceModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A KeyObject made once: given a string, jsonwebtoken first tries it as a public key on every
        // verify (and throws), which cost ~4% of the API's CPU under load.
        secret: createSecretKey(Buffer.from(config.JWT_SECRET)),
        signOptions: { algorithm: JWT_ALGORITHM, issuer: 'lantern', audience: 'lantern-api' },
        verifyOptions: { algorithms: [JWT_ALGORITHM], issuer: 'lantern', audience: 'lantern-api' },
      }),
    }),
  ],
  controllers: [AuthController, UsersController],
  providers: [
    UsersRepository,
    SessionsRepository,
    PasswordService,
    SessionCache,
    TokenService,
    { provide: TokenAuthenticator, useExisting: TokenService },
    LoginRateLimiter,
    LoginLockout,
    AuthService,
    UsersService,
  ],
  exports: [UsersService, PasswordService, TokenAuthenticator],
})
export class AuthModule {}
