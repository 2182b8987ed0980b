/**
 * The alarm context's update path alone: Space-Saving adds on the benchmark capture's worst
 * case (addresses drawn uniformly from 69,632 hosts, so nearly every add replaces a key), in
 * periods of 1,500 adds (1,024 of weight 1, then sampled ones of weight 32, as TopTalkers
 * makes them in a 16,667-packet period), 5 rounds; CPU time per add.
 *   npm run bench:context
 */
import { SpaceSaving } from '../src/context/space-saving.js';
import { EXACT_PACKETS, MIN_CAPACITY, STRIDE } from '../src/context/top-talkers.js';

const ADDS = 1_500_000;
const PER_PERIOD = 1_500;
const keys = new Uint32Array(ADDS);
let x = 1;
for (let i = 0; i < ADDS; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  keys[i] = 0x0a000000 + (x % 69_632);
}
const ss = new SpaceSaving(MIN_CAPACITY);
for (let round = 1; round <= 5; round++) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < ADDS; i++) {
    const inPeriod = i % PER_PERIOD;
    if (inPeriod === 0) ss.reset();
    ss.add(0, 0, 0xffff, keys[i], inPeriod < EXACT_PACKETS ? 1 : STRIDE);
  }
  const u = process.cpuUsage(t0);
  console.log(`round ${round}: ${(((u.user + u.system) * 1e3) / ADDS).toFixed(0)} ns CPU per add`);
}
