// Builds the optional native live-capture binding (native/) with node-gyp, as part of
// `npm ci` (prepare). Never fails the install: without a compiler or libpcap-dev, capture
// files can still be analysed, so a build failure is one clear warning and exit code 0.
// Uses the node-gyp bundled with npm and the local Node headers (no download).
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nativeDir = join(root, 'native');
const addon = join(nativeDir, 'build', 'Release', 'netspot_pcap.node');
const INSTALL_HINT = 'apt-get install libpcap-dev g++ make python3';

function warn(reason, details = '') {
  if (details) process.stderr.write(details.trimEnd().split('\n').slice(-15).join('\n') + '\n');
  process.stderr.write(
    `netspot: WARNING: live capture is unavailable: ${reason}.\n` +
      `netspot: install the build requirements (Debian/Ubuntu: ${INSTALL_HINT}) and re-run\n` +
      'netspot: `npm ci` (or `node scripts/build-native.mjs`). Analysing capture files works without it.\n',
  );
  process.exit(0);
}

/** npm's own node-gyp: npm exports its path to scripts; else found beside the npm CLI. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  const npmCli = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' });
  if (npmCli.status === 0) {
    candidates.push(join(npmCli.stdout.trim(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  return candidates.find((p) => existsSync(p));
}

/** The prefix holding this Node's headers (include/node/common.gypi), so node-gyp downloads nothing. */
function findNodeDir() {
  if (process.env.npm_config_nodedir && existsSync(process.env.npm_config_nodedir)) {
    return process.env.npm_config_nodedir;
  }
  const prefix = dirname(dirname(realpathSync(process.execPath)));
  return existsSync(join(prefix, 'include', 'node', 'common.gypi')) ? prefix : undefined;
}

if (process.env.NETSPOT_SKIP_NATIVE === '1') {
  process.stderr.write('netspot: NETSPOT_SKIP_NATIVE=1: native live-capture binding not built.\n');
  process.exit(0);
}
if (process.platform !== 'linux') warn(`the libpcap binding is only built on Linux (this is ${process.platform})`);
if (!['/usr/include/pcap/pcap.h', '/usr/include/pcap.h'].some((p) => existsSync(p))) {
  warn('the libpcap headers (pcap/pcap.h) are missing');
}
const nodeGyp = findNodeGyp();
if (!nodeGyp) warn('node-gyp (bundled with npm) was not found');
const nodeDir = findNodeDir();

const args = [nodeGyp, 'rebuild', '-C', nativeDir];
if (nodeDir) args.push(`--nodedir=${nodeDir}`);
const build = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
if (build.error) warn(`node-gyp could not run (${build.error.message})`);
if (build.status !== 0 || !existsSync(addon)) {
  warn('building native/ failed (output above)', `${build.stdout ?? ''}\n${build.stderr ?? ''}`);
}
// Load it once: a binding that builds but cannot load (missing libpcap.so) is no better.
const check = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)}).libVersion()`], {
  encoding: 'utf8',
});
if (check.status !== 0) warn('the native binding was built but does not load', check.stderr);
process.stderr.write('netspot: native live-capture binding built (native/build/Release/netspot_pcap.node).\n');
