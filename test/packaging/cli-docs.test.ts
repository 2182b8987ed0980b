/**
 * The man pages and completions generated at build time (scripts/gen-cli-docs.ts): rendered by
 * the real man/groff and driven by the real bash, they show every command, option and key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { renderAll } from '../../scripts/gen-cli-docs.js';
import { defaultsToml } from '../../src/config/defaults-toml.js';

const dir = mkdtempSync(join(tmpdir(), 'netspot-cli-docs-'));
const files = renderAll();
for (const [rel, text] of Object.entries(files)) {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
}
test.after(() => rmSync(dir, { recursive: true, force: true }));

function man(page: string): string {
  const r = spawnSync('man', ['-l', join(dir, 'man', page)], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '200', MAN_KEEP_FORMATTING: '' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('groff reads every page without a warning', () => {
  for (const page of ['netspot.1', 'netspotctl.1', 'netspot.toml.5']) {
    const r = spawnSync('groff', ['-man', '-ww', '-z', join(dir, 'man', page)], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '', `${page}: ${r.stderr}`);
  }
});

test('netspot(1) shows what netspot run --help and netspot serve --help show', () => {
  const page = man('netspot.1');
  for (const cmd of ['run', 'serve']) {
    const help = spawnSync(process.execPath, ['dist/src/cli/netspot.js', cmd, '--help'], { encoding: 'utf8' }).stdout;
    const options = [...help.matchAll(/^\s+(?:-\w, )?(--[\w.-]+)/gm)].map((m) => m[1]).filter((o) => o !== '--help');
    assert.ok(options.length >= 4, help);
    for (const o of options) assert.match(page, new RegExp(`${o.replaceAll('.', '\\.')}\\b`), `${cmd} ${o} missing`);
  }
  assert.match(page, /netspot run -d trace\.pcapng\.gz -s R_SYN -s TRAFFIC -p 500ms -v/);
  assert.match(page, /EXIT STATUS/);
});

test('netspotctl(1) has every sub-command, nested ones included', () => {
  const page = man('netspotctl.1');
  for (const c of ['status', 'start', 'stop', 'alarms [options]', 'config get', 'config set', 'config load']) assert.ok(page.includes(`\n   ${c}`), c);
});

test('netspot.toml(5) has every key of netspot defaults with its default value', () => {
  const page = man('netspot.toml.5');
  const defaults = parseToml(defaultsToml()) as Record<string, Record<string, unknown>>;
  let keys = 0;
  const walk = (table: Record<string, unknown>): void => {
    for (const [k, v] of Object.entries(table)) {
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) walk(v as Record<string, unknown>);
      else {
        keys++;
        const shown = Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : typeof v === 'string' ? JSON.stringify(v) : String(v);
        assert.ok(page.includes(`${k} = ${shown}`), `${k} = ${shown} missing`);
      }
    }
  };
  for (const [section, table] of Object.entries(defaults)) {
    assert.match(page, new RegExp(`\\[${section}[\\].]`));
    walk(table);
  }
  assert.ok(keys >= 20, `only ${keys} keys`);
});

function complete(words: string[]): string[] {
  const script =
    `source ${join(dir, 'completions/bash', words[0])}\n` +
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}\n` +
    `_${words[0]}_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

test('bash completes sub-commands, options, hidden --section.key options and file values', () => {
  assert.deepEqual(complete(['netspot', 'r']), ['run']);
  assert.deepEqual(complete(['netspot', 'run', '--dev']), ['--device']);
  assert.ok(complete(['netspot', 'run', '--spot.R_SYN.']).includes('--spot.R_SYN.n_init'));
  assert.deepEqual(complete(['netspot', 'run', '-d', 'ma']), ['man']);
  assert.deepEqual(complete(['netspotctl', 'config', 'l']), ['load']);
  // -e takes a value: "con" after it is still the sub-command word
  assert.deepEqual(complete(['netspotctl', '-e', 'unix:///x.sock', 'con']), ['config']);
  assert.ok(complete(['netspotctl', 'config', 'set', '--']).includes('--token-file'));
});

test('the zsh completions are valid zsh', { skip: spawnSync('zsh', ['-c', 'true']).status !== 0 && 'zsh is not installed' }, () => {
  for (const f of ['_netspot', '_netspotctl']) {
    const r = spawnSync('zsh', ['-n', join(dir, 'completions/zsh', f)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
});
