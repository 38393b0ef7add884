export { AuthService, TOUCH_INTERVAL_MS, accountOf, enforceRateLimit } from './auth.service.js';
export type { AuthServiceDeps, CodeSent, VerifyRequest } from './auth.service.js';
export { authRoutes } from './auth.http.js';
export type { AuthRoutes } from './auth.http.js';
export {
  EMAIL_MAX_LENGTH,
  identifierKey,
  maskEmail,
  maskIdentifier,
  maskPhone,
  maskRecipient,
  normaliseEmail,
  normalisePhone,
  parseIdentifier,
  tryNormaliseEmail,
  tryNormalisePhone,
} from './identifiers.js';
export type { IdentifierKind, ParsedIdentifier } from './identifiers.js';
export { hashToken } from './tokens.js';
