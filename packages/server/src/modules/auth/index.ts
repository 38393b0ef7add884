export { AuthService, TOUCH_INTERVAL_MS, accountOf, enforceRateLimit } from './auth.service.js';
export type { AuthServiceDeps, CodeSent, VerifyRequest } from './auth.service.js';
export { authHttpHandlers } from './auth.http.js';
export type { AuthHttpHandlers } from './auth.http.js';
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
