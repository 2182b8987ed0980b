/** Helpers of the Zeek tests: the data files and a run of the front end collecting values. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../support/prng.js';
import { testDataDir } from '../support/test-data.js';
import { parseFeatures } from '../../src/zeek/feature-expr.js';
import { ZeekFrontEnd, type ZeekFrontEndOptions } from '../../src/zeek/zeek-front-end.js';
import type { ZeekInputStats } from '../../src/zeek/input-stats.js';

export const zeekData = (name: string): string => join(testDataDir, 'zeek', name);

export interface Emitted {
  timeNs: bigint;
  values: Record<string, number | null>;
  /** Only the last period of an input is partial. */
  partial?: boolean;
}

export interface FrontEndRun {
  periods: Emitted[];
  observations: Emitted[];
  stats: ZeekInputStats;
  warnings: string[];
}

export async function runFrontEnd(files: string[], features: string[], opts: Partial<ZeekFrontEndOptions> = {}): Promise<FrontEndRun> {
  const periods: Emitted[] = [];
  const observations: Emitted[] = [];
  const warnings: string[] = [];
  const toObj = (timeNs: bigint, vs: { name: string; value: number | null }[], partial?: boolean): Emitted => ({
    timeNs, values: Object.fromEntries(vs.map((v) => [v.name, v.value])), ...(partial === true ? { partial } : {}),
  });
  const fe = new ZeekFrontEnd({
    files, features: parseFeatures(features), periodNs: 10e9, latenessNs: 10e9, statsMode: false,
    onWarning: (m) => warnings.push(m),
    onPeriod: (t, v, partial) => periods.push(toObj(t, v, partial)),
    onObservation: (t, v) => observations.push(toObj(t, v)),
    ...opts,
  });
  const stats = await fe.run();
  return { periods, observations, stats, warnings };
}

const STATS_FIELDS = ['ts', 'peer', 'mem', 'pkts_proc', 'bytes_recv', 'pkts_dropped', 'active_tcp_conns'];

/** A stats.log of `n` reports 300 s apart, with a spike of pkts_proc at `spike` and a dip of active_tcp_conns at `dip`. */
export function writeStatsLog(path: string, n: number, spike: number, dip: number): number[] {
  const rnd = prng(7);
  const ts: number[] = [];
  const lines = ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tstats',
    '#open\t2024-01-01-00-00-00', `#fields\t${STATS_FIELDS.join('\t')}`, '#types\ttime\tstring\tcount\tcount\tcount\tcount\tcount'];
  for (let i = 0; i < n; i++) {
    const t = 1_700_000_000 + 300 * i + 0.25;
    ts.push(t);
    const pkts = i === spike ? 5_000_000 : Math.round(100_000 + 20_000 * rnd());
    const tcp = i === dip ? 3 : Math.round(2000 + 400 * rnd());
    lines.push([t.toFixed(6), 'zeek', 300, pkts, pkts * 700, '-', tcp].join('\t'));
  }
  lines.push('#close\t2024-01-02-00-00-00');
  writeFileSync(path, lines.join('\n') + '\n');
  return ts;
}

