import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NATS_SERVER_BIN } from '@ottr/bus-nats/testing';
import { ENV_VARS, resolveAppConfig } from '@ottr/server-app';

/**
 * docs/scaling.md is what a user follows from one SQLite node to a cluster: its links, the
 * variables it names and the files of docs/examples/cluster it points to must hold. The NATS
 * and HAProxy files are checked by the real programs where they are installed (HAProxy is not
 * part of CI: without it that check is skipped, with the reason in its name).
 */
const DOCS = new URL('../../docs/', import.meta.url);
const CLUSTER = new URL('examples/cluster/', DOCS);
const read = (url: URL): string => readFileSync(url, 'utf8');
const doc = read(new URL('scaling.md', DOCS));
const HAPROXY_BIN = process.env.OTTR_HAPROXY_BIN ?? '/usr/sbin/haproxy';

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

/** The fenced blocks of the doc, without their fences. */
const blocks = [...doc.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
const withoutFences = doc.replace(/^```[a-z]*\n[\s\S]*?^```$/gm, '');

/** KEY=value lines of an env file, quotes removed. */
function envFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return env;
}

/** Meaningful lines of a config: comments and blank lines dropped, spaces squeezed. */
const lines = (text: string): string[] =>
  text.split('\n').map((l) => l.replace(/#.*$/, '').replace(/\s+/g, ' ').trim()).filter(Boolean);

describe('docs/scaling.md', () => {
  it('links only to headings and files that exist', () => {
    const anchors = new Set([...withoutFences.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!)));
    const inPage = [...doc.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(inPage.length).toBeGreaterThan(10);
    expect(inPage.filter((a) => !anchors.has(a))).toEqual([]);
    const files = [...doc.matchAll(/\]\((examples\/[^)#]+)\)/g)].map((m) => m[1]!);
    expect(files.filter((f) => !existsSync(new URL(f, DOCS)))).toEqual([]);
  });

  it('names only environment variables that ottr reads', () => {
    const known = new Set(ENV_VARS.map((v) => v.name));
    const named = new Set([...doc.matchAll(/\bOTTR_[A-Z0-9_]+/g)].map((m) => m[0]));
    expect([...named].filter((n) => !known.has(n))).toEqual([]);
  });

  it('keeps the capacity plan section for the benchmark figures', () => {
    expect(doc).toMatch(/^### Capacity plan$/m);
  });
});

describe('docs/examples/cluster/ottr-node.env', () => {
  const env = envFile(read(new URL('ottr-node.env', CLUSTER)));

  it('sets only variables that ottr reads', () => {
    const known = new Set(ENV_VARS.map((v) => v.name));
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
  });

  it('is a valid cluster node configuration: PostgreSQL store, presence and limits, NATS bus', () => {
    const config = resolveAppConfig(env);
    expect({ store: config.store.driver, bus: config.bus.driver, presence: config.presence.driver, rateLimiter: config.rateLimiter.driver }).toEqual({
      store: 'postgres',
      bus: 'nats',
      presence: 'postgres',
      rateLimiter: 'postgres',
    });
    expect(config.bus.nats.url.split(',')).toHaveLength(3);
  });

  it('is what step 3 of the doc shows', () => {
    const shown = blocks.find((b) => b.startsWith('OTTR_NODE_ID='));
    expect(shown).toBeDefined();
    for (const [key] of Object.entries(envFile(shown!.replace(/ (?=[A-Z_]+=)/g, '\n')))) expect(env).toHaveProperty(key);
  });
});

describe('docs/examples/cluster NATS configs', () => {
  const confs = [1, 2, 3].map((i) => read(new URL(`nats-${i}.conf`, CLUSTER)));

  it('differ only in server_name, and each lists the three routes', () => {
    const rest = confs.map((c, i) =>
      c.replaceAll(`nats-${i + 1}.conf`, 'nats-N.conf').replace(`server ${i + 1} of 3`, 'server N of 3').replace(/^server_name: nats-\d$/m, ''),
    );
    expect(new Set(rest).size).toBe(1);
    for (const c of confs) expect(c.match(/nats-route:\/\/nats-\d:6222/g)).toEqual(['nats-route://nats-1:6222', 'nats-route://nats-2:6222', 'nats-route://nats-3:6222']);
  });

  it('are the cluster the doc shows', () => {
    const shown = blocks.find((b) => b.startsWith('server_name: nats-1'));
    expect(shown).toBeDefined();
    expect(lines(shown!).filter((l) => !lines(confs[0]!).includes(l))).toEqual([]);
  });

  const haveNats = existsSync(NATS_SERVER_BIN);
  it.skipIf(!haveNats)(haveNats ? 'parse with nats-server -t' : `parse with nats-server -t: skipped, ${NATS_SERVER_BIN} is missing`, () => {
    for (const i of [1, 2, 3]) {
      const out = execFileSync(NATS_SERVER_BIN, ['-t', '-c', fileURLToPath(new URL(`nats-${i}.conf`, CLUSTER))], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(out + '').not.toMatch(/error/i);
    }
  });
});

describe('docs/examples/cluster/haproxy.cfg', () => {
  const file = fileURLToPath(new URL('haproxy.cfg', CLUSTER));
  const cfg = read(new URL('haproxy.cfg', CLUSTER));

  it('is the configuration the doc shows: health checks on /readyz, long tunnels, no stickiness', () => {
    const shown = blocks.find((b) => b.startsWith('defaults\n'));
    expect(shown).toBeDefined();
    expect(lines(shown!).filter((l) => !lines(cfg).includes(l))).toEqual([]);
    expect(lines(cfg)).toEqual(expect.arrayContaining(['http-check send meth GET uri /readyz', 'timeout tunnel 1h']));
    expect(lines(cfg).filter((l) => /^(cookie|stick|balance source|hash-type)\b/.test(l) || / cookie /.test(l))).toEqual([]);
  });

  const haveHaproxy = existsSync(HAPROXY_BIN);
  it.skipIf(!haveHaproxy)(haveHaproxy ? 'parses with haproxy -c' : `parses with haproxy -c: skipped, ${HAPROXY_BIN} is missing (HAProxy is not part of CI)`, () => {
    const out = execFileSync(HAPROXY_BIN, ['-c', '-f', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/Configuration file is valid/);
  });
});
