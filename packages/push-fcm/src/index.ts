export { createFcmProvider, type FcmProviderOptions } from './fcm-provider.js';
export type { FcmServiceAccount } from './fcm-auth.js';
