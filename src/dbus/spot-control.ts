/**
 * What bro-spotd's D-Bus interface asks of a running analysis, answered from the back end's
 * watched features: the feature list, a detector's status and configuration, its reset, and
 * the end of the run.
 */
import type { Backend } from '../backend/backend.js';
import type { WatchedFeature } from '../backend/watched-feature.js';

/** bro-spotd's Status reply `iiiiiiidddd`. */
export type SpotStatusReply = [n: number, exUp: number, exDown: number, ntUp: number, ntDown: number, alUp: number, alDown: number,
  tUp: number, tDown: number, zUp: number, zDown: number];
/** bro-spotd's Config reply `dbibbbid`. */
export type SpotConfigReply = [q: number, bounded: boolean, maxExcess: number, alert: boolean, up: boolean, down: boolean, nInit: number, level: number];

export interface SpotControl {
  features(): string[];
  /** undefined: no such feature. */
  status(feature: string): SpotStatusReply | undefined;
  config(feature: string): SpotConfigReply | undefined;
  reset(feature: string): boolean;
  /** Ends the run cleanly (outputs flushed); called after Kill's reply is sent. */
  kill(): void;
}

const int32 = (n: number): number => Math.min(Math.max(Math.trunc(n), -0x80000000), 0x7fffffff);
/** A threshold not there yet (calibrating) or of a tail not watched is 0, as bro-spotd's zeroed struct answered (dbus-next cannot send NaN). */
const dbl = (x: number | undefined): number => (x !== undefined && Number.isFinite(x) ? x : 0);

function status(f: WatchedFeature): SpotStatusReply {
  const d = f.detector.spot;
  d.currentThresholds();
  const up = d.upper;
  const down = d.lower;
  // Values in the model once calibrated (libspot's n: discarded anomalies excluded), else values seen.
  const n = d.calibrated ? (up ?? down)?.n ?? f.steps : f.steps;
  return [
    int32(n), int32(up?.peaks.size ?? 0), int32(down?.peaks.size ?? 0), int32(up?.nt ?? 0), int32(down?.nt ?? 0),
    int32(f.alarmsUp), int32(f.alarmsDown),
    dbl(up?.excessThreshold), dbl(down?.excessThreshold), dbl(d.upperThreshold), dbl(d.lowerThreshold),
  ];
}

export function backendControl(backend: Backend, kill: () => void): SpotControl {
  return {
    features: () => backend.names(),
    status: (name) => {
      const f = backend.get(name);
      return f === undefined ? undefined : status(f);
    },
    config: (name) => {
      const p = backend.get(name)?.params;
      return p === undefined ? undefined : [p.q, p.bounded, p.max_excess, p.alert, p.up, p.down, p.n_init, p.level];
    },
    reset: (name) => {
      const f = backend.get(name);
      f?.reset();
      return f !== undefined;
    },
    kill,
  };
}
