import type {
  ApnsTarget,
  FcmTarget,
  NotificationSettings,
  NotificationSettingsPatch,
  PushConfig,
  PushKind,
  PushTargetView,
  WebPushTarget,
} from '@ottr/protocol';
import type { ClientCore } from '../client.js';

/**
 * Push notifications: register this device with a push service so that the server can wake it
 * when a message arrives and none of your devices is connected, and your notification settings.
 * In a browser: `pushManager.subscribe({ userVisibleOnly: true, applicationServerKey:
 * (await push.config()).webpush.publicKey })`, then `push.registerWebPush(subscription.toJSON())`.
 */
export class PushApi {
  constructor(private readonly core: ClientCore) {}

  /** Which push services the server sends through, and the VAPID key to subscribe with. */
  config(): Promise<PushConfig> {
    return this.core.rest.request('getPushConfig');
  }

  /** This device's registrations. */
  async targets(): Promise<PushTargetView[]> {
    return (await this.core.rest.request('listPushTargets')).items;
  }

  /** Sets this device's Web Push subscription (a PushSubscription's `toJSON()`). */
  registerWebPush(subscription: WebPushTarget): Promise<PushTargetView> {
    return this.core.rest.request('putWebPushTarget', { body: subscription });
  }

  /** Sets this device's FCM registration token. */
  registerFcm(target: FcmTarget): Promise<PushTargetView> {
    return this.core.rest.request('putFcmTarget', { body: target });
  }

  /** Sets this device's APNs device token (hex), with its topic and environment. */
  registerApns(target: ApnsTarget): Promise<PushTargetView> {
    return this.core.rest.request('putApnsTarget', { body: target });
  }

  /** Stops pushes of this kind to this device. */
  async unregister(kind: PushKind): Promise<void> {
    await this.core.rest.request('deletePushTarget', { params: { kind } });
  }

  /** Privacy of notifications, mentions in muted groups, do-not-disturb hours. */
  settings(): Promise<NotificationSettings> {
    return this.core.rest.request('getNotificationSettings');
  }

  updateSettings(patch: NotificationSettingsPatch): Promise<NotificationSettings> {
    return this.core.rest.request('updateNotificationSettings', { body: patch });
  }
}
