/**
 * Detection quality against real attack tools (`npm run bench:eval`, needs root).
 *
 * Capture stage: labs, each a pair of network namespaces joined by a veth pair (attacker side
 * 10.99.0.1, target side 10.99.0.2) that this script creates and deletes; no packet leaves
 * them. In each, tcpreplay replays a real capture (test/data/pcaps/netspot__wifi.pcap) in a
 * loop from the attacker side, its speed changing every 30 s along a compressed working day,
 * and a neighbour (10.99.0.3) sends an ARP request every 2 s, answered by the target (LAN
 * chatter the replayed capture lacks); tcpdump captures on the target side. After the
 * calibration time (NetSpot's defaults need depth + n_init = 1050 one-second periods), the
 * attack lab runs Debian's tools one after the other, each bounded by `timeout`; the labels
 * (real start and end of each tool, attacker, target) go beside the capture. Two scenarios
 * run at the same time:
 *
 * - issue 12 (light background, 20-250 packets/s): nmap SYN port scan, nmap ping sweep of a
 *   /24, hping3 SYN flood from random (spoofed) sources, hping3 UDP flood, ping -f, an arping
 *   storm, and a slow nmap scan (one probe every 4 s) that rate statistics are not expected to
 *   see; bench/data/eval-attacks.pcap, and bench/data/eval-background.pcap from a second lab
 *   with the same background and no attack.
 * - issue 14 (heavy background, 1,800-9,900 packets/s): low-rate attacks at nmap's default
 *   timing (nmap -sS and -sU on the top 200 ports, nmap -sn of a /24 with 8 live hosts),
 *   hping3 SYN floods at 100 packets/s, one with spoofed sources; bench/data/eval-heavy.pcap,
 *   and bench/data/eval-heavy-background.pcap, the same capture without the attack lab's
 *   packets (one heavy replay is all the shared machine can afford).
 *
 * Score stage: issue 12, `netspot eval` on both captures with NetSpot's defaults, `-s all` and
 * tuned parameters, and a mean + 3σ baseline (no EVT) computed from `netspot run` data
 * records (bench/data/eval-results.json). Issue 14, one `netspot run -s all` per capture,
 * scored per statistic, for NetSpot's ten and for all (bench/data/eval-heavy-results.json),
 * checked against `netspot eval -s all`. Markdown tables on stdout.
 *
 *   npm run bench:eval [-- --calibration 1080 --stage capture|score|all --scenario 12|14|both --quick]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLabels, type AttackLabel } from '../src/eval/labels.js';
import { scoreRun, type AttackScore, type EvalResult, type ScoredAlarm } from '../src/eval/score.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const dataDir = join(repoRoot, 'bench', 'data');
const cli = join(repoRoot, 'dist', 'src', 'cli', 'netspot.js');
const background = join(repoRoot, 'test', 'data', 'pcaps', 'netspot__wifi.pcap');
const ATTACKER = '10.99.0.1';
const TARGET = '10.99.0.2';
const NEIGHBOUR = '10.99.0.3';

interface Options {
  calibration: number;
  stage: 'capture' | 'score' | 'all';
  /** Which evaluation: issue 12's (light background, fast attacks), issue 14's (heavy background, low-rate attacks), or both at once. */
  scenario: '12' | '14' | 'both';
  quick: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { calibration: 1080, stage: 'all', scenario: 'both', quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--calibration') o.calibration = Number(argv[++i]);
    else if (a === '--stage') o.stage = argv[++i] as Options['stage'];
    else if (a === '--scenario') o.scenario = argv[++i] as Options['scenario'];
    else if (a === '--quick') o.quick = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (!['12', '14', 'both'].includes(o.scenario)) throw new Error('--scenario is 12, 14 or both');
  if (!(o.calibration >= 10)) throw new Error('--calibration needs at least 10 seconds');
  return o;
}

function sh(cmd: string, args: string[], quiet = false): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0 && !quiet) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- labs

interface Lab {
  name: string;
  attackNs: string;
  targetNs: string;
  attackIf: string;
  targetIf: string;
}

/** Live hosts of the swept subnet 10.99.1.0/24 (addresses of the target), for the issue-14 lab: a sweep finds some hosts, as on a real network. */
const LIVE_SWEPT = [1, 17, 33, 60, 101, 150, 200, 254];

