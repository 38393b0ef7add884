import type { AccountId, ConversationId, PushPayload } from '@ottr/protocol';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { UlidGenerator } from '../adapters/system-clock.js';
import type { PushMessage, PushOutcome, PushProvider, PushTargetRecord } from '../ports/index.js';
import { makeTest } from './store/fixtures.js';

/** One push as the fake service got it, decoded back to the platform-neutral shape. */
export interface ReceivedPush {
  /** The target's address the push went to (Web Push endpoint, FCM token, APNs device token). */
  address: string;
  /** What the app gets, decoded back (FCM: the string `data` map parsed back to numbers and booleans). */
  payload: PushPayload;
  /**
   * What makes a newer push replace an older one: Web Push `Topic`, FCM `android.collapse_key`,
   * APNs `apns-collapse-id`. Every adapter uses the conversation id (a `cnv_…` id is 30
   * base64url characters, so it is a valid Web Push Topic as it is); undefined when absent.
   */
  collapseKey: string | undefined;
  /** Web Push `Urgency`, FCM `android.priority` (HIGH → high), APNs `apns-priority` (10 → high, 5 → normal). */
  urgency: 'high' | 'normal';
  /** Web Push `TTL`, FCM `android.ttl`, APNs `apns-expiration` minus the time it arrived. */
  ttlSeconds: number;
  /**
   * Whether the platform shows it by itself: FCM with `notification`, APNs push type `alert`
   * (true); FCM data only, APNs `background` (false). Undefined where the platform has no such
   * notion (Web Push: the service worker always decides).
   */
  visible: boolean | undefined;
}

/** One adapter against a fresh local fake of its service (push-fakes/). */
export interface PushProviderHarness {
  readonly provider: PushProvider;
  /** A new target that the fake service knows (a subscription, a registered token). */
  target(): Promise<PushTargetRecord>;
  /** Everything the fake accepted so far, oldest first. */
  received(): Promise<ReceivedPush[]>;
  /**
   * The fake answers the next request with a failure of this kind, once:
   * `gone` — the target no longer exists (Web Push 410, FCM 404 UNREGISTERED, APNs 410 Unregistered);
   * `throttle` — 429 with `Retry-After: 7` (seconds);
   * `server` — 500 (or 503);
   * `rejected` — a request refused for good (Web Push 413 or 400, FCM 400 INVALID_ARGUMENT about the
   * message, APNs 400 with another reason than a bad token).
   */
  failNext(kind: 'gone' | 'throttle' | 'server' | 'rejected'): void;
  /** Stops the fake service: its port then refuses connections. `close()` must still work afterwards. */
  stopService(): Promise<void>;
  /** Closes the provider and the fake. */
  close(): Promise<void>;
}

/** What `failNext('throttle')` puts in Retry-After, in seconds. */
export const CONFORMANCE_RETRY_AFTER_SECONDS = 7;

/** A target record for an adapter's own tests: `kind` at `address`, of a made-up device. */
export function pushTarget(kind: PushTargetRecord['kind'], address: string, params: Record<string, string> = {}): PushTargetRecord {
  return { accountId: `acc_${kind}` as AccountId, deviceId: `dev_${kind}` as PushTargetRecord['deviceId'], kind, address, params, createdAt: 0, updatedAt: 0 };
}

/**
 * The one conformance suite of the push-provider port (ports/push.ts). Every adapter runs it
 * against the local fake of its service; `open` gives a fresh provider and fake per test. An
 * adapter's test file:
 *
 *   import { pushProviderConformance, startFakeWebPushService } from '@ottr/server/testing';
 *   pushProviderConformance('webpush', async () => { const fake = await startFakeWebPushService(); … });
 *
 * `gaps` names tests an adapter does not pass, each with its reason; they are reported as
 * skipped with the reason in their title.
 */
