import type { IncomingMessage } from 'node:http';
import proxyaddr from '@fastify/proxy-addr';

/** Decides whether the hop at `address` (the i-th from the socket) is a proxy we trust. */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * The trusted proxies of `config.trustProxy`: a comma-separated list of addresses and CIDR
 * ranges (or `loopback`, `linklocal`, `uniquelocal`); empty trusts none. Behind a load balancer
 * every client arrives from the balancer's address, so per-IP limits (sign-in codes, admin
 * lockouts) would count all clients together: list the balancer here and ottr takes the client's
 * address from `X-Forwarded-For`, as far as trusted hops reach. Throws on an address it cannot
 * read (the configuration check reports it).
 */
export function trustedProxies(list: string): TrustProxy {
  const entries = list.split(',').map((s) => s.trim()).filter(Boolean);
  return proxyaddr.compile(entries);
}

/** The client's address of a request (an HTTP request or a WebSocket upgrade). */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  return proxyaddr(req, trust);
}
