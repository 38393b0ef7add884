/**
 * Every figure the benchmark reports: its unit and what it means (docs/benchmarks.md explains
 * each at length; a test checks that it names every one). Fields of the ottr workloads are
 * reported again with a `cluster_` prefix by --cluster.
 */
export interface Field {
  unit: string;
  /** Lower is better (times, memory). */
  lowerIsBetter?: boolean;
  /** Measured on each ottr deployment (so --cluster reports it again as cluster_<name>). */
  perDeployment?: boolean;
}

export const FIELDS: Record<string, Field> = {
  relay_ceiling_msgs_s: { unit: 'msgs/s' },
  store_ceiling_rows_s: { unit: 'rows/s' },
  connect_per_s: { unit: 'conn/s', perDeployment: true },
  idle_conn_kib: { unit: 'KiB', lowerIsBetter: true, perDeployment: true },
  direct_msgs_s: { unit: 'msgs/s', perDeployment: true },
  direct_cpu_us_per_msg: { unit: 'µs', lowerIsBetter: true, perDeployment: true },
  direct_vs_relay: { unit: 'ratio', perDeployment: true },
  store_bytes_per_msg: { unit: 'B', lowerIsBetter: true, perDeployment: true },
  direct_p50_ms: { unit: 'ms', lowerIsBetter: true, perDeployment: true },
  direct_p99_ms: { unit: 'ms', lowerIsBetter: true, perDeployment: true },
  group_fanout_p99_ms: { unit: 'ms', lowerIsBetter: true, perDeployment: true },
  group10k_fanout_p99_ms: { unit: 'ms', lowerIsBetter: true, perDeployment: true },
  sync_ms: { unit: 'ms', lowerIsBetter: true, perDeployment: true },
  rest_send_per_s: { unit: 'msgs/s', perDeployment: true },
  ejabberd_direct_msgs_s: { unit: 'msgs/s' },
  ejabberd_idle_conn_kib: { unit: 'KiB', lowerIsBetter: true },
  prosody_direct_msgs_s: { unit: 'msgs/s' },
  prosody_idle_conn_kib: { unit: 'KiB', lowerIsBetter: true },
  direct_vs_ejabberd: { unit: 'ratio' },
  direct_vs_prosody: { unit: 'ratio' },
  duration_s: { unit: 's' },
};

/** The field a reported name stands for (`cluster_x` → x), or undefined for a name not in FIELDS. */
export function fieldOf(name: string): Field | undefined {
  const own = FIELDS[name];
  if (own) return own;
  const base = name.startsWith('cluster_') ? FIELDS[name.slice('cluster_'.length)] : undefined;
  return base?.perDeployment ? base : undefined;
}