function makeLab(name: string, liveSwept = false): Lab {
  const lab = { name, attackNs: `${name}-a`, targetNs: `${name}-t`, attackIf: `${name}a0`, targetIf: `${name}t0` };
  removeLab(lab);
  try {
    sh('ip', ['netns', 'add', lab.attackNs]);
    sh('ip', ['netns', 'add', lab.targetNs]);
    sh('ip', ['link', 'add', lab.attackIf, 'netns', lab.attackNs, 'type', 'veth', 'peer', 'name', lab.targetIf, 'netns', lab.targetNs]);
    for (const [ns, ifc, addr] of [[lab.attackNs, lab.attackIf, ATTACKER], [lab.targetNs, lab.targetIf, TARGET]]) {
      sh('ip', ['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', ifc]);
      sh('ip', ['-n', ns, 'link', 'set', ifc, 'up']);
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    // A third host beside the attacker: its ARP chatter is the background's (the replayed capture has none).
    sh('ip', ['-n', lab.attackNs, 'addr', 'add', `${NEIGHBOUR}/24`, 'dev', lab.attackIf]);
    // The ping sweep targets 10.99.1.0/24 through the target, so its probes cross the capture.
    sh('ip', ['-n', lab.attackNs, 'route', 'add', '10.99.1.0/24', 'via', TARGET]);
    if (liveSwept) for (const h of LIVE_SWEPT) sh('ip', ['-n', lab.targetNs, 'addr', 'add', `10.99.1.${h}/32`, 'dev', 'lo']);
  } catch (err) {
    removeLab(lab); // no half-made namespaces left behind
    throw err;
  }
  return lab;
}

function removeLab(lab: Lab): void {
  sh('ip', ['netns', 'del', lab.attackNs], true);
  sh('ip', ['netns', 'del', lab.targetNs], true);
}

/** Traffic speed along a working day compressed into `total` seconds: night, morning, lunch dip, afternoon, evening. */
function dayMultiplier(t: number, total: number, rnd: () => number): number {
  const f = t / total;
  const shape = [0.3, 0.5, 1.2, 2.0, 2.2, 1.4, 2.0, 2.1, 1.5, 0.8, 0.4];
  const x = f * (shape.length - 1);
  const i = Math.min(shape.length - 2, Math.floor(x));
  const level = shape[i] + (shape[i + 1] - shape[i]) * (x - i);
  return Math.max(0.2, level * 2.5 * (0.9 + 0.2 * rnd()));
}

/** Light background (issue 12): the capture's own timing, 0.5x to 5.5x (about 20 to 250 packets/s). */
function dayPace(t: number, total: number, rnd: () => number): string[] {
  return ['--multiplier', dayMultiplier(t, total, rnd).toFixed(2)];
}

/**
 * Heavy background (issue 14): a working day that runs from night to the end of the afternoon
 * (the attacks fall in the busy afternoon), 1,800 to 9,900 packets/s at an even pace within
 * each 30 s segment, ±10% noise per segment.
 */
function heavyPace(t: number, total: number, rnd: () => number): string[] {
  const shape = [0.4, 0.7, 1.3, 2.0, 1.6, 2.0, 2.2, 2.2, 2.1, 2.2, 2.1];
  const x = Math.min(1, t / total) * (shape.length - 1);
  const i = Math.min(shape.length - 2, Math.floor(x));
  const level = shape[i] + (shape[i + 1] - shape[i]) * (x - i);
  const pps = Math.round(4500 * level * (0.9 + 0.2 * rnd()));
  // --pps-multi sends 10 packets per timing step: the replay then costs about half a core at 8,000/s
  // (measured on this machine under load), a third of what following the capture's own gaps costs.
  return ['--pps', String(pps), '--pps-multi', '10'];
}

/** Replays the background capture in 30 s segments, the speed following the day, until `stop()`. */
class Background {
  private stopped = false;
  private current: ChildProcess | undefined;
  private arp: ChildProcess | undefined;
  readonly done: Promise<void>;

  /**
   * `pace` gives tcpreplay's speed options for a segment starting at `t` seconds: the capture's
   * own timing scaled (`--multiplier`), or a fixed packet rate (`--pps`, for heavy background:
   * cheaper than following the capture's gaps at high speed).
   */
  constructor(
    private readonly lab: Lab,
    private readonly total: number,
    private readonly pace: (t: number, total: number, rnd: () => number) => string[] = dayPace,
  ) {
    this.done = Promise.all([this.loop(), this.chatter()]).then(() => undefined);
  }

  /** ARP requests from the neighbour every 2 s (answered by the target), as on any LAN. */
  private async chatter(): Promise<void> {
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        const p = track(spawn('ip', ['netns', 'exec', this.lab.attackNs, 'timeout', '-s', 'INT', '-k', '5', '65', 'arping', '-q', '-i', this.lab.attackIf, '-S', NEIGHBOUR, '-W', '2', '-c', '30', TARGET], { stdio: 'ignore' }));
        this.arp = p;
        p.on('close', () => resolve());
      });
    }
  }

  private async loop(): Promise<void> {
    let seed = 42;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const t0 = Date.now();
    while (!this.stopped) {
      const pace = this.pace((Date.now() - t0) / 1000, this.total, rnd);
      const args = ['tcpreplay', '-q', '-i', this.lab.attackIf, ...pace, '--loop', '0', '--duration', '30', background];
      await new Promise<void>((resolve) => {
        const p = track(spawn('ip', ['netns', 'exec', this.lab.attackNs, 'timeout', '-s', 'INT', '-k', '5', '40', ...args], { stdio: 'ignore' }));
        this.current = p;
        p.on('close', () => resolve());
      });
    }
  }

  /** Ends the replay now (the running tcpreplay, by its process id). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.kill('SIGINT');
    this.arp?.kill('SIGINT');
    await this.done;
  }
}

/** Tools, replays and captures running now, for the watchdog. */
const running = new Set<ChildProcess>();
function track(p: ChildProcess): ChildProcess {
  running.add(p);
  p.on('close', () => running.delete(p));
  return p;
}

