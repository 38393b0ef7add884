export { createApnsProvider, type ApnsProviderOptions } from './apns-provider.js';
