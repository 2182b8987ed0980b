/**
 * bro-spotd's D-Bus interface served on a real dbus-daemon (a private session bus), called
 * with Debian's clients: busctl, gdbus and dbus-send.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backend } from '../../src/backend/backend.js';
import { backendControl } from '../../src/dbus/spot-control.js';
import { SpotDbusService } from '../../src/dbus/spot-dbus-service.js';
import { DEFAULT_REBASE_AFTER, SPOT_CONFIG_DEFAULTS } from '../../src/spot/index.js';
import type { SpotParams } from '../../src/config/schema.js';
import { dbusClient, startPrivateBus } from '../support/dbus-daemon.js';
import { prng } from '../support/prng.js';

const PARAMS: Record<string, SpotParams> = {
  pkts_proc: { ...SPOT_CONFIG_DEFAULTS, rebase_after: DEFAULT_REBASE_AFTER, depth: 0, n_init: 100, level: 0.9, q: 1e-3 },
  active_tcp_conns: { ...SPOT_CONFIG_DEFAULTS, rebase_after: DEFAULT_REBASE_AFTER, depth: 0, n_init: 50, level: 0.95, q: 1e-3, up: false, down: true, bounded: false, max_excess: 77, alert: false },
};

test('every bro-spotd D-Bus method answers on a real dbus-daemon as specified', { timeout: 60_000 }, async () => {
  const bus = await startPrivateBus();
  let killed = 0;
  const backend = new Backend({ series: 't', exporters: [], params: (n) => PARAMS[n] });
  backend.watch(['pkts_proc', 'active_tcp_conns']);
  const rnd = prng(3);
  // 300 values for pkts_proc: 100 calibrate, 200 stream, two spikes (alarms).
  for (let i = 0; i < 300; i++) {
    const spike = i === 250 || i === 280;
    backend.judge(BigInt(i), [{ name: 'pkts_proc', value: spike ? 1e9 : 1000 + 100 * rnd() }, { name: 'active_tcp_conns', value: 50 + rnd() }]);
  }
  const service = await SpotDbusService.start(backendControl(backend, () => killed++), { bus: 'session', name: 'bro.spot', address: bus.address });
  const A = `--address=${bus.address}`;
  const busctl = (...args: string[]) => dbusClient('busctl', [A, 'call', 'bro.spot', '/', ...args]);
  try {
    // Features -> as
    assert.equal((await busctl('bro.spot.Common', 'Features')).trim(), 'as 2 "pkts_proc" "active_tcp_conns"');

    // Status(s) -> iiiiiiidddd
    const st = (await busctl('bro.spot.Spot', 'Status', 's', 'pkts_proc')).trim().split(' ');
    assert.equal(st[0], 'iiiiiiidddd');
    const [n, exUp, exDown, ntUp, ntDown, alUp, alDown] = st.slice(1, 8).map(Number);
    const [tUp, tDown, zUp, zDown] = st.slice(8).map(Number);
    const up = backend.get('pkts_proc')!.detector.spot.upper!;
    assert.equal(alUp, 2, 'the two spikes');
    assert.equal(alDown, 0);
    assert.equal(n, 298, 'values in the model: 300 minus the two discarded alarms');
    assert.equal(ntUp, up.nt);
    assert.ok(ntUp >= 10 && ntUp <= 40, `about 10 % of the values are excesses: ${ntUp}`);
    assert.equal(exUp, Math.min(ntUp, 200));
    assert.deepEqual([exDown, ntDown], [0, 0]);
    assert.ok(tUp > 1000 && tUp < 1100, `excess threshold ${tUp}`);
    assert.ok(zUp > tUp && zUp < 1e9, `anomaly threshold ${zUp}`);
    assert.ok(Math.abs(zUp - up.anomalyThreshold) <= 1e-5 * zUp, "busctl prints 6 significant digits");
    assert.ok(Math.abs(tUp - up.excessThreshold) <= 1e-5 * tUp);
    assert.deepEqual([tDown, zDown], [0, 0], 'lower tail off: 0');

    // Config(s) -> dbibbbid: q, bounded, max_excess, alert, up, down, n_init, level
    assert.equal((await busctl('bro.spot.Spot', 'Config', 's', 'active_tcp_conns')).trim(), 'dbibbbid 0.001 false 77 false false true 50 0.95');
    assert.equal((await busctl('bro.spot.Spot', 'Config', 's', 'pkts_proc')).trim(), 'dbibbbid 0.001 true 200 true true false 100 0.9');

    // Reset(s) -> s, and the detector starts over
    assert.equal((await dbusClient('gdbus', ['call', A, '--dest', 'bro.spot', '--object-path', '/', '--method', 'bro.spot.Spot.Reset', 'pkts_proc'])).trim(), "('pkts_proc reset',)");
    const after = (await busctl('bro.spot.Spot', 'Status', 's', 'pkts_proc')).trim().split(' ');
    assert.deepEqual(after.slice(1, 8).map(Number), [0, 0, 0, 0, 0, 0, 0]);

    // An unknown feature: one error reply, InvalidArgs, with a message
    await assert.rejects(
      dbusClient('dbus-send', [`--bus=${bus.address}`, '--print-reply', '--dest=bro.spot', '/', 'bro.spot.Spot.Status', 'string:nope']),
      /org\.freedesktop\.DBus\.Error\.InvalidArgs: unknown feature "nope" \(watched: pkts_proc, active_tcp_conns\)/,
    );
    for (const m of ['Config', 'Reset']) {
      await assert.rejects(busctl('bro.spot.Spot', m, 's', 'nope'), /unknown feature "nope"/);
    }

    // Introspection matches what is served (names and signatures)
    const xml = await dbusClient('gdbus', ['introspect', A, '--dest', 'bro.spot', '--object-path', '/', '--xml']);
    const methods = (iface: string) => {
      const body = new RegExp(`<interface name="${iface.replaceAll('.', '\\.')}">([\\s\\S]*?)</interface>`).exec(xml)?.[1] ?? '';
      return [...body.matchAll(/<method name="(\w+)">([\s\S]*?)<\/method>/g)].map((m) => {
        const args = [...m[2].matchAll(/<arg([^>]*)>/g)].map((a) => ({
          type: /type="([^"]+)"/.exec(a[1])?.[1] ?? '?', dir: /direction="(in|out)"/.exec(a[1])?.[1] ?? 'in',
        }));
        const sig = (dir: string) => args.filter((a) => a.dir === dir).map((a) => a.type).join('');
        return `${m[1]}(${sig('in')}) -> ${sig('out')}`;
      });
    };
    assert.deepEqual(methods('bro.spot.Common'), ['Features() -> as', 'Kill() -> s']);
    assert.deepEqual(methods('bro.spot.Spot'), ['Status(s) -> iiiiiiidddd', 'Config(s) -> dbibbbid', 'Reset(s) -> s']);

    // Kill -> s, then the run is asked to end
    assert.equal((await busctl('bro.spot.Common', 'Kill')).trim(), 's "NetSpot stops"');
    const until = Date.now() + 5000;
    while (killed === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.equal(killed, 1);

    // A second owner of the name is refused with a clear error
    await assert.rejects(
      SpotDbusService.start(backendControl(backend, () => {}), { bus: 'session', name: 'bro.spot', address: bus.address }),
      /D-Bus name bro\.spot is already owned on the session bus/,
    );
  } finally {
    await service.stop();
    await bus.stop();
  }
});
