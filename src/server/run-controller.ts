/**
 * What the API controls: the current configuration and at most one run at a time. Records of
 * the run flow through a LiveFeed exporter into the latest-values table, the alarm and episode logs, the
 * event hub and the lifetime totals that /metrics reports.
 */
import type { Config } from '../config/schema.js';
import { mergeConfig, validateConfig } from '../config/load.js';
import { redactSecrets, restoreSecrets } from '../config/secrets.js';
import { Session } from '../pipeline/session.js';
import { ZeekSession } from '../zeek/zeek-session.js';
import type { RunProgress, RunSession } from '../backend/run-session.js';
import type { ExporterHealth } from '../exporters/index.js';
import type { AlarmRecord, DataRecord, EpisodeRecord, StatOutcome } from '../records/index.js';
import { alarmRecordToJson, dataRecordToJson, episodeRecordToJson } from '../records/index.js';
import { InputError, UsageError } from '../util/errors.js';
import { RecordLog } from './record-log.js';
import { ApiError } from './api-error.js';
import { EventHub } from './event-hub.js';
import { LiveFeed } from './live-feed.js';
import { jsonWithBigInt } from './json-text.js';
import type { Status } from './schemas.js';
import type { OutputDir, PathProblem } from './output-dir.js';

type Phase = Status['state'];

/** The runs' counts summed over every run of the server's life. */
export type Totals = Omit<RunProgress, 'running' | 'bytesRead' | 'bytesTotal'> & {
  runs: number;
  /** Periods where a fan-out table was full (the statistic's value a lower bound), per statistic. */
  approximateByStat: Record<string, number>;
  /** Records sent and dropped per network exporter. */
  exporters: Record<string, { sent: number; dropped: number }>;
};

const TOTAL_KEYS = ['packets', 'periods', 'alarms', 'malformed', 'dropped', 'records', 'badLines', 'lateRecords'] as const;

export interface Latest {
  timeNs: bigint;
  series: string;
  stats: readonly StatOutcome[];
  counters: Readonly<Record<string, number>>;
}

export interface RunControllerOptions {
  alarmCapacity?: number;
  keepAliveMs?: number;
  /** Event streams open at once. */
  maxEventClients?: number;
  /** Bytes pending for one event stream before its client is dropped. */
  eventQueueBytes?: number;
  /** Confines the output files the configuration names (--api.output-dir). */
  outputDir?: OutputDir;
  /** Non-fatal run problems (time jumps, drops) and run failures. */
  onWarning?: (message: string) => void;
}

export class RunController {
  private config: Config;
  private phase: Phase = 'idle';
  private session: RunSession | undefined;
  private done: Promise<void> = Promise.resolve();
  private starting: Promise<unknown> = Promise.resolve();
  private stopAsked = false;
  private run = {
    input: 'packets' as Status['input'], device: null as string | null, series: null as string | null, live: false, stats: [] as string[],
    startedAt: null as string | null, endedAt: null as string | null,
    end: null as Status['end'], error: null as string | null,
  };
  /** Totals of the runs that ended; the current run adds its own live figures. */
  private readonly past: Totals = {
    packets: 0, periods: 0, alarms: 0, alarmsByStat: {}, malformed: 0, dropped: 0, records: 0, badLines: 0, lateRecords: 0, runs: 0, approximateByStat: {}, exporters: {},
  };
  /** Latest data record of the current or last run. */
  latest: Latest | undefined;
  readonly alarms: RecordLog<AlarmRecord>;
  /** Ended episodes (one per incident), same bounds as the alarms. */
  readonly episodes: RecordLog<EpisodeRecord>;
  readonly events: EventHub;

  constructor(initial: Config, private readonly opts: RunControllerOptions = {}) {
    this.config = structuredClone(initial);
    const problems = opts.outputDir?.confine(this.config) ?? [];
    if (problems.length > 0) throw new UsageError(problems.map((p) => p.message).join('\n'));
    this.alarms = new RecordLog<AlarmRecord>(opts.alarmCapacity ?? 1000);
    this.episodes = new RecordLog<EpisodeRecord>(opts.alarmCapacity ?? 1000);
    this.events = new EventHub({ keepAliveMs: opts.keepAliveMs, maxClients: opts.maxEventClients, maxQueued: opts.eventQueueBytes });
  }

  /** A copy of the configuration the next start will use. */
  getConfig(): Config {
    return structuredClone(this.config);
  }