/** A tool inside a namespace, bounded by `timeout`; resolves with its exit code. */
function runTool(ns: string, cmd: string[], seconds: number): Promise<number> {
  return new Promise((resolve) => {
    const p = track(spawn('ip', ['netns', 'exec', ns, 'timeout', '-s', 'INT', '-k', '5', String(seconds), ...cmd], { stdio: ['ignore', 'ignore', 'pipe'] }));
    let err = '';
    p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => {
      if (code !== 0 && code !== 124 && code !== 130) process.stderr.write(`${cmd[0]} exited ${code}: ${err.trim().slice(0, 300)}\n`);
      resolve(code ?? -1);
    });
  });
}

function startCapture(lab: Lab, file: string, snap = 256): ChildProcess {
  rmSync(file, { force: true });
  return track(spawn('ip', ['netns', 'exec', lab.targetNs, 'tcpdump', '-i', lab.targetIf, '-s', String(snap), '-B', '65536', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] }));
}

function stopCapture(p: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let err = '';
    p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', () => resolve(err.trim()));
    p.kill('SIGINT');
  });
}

interface Attack {
  name: string;
  cmd: string[];
  /** Seconds the tool may run. */
  seconds: number;
  attacker?: string;
  target?: string;
}

function attacks(lab: Lab, quick: boolean): Attack[] {
  return [
    { name: 'nmap-syn-port-scan', cmd: ['nmap', '-sS', '-Pn', '-n', '-T4', '-p', '1-5000', TARGET], seconds: 60, attacker: ATTACKER, target: TARGET },
    { name: 'nmap-ping-sweep', cmd: ['nmap', '-sn', '-n', '-PE', '--send-ip', '-T5', '--max-retries', '0', '--min-rate', '300', '10.99.1.0/24'], seconds: 60, attacker: ATTACKER },
    { name: 'hping3-syn-flood-spoofed', cmd: ['hping3', '-S', '-p', '80', '-i', 'u200', '--rand-source', '-q', TARGET], seconds: quick ? 5 : 15, target: TARGET },
    { name: 'hping3-udp-flood', cmd: ['hping3', '--udp', '-p', '53', '-i', 'u200', '-q', TARGET], seconds: quick ? 5 : 15, attacker: ATTACKER, target: TARGET },
    { name: 'ping-flood', cmd: ['ping', '-f', '-q', '-w', quick ? '5' : '12', TARGET], seconds: quick ? 8 : 15, attacker: ATTACKER, target: TARGET },
    { name: 'arping-storm', cmd: ['arping', '-q', '-i', lab.attackIf, '-c', quick ? '1000' : '3000', '-W', '0.005', TARGET], seconds: quick ? 8 : 20, attacker: ATTACKER },
    { name: 'nmap-slow-scan', cmd: ['nmap', '-sS', '-Pn', '-n', '--scan-delay', '4s', '--max-retries', '0', '-p', quick ? '20-23' : '20-44', TARGET], seconds: quick ? 30 : 130, attacker: ATTACKER, target: TARGET },
  ];
}

/**
 * Issue 14: low-rate attacks in heavy background, NetSpot's default timing for nmap. The
 * target's kernel keeps Linux's ICMP rate limit, so the UDP scan crawls (nmap slows down to
 * about one port per second): it is stopped after 60 s, its label is that real interval.
 */
function lowRateAttacks(quick: boolean): Attack[] {
  return [
    { name: 'nmap-sS-top200', cmd: ['nmap', '-sS', '-Pn', '-n', '--top-ports', '200', TARGET], seconds: 60, attacker: ATTACKER, target: TARGET },
    { name: 'nmap-sU-top200', cmd: ['nmap', '-sU', '-Pn', '-n', '--top-ports', '200', TARGET], seconds: quick ? 10 : 60, attacker: ATTACKER, target: TARGET },
    { name: 'nmap-sn-sweep', cmd: ['nmap', '-sn', '-n', '10.99.1.0/24'], seconds: 60, attacker: ATTACKER },
    { name: 'hping3-syn-100pps', cmd: ['hping3', '-S', '-p', '80', '-i', 'u10000', '-q', TARGET], seconds: quick ? 5 : 15, attacker: ATTACKER, target: TARGET },
    { name: 'hping3-spoofed-syn-100pps', cmd: ['hping3', '-S', '-p', '80', '-i', 'u10000', '--rand-source', '-q', TARGET], seconds: quick ? 5 : 15, target: TARGET },
  ];
}

