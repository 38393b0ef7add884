import { presenceConformance } from '../testing/index.js';
import { MemoryPresence, MemoryPresenceHub } from './memory-presence.js';

// "Nodes" in one process share a hub. Known gap: no crash case (no node dies apart from the process).
presenceConformance('memory', async () => {
  const hub = new MemoryPresenceHub();
  const nodes: MemoryPresence[] = [];
  return {
    node: async () => {
      const node = new MemoryPresence(hub);
      nodes.push(node);
      return node;
    },
    close: async () => void (await Promise.all(nodes.map((n) => n.close()))),
  };
});
