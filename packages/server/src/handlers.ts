import type {
  AccountId,
  ClientFrameOf,
  DeviceId,
  ResultOf,
  ResultSchemas,
  RouteId,
  RouteInput,
  RouteOutput,
  ROUTES,
} from '@ottr/protocol';

/** The authenticated device behind a request or connection. */
export interface AuthContext {
  accountId: AccountId;
  deviceId: DeviceId;
}

type RouteAuth<K extends RouteId> = (typeof ROUTES)[K]['auth'];

/**
 * What a REST handler knows about its request: the device on routes with `auth: true`; on admin
 * routes (`auth: 'admin'`, authenticated by the admin token) no device, and `admin: true`.
 */
export type RequestContext<K extends RouteId = RouteId> = {
  auth: RouteAuth<K> extends true ? AuthContext : null;
  ip: string;
} & (RouteAuth<K> extends 'admin' ? { admin: true } : { admin?: false });

export type HttpHandler<K extends RouteId> = (ctx: RequestContext<K>, input: RouteInput<K>) => Promise<RouteOutput<K>>;

/** A module's REST handlers by operation id; the HTTP transport validates input and output against ROUTES. */
export type HttpHandlers = { [K in RouteId]?: HttpHandler<K> };

/** An authenticated WebSocket connection as handlers see it. */
export interface ConnectionContext extends AuthContext {
  /** Unique per connection (a device reconnecting gets a new one). */
  connectionId: string;
  ip: string;
}

export type FrameType = keyof typeof ResultSchemas;
export type FrameHandler<K extends FrameType> = (conn: ConnectionContext, frame: ClientFrameOf<K>) => Promise<ResultOf<K>>;

/** A module's WebSocket request handlers by frame type (`auth` is the gateway's own). */
export type FrameHandlers = { [K in FrameType]?: FrameHandler<K> };

/** Told when authenticated connections open and close on this node. */
export interface ConnectionListener {
  onOpen?(conn: ConnectionContext): void;
  onClose?(conn: ConnectionContext): void;
}
