// Run by sqlite-store.test.ts: appends messages in concurrent waves and prints the seq of each
// acknowledged one, until the parent kills it with SIGKILL.
import { createSqliteStore } from '../index.js';
import { seedDirect, send } from './seed.js';

const store = createSqliteStore({ path: process.argv[2]! });
const { a, id } = await seedDirect(store);
for (;;) {
  const wave = Array.from({ length: 50 }, (_, i) => send(store, id, a, `m${i}`).then((r) => process.stdout.write(`${r.event.seq}\n`)));
  await Promise.all(wave);
}
