/**
 * Writes the man pages and shell completions, generated from the command-line programs and the
 * configuration schema (nothing written twice):
 *   node dist/scripts/gen-cli-docs.js OUT_DIR
 * gives OUT_DIR/man/{netspot.1,netspotctl.1,netspot.toml.5} and
 * OUT_DIR/completions/{bash/netspot,bash/netspotctl,zsh/_netspot,zsh/_netspotctl}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { netspotProgram } from '../src/cli/program.js';
import { netspotctlProgram } from '../src/cli/ctl-program.js';
import { version } from '../src/util/version.js';
import { programManPage } from './cli-docs/program-man-page.js';
import { configManPage } from './cli-docs/config-man-page.js';
import { bashCompletion, zshCompletion } from './cli-docs/completions.js';

/** Where the Debian package puts things (packaging/build-deb.sh, netspot.service). */
const FILES = {
  '/etc/netspot/netspot.toml': 'the configuration the services read (a conffile: upgrades keep local edits)',
  '/etc/netspot/token': 'the API token of netspot.service, generated at installation, readable by the netspot user only',
  '/run/netspot/api.sock': 'the API socket of netspot.service (mode 0600)',
  '/var/lib/netspot': 'state of the services (StateDirectory)',
  '/var/log/netspot': 'record files of the services (LogsDirectory), rotated by logrotate',
  '/usr/share/netspot/demo-syn-flood.pcap.gz': 'a demonstration capture: 19 minutes of traffic with a SYN flood near the end',
};

const EXIT_STATUS = '0\tsuccess\n1\truntime error (unreadable capture, capture failure, server unreachable or request refused)\n2\tusage or configuration error';

export function renderAll(): Record<string, string> {
  // The defaults shown must not depend on the environment of the build.
  delete process.env.NETSPOT_ENDPOINT;
  delete process.env.NETSPOT_TOKEN_FILE;
  const netspot = netspotProgram();
  const ctlContext = () => ({
    client: () => Promise.reject(new Error('documentation only')),
    json: () => false,
    out: () => undefined,
  });
  const netspotctl = netspotctlProgram(ctlContext);
  return {
    'man/netspot.1': programManPage(netspot, version, {
      description:
        'NetSpot reads packets (a capture file or a live interface), counts what matters every period, turns the counters into statistics ' +
        '(R_SYN = SYN/IP, TRAFFIC, AVG_PKT_SIZE, ...) and watches each statistic with its own SPOT detector (Streaming Peaks-Over-Threshold), ' +
        'which learns the tail of the statistic by extreme value theory and sets its own alarm threshold. ' +
        'netspot run analyses a file or an interface; netspot serve runs the analysis behind an HTTP API, a dashboard and Prometheus metrics, ' +
        'controlled by netspotctl(1). The configuration is described in netspot.toml(5); every key can be given as --section.key VALUE.',
      sections: {
        'EXIT STATUS': EXIT_STATUS,
        SIGNALS:
          'SIGINT, SIGTERM\tfinish cleanly: the current period is emitted and every output flushed; a second signal quits at once (exit 130)\n' +
          'SIGHUP\treopen the output files (after logrotate)',
        FILES: Object.entries(FILES).map(([f, w]) => `${f}\t${w}`).join('\n'),
      },
      seeAlso: ['netspotctl(1)', 'netspot.toml(5)'],
    }),
    'man/netspotctl.1': programManPage(netspotctl, version, {
      description:
        'netspotctl configures, starts and stops the analysis of a running netspot serve and shows its status, values and alarms, through its HTTP API. ' +
        'Installed from the Debian package, it talks to the service (unix:///run/netspot/api.sock, with /etc/netspot/token) when that socket exists ' +
        'and no endpoint is given.',
      sections: {
        ENVIRONMENT: 'NETSPOT_ENDPOINT\tthe default for --endpoint\nNETSPOT_TOKEN_FILE\tthe default for --token-file',
        'EXIT STATUS': '0\tdone\n1\tserver unreachable or request refused\n2\tbad usage, or a value the server rejected',
        FILES: ['/run/netspot/api.sock', '/etc/netspot/token'].map((f) => `${f}\t${FILES[f as keyof typeof FILES]}`).join('\n'),
      },
      seeAlso: ['netspot(1)', 'netspot.toml(5)'],
    }),
    'man/netspot.toml.5': configManPage(version, { '/etc/netspot/netspot.toml': FILES['/etc/netspot/netspot.toml'] }),
    'completions/bash/netspot': bashCompletion(netspot),
    'completions/bash/netspotctl': bashCompletion(netspotctl),
    'completions/zsh/_netspot': zshCompletion(netspot),
    'completions/zsh/_netspotctl': zshCompletion(netspotctl),
  };
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const outDir = process.argv[2];
  if (outDir === undefined) {
    process.stderr.write('usage: node dist/scripts/gen-cli-docs.js OUT_DIR\n');
    process.exit(2);
  }
  for (const [rel, text] of Object.entries(renderAll())) {
    const file = join(outDir, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  }
}
