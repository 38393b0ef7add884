import { busConformance, requireService } from '@ottr/server/testing';
import { createNatsBus, type NatsBus } from './index.js';
import { TEST_NATS_URL } from './testing.js';

if (await requireService('NATS', TEST_NATS_URL)) {
  busConformance('nats', async () => {
    const nodes: NatsBus[] = [];
    return {
      node: async () => {
        const bus = await createNatsBus({ url: TEST_NATS_URL, name: 'ottr-bus-conformance' });
        nodes.push(bus);
        return bus;
      },
      close: async () => void (await Promise.all(nodes.map((n) => n.close()))),
    };
  });
}
