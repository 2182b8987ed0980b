/**
 * `analyzer.state_file`: the back end's detectors saved to a file so that a restarted run (an
 * upgrade, a reboot, a crash) goes on judging instead of recalibrating for n_init periods,
 * whichever front end (packets, Zeek logs) feeds it.
 *
 * Saved every `state_every` periods and at the end, atomically: a temporary file in the same
 * directory, written, fsync'd and renamed over the previous one (then the directory fsync'd), so
 * a crash at any moment leaves the previous state or the new one, never a torn file. The
 * snapshot is taken on the per-period path (it must be consistent with the period just judged);
 * the writing runs in the background, one write at a time, the newest snapshot winning.
 *
 * Restored at start when the file's names (statistics or Zeek features), period and every name's
 * SPOT parameters equal the configuration's; otherwise, or when the file is unreadable or damaged, a warning
 * says why and the detectors calibrate afresh (the file is replaced at the next save).
 */
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DriftSpot, SnapshotError, SPOT_CONFIG_KEYS, type DriftSpotSnapshot } from '../spot/index.js';
import type { DetectorParams } from '../analyzer/stat-detector.js';
import { openInputFile } from '../util/safe-open.js';

export const STATE_FORMAT = 'netspot-analyzer-state';
export const STATE_VERSION = 1;

/** What the file holds: the period length and one detector snapshot per judged name. */
export interface AnalyzerStateFile {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  period: string;
  /** Periods judged by these detectors since their first calibration (across restarts). */
  periods: number;
  detectors: Record<string, DriftSpotSnapshot>;
  /** Where the front end resumes (netspot aggregate: the last period judged), when it says. */
  cursor?: string;
}

/** What the configuration expects of a state file. */
export interface StateExpectation {
  file: string;
  period: string;
  /** The configuration key of the period (analyzer.period, zeek.period), for the warning. */
  periodKey: string;
  /** Names judged from the start. */
  names: readonly string[];
  /**
   * More names may come with the values (Zeek's stats.log without a profile): the file may hold
   * more names than `names`, and its detectors for them are taken too.
   */
  more: boolean;
  /** SPOT parameters of a name. */
  params: (name: string) => DetectorParams;
}

export interface RestoredState {
  detectors: Map<string, DriftSpot>;
  periods: number;
  cursor?: string;
}

/**
 * The saved detectors, or undefined (with a warning saying why, unless the file does not exist
 * yet) when they cannot be used.
 */
export async function loadState(want: StateExpectation, warn: (message: string) => void): Promise<RestoredState | undefined> {
  if ((await stat(want.file).catch(() => null)) === null) return undefined; // the first run
  let text: string;
  try {
    // Through safe-open: a FIFO or a device at that path is refused instead of blocking.
    const handle = await openInputFile(want.file, 'analyzer.state_file');
    try {
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    warn(`${(err as Error).message}; calibrating afresh`);
    return undefined;
  }
  const refuse = (why: string): undefined => {
    warn(`analyzer.state_file ${want.file} not restored: ${why}; calibrating afresh`);
    return undefined;
  };
  let saved: Partial<AnalyzerStateFile>;
  try {
    saved = JSON.parse(text) as Partial<AnalyzerStateFile>;
  } catch (err) {
    return refuse(`not valid JSON (${(err as Error).message})`);
  }
  if (typeof saved !== 'object' || saved === null || saved.format !== STATE_FORMAT) return refuse(`not a ${STATE_FORMAT} file`);
  if (saved.version !== STATE_VERSION) return refuse(`version ${JSON.stringify(saved.version)} is not ${STATE_VERSION}`);
  if (saved.period !== want.period) return refuse(`saved with ${want.periodKey} = ${JSON.stringify(saved.period)}, now ${JSON.stringify(want.period)}`);
  const detectors = saved.detectors ?? {};
  const savedStats = Object.keys(detectors).sort();
  const known = [...want.names].sort();
  const wantStats = want.more && known.every((n) => savedStats.includes(n)) ? savedStats : known;
  if (savedStats.join() !== wantStats.join()) {
    return refuse(`saved for the statistics ${savedStats.join(', ') || '(none)'}, now ${wantStats.join(', ')}`);
  }
  const restored = new Map<string, DriftSpot>();
  for (const stat of wantStats) {
    const params = want.params(stat);
    const snapshot = detectors[stat];
    const savedParams = (snapshot as { config?: Record<string, unknown> } | undefined)?.config ?? {};
    // The detector's own parameters; rebase_after is a policy around it, not in its state.
    const changed = SPOT_CONFIG_KEYS.filter((k) => savedParams[k] !== params[k]);
    if (changed.length > 0) {
      return refuse(`${stat}'s SPOT parameters changed (${changed.map((k) => `${k}: ${String(savedParams[k])} -> ${String(params[k])}`).join(', ')})`);
    }
    try {
      restored.set(stat, DriftSpot.restore(snapshot));
    } catch (err) {
      if (err instanceof SnapshotError) return refuse(`${stat}: ${err.message}`);
      throw err;
    }
  }
  return {
    detectors: restored, periods: typeof saved.periods === 'number' ? saved.periods : 0,
    cursor: typeof saved.cursor === 'string' ? saved.cursor : undefined,
  };
}

/** Writes snapshots to the state file in the background, one at a time, atomically. */
export class StateWriter {
  private pending: string | undefined;
  private writing: Promise<void> | undefined;
  private failing = false;
  private staleRemoved = false;
  private readonly tmp: string;

  constructor(
    readonly file: string,
    private readonly warn: (message: string) => void,
  ) {
    this.tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  }

  /** Queues a state; if a write is in progress, this one replaces any state still waiting. */
  save(state: AnalyzerStateFile): void {
    this.pending = JSON.stringify(state) + '\n';
    this.writing ??= this.drain();
  }

  /** Resolves when everything queued is on disk (or failed, with a warning). */
  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending !== undefined) {
        const text = this.pending;
        this.pending = undefined;
        await this.writeAtomically(text);
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Temporary files of earlier runs killed mid-write (their process is gone): removed once. */
  private async removeStaleTemporaries(): Promise<void> {
    this.staleRemoved = true;
    const prefix = `.${basename(this.file)}.tmp-`;
    const names = await readdir(dirname(this.file)).catch(() => [] as string[]);
    for (const name of names) {
      const pid = Number(name.slice(prefix.length));
      if (!name.startsWith(prefix) || !Number.isInteger(pid) || pid <= 0 || pid === process.pid || processExists(pid)) continue;
      await unlink(join(dirname(this.file), name)).catch(() => undefined);
    }
  }

  private async writeAtomically(text: string): Promise<void> {
    if (!this.staleRemoved) await this.removeStaleTemporaries();
    try {
      // A fresh file (O_EXCL): never through a symlink someone left at the temporary name.
      await unlink(this.tmp).catch(() => undefined);
      const fh = await open(this.tmp, 'wx', 0o640);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(this.tmp, this.file);
      // The rename itself is durable once the directory is.
      const dir = await open(dirname(this.file), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
      if (this.failing) this.warn(`analyzer.state_file ${this.file} written again`);
      this.failing = false;
    } catch (err) {
      await unlink(this.tmp).catch(() => undefined);
      // Once per failing spell: a full disk must not flood the log every few periods.
      if (!this.failing) this.warn(`cannot write analyzer.state_file ${this.file}: ${(err as Error).message} (the analysis goes on)`);
      this.failing = true;
    }
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
