import { SetMetadata } from '@nestjs/common';
import { Role } from './roles.js';

export const ROLES_KEY = 'lantern:roles';
export const PUBLIC_KEY = 'lantern:public';

/** The roles allowed to call a route (any one suffices). Routes without it or @Public() are refused. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Open without a token (login, refresh, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
