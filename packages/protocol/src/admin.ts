import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AccountIdSchema } from './ids.js';
import { LIMITS } from './limits.js';
import { DeviceInfoSchema } from './models.js';

const Strict = { additionalProperties: false } as const;
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** An account as the operator sees it through the admin API (docs/protocol.md §11). */
export const AdminAccountSchema = Type.Object(
  {
    id: AccountIdSchema,
    phone: Nullable(Type.String({ description: 'E.164' })),
    email: Nullable(Type.String()),
    displayName: Type.String(),
    createdAt: Type.Integer(),
    lastSeenAt: Nullable(Type.Integer({ description: 'When its last device disconnected' })),
    suspendedAt: Nullable(Type.Integer({ description: 'Set while the account is suspended' })),
    deletedAt: Nullable(Type.Integer({ description: 'Set once the account was deleted (identifiers and profile erased)' })),
    devices: Type.Integer({ minimum: 0, description: 'Signed-in (not revoked) devices' }),
  },
  Strict,
);
export type AdminAccount = Static<typeof AdminAccountSchema>;

const DisplayName = Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.displayNameLength, description: 'Default: the masked identifier, as at sign-up' }));

/** Body of POST /v1/admin/accounts: exactly one identifier and an optional display name. */
export const AdminCreateAccountSchema = Type.Union(
  [
    Type.Object({ phone: Type.String({ minLength: 3, maxLength: 32, description: 'Phone number, ideally E.164 (+15551234567)' }), displayName: DisplayName }, Strict),
    Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }), displayName: DisplayName }, Strict),
  ],
  { description: 'Exactly one of phone or email, and optionally a display name' },
);
export type AdminCreateAccount = Static<typeof AdminCreateAccountSchema>;

/** Query of GET /v1/admin/accounts. */
export const AdminAccountsQuerySchema = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSize })),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 254, description: 'Exact account id, phone number or email address (normalised like at sign-in)' }),
    ),
  },
  Strict,
);

export const AdminAccountPageSchema = Type.Object(
  { items: Type.Array(AdminAccountSchema), next: Type.Union([Type.String(), Type.Null()], { description: 'Opaque cursor; null at the end' }) },
  Strict,
);

/** Body of POST /v1/admin/accounts/{accountId}/sessions: the device to sign in, as at /v1/auth/verify. */
export const AdminCreateSessionSchema = Type.Object({ device: DeviceInfoSchema }, Strict);
export type AdminCreateSession = Static<typeof AdminCreateSessionSchema>;
