export { storeConformance } from './store-conformance.js';
export { failureCode } from './failure.js';
export { requireService, inCI } from './require-service.js';
export { jobQueueConformance, type JobQueueHandle } from './jobs-conformance.js';
export { busConformance, eventually, type BusCluster } from './bus-conformance.js';
export { presenceConformance, type PresenceCluster } from './presence-conformance.js';
export { rateLimiterConformance, type RateLimiterCluster } from './rate-limiter-conformance.js';
export { mediaStoreConformance } from './media-store-conformance.js';
export { mediaFixtures, fixturePath, hasGps, requireFfmpeg, type MediaFixtureName } from './media-fixtures.js';
export {
  pushProviderConformance, pushTarget, CONFORMANCE_RETRY_AFTER_SECONDS, type PushProviderHarness, type ReceivedPush,
} from './push-provider-conformance.js';
export { startFakeWebPushService, type FakeWebPushService, type WebPushReceived, type WebPushError } from './push-fakes/webpush-service.js';
export { startFakeFcm, type FakeFcm, type FakeFcmMessage, type FakeFcmOptions, type FcmServiceAccountJson } from './push-fakes/fcm-server.js';
export { startFakeApns, type FakeApns, type FakeApnsNotification, type FakeApnsOptions, type ApnsCredentials } from './push-fakes/apns-server.js';
