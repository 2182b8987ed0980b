/**
 * netspot.toml(5), rendered from the configuration schema: the same tables, keys, defaults,
 * descriptions and `expected` phrases that validation and `netspot defaults` use.
 */
import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema } from '../../src/config/schema.js';
import { defaultConfig, getKey } from '../../src/config/load.js';
import { tomlValue } from '../../src/config/defaults-toml.js';
import { statNames } from '../../src/stats/index.js';
import { roffArg, roffHeader, roffLines, roffText } from './roff.js';
import { seeAlso } from './program-man-page.js';

type Annotated = TSchema & { expected?: string };

function props(s: TSchema): Record<string, Annotated> {
  return (s as { properties?: Record<string, Annotated> }).properties ?? {};
}

export function configManPage(version: string, files: Record<string, string>): string {
  const cfg = defaultConfig();
  const out: string[] = [
    '.\\" Generated from the configuration schema (src/config/schema.ts) by scripts/gen-cli-docs.ts: do not edit.',
    roffHeader('netspot.toml', 5, version, 'NetSpot'),
    '.SH NAME',
    'netspot.toml \\- NetSpot configuration file',
    '.SH DESCRIPTION',
    roffLines(
      'The configuration of netspot run and netspot serve, in TOML. Every key is optional: a missing key keeps its default. ' +
        'Every key can also be given on the command line as --section.key VALUE. Precedence: built-in defaults < file (-c FILE) < flags. ' +
        'An unknown key or a bad value stops netspot with a message naming the key, the value and what was expected (exit status 2). ' +
        'netspot defaults prints this whole file with comments.',
    ),
  ];
  const table = (schema: TSchema, path: string): void => {
    const entries = Object.entries(props(schema));
    const leaves = entries.filter(([, s]) => s.type !== 'object');
    if (leaves.length > 0) {
      out.push(`.SS ${roffArg(`[${path}]`)}`);
      if (schema.description !== undefined) out.push(roffLines(`${schema.description}.`));
      for (const [k, s] of leaves) {
        out.push('.TP', `.B ${roffArg(`${k} = ${tomlValue(getKey(cfg, `${path}.${k}`))}`)}`);
        out.push(roffLines(`${s.description ?? ''}${s.expected !== undefined ? ` (${s.expected})` : ''}.`));
      }
    }
    for (const [k, s] of entries) if (s.type === 'object' && !statNames.includes(k)) table(s, `${path}.${k}`);
  };
  out.push('.SH SECTIONS AND KEYS');
  for (const [k, s] of Object.entries(props(ConfigSchema))) table(s, k);
  out.push(
    '.SS "[spot.STAT]"',
    roffLines(`Any [spot] key set for one statistic only, overriding [spot] for it. STAT is one of ${statNames.join(', ')}.`),
    '.SH EXAMPLE',
    '.RS\n.nf',
    roffLines('[miner]\ndevice = "eth0"\n\n[analyzer]\nperiod = "1s"\nstats = ["R_SYN", "TRAFFIC"]\n\n[spot]\nq = 1e-5\n\n[spot.R_SYN]\ndown = true'),
    '.fi\n.RE',
    '.SH FILES',
  );
  for (const [file, what] of Object.entries(files)) out.push('.TP', `.I ${roffArg(file)}`, roffLines(what));
  out.push('.SH SEE ALSO', seeAlso(['netspot(1)', 'netspotctl(1)']));
  return out.join('\n') + '\n';
}
