export { AuthService, accountOf, enforceRateLimit } from './auth.service.js';
export type { AuthServiceDeps } from './auth.service.js';
export { authRoutes } from './auth.http.js';
export { maskRecipient, tryNormaliseEmail, tryNormalisePhone } from './identifiers.js';
