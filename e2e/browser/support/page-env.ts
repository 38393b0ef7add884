// Runs in the page (bundled with a page module): typed access to the Node-side helpers that the
// harness exposes to every test page.
import { EXPOSED } from './exposed.js';
import type { SignedIn } from '../../support/server.js';

type Exposed = { [EXPOSED.signIn]: (email?: string) => Promise<SignedIn> };

/**
 * Signs up a new account (or, for an email that exists, signs in a new device of it) on the
 * page's node. The code flow runs on the Node side, which reads the code from the dev outbox.
 */
export function signIn(email?: string): Promise<SignedIn> {
  return (globalThis as unknown as Exposed)[EXPOSED.signIn](email);
}

/** The node's base URL: the page is opened on the node's own origin. */
export function baseUrl(): string {
  return location.origin;
}
