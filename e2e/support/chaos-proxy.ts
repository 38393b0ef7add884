/**
 * A TCP proxy between clients and a server that can cut every connection through it, at once
 * or at random moments: the connection drops the SDK must survive. Both sides are destroyed
 * (no closing handshake), as when a network goes away.
 */
import net from 'node:net';

export interface ChaosProxy {
  /** http://127.0.0.1:<port> of the proxy. */
  url: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections cut so far. */
  readonly cuts: number;
  /** Cuts every open connection now. */
  cutAll(): number;
  /** Cuts one random open connection every `minMs`–`maxMs` until `stop()`. */
  startChaos(minMs: number, maxMs: number, random?: () => number): void;
  stopChaos(): void;
  /** While paused, new connections are refused (a server that cannot be reached). */
  setRefusing(refuse: boolean): void;
  close(): Promise<void>;
}

export async function startChaosProxy(target: string): Promise<ChaosProxy> {
  const { hostname, port } = new URL(target);
  const pairs = new Set<[net.Socket, net.Socket]>();
  let accepted = 0;
  let cuts = 0;
  let refusing = false;
  let timer: NodeJS.Timeout | undefined;

  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    accepted++;
    const upstream = net.connect(Number(port), hostname);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;

  function cut(pair: [net.Socket, net.Socket]): void {
    pairs.delete(pair);
    cuts++;
    pair[0].destroy();
    pair[1].destroy();
  }

  const proxy: ChaosProxy = {
    url: `http://127.0.0.1:${address.port}`,
    get accepted() {
      return accepted;
    },
    get cuts() {
      return cuts;
    },
    cutAll() {
      const all = [...pairs];
      all.forEach(cut);
      return all.length;
    },
    startChaos(minMs, maxMs, random = Math.random) {
      const next = () => {
        timer = setTimeout(
          () => {
            const all = [...pairs];
            const victim = all[Math.floor(random() * all.length)];
            if (victim) cut(victim);
            next();
          },
          minMs + random() * (maxMs - minMs),
        );
      };
      next();
    },
    stopChaos() {
      clearTimeout(timer);
      timer = undefined;
    },
    setRefusing(refuse) {
      refusing = refuse;
    },
    async close() {
      proxy.stopChaos();
      proxy.cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
