/** netspotctl's sub-commands: each calls one or two API routes and prints the answer. */
import type { Command } from 'commander';
import { stringify as toToml } from 'smol-toml';
import { coerceValue, getKey, readConfigFile, schemaOfKey, setKey } from '../config/load.js';
import { UsageError } from '../util/errors.js';
import type { ApiClient } from './api-client.js';
import { parseKeepingTimes, timeText } from './exact-json.js';
import { ALARM_HEADER, alarmView, devicesView, EPISODE_HEADER, episodeView, seriesView, statsView, statusView, type AlarmRow, type EpisodeRow } from './views.js';

export interface CtlContext {
  client(): Promise<ApiClient>;
  json(): boolean;
  out(text: string): void;
}

type Json = Record<string, unknown>;

export function registerCommands(program: Command, ctx: CtlContext): void {
  const simple = (name: string, description: string, path: string, view: (body: never) => string): void => {
    program
      .command(name)
      .description(description)
      .action(async () => {
        const res = await (await ctx.client()).call('GET', path);
        ctx.out(ctx.json() ? res.text : view(res.json as never));
      });
  };
  simple('status', 'state of the analysis: running or not, source, packets, periods, alarms, drops', '/api/status', statusView);
  simple('stats', 'available statistics, with their formulas, and those loaded', '/api/stats', statsView);
  simple('devices', 'network interfaces available for live capture', '/api/devices', devicesView);

  for (const action of ['start', 'stop'] as const) {
    program
      .command(action)
      .description(action === 'start' ? 'start the analysis with the current configuration' : 'stop the analysis (the last period is emitted, outputs flushed)')
      .action(async () => {
        const res = await (await ctx.client()).call('POST', '/api/run', { action });
        ctx.out(ctx.json() ? res.text : statusView(res.json as never));
      });
  }

  program
    .command('episodes')
    .description('recent episodes: one per incident (consecutive alarms of a statistic), with who was behind its peak')
    .option('--since <id>', 'only episodes with an id above this one', '0')
    .action(async (opts: { since: string }) => {
      if (!/^\d{1,15}$/.test(opts.since)) throw new UsageError(`bad value for --since: "${opts.since}" (expected an episode id, a non-negative integer)`);
      const res = await (await ctx.client()).call('GET', `/api/episodes?since=${opts.since}`);
      if (ctx.json()) return ctx.out(res.text);
      const page = parseKeepingTimes(res.text) as { episodes: Json[]; missed: number };
      if (page.missed > 0) process.stderr.write(`netspotctl: ${page.missed} older episodes are no longer held by the server\n`);
      if (page.episodes.length === 0) return ctx.out('no episode');
      ctx.out(EPISODE_HEADER);
      for (const e of page.episodes) ctx.out(episodeView({ ...(e as unknown as EpisodeRow), start: timeText(e.start), end: timeText(e.end) }));
    });

  program
    .command('series')
    .description('latest value and thresholds of every statistic')
    .action(async () => {
      const res = await (await ctx.client()).call('GET', '/api/series');
      if (ctx.json()) return ctx.out(res.text);
      const body = parseKeepingTimes(res.text) as Parameters<typeof seriesView>[0] & { time: unknown };
      ctx.out(seriesView(body, timeText(body.time)));
    });

  program
    .command('alarms')
    .description('recent alarms; --follow keeps printing new ones as they are raised')
    .option('--since <id>', 'only alarms with an id above this one', '0')
    .option('-f, --follow', 'keep the connection open and print alarms as they come (Ctrl-C ends)')
    .action(async (opts: { since: string; follow?: boolean }) => alarms(ctx, opts));

  const config = program.command('config').description('read or change the configuration (applied at the next start)');
  config
    .command('get [key]')
    .description('print the configuration (TOML), or one key (e.g. spot.q)')
    .action(async (key: string | undefined) => {
      if (key !== undefined && schemaOfKey(key) === undefined) throw new UsageError(`unknown config key "${key}"`);
      const res = await (await ctx.client()).call('GET', '/api/config');
      const value = key === undefined ? res.json : getKey(res.json, key);
      if (ctx.json()) return ctx.out(JSON.stringify(value ?? null));
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return ctx.out(toToml(value).trimEnd());
      ctx.out(Array.isArray(value) ? value.join(',') : String(value ?? ''));
    });
  config
    .command('set <key> <value>')
    .description('set one key, e.g. config set spot.q 1e-5, config set analyzer.stats R_SYN,TRAFFIC')
    .action(async (key: string, raw: string) => {
      const patch: Json = {};
      setKey(patch, key, coerceValue(key, raw));
      const res = await (await ctx.client()).call('POST', '/api/config', patch);
      if (ctx.json()) return ctx.out(res.text);
      const v = getKey(res.json, key);
      ctx.out(`${key} = ${Array.isArray(v) ? v.join(',') : JSON.stringify(v)} (applies at the next start)`);
    });
  config
    .command('load <file>')
    .description('merge a TOML configuration file (read here, sent to the server) into the configuration')
    .action(async (file: string) => {
      const patch = await readConfigFile(file);
      const res = await (await ctx.client()).call('POST', '/api/config', patch);
      ctx.out(ctx.json() ? res.text : `loaded ${file} (applies at the next start)`);
    });
}

async function alarms(ctx: CtlContext, opts: { since: string; follow?: boolean }): Promise<void> {
  if (!/^\d{1,15}$/.test(opts.since)) throw new UsageError(`bad value for --since: "${opts.since}" (expected an alarm id, a non-negative integer)`);
  const client = await ctx.client();
  const follow = opts.follow === true;
  let next = Number(opts.since);
  // Each alarm once, in id order, as a table line or (--json) one JSON object per line.
  const print = (a: Json): void => {
    const id = Number(a.id);
    if (id <= next) return;
    next = id;
    ctx.out(ctx.json() ? JSON.stringify(a).replace(/"time":"(\d+)"/, '"time":$1') : alarmView({ ...(a as unknown as AlarmRow), time: timeText(a.time) }));
  };

  // Subscribe first, then read the buffer: nothing raised in between is lost (ids dedupe).
  const abort = new AbortController();
  let pending: Json[] | undefined = [];
  let following: Promise<void> | undefined;
  if (follow) {
    const stop = (): void => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    following = client.events((e) => {
      if (e.event !== 'alarm') return;
      const a = parseKeepingTimes(e.data) as Json;
      if (pending !== undefined) pending.push(a);
      else print(a);
    }, abort.signal);
  }
  const res = await client.call('GET', `/api/alarms?since=${next}`);
  if (ctx.json() && !follow) return ctx.out(res.text);
  const page = parseKeepingTimes(res.text) as { alarms: Json[]; next: number; missed: number };
  if (page.missed > 0) process.stderr.write(`netspotctl: ${page.missed} older alarms are no longer held by the server\n`);
  if (!ctx.json() && (follow || page.alarms.length > 0)) ctx.out(ALARM_HEADER);
  if (!ctx.json() && !follow && page.alarms.length === 0) ctx.out('no alarm');
  for (const a of page.alarms) print(a);
  next = Math.max(next, page.next);
  const held = pending;
  pending = undefined;
  for (const a of held) print(a);
  await following;
}
