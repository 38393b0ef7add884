/** Names of the Node-side helpers a test page can call (page.exposeFunction). */
export const EXPOSED = {
  /** `(email?: string) => Promise<SignedIn>`: the sign-in code flow, done on the Node side. */
  signIn: '__ottrSignIn',
} as const;
