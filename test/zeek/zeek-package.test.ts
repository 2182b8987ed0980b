/**
 * The Zeek package and the service files cannot run here (no Zeek, no systemd user session):
 * check that they agree with what NetSpot writes and serves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/test-data.js';
import { ANOMALY_FIELDS, ANOMALY_TYPES } from '../../src/zeek/anomaly-log-exporter.js';

const read = (p: string) => readFileSync(join(repoRoot, p), 'utf8');

/** `name: type ...;` lines of a Zeek record type. */
function recordFields(script: string, type: string): Array<[string, string, string]> {
  const body = new RegExp(`type ${type}: record \\{([\\s\\S]*?)\\n\\s*\\};`).exec(script)?.[1];
  assert.ok(body !== undefined, `record ${type} in main.zeek`);
  return [...body.matchAll(/^\s*(\w+):\s*(\w+)([^;]*);/gm)].map((m) => [m[1], m[2], m[3].trim()]);
}

test("the Zeek script reads spot-anomaly.log's columns in NetSpot's order and types", () => {
  const script = read('zeek/scripts/main.zeek');
  const line = recordFields(script, 'AnomalyLine');
  assert.deepEqual(line.map((f) => f[0]), [...ANOMALY_FIELDS]);
  assert.deepEqual(line.map((f) => f[1]), [...ANOMALY_TYPES]);
  // Columns NetSpot may write as unset (-) must be &optional in the Input record.
  for (const [name, , attrs] of line.slice(3)) assert.match(attrs, /&optional/, name);
  const info = recordFields(script, 'Info');
  assert.deepEqual(info.map((f) => f[0]), [...ANOMALY_FIELDS]);
  assert.ok(info.every((f) => f[2].includes('&log')));
  assert.deepEqual(info.slice(0, 4).map((f) => f[0]), ['ts', 'id', 'feature', 'probability'], "bro-spotd's columns first");
  assert.match(script, /Input::add_event\(\[[\s\S]*\$mode=Input::STREAM/);
  assert.match(script, /\$ev=NetSpot::anomaly_line/);
  assert.match(script, /event NetSpot::anomaly_line\(description: Input::EventDescription, tpe: Input::Event, r: AnomalyLine\)/);
  assert.match(script, /NOTICE\(\[\$note=Anomaly,[\s\S]*\$identifier=/);
  assert.match(script, /Log::create_stream\(NetSpot::LOG, \[\$columns=Info, \$ev=log_spot_anomaly, \$path="spot-anomaly"\]\)/);
  assert.equal(read('zeek/scripts/__load__.zeek').trim(), '@load ./main');
  assert.match(read('zeek/zkg.meta'), /^script_dir = scripts$/m);
});

test('the systemd user unit and the D-Bus activation file name bro.spot and each other', () => {
  const unit = read('packaging/systemd/dbus-bro.spot.service');
  const activation = read('packaging/dbus/bro.spot.service');
  assert.match(unit, /^Type=dbus$/m);
  assert.match(unit, /^BusName=bro\.spot$/m);
  assert.match(activation, /^\[D-BUS Service\]$/m);
  assert.match(activation, /^Name=bro\.spot$/m);
  assert.match(activation, /^SystemdService=dbus-bro\.spot\.service$/m);
  const exec = (t: string) => /^Exec(?:Start)?=(.*)$/m.exec(t)?.[1];
  assert.equal(exec(unit), exec(activation), 'both start the same command');
  assert.match(exec(unit) ?? '', /netspot zeek .*--dbus session/);
});
