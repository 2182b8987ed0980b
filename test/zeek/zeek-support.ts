/** Helpers of the Zeek tests: the data files and a run of the front end collecting values. */
import { join } from 'node:path';
import { testDataDir } from '../support/test-data.js';
import { parseFeatures } from '../../src/zeek/feature-expr.js';
import { ZeekFrontEnd, type ZeekFrontEndOptions } from '../../src/zeek/zeek-front-end.js';
import type { ZeekInputStats } from '../../src/zeek/input-stats.js';

export const zeekData = (name: string): string => join(testDataDir, 'zeek', name);

export interface Emitted {
  timeNs: bigint;
  values: Record<string, number | null>;
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
  const toObj = (timeNs: bigint, vs: { name: string; value: number | null }[]): Emitted => ({
    timeNs, values: Object.fromEntries(vs.map((v) => [v.name, v.value])),
  });
  const fe = new ZeekFrontEnd({
    files, features: parseFeatures(features), periodNs: 10e9, latenessNs: 10e9, statsMode: false,
    onWarning: (m) => warnings.push(m),
    onPeriod: (t, v) => periods.push(toObj(t, v)),
    onObservation: (t, v) => observations.push(toObj(t, v)),
    ...opts,
  });
  const stats = await fe.run();
  return { periods, observations, stats, warnings };
}
