/**
 * One analysis of Zeek logs, from a validated config to closed outputs: the Zeek front end
 * feeding the shared back end, plus what only this front end has (spot-anomaly.log, D-Bus).
 * What the CLI (`netspot zeek`) and the server drive, like pipeline/Session for packets.
 */
import type { Config, SpotParams } from '../config/schema.js';
import { parseDuration } from '../config/duration.js';
import { detectorParams } from '../analyzer/stat-detector.js';
import { Backend, stateFileOptions, type BackendStatus, type PeriodResult } from '../backend/backend.js';
import { createExporters, type Exporter, type ExporterHealth } from '../exporters/index.js';
import { backendControl } from '../dbus/spot-control.js';
import { SpotDbusService } from '../dbus/spot-dbus-service.js';
import { SpotParameterError } from '../spot/index.js';
import { UsageError } from '../util/errors.js';
import { AnomalyLogExporter } from './anomaly-log-exporter.js';
import { parseFeature, parseFeatures, type FeatureExpr } from './feature-expr.js';
import type { ZeekInputStats } from './input-stats.js';
import { readSpotProfile, type SpotProfile } from './spot-profile.js';
import type { ZeekSettings } from './zeek-config.js';
import { ZeekFrontEnd } from './zeek-front-end.js';
import { isGzipFile } from './log-file-cursor.js';
import type { RunProgress, RunSession } from '../backend/run-session.js';
import { refuseSharedFiles, type NamedFile } from '../util/file-identity.js';
import { openInputFile } from '../util/safe-open.js';
import { stat } from 'node:fs/promises';

export type ZeekRunConfig = Config;

export interface ZeekSessionHooks {
  onWarning?: (message: string) => void;
  onPeriod?: (result: PeriodResult) => void;
  /** Extra exporters beyond those the config enables (the server's live feed). */
  exporters?: readonly Exporter[];
  /** D-Bus bus address instead of the default of zeek.dbus (tests). */
  dbusAddress?: string;
}

export interface ZeekRunStatus extends BackendStatus, ZeekInputStats {
  running: boolean;
}

function duration(key: string, text: string): number {
  const ns = parseDuration(text);
  if (!(ns > 0)) throw new UsageError(`bad value for ${key}: "${text}" (expected a duration above 0)`);
  return ns;
}

export class ZeekSession implements RunSession {
  readonly input = 'zeek' as const;
  readonly series = 'zeek';
  private running = false;
  private dbus: SpotDbusService | undefined;

  private constructor(
    readonly backend: Backend,
    readonly frontEnd: ZeekFrontEnd,
    readonly exporters: readonly Exporter[],
    readonly features: readonly FeatureExpr[],
    readonly periodNs: number,
    readonly live: boolean,
  ) {}

