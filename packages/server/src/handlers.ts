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

/** What a REST handler knows about its request. */
export interface RequestContext<K extends RouteId = RouteId> {
  auth: (typeof ROUTES)[K]['auth'] extends true ? AuthContext : null;
  ip: string;
}

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
