export { PushService, MESSAGE_JOB, SEND_JOB, type PushDeps, type PushProviders } from './push.service.js';
export { pushRoutes } from './push.http.js';
