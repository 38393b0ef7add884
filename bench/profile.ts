/** How much each workload does in a quick and in a full run, and the figures ottr aims for. */
export interface Profile {
  users: number;
  idleConnections: number;
  pairs: number;
  throughput: { window: number; warmupMs: number; durationMs: number; messageBytes: number };
  latency: { rate: number; warmupMs: number; durationMs: number; messageBytes: number };
  fanoutMembers: number[];
  fanout: { messages: number; messageBytes: number };
  sync: { conversations: number; perConversation: number };
  rest: { concurrency: number; warmupMs: number; durationMs: number; messageBytes: number };
  storeCeilingSeconds: number;
}

const MESSAGE_BYTES = 100;

export function profileFor(quick: boolean): Profile {
  const seconds = quick ? 3_000 : 10_000;
  const idle = quick ? 2_000 : 10_000;
  const fanoutMembers = quick ? [1_000] : [1_000, 10_000];
  return {
    users: Math.max(idle, ...fanoutMembers),
    idleConnections: idle,
    pairs: quick ? 100 : 200,
    throughput: { window: 8, warmupMs: quick ? 1_000 : 2_000, durationMs: seconds, messageBytes: MESSAGE_BYTES },
    latency: { rate: 5_000, warmupMs: 1_000, durationMs: seconds, messageBytes: MESSAGE_BYTES },
    fanoutMembers,
    fanout: { messages: quick ? 20 : 50, messageBytes: MESSAGE_BYTES },
    sync: { conversations: 100, perConversation: 10 },
    rest: { concurrency: 64, warmupMs: 500, durationMs: seconds, messageBytes: MESSAGE_BYTES },
    storeCeilingSeconds: quick ? 2 : 5,
  };
}

/** Goals on a 2-core machine shared with the load generator (issue 5); `max` means lower is better. */
export const TARGETS: Record<string, { min?: number; max?: number }> = {
  direct_msgs_s: { min: 20_000 },
  direct_vs_relay: { min: 0.5 },
  direct_p99_ms: { max: 20 },
  group_fanout_p99_ms: { max: 250 },
  idle_conn_kib: { max: 8 },
  sync_ms: { max: 200 },
  direct_vs_ejabberd: { min: 1 },
  direct_vs_prosody: { min: 2 },
};