  /**
   * Merges `patch` into a copy of the configuration and validates the whole result; only then
   * does it replace the current one (never half-applied). Takes effect at the next start.
   */
  patchConfig(patch: Record<string, unknown>): Config {
    const next = structuredClone(this.config) as unknown as Record<string, unknown>;
    const given = structuredClone(patch);
    restoreSecrets(given, this.config);
    mergeConfig(next, given);
    let valid: Config;
    try {
      valid = validateConfig(next);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw problemsError(400, 'invalid configuration', err.message.split('\n').map(problemDetail));
    }
    const outside = this.opts.outputDir?.confine(valid) ?? [];
    if (outside.length > 0) throw problemsError(400, 'output outside --api.output-dir', outside);
    this.config = valid;
    return this.getConfig();
  }

  /** The configuration as the API shows it: secrets (InfluxDB password, token) hidden. */
  publicConfig(): Config {
    return redactSecrets(this.config);
  }

  get isRunning(): boolean {
    return this.phase === 'starting' || this.phase === 'running' || this.phase === 'stopping';
  }

  status(): Status {
    const cur = this.session?.progress();
    // A Zeek run learns stats.log fields as they come.
    if (cur !== undefined && this.session !== undefined && this.run.input === 'zeek') this.run.stats = this.session.watched();
    return {
      running: this.isRunning,
      state: this.phase,
      ...this.run,
      stats: [...this.run.stats],
      packets: cur?.packets ?? 0,
      periods: cur?.periods ?? 0,
      alarms: cur?.alarms ?? 0,
      alarmsByStat: { ...(cur?.alarmsByStat ?? {}) },
      malformed: cur?.malformed ?? 0,
      dropped: cur?.dropped ?? 0,
      bytesRead: cur?.bytesRead ?? 0,
      bytesTotal: cur?.bytesTotal ?? 0,
      records: cur?.records ?? 0,
      badLines: cur?.badLines ?? 0,
      lateRecords: cur?.lateRecords ?? 0,
      exporters: this.exporterHealth(),
      ...(cur?.approximate === undefined ? {} : { approximate: { periods: cur.approximate.periods, byStat: { ...cur.approximate.byStat } } }),
    };
  }

  /** Delivery figures of the current or last run's network exporters. */
  exporterHealth(): ExporterHealth[] {
    return this.session?.exporterHealth() ?? [];
  }

  /** Lifetime totals over every run (monotonic, for Prometheus counters). */
  totals(): Totals {
    const t = structuredClone(this.past);
    const cur = this.isRunning ? this.session?.progress() : undefined;
    if (cur !== undefined) {
      for (const k of TOTAL_KEYS) t[k] += cur[k];
      for (const [k, v] of Object.entries(cur.alarmsByStat)) t.alarmsByStat[k] = (t.alarmsByStat[k] ?? 0) + v;
      for (const [k, v] of Object.entries(cur.approximate?.byStat ?? {})) t.approximateByStat[k] = (t.approximateByStat[k] ?? 0) + v;
      addExporterTotals(t, this.exporterHealth());
    }
    return t;
  }

  /** Starts a run with the current configuration; 409 when one is running or it cannot start. */
  async start(): Promise<Status> {
    if (this.isRunning) throw new ApiError(409, `already running (${this.run.device}): stop it first`);
    const cfg = structuredClone(this.config);
    // The config names the front end: Zeek logs when zeek.logs is set, packets otherwise.
    const zeek = cfg.zeek.logs.length > 0;
    if (!zeek && cfg.analyzer.stats.length === 0) {
      throw new ApiError(409, 'no statistic loaded: set analyzer.stats (POST /api/config) before starting');
    }
    const previous = this.phase;
    this.phase = 'starting';
    this.stopAsked = false;
    let session: RunSession;
    const hooks = {
      onWarning: this.opts.onWarning,
      exporters: [new LiveFeed({ onData: (r: DataRecord) => this.onData(r), onAlarm: (a: AlarmRecord) => this.onAlarm(a), onEpisode: (e: EpisodeRecord) => this.onEpisode(e) })],
    };
    const opening = this.checkOutputs(cfg).then((): Promise<RunSession> => (zeek ? ZeekSession.open(cfg, hooks) : Session.open(cfg, hooks)));
    this.starting = opening.catch(() => undefined);
    try {
      session = await opening;
    } catch (err) {
      this.phase = previous;
      if (err instanceof ApiError) throw err;
      if (err instanceof UsageError || err instanceof InputError) throw new ApiError(409, `cannot start: ${err.message}`);
      throw err;
    }
    this.session = session;
    this.latest = undefined;
    this.run = {
      input: session.input, device: zeek ? cfg.zeek.logs.join(' ') : cfg.miner.device, series: session.series, live: session.live,
      stats: zeek ? session.watched() : [...cfg.analyzer.stats],
      startedAt: new Date().toISOString(), endedAt: null, end: null, error: null,
    };
    this.phase = 'running';
    this.done = session.run().then(
      () => this.ended(this.stopAsked ? 'stopped' : 'completed', null),
      (err: unknown) => this.ended('failed', err instanceof Error ? err.message : String(err)),
    );
    if (this.stopAsked) session.stop();
    const status = this.status();
    this.events.publish('status', jsonWithBigInt(status));
    return status;
  }