interface Scenario {
  /** Labs: the first gets the attacks, the others the same background only. */
  labs: Lab[];
  files: string[];
  snap: number;
  pace: (t: number, total: number, rnd: () => number) => string[];
  attacks: Attack[];
  gap: number;
  labels: string;
}

function schedule(o: Options, sc: Scenario, tail: number): number {
  return o.calibration + sc.attacks.reduce((s, a) => s + a.seconds + sc.gap, 0) + tail;
}

/** Background on every lab, the attacks one after the other on the first; writes the labels. */
async function runScenario(o: Options, sc: Scenario, tail: number): Promise<void> {
  const total = schedule(o, sc, tail);
  const captures = sc.labs.map((lab, i) => startCapture(lab, sc.files[i], sc.snap));
  await sleep(1000);
  const labels: string[] = ['start,end,name,attacker,target'];
  const backgrounds = sc.labs.map((lab) => new Background(lab, total, sc.pace));
  try {
    await sleep(o.calibration * 1000);
    for (const a of sc.attacks) {
      const t0 = Date.now() / 1000;
      const code = await runTool(sc.labs[0].attackNs, a.cmd, a.seconds);
      const t1 = Date.now() / 1000;
      process.stderr.write(`bench:eval: ${a.name}: ${(t1 - t0).toFixed(1)} s (exit ${code})\n`);
      labels.push(`${t0.toFixed(3)},${t1.toFixed(3)},${a.name},${a.attacker ?? ''},${a.target ?? ''}`);
      await sleep(sc.gap * 1000);
    }
    await sleep(tail * 1000);
  } finally {
    for (const b of backgrounds) await b.stop();
    for (const [i, c] of captures.entries()) process.stderr.write(`tcpdump ${sc.files[i].replace(/.*\//, '')}: ${(await stopCapture(c)).split('\n').slice(-3).join('; ')}\n`);
  }
  writeFileSync(sc.labels, labels.join('\n') + '\n');
}

/** The heavy capture without the attack lab's own packets (10.99.0.0/16 and the attacker's ARP): background alone. */
function stripAttacks(from: string, to: string): void {
  rmSync(to, { force: true });
  sh('tcpdump', ['-r', from, '-w', to, 'not (ip and net 10.99.0.0/16) and not (arp host 10.99.0.1)'], false);
  writeFileSync(to.replace(/\.pcap$/, '.labels.csv'), 'start,end,name,attacker,target\n');
}

/** Makes the labs of the scenarios asked for (pushed to `labs` as made, for cleaning up). */
function buildScenarios(o: Options, labs: Lab[], scenarios: Scenario[]): void {
  if (o.scenario !== '14') {
    const attackLab = makeLab('nse1');
    const bgLab = makeLab('nse2');
    labs.push(attackLab, bgLab);
    scenarios.push({
      labs: [attackLab, bgLab], files: [join(dataDir, 'eval-attacks.pcap'), join(dataDir, 'eval-background.pcap')], snap: 256,
      pace: dayPace, attacks: attacks(attackLab, o.quick), gap: o.quick ? 10 : 25, labels: join(dataDir, 'eval-attacks.labels.csv'),
    });
  }
  if (o.scenario !== '12') {
    const heavyLab = makeLab('nse3', true);
    labs.push(heavyLab);
    scenarios.push({
      labs: [heavyLab], files: [join(dataDir, 'eval-heavy.pcap')], snap: 128,
      pace: heavyPace, attacks: lowRateAttacks(o.quick), gap: o.quick ? 10 : 30, labels: join(dataDir, 'eval-heavy.labels.csv'),
    });
  }
}

