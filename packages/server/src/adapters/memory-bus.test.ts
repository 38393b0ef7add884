import { busConformance } from '../testing/index.js';
import { MemoryBus, MemoryBusHub } from './memory-bus.js';

// Several "nodes" in one process share a hub: what two MemoryBus instances of one hub do is what
// two nodes on a broker do, synchronously.
busConformance('memory', async () => {
  const hub = new MemoryBusHub();
  const nodes: MemoryBus[] = [];
  return {
    node: async () => {
      const bus = new MemoryBus(undefined, hub);
      nodes.push(bus);
      return bus;
    },
    close: async () => void (await Promise.all(nodes.map((n) => n.close()))),
  };
});
