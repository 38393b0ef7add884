// Runs one peer alone and prints its result as JSON:
//   node --import tsx bench/peers/main.ts prosody|ejabberd [--quick] [--pairs N] [--window N]
//        [--seconds N] [--idle N] [--bytes N]
import { PEERS, runPeer, type PeerName, type PeerOptions } from './index.js';

const args = process.argv.slice(2);
const name = args[0];
if (name === undefined || !(name in PEERS)) {
  console.error(`usage: main.ts ${Object.keys(PEERS).join('|')} [--quick] [--pairs N] [--window N] [--seconds N] [--idle N] [--bytes N]`);
  process.exit(2);
}
const quick = args.includes('--quick');
const num = (flag: string, fallback: number): number => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const opts: PeerOptions = {
  pairs: num('--pairs', quick ? 50 : 200),
  window: num('--window', 10),
  durationMs: num('--seconds', quick ? 3 : 10) * 1000,
  idleConnections: num('--idle', quick ? 1_000 : 10_000),
  messageBytes: num('--bytes', 100),
  log: (line) => console.error(line),
};
const result = await runPeer(name as PeerName, opts);
console.log(JSON.stringify(result));
