import type { HttpHandlers } from '../../handlers.js';
import type { AuthService } from './auth.service.js';

export type AuthRoutes = Required<Pick<HttpHandlers, 'requestCode' | 'verifyCode' | 'refresh' | 'logout'>>;

/** REST handlers of the auth routes (input and output are validated by the HTTP transport). */
export function authRoutes(auth: AuthService): AuthRoutes {
  return {
    requestCode: (ctx, { body }) => auth.requestCode(body, ctx.ip),
    verifyCode: (ctx, { body }) => auth.verifyCode(body, ctx.ip),
    refresh: (_ctx, { body }) => auth.refresh(body.refreshToken),
    logout: (ctx) => auth.logout(ctx.auth),
  };
}
