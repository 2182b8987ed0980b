/**
 * Throughput of the capture reader and the decoder alone (no counters):
 *   node dist/bench/decode-bench.js [capture] [--chunk-size BYTES]
 * Reads the capture (default bench/data/mixed-5m.pcap, from `npm run bench:gen`) through
 * openCaptureFile, decodes every packet into one reused PacketSummary, and prints packets/s,
 * MB/s and the peak RSS. A run is repeated three times (the first also warms the page cache).
 */
import { statSync } from 'node:fs';
import { decodePacket } from '../src/decode/packet-decoder.js';
import { LAYER_ARP, LAYER_IP, LAYER_TCP, PacketSummary } from '../src/decode/packet-summary.js';
import { openCaptureFile } from '../src/source/capture-file.js';

async function once(path: string, chunkSize: number | undefined): Promise<{ packets: number; seconds: number; ip: number; tcp: number; arp: number; syn: number }> {
  const s = new PacketSummary();
  const t0 = process.hrtime.bigint();
  const source = await openCaptureFile(path, chunkSize === undefined ? {} : { chunkSize });
  let packets = 0;
  let ip = 0;
  let tcp = 0;
  let arp = 0;
  let syn = 0;
  for (let batch = await source.next(); batch !== null; batch = await source.next()) {
    const { data, offset, caplen, wirelen, linkType, count } = batch;
    for (let i = 0; i < count; i++) {
      decodePacket(data, offset[i], caplen[i], wirelen[i], linkType[i], s);
      // Use the results so nothing is optimised away.
      const layers = s.layers;
      if ((layers & LAYER_IP) !== 0) ip++;
      if ((layers & LAYER_TCP) !== 0) {
        tcp++;
        syn += (s.tcpFlags >>> 1) & 1;
      }
      if ((layers & LAYER_ARP) !== 0) arp++;
    }
    packets += count;
  }
  await source.close();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { packets, seconds, ip, tcp, arp, syn };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let path = 'bench/data/mixed-5m.pcap';
  let chunkSize: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--chunk-size') chunkSize = Number(argv[++i]);
    else path = argv[i];
  }
  const size = statSync(path).size;
  let best = Infinity;
  for (let run = 1; run <= 3; run++) {
    const r = await once(path, chunkSize);
    best = Math.min(best, r.seconds);
    console.log(
      `run ${run}: ${r.packets} packets in ${r.seconds.toFixed(3)} s: ${(r.packets / r.seconds / 1e6).toFixed(2)} Mpkt/s, ` +
        `${(size / r.seconds / 1e6).toFixed(0)} MB/s (ip ${r.ip}, tcp ${r.tcp}, syn ${r.syn}, arp ${r.arp})`,
    );
  }
  const r = await once(path, chunkSize);
  best = Math.min(best, r.seconds);
  console.log(`best: ${(r.packets / best / 1e6).toFixed(2)} Mpkt/s, ${(size / best / 1e6).toFixed(0)} MB/s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