async function capture(o: Options): Promise<void> {
  for (const tool of ['ip', 'tcpreplay', 'tcpdump', 'nmap', 'hping3', 'arping', 'ping', 'timeout']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is missing (apt-get install -y nmap hping3 tcpreplay arping tcpdump iproute2)`);
  }
  if (process.getuid?.() !== 0) throw new Error('bench:eval needs root (network namespaces)');
  mkdirSync(dataDir, { recursive: true });
  const tail = o.quick ? 10 : 30;
  const labs: Lab[] = [];
  const scenarios: Scenario[] = [];
  try {
    buildScenarios(o, labs, scenarios);
  } catch (err) {
    for (const lab of labs) removeLab(lab);
    throw err;
  }
  // A hard stop, whatever happens: the whole run may take its longest schedule plus 10 minutes.
  const longest = Math.max(...scenarios.map((sc) => schedule(o, sc, tail)));
  const watchdog = setTimeout(() => {
    process.stderr.write('bench:eval: over time, stopping\n');
    for (const p of running) p.kill('SIGKILL');
    for (const lab of labs) removeLab(lab);
    process.exit(1);
  }, (longest + 600) * 1000);
  process.stderr.write(`bench:eval: background only for ${o.calibration} s (calibration), then the attacks; about ${Math.round(longest / 60)} min\n`);
  // The machine's load during the capture (shared machine: the figures depend on it).
  const load: number[] = [];
  const sampler = setInterval(() => load.push(loadavg()[0]), 30_000);
  try {
    await Promise.all(scenarios.map((sc) => runScenario(o, sc, tail)));
  } finally {
    clearTimeout(watchdog);
    clearInterval(sampler);
    if (load.length > 0) {
      const summary = { samples: load.length, min: Math.min(...load), mean: load.reduce((a, b) => a + b, 0) / load.length, max: Math.max(...load), cores: cpus().length };
      writeFileSync(join(dataDir, 'eval-load.json'), JSON.stringify(summary) + '\n');
      process.stderr.write(`bench:eval: 1-min load average during the capture: ${JSON.stringify(summary)}\n`);
    }
    for (const lab of labs) removeLab(lab);
  }
  if (o.scenario !== '14') writeFileSync(join(dataDir, 'eval-background.labels.csv'), 'start,end,name,attacker,target\n');
  if (o.scenario !== '12') stripAttacks(join(dataDir, 'eval-heavy.pcap'), join(dataDir, 'eval-heavy-background.pcap'));
}

// ---------------------------------------------------------------- scoring

const DEFAULT_STATS = ['AVG_PKT_SIZE', 'PERF', 'R_ARP', 'R_SYN', 'TRAFFIC'];
const TUNED_STATS = ['AVG_PKT_SIZE', 'R_ACK', 'R_ARP', 'R_DST_SRC', 'R_DST_SRC_PORT', 'R_ICMP', 'R_SYN', 'TRAFFIC'];
/** Tuned: every packet-based statistic, a shorter drift window and calibration, a smaller q. */
const TUNED = ['-s', TUNED_STATS.join(','), '--spot.depth', '20', '--spot.n_init', '300', '--spot.q', '1e-5'];

type EvalOutput = EvalResult & { episodes?: number; baseline_changes?: Array<{ stat: string; time: number; old_level: number; new_level: number }> };

interface Scored {
  config: string;
  capture: string;
  result: EvalOutput;
}

function netspotEval(capture: string, labels: string, extra: string[]): EvalOutput {
  const r = spawnSync(process.execPath, [cli, 'eval', '-d', capture, '--labels', labels, '--json', ...extra], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`netspot eval failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as EvalOutput;
}

/** mean + 3σ of the calibration periods (the same ones SPOT calibrates on), per statistic, no EVT. */
function baseline(capture: string, labelsFile: string, stats: string[], calibration: number): EvalResult {
  const out = join(dataDir, 'eval-baseline.data.json');
  const r = spawnSync(process.execPath, [cli, 'run', '-d', capture, '-q', '-s', stats.join(','), '-f', out, '--exporter.console.alarm', 'false', '--analyzer.context_top', '0'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netspot run failed: ${r.stderr}`);
  const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => l);
  const times = rows.map((l) => BigInt(/"time":(\d+)/.exec(l)![1]));
  const values = rows.map((l) => JSON.parse(l) as Record<string, number | null>);
  const alarms: ScoredAlarm[] = [];
  for (const s of stats) {
    const cal = values.slice(0, calibration).map((v) => v[s]).filter((x): x is number => typeof x === 'number');
    const mean = cal.reduce((a, b) => a + b, 0) / cal.length;
    const sd = Math.sqrt(cal.reduce((a, b) => a + (b - mean) ** 2, 0) / cal.length);
    for (let k = calibration; k < values.length; k++) {
      const x = values[k][s];
      if (typeof x === 'number' && x > mean + 3 * sd) alarms.push({ timeNs: times[k], stat: s });
    }
  }
  const labels = parseLabels(readFileSync(labelsFile, 'utf8'), labelsFile);
  return scoreRun({ periodEnds: times, periodNs: 1e9, alarms, labels, grace: 2 });
}

function score12(): void {
  const captures = [
    { capture: join(dataDir, 'eval-attacks.pcap'), labels: join(dataDir, 'eval-attacks.labels.csv') },
    { capture: join(dataDir, 'eval-background.pcap'), labels: join(dataDir, 'eval-background.labels.csv') },
  ];
  for (const c of captures) if (!existsSync(c.capture) || !existsSync(c.labels)) throw new Error(`${c.capture} or its labels missing: run the capture stage first`);
  const results: Scored[] = [];
  for (const c of captures) {
    const name = c.capture.replace(/.*\//, '');
    results.push({ config: 'NetSpot defaults', capture: name, result: netspotEval(c.capture, c.labels, []) });
    results.push({ config: 'defaults, -s all', capture: name, result: netspotEval(c.capture, c.labels, ['-s', 'all']) });
    results.push({ config: `tuned (${TUNED.slice(2).join(' ')})`, capture: name, result: netspotEval(c.capture, c.labels, TUNED) });
    results.push({ config: 'tuned, --spot.rebase_after 30', capture: name, result: netspotEval(c.capture, c.labels, [...TUNED, '--spot.rebase_after', '30']) });
    results.push({ config: 'baseline mean+3σ (defaults stats, 1050 periods)', capture: name, result: baseline(c.capture, c.labels, DEFAULT_STATS.filter((s) => s !== 'PERF'), 1050) });
    results.push({ config: 'baseline mean+3σ (tuned stats, 320 periods)', capture: name, result: baseline(c.capture, c.labels, TUNED_STATS, 320) });
  }
  writeFileSync(join(dataDir, 'eval-results.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write('\n## Issue 12: light background, fast attacks\n');
  for (const r of results) {
    process.stdout.write(`\n### ${r.config} on ${r.capture}\n\n`);
    if (r.result.attacks.length > 0) {
      process.stdout.write('| attack | detected | delay (periods) | statistics | culprit in context |\n| --- | --- | --- | --- | --- |\n');
      for (const a of r.result.attacks) {
        process.stdout.write(`| ${a.name} | ${a.detected ? 'yes' : 'no'} | ${a.delay_periods ?? '-'} | ${a.stats.join(', ') || '-'} | ${a.culprit_in_context === null ? '-' : a.culprit_in_context ? 'yes' : 'no'} |\n`);
      }
      process.stdout.write('\n');
    }
    process.stdout.write(`false alarms: ${r.result.false_alarms} in ${r.result.periods} periods (${r.result.false_alarms_per_hour.toFixed(1)} per hour)\n`);
    if (r.result.episodes !== undefined) process.stdout.write(`episodes: ${r.result.episodes}; baseline changes: ${JSON.stringify(r.result.baseline_changes)}\n`);
  }
}

// ---------------------------------------------------------------- issue 14 scoring

/** NetSpot's ten statistics less PERF (recorded, never judged). */
const TEN = ['AVG_PKT_SIZE', 'R_ACK', 'R_ARP', 'R_DST_SRC', 'R_DST_SRC_PORT', 'R_ICMP', 'R_IP', 'R_SYN', 'TRAFFIC'];
const SCAN = ['TCP_PORT_FANOUT', 'UDP_PORT_FANOUT', 'ADDR_FANOUT', 'R_HALF_OPEN', 'R_REJECT', 'CONN_RATE'];
const ALL = [...TEN, ...SCAN];

/** One `netspot run -s all` over a capture: every period's values and upper thresholds, and the alarms. */
interface RunRecords {
  times: bigint[];
  values: Array<Record<string, number | null>>;
  /** Upper threshold per statistic and period (absent while calibrating). */
  up: Array<Record<string, number | undefined>>;
  alarms: ScoredAlarm[];
  /** Periods judged by at least one detector (after calibration). */
  judged: number;
}

function runAll(capture: string): RunRecords {
  const base = capture.replace(/\.pcap$/, '');
  const dataFile = `${base}.all.data.json`;
  const alarmFile = `${base}.all.alarms.json`;
  rmSync(alarmFile, { force: true });
  const r = spawnSync(process.execPath, [cli, 'run', '-d', capture, '-q', '-s', 'all', '-f', dataFile, '--exporter.file.alarm', alarmFile, '--exporter.console.alarm', 'false'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netspot run on ${capture} failed: ${r.stderr}`);
  const rows = readFileSync(dataFile, 'utf8').trim().split('\n');
  const out: RunRecords = { times: [], values: [], up: [], alarms: [], judged: 0 };
  for (const line of rows) {
    out.times.push(BigInt(/"time":(\d+)/.exec(line)![1]));
    const rec = JSON.parse(line) as Record<string, number | null>;
    const values: Record<string, number | null> = {};
    const up: Record<string, number | undefined> = {};
    for (const st of ALL) {
      values[st] = rec[st] ?? null;
      const u = rec[`${st}_UP`];
      up[st] = typeof u === 'number' ? u : undefined;
    }
    out.values.push(values);
    out.up.push(up);
    if (ALL.some((st) => up[st] !== undefined)) out.judged++;
  }
  const alarmText = existsSync(alarmFile) ? readFileSync(alarmFile, 'utf8').trim() : '';
  for (const line of alarmText === '' ? [] : alarmText.split('\n')) {
    const a = JSON.parse(line) as { stat: string; context?: ScoredAlarm['context'] };
    out.alarms.push({ timeNs: BigInt(/"time":(\d+)/.exec(line)![1]), stat: a.stat, context: a.context });
  }
  return out;
}

function scoreStats(run: RunRecords, labels: AttackLabel[], stats: string[]): EvalResult {
  const keep = new Set(stats);
  return scoreRun({ periodEnds: run.times, periodNs: 1e9, alarms: run.alarms.filter((a) => keep.has(a.stat)), labels, grace: 2 });
}

/** Periods (indices) overlapping an attack's scoring window (as in src/eval/score.ts, 1 s periods, grace 2). */
function windowPeriods(run: RunRecords, l: AttackLabel): number[] {
  const w1 = Math.max(l.end, l.start + 2);
  const idx: number[] = [];
  run.times.forEach((t, i) => {
    const end = Number(t) / 1e9;
    if (end > l.start && end - 1 <= w1) idx.push(i);
  });
  return idx;
}

/** Attack packets (10.99.0.0/16) per period of the run, counted by tcpdump, not by NetSpot. */
function attackPackets(capture: string, run: RunRecords): number[] {
  const r = spawnSync('tcpdump', ['-r', capture, '-nn', '-tt', '-q', 'ip and net 10.99.0.0/16'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`tcpdump -r ${capture} failed: ${r.stderr || r.error?.message}`);
  const text = r.stdout;
  const ends = run.times.map((t) => Number(t) / 1e9);
  const counts = new Array<number>(ends.length).fill(0);
  let k = 0;
  for (const line of text.split('\n')) {
    const ts = Number.parseFloat(line);
    if (!Number.isFinite(ts)) continue;
    while (k < ends.length - 1 && ends[k] <= ts) k++;
    counts[k]++;
  }
  return counts;
}

const median = (xs: number[]): number => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length === 0 ? NaN : v[Math.floor(v.length / 2)];
};
const fmt = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2));

function score14(): void {
  const heavy = join(dataDir, 'eval-heavy.pcap');
  const heavyLabels = join(dataDir, 'eval-heavy.labels.csv');
  const bg = join(dataDir, 'eval-heavy-background.pcap');
  for (const f of [heavy, heavyLabels, bg]) if (!existsSync(f)) throw new Error(`${f} missing: run the capture stage first`);
  const labels = parseLabels(readFileSync(heavyLabels, 'utf8'), heavyLabels);
  const run = runAll(heavy);
  const bgRun = runAll(bg);
  const attackCounts = attackPackets(heavy, run);
  const w = (t: string): void => void process.stdout.write(t);
  w('\n## Issue 14: heavy background, low-rate attacks (SPOT defaults, 1 s periods)\n\n');
  w(`attack capture: ${run.times.length} periods, ${run.judged} judged; background-only capture: ${bgRun.times.length} periods, ${bgRun.judged} judged\n\n`);

  // The attack's share: its packets per period against the other IP packets of the same period.
  const bgTraffic = (i: number): number => (run.values[i].TRAFFIC ?? NaN) - attackCounts[i];
  w('| attack | duration (s) | attack packets | peak attack packets in a period | background IP packets/s then | background / attack peak |\n| --- | --- | --- | --- | --- | --- |\n');
  const rates: Array<Record<string, unknown>> = [];
  for (const l of labels) {
    const inside = run.times.map((t, i) => [Number(t) / 1e9, i] as const).filter(([e]) => e > l.start && e - 1 <= l.end + 1).map(([, i]) => i);
    const pk = inside.map((i) => attackCounts[i]);
    const total = pk.reduce((a, b) => a + b, 0);
    const peak = Math.max(0, ...pk);
    const bgRate = median(inside.map(bgTraffic));
    rates.push({ name: l.name, seconds: l.end - l.start, packets: total, peak, background_pps: bgRate });
    w(`| ${l.name} | ${(l.end - l.start).toFixed(1)} | ${total} | ${peak} | ${fmt(bgRate)} | ${fmt(bgRate / peak)} |\n`);
  }

  const ten = scoreStats(run, labels, TEN);
  const all = scoreStats(run, labels, ALL);
  const tenBg = scoreStats(bgRun, [], TEN);
  const allBg = scoreStats(bgRun, [], ALL);
  // Cross-check: netspot eval -s all must find what the per-statistic scoring finds.
  const evalAll = netspotEval(heavy, heavyLabels, ['-s', 'all']);
  for (const [i, a] of evalAll.attacks.entries()) {
    if (a.detected !== all.attacks[i].detected || a.delay_periods !== all.attacks[i].delay_periods) process.stderr.write(`bench:eval: netspot eval -s all disagrees on ${a.name}: ${JSON.stringify(a)} vs ${JSON.stringify(all.attacks[i])}\n`);
  }
  const cell = (a: AttackScore): string => (a.detected ? `yes (${a.delay_periods})` : '**no**');
  w('\n| attack | ten statistics | statistics that alarmed | -s all | statistics that alarmed | culprit (all) |\n| --- | --- | --- | --- | --- | --- |\n');
  for (const [i, a] of all.attacks.entries()) {
    const t = ten.attacks[i];
    w(`| ${a.name} | ${cell(t)} | ${t.stats.join(', ') || '-'} | ${cell(a)} | ${a.stats.join(', ') || '-'} | ${a.culprit_in_context === null ? '-' : a.culprit_in_context ? 'yes' : 'no'} |\n`);
  }
  const judgedH = (r: RunRecords): number => r.judged / 3600;
  const outside = (res: EvalResult): number => res.false_alarms;
  w('\n| false alarms | ten statistics | -s all |\n| --- | --- | --- |\n');
  w(`| background-only capture (${bgRun.judged} judged periods) | ${tenBg.false_alarms} (${fmt(tenBg.false_alarms / judgedH(bgRun))}/h judged, ${fmt(tenBg.false_alarms_per_hour)}/h of capture) | ${allBg.false_alarms} (${fmt(allBg.false_alarms / judgedH(bgRun))}/h judged, ${fmt(allBg.false_alarms_per_hour)}/h of capture) |\n`);
  w(`| attack capture outside the attacks | ${outside(ten)} | ${outside(all)} |\n`);

  // Per statistic: detection and delay per attack, and how far the statistic went against its threshold.
  const per: Array<Record<string, unknown>> = [];
  w('\nPer statistic: detected (delay) / peak of value ÷ upper threshold over the scoring window.\n\n');
  w(`| statistic | ${labels.map((l) => l.name).join(' | ')} | false alarms (background only) | periods with a threshold (attack / background capture) |\n| --- |${labels.map(() => ' --- |').join('')} --- | --- |\n`);
  for (const st of ALL) {
    const res = scoreStats(run, labels, [st]);
    const bgRes = scoreStats(bgRun, [], [st]);
    const cells = labels.map((l, j) => {
      const idx = windowPeriods(run, l);
      let best = -Infinity;
      let at = -1;
      for (const i of idx) {
        const v = run.values[i][st];
        const u = run.up[i][st];
        if (typeof v === 'number' && u !== undefined && u > 0 && v / u > best) {
          best = v / u;
          at = i;
        }
      }
      const before = run.values.slice(Math.max(0, idx[0] - 60), idx[0]).map((v) => v[st] ?? NaN);
      const a = res.attacks[j];
      per.push({ stat: st, attack: l.name, detected: a.detected, delay_periods: a.delay_periods, peak_value: at >= 0 ? run.values[at][st] : null, threshold_at_peak: at >= 0 ? run.up[at][st] : null, median_before: median(before), threshold_before: idx[0] > 0 ? run.up[idx[0] - 1][st] ?? null : null });
      return `${a.detected ? `**${a.delay_periods}**` : 'no'} / ${at >= 0 ? fmt(best) : '-'}`;
    });
    // A detector whose calibration batch gave too few distinct peaks has no threshold (FIT_ERROR) and judges nothing.
    const withUp = (r: RunRecords): number => r.up.filter((u) => u[st] !== undefined).length;
    w(`| ${st} | ${cells.join(' | ')} | ${bgRes.false_alarms} | ${withUp(run)} / ${withUp(bgRun)} |\n`);
  }
  w('\nValues: median of the 60 periods before each attack -> peak in its window (threshold at the peak).\n\n');
  w(`| statistic | ${labels.map((l) => l.name).join(' | ')} |\n| --- |${labels.map(() => ' --- |').join('')}\n`);
  for (const st of ALL) {
    const rows = per.filter((p) => p.stat === st);
    w(`| ${st} | ${rows.map((p) => `${fmt(p.median_before as number)} -> ${fmt(p.peak_value as number | null)} (${fmt(p.threshold_at_peak as number | null)})`).join(' | ')} |\n`);
  }
  writeFileSync(join(dataDir, 'eval-heavy-results.json'), JSON.stringify({ rates, ten, all, ten_background: tenBg, all_background: allBg, judged: { attack: run.judged, background: bgRun.judged }, netspot_eval_all: evalAll, per_statistic: per }, null, 2) + '\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.stage !== 'score') await capture(o);
  if (o.stage !== 'capture') {
    if (o.scenario !== '14') score12();
    if (o.scenario !== '12') score14();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench:eval: ${err.message}\n`);
    process.exit(1);
  },
);
