/**
 * Detection quality against real attack tools (`npm run bench:eval`, needs root).
 *
 * Capture stage: two labs, each a pair of network namespaces joined by a veth pair (attacker
 * side 10.99.0.1, target side 10.99.0.2) that this script creates and deletes; no packet
 * leaves them. In both, tcpreplay replays a real capture (test/data/pcaps/netspot__wifi.pcap)
 * in a loop from the attacker side, its speed changing every 30 s along a compressed working
 * day, and a neighbour (10.99.0.3) sends an ARP request every 2 s, answered by the target (LAN
 * chatter the replayed capture lacks); tcpdump captures on the target side into bench/data/eval-attacks.pcap and
 * bench/data/eval-background.pcap. After the calibration time (NetSpot's defaults need
 * depth + n_init = 1050 one-second periods), the attack lab runs Debian's tools one after the
 * other, each bounded by `timeout`: nmap SYN port scan, nmap ping sweep of a /24, hping3 SYN
 * flood from random (spoofed) sources, hping3 UDP flood, ping -f, an arping storm, and a slow
 * nmap scan (one probe every 4 s) that rate statistics are not expected to see. The labels
 * (real start and end of each tool, attacker, target) go to bench/data/eval-attacks.labels.csv.
 *
 * Score stage: `netspot eval` on both captures with NetSpot's defaults and with tuned
 * parameters, and a mean + 3σ baseline (no EVT) computed from `netspot run` data records;
 * results in bench/data/eval-results.json and as Markdown tables on stdout.
 *
 *   npm run bench:eval [-- --calibration 1080 --stage capture|score|all --quick]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLabels } from '../src/eval/labels.js';
import { scoreRun, type EvalResult, type ScoredAlarm } from '../src/eval/score.js';

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
  quick: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { calibration: 1080, stage: 'all', quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--calibration') o.calibration = Number(argv[++i]);
    else if (a === '--stage') o.stage = argv[++i] as Options['stage'];
    else if (a === '--quick') o.quick = true;
    else throw new Error(`unknown option ${a}`);
  }
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

function makeLab(name: string): Lab {
  const lab = { name, attackNs: `${name}-a`, targetNs: `${name}-t`, attackIf: `${name}a0`, targetIf: `${name}t0` };
  removeLab(lab);
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

/** Replays the background capture in 30 s segments, the speed following the day, until `stop()`. */
class Background {
  private stopped = false;
  private current: ChildProcess | undefined;
  private arp: ChildProcess | undefined;
  readonly done: Promise<void>;

