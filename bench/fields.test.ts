// docs/benchmarks.md explains every figure the benchmark prints, and the report refuses a figure
// that bench/fields.ts does not know — so a new figure cannot go undocumented.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIELDS, fieldOf } from './fields.js';

const doc = readFileSync(fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url)), 'utf8');

describe('benchmark figures', () => {
  it('are each explained in docs/benchmarks.md', () => {
    expect(Object.keys(FIELDS).filter((f) => !doc.includes(`\`${f}\``))).toEqual([]);
  });

  it('are known with and without the cluster_ prefix only where measured per deployment', () => {
    expect(fieldOf('direct_msgs_s')?.unit).toBe('msgs/s');
    expect(fieldOf('cluster_direct_msgs_s')?.unit).toBe('msgs/s');
    expect(fieldOf('cluster_relay_ceiling_msgs_s')).toBeUndefined();
    expect(fieldOf('direct_msgs')).toBeUndefined();
  });
});
