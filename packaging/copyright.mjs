// Writes debian/copyright (machine-readable format 1.0) for the package: NetSpot itself, then one
// paragraph per bundled npm package with the license its package.json names and the text of its
// own license file. Run before the license files are removed from node_modules.
//   node packaging/copyright.mjs NODE_MODULES_DIR > copyright
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const modules = process.argv[2];
const packageDirs = [];
for (const name of readdirSync(modules)) {
  if (name.startsWith('.')) continue;
  if (name.startsWith('@')) for (const sub of readdirSync(join(modules, name))) packageDirs.push(`${name}/${sub}`);
  else packageDirs.push(name);
}

/** A license text as a DEP-5 field continuation: every line indented, blank lines as " .". */
const indent = (text) => text.trim().split('\n').map((l) => (l.trim() === '' ? ' .' : ` ${l.trimEnd()}`)).join('\n');

// Licenses Debian ships in /usr/share/common-licenses are referred to, not copied (lintian:
// copyright-file-contains-full-apache-2-license and the like).
const commonLicenses = { 'Apache-2.0': 'Apache-2.0', 'MPL-2.0': 'MPL-2.0', 'CC0-1.0': 'CC0-1.0', 'GPL-2.0': 'GPL-2', 'GPL-3.0': 'GPL-3', 'LGPL-2.1': 'LGPL-2.1', 'LGPL-3.0': 'LGPL-3' };

const out = [
  'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
  'Upstream-Name: netspot',
  '',
  'Files: *',
  'Copyright: NetSpot developers',
  'License: GPL-3+',
  ' This program is free software: you can redistribute it and/or modify it under the terms of',
  ' the GNU General Public License as published by the Free Software Foundation, either version 3',
  ' of the License, or (at your option) any later version.',
  ' .',
  ' On Debian systems, the complete text of the GNU General Public License version 3 can be found',
  ' in "/usr/share/common-licenses/GPL-3".',
];
for (const dir of packageDirs.sort()) {
  const pkg = JSON.parse(readFileSync(join(modules, dir, 'package.json'), 'utf8'));
  const license = typeof pkg.license === 'string' ? pkg.license : 'see the package';
  // Dual-licensed packages (from, through: LICENSE.APACHE2 and LICENSE.MIT): the file that is not Apache's first.
  const files = readdirSync(join(modules, dir)).filter((f) => /^licen[cs]e/i.test(f)).sort((a, b) => Number(/apache/i.test(a)) - Number(/apache/i.test(b)));
  const file = files[0];
  let text = file !== undefined && existsSync(join(modules, dir, file)) ? readFileSync(join(modules, dir, file), 'utf8') : '';
  // The full Apache 2.0 text inside a license file (pause-stream: MIT, then Apache 2.0) becomes a reference.
  const apache = text.search(/^\s*Apache License\s*$/m);
  if (apache >= 0 && /TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION/.test(text)) {
    text = text.slice(0, apache).trimEnd() + '\n\nOn Debian systems, the complete text of the Apache License 2.0 can be found in "/usr/share/common-licenses/Apache-2.0".\n';
  }
  const holder = text.match(/^.*copyright \(c\).*$/im)?.[0].trim() ?? `the ${pkg.name} authors`;
  out.push('', `Files: usr/lib/netspot/node_modules/${dir}/*`, `Copyright: ${holder.replace(/^copyright\s*/i, '')}`, `License: ${license}`);
  const common = commonLicenses[license.replace(/-(only|or-later)$/, '')];
  if (common !== undefined) {
    out.push(` ${pkg.name} ${pkg.version} is distributed under the ${license} license (from its package.json).`, ' .',
      ` On Debian systems, the complete text of that license can be found in "/usr/share/common-licenses/${common}".`);
  } else if (text !== '') out.push(indent(text));
  else out.push(` ${pkg.name} ${pkg.version} is distributed under the ${license} license (from its package.json).`);
}
process.stdout.write(out.join('\n') + '\n');