  constructor(private readonly lab: Lab, private readonly total: number) {
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
      const m = dayMultiplier((Date.now() - t0) / 1000, this.total, rnd).toFixed(2);
      const args = ['tcpreplay', '-q', '-i', this.lab.attackIf, '--multiplier', m, '--loop', '0', '--duration', '30', background];
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

/** Tools and replays running now, for the watchdog. */
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

function startCapture(lab: Lab, file: string): ChildProcess {
  rmSync(file, { force: true });
  return spawn('ip', ['netns', 'exec', lab.targetNs, 'tcpdump', '-i', lab.targetIf, '-s', '256', '-B', '16384', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
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

async function capture(o: Options): Promise<void> {
  for (const tool of ['ip', 'tcpreplay', 'tcpdump', 'nmap', 'hping3', 'arping', 'ping', 'timeout']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is missing (apt-get install -y nmap hping3 tcpreplay arping tcpdump iproute2)`);
  }
  if (process.getuid?.() !== 0) throw new Error('bench:eval needs root (network namespaces)');
  mkdirSync(dataDir, { recursive: true });
  const gap = o.quick ? 10 : 35;
  const tail = o.quick ? 10 : 30;
  const attackLab = makeLab('nse1');
  const bgLab = makeLab('nse2');
  const attackFile = join(dataDir, 'eval-attacks.pcap');
  const bgFile = join(dataDir, 'eval-background.pcap');
  const captures = [startCapture(attackLab, attackFile), startCapture(bgLab, bgFile)];
  // A hard stop, whatever happens: the whole run may take its schedule plus 10 minutes.
  const schedule = o.calibration + attacks(attackLab, o.quick).reduce((s, a) => s + a.seconds + gap, 0) + tail;
  const watchdog = setTimeout(() => {
    process.stderr.write('bench:eval: over time, stopping\n');
    for (const p of [...captures, ...running]) p.kill('SIGKILL');
    for (const lab of [attackLab, bgLab]) removeLab(lab);
    process.exit(1);
  }, (schedule + 600) * 1000);
  await sleep(1000);
  const labels: string[] = ['start,end,name,attacker,target'];
  const backgrounds = [new Background(attackLab, schedule), new Background(bgLab, schedule)];
  try {
    process.stderr.write(`bench:eval: background only for ${o.calibration} s (calibration), then ${attacks(attackLab, o.quick).length} attacks\n`);
    await sleep(o.calibration * 1000);
    for (const a of attacks(attackLab, o.quick)) {
      const t0 = Date.now() / 1000;
      const code = await runTool(attackLab.attackNs, a.cmd, a.seconds);
      const t1 = Date.now() / 1000;
      process.stderr.write(`bench:eval: ${a.name}: ${(t1 - t0).toFixed(1)} s (exit ${code})\n`);
      labels.push(`${t0.toFixed(3)},${t1.toFixed(3)},${a.name},${a.attacker ?? ''},${a.target ?? ''}`);
      await sleep(gap * 1000);
    }
    await sleep(tail * 1000);
  } finally {
    clearTimeout(watchdog);
    for (const b of backgrounds) await b.stop();
    for (const c of captures) process.stderr.write(`tcpdump: ${(await stopCapture(c)).split('\n').slice(-3).join('; ')}\n`);
    for (const lab of [attackLab, bgLab]) removeLab(lab);
  }
  writeFileSync(join(dataDir, 'eval-attacks.labels.csv'), labels.join('\n') + '\n');
  writeFileSync(join(dataDir, 'eval-background.labels.csv'), 'start,end,name,attacker,target\n');
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

function score(): void {
  const captures = [
    { capture: join(dataDir, 'eval-attacks.pcap'), labels: join(dataDir, 'eval-attacks.labels.csv') },
    { capture: join(dataDir, 'eval-background.pcap'), labels: join(dataDir, 'eval-background.labels.csv') },
  ];
  for (const c of captures) if (!existsSync(c.capture) || !existsSync(c.labels)) throw new Error(`${c.capture} or its labels missing: run the capture stage first`);
  const results: Scored[] = [];
  for (const c of captures) {
    const name = c.capture.replace(/.*\//, '');
    results.push({ config: 'NetSpot defaults', capture: name, result: netspotEval(c.capture, c.labels, []) });
    results.push({ config: `tuned (${TUNED.slice(2).join(' ')})`, capture: name, result: netspotEval(c.capture, c.labels, TUNED) });
    results.push({ config: 'tuned, --spot.rebase_after 30', capture: name, result: netspotEval(c.capture, c.labels, [...TUNED, '--spot.rebase_after', '30']) });
    results.push({ config: 'baseline mean+3σ (defaults stats, 1050 periods)', capture: name, result: baseline(c.capture, c.labels, DEFAULT_STATS.filter((s) => s !== 'PERF'), 1050) });
    results.push({ config: 'baseline mean+3σ (tuned stats, 320 periods)', capture: name, result: baseline(c.capture, c.labels, TUNED_STATS, 320) });
  }
  writeFileSync(join(dataDir, 'eval-results.json'), JSON.stringify(results, null, 2) + '\n');
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

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.stage !== 'score') await capture(o);
  if (o.stage !== 'capture') score();
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench:eval: ${err.message}\n`);
    process.exit(1);
  },
);
