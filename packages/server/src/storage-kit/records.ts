import type { AccountId, DeviceId } from '@ottr/protocol';
import type { JobRecord, JobStatus } from '../ports/jobs.js';
import type { AccountRecord, DeviceRecord, TokenRecord } from '../ports/store.js';

export interface AccountRow {
  id: string;
  phone: string | null;
  email: string | null;
  display_name: string;
  about: string;
  avatar: string | null;
  presence_privacy: AccountRecord['presencePrivacy'];
  created_at: number;
  last_seen_at: number | null;
  suspended_at: number | null;
  deleted_at: number | null;
}

export const toAccount = (r: AccountRow): AccountRecord => ({
  id: r.id as AccountId,
  phone: r.phone,
  email: r.email,
  displayName: r.display_name,
  about: r.about,
  avatar: r.avatar,
  presencePrivacy: r.presence_privacy,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  suspendedAt: r.suspended_at,
  deletedAt: r.deleted_at,
});

/** Columns of accounts that an AccountPatch may set. */
export const PATCH_COLUMNS = { displayName: 'display_name', about: 'about', avatar: 'avatar', presencePrivacy: 'presence_privacy' } as const;

export interface DeviceRow {
  id: string;
  account_id: string;
  name: string;
  platform: string;
  created_at: number;
  last_active_at: number;
  revoked_at: number | null;
}

export interface TokenRow {
  hash: string;
  device_id: string;
  kind: TokenRecord['kind'];
  expires_at: number;
  rotated_at: number | null;
}

export const toDevice = (r: DeviceRow): DeviceRecord => ({
  id: r.id as DeviceId,
  accountId: r.account_id as AccountId,
  name: r.name,
  platform: r.platform,
  createdAt: r.created_at,
  lastActiveAt: r.last_active_at,
  revokedAt: r.revoked_at,
});

export const toToken = (r: TokenRow): TokenRecord => ({ hash: r.hash, deviceId: r.device_id as DeviceId, kind: r.kind, expiresAt: r.expires_at });

/** A jobs row (payload as JSON text). */
export interface JobRow {
  id: string;
  kind: string;
  payload: string;
  dedupe_key: string | null;
  status: JobStatus;
  due_at: number;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  worker: string | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

export const toJob = (r: JobRow): JobRecord => ({
  id: r.id,
  kind: r.kind,
  payload: JSON.parse(r.payload) as unknown,
  dedupeKey: r.dedupe_key,
  status: r.status,
  runAt: r.due_at,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  worker: r.worker,
  lastError: r.last_error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});
