// Behind a load balancer every connection comes from the balancer. With OTTR_TRUST_PROXY naming
// it, per-IP limits count each client (X-Forwarded-For) on its own; without it the header is
// ignored, so a client cannot escape a limit by inventing addresses.
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAppConfig, ConfigError } from '../config.js';
import { startTestNode, type TestNode } from '../test-support/harness.js';

describe('client addresses behind a proxy', () => {
  let node: TestNode | undefined;
  afterEach(async () => {
    await node?.close();
    node = undefined;
  });

  const askCode = (n: TestNode, forwardedFor: string, i: number) =>
    fetch(`${n.url}/v1/auth/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ email: `proxy${i}-${Date.now()}@example.com` }),
    }).then((r) => r.status);

  it('with the proxy trusted, each forwarded client has its own sign-in code budget', async () => {
    node = await startTestNode({ trustProxy: '127.0.0.1', auth: { codePerIp: { limit: 2, windowMs: 3_600_000 } } });
    expect([await askCode(node, '203.0.113.1', 1), await askCode(node, '203.0.113.1', 2), await askCode(node, '203.0.113.1', 3)]).toEqual([202, 202, 429]);
    expect(await askCode(node, '203.0.113.2', 4)).toBe(202);
    // The address the trusted proxy appended wins over what the client wrote before it.
    expect(await askCode(node, '198.51.100.9, 203.0.113.1', 5)).toBe(429);
  });

  it('without a trusted proxy, X-Forwarded-For is ignored: the socket address is the client', async () => {
    node = await startTestNode({ auth: { codePerIp: { limit: 2, windowMs: 3_600_000 } } });
    expect([await askCode(node, '203.0.113.1', 1), await askCode(node, '203.0.113.2', 2), await askCode(node, '203.0.113.3', 3)]).toEqual([202, 202, 429]);
  });

  it('OTTR_TRUST_PROXY that is not a list of addresses or ranges stops the node at start', () => {
    expect(() => resolveAppConfig({ OTTR_TRUST_PROXY: '10.0.0.0/8, not-an-address' })).toThrow(ConfigError);
    expect(() => resolveAppConfig({ OTTR_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1, loopback' })).not.toThrow();
  });
});
