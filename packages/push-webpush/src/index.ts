export { createWebPushProvider, generateVapidKeys, webPushTopic, type WebPushProviderOptions } from './webpush-provider.js';
