/**
 * Writes the demo capture shipped in data/: steady traffic with a SYN flood at 1080-1110 s.
 * Usage: npm run demo:capture [-- OUT]   (default data/demo-syn-flood.pcap.gz)
 */
import { writeFileSync } from 'node:fs';
import { writePcap, gzip } from '../test/support/capture-writer.js';
import { materialize } from '../test/fixtures/scenario.js';
import { DEMO_SCENARIO, synFloodSpecs } from '../test/fixtures/syn-flood.js';

const out = process.argv[2] ?? 'data/demo-syn-flood.pcap.gz';
const { packets } = materialize(synFloodSpecs(DEMO_SCENARIO), 1_735_689_600, 1);
const bytes = writePcap(packets, { linkType: 1 });
writeFileSync(out, out.endsWith('.gz') ? gzip(bytes) : bytes);
process.stdout.write(`${out}: ${packets.length} packets, ${bytes.length} bytes before compression\n`);