  static async open(cfg: ZeekRunConfig, hooks: ZeekSessionHooks = {}): Promise<ZeekSession> {
    const z = cfg.zeek;
    if (z.logs.length === 0) throw new UsageError('no Zeek log given (netspot zeek LOG..., or zeek.logs in the config)');
    const periodNs = duration('zeek.period', z.period);
    if (periodNs % 1000 !== 0) throw new UsageError(`bad value for zeek.period: "${z.period}" (expected whole microseconds)`);
    const latenessNs = z.lateness === '' ? periodNs : parseDuration(z.lateness);
    if (!(latenessNs >= 0)) throw new UsageError(`bad value for zeek.lateness: "${z.lateness}" (expected a duration)`);
    const pollNs = duration('zeek.poll', z.poll);
    // Inputs checked before any output is opened: regular files only (a FIFO would block).
    for (const f of z.logs) {
      if (!z.follow) {
        await (await openInputFile(f, 'zeek.logs')).close();
        continue;
      }
      const st = await stat(f).catch(() => null); // a followed log may not exist yet
      if (st !== null && !st.isFile()) throw new UsageError(`zeek.logs ${f} is not a regular file: only a regular file can be followed`);
      if (await isGzipFile(f)) throw new UsageError(`cannot follow ${f}: it is gzip-compressed (rotated files are complete: read them without --follow)`);
    }

    const profile: SpotProfile | undefined = z.profile === '' ? undefined : await readSpotProfile(z.profile);
    // Profile sections that are feature expressions are watched as such; the others name stats.log fields.
    const features = parseFeatures(z.features);
    const statsFields: string[] = [];
    for (const name of profile?.features ?? []) {
      let expr: FeatureExpr | undefined;
      try {
        expr = name.includes('.') ? parseFeature(name) : undefined;
      } catch {
        expr = undefined;
      }
      if (expr === undefined) statsFields.push(name);
      else if (!features.some((f) => f.name === expr.name)) features.push(expr);
    }
    if (features.length === 0 && !z.stats) throw new UsageError('nothing to watch: give --feature EXPR (zeek.features), a profile, or leave zeek.stats on for stats.log');

    const params = (name: string): SpotParams => {
      const own = cfg.spot[name] ?? cfg.spot[name.replace(/@.*$/, '')];
      // A profile has bro-spotd's keys only: the rebase policy comes from [spot] there.
      const base = profile !== undefined ? { ...profile.params(name), rebase_after: cfg.spot.rebase_after } : detectorParams(cfg, name.replace(/@.*$/, ''));
      return { ...base, ...(typeof own === 'object' ? own : {}) };
    };

    const series = 'zeek';
    const exporters: Exporter[] = [...createExporters(cfg, { onWarning: hooks.onWarning })];
    if (z.anomaly_log !== '') exporters.push(new AnomalyLogExporter(z.anomaly_log, z.anomaly_log_format));
    exporters.push(...(hooks.exporters ?? []));
    try {
      const backend = new Backend({
        series, exporters, params, onPeriod: hooks.onPeriod, onWarning: hooks.onWarning, episodeGap: cfg.analyzer.episode_gap,
        // Without a profile naming them, stats.log fields are watched as they come.
        stateFile: stateFileOptions(cfg, z.period, 'zeek.period', z.stats && statsFields.length === 0),
      });
      try {
        backend.watch([...features.map((f) => f.name), ...statsFields]);
      } catch (err) {
        if (err instanceof SpotParameterError) throw new UsageError(`bad detector parameters: ${err.message}`);
        throw err;
      }
      await backend.restoreState();
      // Before any output is opened: no output may be an input log or another output.
      const files: NamedFile[] = z.logs.map((path) => ({ key: 'zeek.logs', path }));
      for (const e of exporters) files.push(...(e.outputFiles?.(series) ?? []));
      await refuseSharedFiles(files);
      for (const e of exporters) await e.start(series);
      const frontEnd = new ZeekFrontEnd({
        files: z.logs, features, periodNs, latenessNs, statsMode: z.stats,
        statsWatch: statsFields.length > 0 ? new Set(statsFields) : undefined,
        follow: z.follow ? { pollMs: pollNs / 1e6 } : undefined,
        onWarning: hooks.onWarning,
        onPeriod: (t, v, partial) => backend.judge(t, v, { partial }),
        onObservation: (t, v) => backend.judge(t, v),
      });
      const session = new ZeekSession(backend, frontEnd, exporters, features, periodNs, z.follow);
      if (z.dbus !== '') {
        session.dbus = await SpotDbusService.start(backendControl(backend, () => session.stop()), {
          bus: z.dbus, name: z.dbus_name, address: hooks.dbusAddress,
        });
      }
      return session;
    } catch (err) {
      await Promise.allSettled(exporters.map((e) => e.close()));
      throw err;
    }
  }

  watched(): string[] {
    return this.backend.names();
  }

  exporterHealth(): ExporterHealth[] {
    return this.exporters.flatMap((e) => (e.health === undefined ? [] : [e.health()]));
  }

  progress(): RunProgress {
    const s = this.status;
    return { ...s, packets: 0, malformed: 0, dropped: 0, bytesRead: 0, bytesTotal: 0 };
  }

  get status(): ZeekRunStatus {
    return { running: this.running, ...this.frontEnd.stats, ...this.backend.state };
  }

  /** Reads to the end (or until stop() when following), then closes the outputs. */
  async run(): Promise<ZeekRunStatus> {
    this.running = true;
    try {
      await this.frontEnd.run();
    } catch (err) {
      await this.closeAll();
      throw err;
    } finally {
      this.running = false;
    }
    const failure = await this.closeAll();
    if (failure !== undefined) throw failure;
    return this.status;
  }

  /**
   * Closes every output and the back end (its last analyzer.state_file save), each even when
   * another fails; the first failure is returned.
   */
  private async closeAll(): Promise<unknown> {
    // The episodes still open end with the input, before the exporters close.
    const ended = (async () => this.backend.finish())();
    const results = await Promise.allSettled([ended, this.dbus?.stop(), ...this.exporters.map((e) => e.close()), this.backend.close()]);
    return results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
  }

  stop(): void {
    this.frontEnd.stop();
  }

  async reopenOutputs(): Promise<void> {
    for (const e of this.exporters) await e.reopen();
  }
}
