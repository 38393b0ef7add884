import type { Session } from '@ottr/protocol';

/**
 * What `signIn` gives a test, in Node and in the page alike: the `POST /v1/auth/verify` session
 * (tokens, account and device ids, the account) plus the email address it signed in with.
 */
export type TestSession = Session & { email: string };