  /** Stops the current run and waits until its last period is emitted and outputs flushed. */
  async stop(): Promise<Status> {
    if (this.phase === 'starting') {
      this.stopAsked = true;
      await this.starting;
    }
    if (this.phase === 'running') {
      this.stopAsked = true;
      this.phase = 'stopping';
      this.session?.stop();
    }
    await this.done;
    return this.status();
  }

  /** SIGHUP: reopen the run's output files (logrotate). */
  async reopenOutputs(): Promise<void> {
    if (this.phase === 'running') await this.session?.reopenOutputs();
  }

  /** Server shutdown: stop, flush, close every event stream. */
  async close(): Promise<void> {
    await this.stop();
    this.events.closeAll();
  }

  /** With --api.output-dir: nothing on the way to an output file may lead outside it (symlinks). */
  private async checkOutputs(cfg: Config): Promise<void> {
    const problems = (await this.opts.outputDir?.checkExisting(cfg)) ?? [];
    if (problems.length > 0) throw problemsError(409, 'cannot start: output outside --api.output-dir', problems.map((p) => ({ ...p, message: `cannot start: ${p.message}` })));
  }

  private ended(end: 'completed' | 'stopped' | 'failed', error: string | null): void {
    const st = this.session?.progress();
    if (st !== undefined) {
      for (const k of TOTAL_KEYS) this.past[k] += st[k];
      for (const [k, v] of Object.entries(st.alarmsByStat)) this.past.alarmsByStat[k] = (this.past.alarmsByStat[k] ?? 0) + v;
      for (const [k, v] of Object.entries(st.approximate?.byStat ?? {})) this.past.approximateByStat[k] = (this.past.approximateByStat[k] ?? 0) + v;
      if (this.run.input === 'zeek' && this.session !== undefined) this.run.stats = this.session.watched();
      addExporterTotals(this.past, this.exporterHealth());
    }
    this.past.runs++;
    this.phase = 'ended';
    this.run.end = end;
    this.run.error = error;
    this.run.endedAt = new Date().toISOString();
    if (error !== null) this.opts.onWarning?.(`run failed: ${error}`);
    this.events.publish('status', jsonWithBigInt(this.status()));
  }

  private onData(r: DataRecord): void {
    this.latest = { timeNs: r.timeNs, series: r.series, stats: r.stats, counters: r.counters };
    if (this.events.size > 0) this.events.publish('data', dataRecordToJson(r));
  }

  private onAlarm(a: AlarmRecord): void {
    const { id } = this.alarms.add(a);
    if (this.events.size > 0) this.events.publish('alarm', `{"id":${id},${alarmRecordToJson(a).slice(1)}`);
  }

  private onEpisode(e: EpisodeRecord): void {
    const { id } = this.episodes.add(e);
    if (this.events.size > 0) this.events.publish('episode', `{"id":${id},${episodeRecordToJson(e).slice(1)}`);
  }
}

/** One problem: its own message; several: `what` and the fields. */
function problemsError(status: number, what: string, details: PathProblem[]): ApiError {
  const fields = [...new Set(details.map((d) => d.field))];
  return new ApiError(status, details.length === 1 ? details[0].message : `${what}: ${fields.join(', ')}`, details);
}

function addExporterTotals(t: Totals, health: readonly ExporterHealth[]): void {
  for (const h of health) {
    const e = (t.exporters[h.name] ??= { sent: 0, dropped: 0 });
    e.sent += h.sent;
    e.dropped += h.dropped;
  }
}

/** "bad value for spot.q: 2 (expected ...)" -> a detail naming the field. */
function problemDetail(line: string): { field: string; message: string; expected?: string } {
  let m = /^bad value for ([\w.]+): (.*?)(?: \(expected (.*)\))?$/.exec(line);
  if (m !== null) return m[3] === undefined ? { field: m[1], message: line } : { field: m[1], message: line, expected: m[3] };
  m = /^unknown config key "([^"]+)"/.exec(line);
  if (m !== null) return { field: m[1], message: line };
  return { field: 'config', message: line };
}
