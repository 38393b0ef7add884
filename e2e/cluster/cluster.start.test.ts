// Two ottr processes started at the same moment on a fresh, empty PostgreSQL database: both come
// up, the migrations are applied once (by one of them, under the advisory lock), and they serve
// together at once.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clusterReady, errorLines, startCluster, type Event } from './harness.js';
import type { NodeProcess } from './nodes.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../packages/store-postgres/src/migrations', import.meta.url));

describe.runIf(clusterReady)('two processes starting together on an empty database', () => {
  it('both come up, the migrations are applied exactly once, and a message crosses between them live', async () => {
    const c = await startCluster(['n1', 'n2'], { together: true });
    const [n1, n2] = c.nodes as [NodeProcess, NodeProcess];
    for (const node of c.nodes) expect(errorLines(node), `${node.name}'s output`).toEqual([]);

    const rows = await c.sql<{ version: number; applied_at: string }>('SELECT version, applied_at FROM schema_migrations ORDER BY version');
    // One row per migration file, each once; all stamped by one run of migrate (one `now` per run),
    // so one node applied them all and the other found them done.
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_\w+\.ts$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(rows.map((r) => r.version)).toEqual(files.map((_, i) => i + 1));
    expect(new Set(rows.map((r) => r.applied_at)).size).toBe(1);

    const ada = await c.signIn(n1);
    const ben = await c.signIn(n2);
    const { conversation } = await c.api<{ conversation: { id: string } }>(n2, 'POST', '/v1/conversations', { kind: 'direct', peer: ben.accountId }, ada.accessToken);
    const a = await c.connect(n1, ada);
    const b = await c.connect(n2, ben);
    const { event } = await a.call<{ event: Event }>({ type: 'send', conversationId: conversation.id, clientMsgId: 'first', content: { kind: 'text', text: 'hello from n1' } });
    expect((await b.next<{ event: Event }>('event', (f) => f.event.id === event.id)).event).toEqual(event);
    for (const node of c.nodes) expect(errorLines(node), `${node.name}'s output`).toEqual([]);
  }, 180_000);
});