export function pushProviderConformance(
  name: string,
  open: () => Promise<PushProviderHarness>,
  gaps: Readonly<Record<string, string>> = {},
): void {
  describe(`push provider conformance: ${name}`, () => {
    const test = makeTest(gaps);
    const ids = new UlidGenerator();
    let harness: PushProviderHarness | undefined;
    const h = (): PushProviderHarness => harness!;
    const conversation = () => ids.next('conversation') as ConversationId;
    const alert = (over: Partial<Extract<PushPayload, { type: 'message' }>> = {}): Extract<PushPayload, { type: 'message' }> => ({
      type: 'message',
      conversationId: conversation(),
      seq: 42,
      title: 'Ada Lovelace',
      body: 'The engine is ready — shall we run it tonight?',
      count: 3,
      badge: 7,
      senderId: ids.next('account') as AccountId,
      mention: true,
      ...over,
    });
    const high = (payload: PushPayload, ttlSeconds = 3600): PushMessage => ({ payload, ttlSeconds, urgency: 'high' });
    const send = async (message: PushMessage, target?: PushTargetRecord): Promise<PushOutcome> =>
      h().provider.send(target ?? (await h().target()), message);

    beforeEach(async () => {
      harness = await open();
    });
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    test('an alert arrives with exactly the payload sent, collapsed by conversation, high urgency, its ttl', async () => {
      const target = await h().target();
      const payload = alert();
      const outcome = await send(high(payload, 3600), target);
      expect(outcome.outcome).toBe('sent');
      expect(outcome.outcome === 'sent' && outcome.ms >= 0).toBe(true);
      const got = await h().received();
      expect(got).toHaveLength(1);
      expect(got[0]!.address).toBe(target.address);
      expect(got[0]!.payload).toEqual(payload);
      expect(got[0]!.collapseKey).toBe(payload.conversationId);
      expect(got[0]!.urgency).toBe('high');
      expect(got[0]!.visible).not.toBe(false);
      expectTtl(got[0]!.ttlSeconds, 3600);
    });

    test('a quiet alert (do-not-disturb hours) arrives quiet, still shown, with normal urgency', async () => {
      const payload = alert({ quiet: true });
      expect(await send({ payload, ttlSeconds: 600, urgency: 'normal' })).toMatchObject({ outcome: 'sent' });
      const [got] = await h().received();
      expect(got!.payload).toEqual(payload);
      expect(got!.urgency).toBe('normal');
      expect(got!.visible).not.toBe(false);
    });

    test('an alert without the optional fields arrives without them', async () => {
      const { senderId: _s, mention: _m, ...payload } = alert({ title: 'New message', body: '' });
      expect(await send(high(payload, 60))).toMatchObject({ outcome: 'sent' });
      const got = await h().received();
      expect(got.map((r) => r.payload)).toEqual([payload]);
      expectTtl(got[0]!.ttlSeconds, 60);
    });

    test('a clear arrives as a silent push with the badge, normal urgency, its ttl', async () => {
      const payload: PushPayload = { type: 'clear', conversationId: conversation(), badge: 0 };
      expect(await send({ payload, ttlSeconds: 600, urgency: 'normal' })).toMatchObject({ outcome: 'sent' });
      const got = await h().received();
      expect(got).toHaveLength(1);
      expect(got[0]!.payload).toEqual(payload);
      expect(got[0]!.urgency).toBe('normal');
      expect(got[0]!.visible).not.toBe(true);
      expect(got[0]!.collapseKey === undefined || got[0]!.collapseKey === payload.conversationId).toBe(true);
      expectTtl(got[0]!.ttlSeconds, 600);
    });

    test('pushes for two conversations have different collapse keys, two for one conversation the same', async () => {
      const target = await h().target();
      const a = alert();
      const b = alert();
      for (const p of [a, { ...a, seq: 43, count: 4 }, b]) expect(await send(high(p), target)).toMatchObject({ outcome: 'sent' });
      const keys = (await h().received()).map((r) => r.collapseKey);
      expect(keys).toEqual([a.conversationId, a.conversationId, b.conversationId]);
    });

    test('a 4000-character emoji and CJK text is cut to fit, valid UTF-8 ending in …, the rest intact', async () => {
      const long = '漢字😀かな'.repeat(800); // 4000 characters, 12,800 UTF-8 bytes
      const payload = alert({ body: long, title: 'Zoë 👩‍💻 说' });
      expect(await send(high(payload))).toMatchObject({ outcome: 'sent' });
      const got = await h().received();
      expect(got).toHaveLength(1);
      const body = (got[0]!.payload as Extract<PushPayload, { type: 'message' }>).body;
      expect(body.endsWith('…')).toBe(true);
      expect(LONE_SURROGATE.test(body)).toBe(false);
      expect(Buffer.from(body).toString()).toBe(body);
      const kept = body.slice(0, -1);
      expect(long.startsWith(kept)).toBe(true);
      expect(kept.length).toBeGreaterThan(100); // cut to fit, not emptied
      expect(got[0]!.payload).toEqual({ ...payload, body });
    });

    test('a push to a target that is gone reports gone', async () => {
      h().failNext('gone');
      expectOutcome(await send(high(alert())), 'gone');
      expect(await h().received()).toEqual([]);
    });

    test('throttled: retry not before Retry-After', async () => {
      h().failNext('throttle');
      const outcome = await send(high(alert()));
      expectOutcome(outcome, 'retry');
      expect(outcome.outcome === 'retry' && outcome.retryAfterMs).toBe(CONFORMANCE_RETRY_AFTER_SECONDS * 1000);
    });

    test('a server error: retry; the next send goes through', async () => {
      const target = await h().target();
      h().failNext('server');
      expectOutcome(await send(high(alert()), target), 'retry');
      const payload = alert();
      expect(await send(high(payload), target)).toMatchObject({ outcome: 'sent' });
      expect((await h().received()).map((r) => r.payload)).toEqual([payload]);
    });

    test('a request refused for good reports rejected', async () => {
      h().failNext('rejected');
      expectOutcome(await send(high(alert())), 'rejected');
    });

    test('the service down (connection refused): retry', async () => {
      const target = await h().target();
      await h().stopService();
      expectOutcome(await send(high(alert()), target), 'retry');
    });

    test('ten pushes at once to ten targets all arrive, once each', async () => {
      const targets = await Promise.all(Array.from({ length: 10 }, () => h().target()));
      const payloads = targets.map((_, i) => alert({ seq: i + 1 }));
      const outcomes = await Promise.all(targets.map((t, i) => send(high(payloads[i]!), t)));
      expect(outcomes.map((o) => o.outcome)).toEqual(Array(10).fill('sent'));
      const got = await h().received();
      expect(got).toHaveLength(10);
      for (const [i, t] of targets.entries()) {
        expect(got.filter((r) => r.address === t.address).map((r) => r.payload)).toEqual([payloads[i]]);
      }
    });
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The outcome is of this kind, with a reason to log. */
function expectOutcome(outcome: PushOutcome, kind: 'gone' | 'retry' | 'rejected'): void {
  expect(outcome.outcome).toBe(kind);
  expect(outcome.outcome !== 'sent' && outcome.reason.length > 0).toBe(true);
}

/** APNs carries an expiry time (whole seconds), not a ttl: allow the seconds the request took. */
function expectTtl(got: number, sent: number): void {
  expect(got).toBeGreaterThanOrEqual(sent - 5);
  expect(got).toBeLessThanOrEqual(sent + 1);
}
