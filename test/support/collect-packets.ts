/** Reads a whole capture through openCaptureFile into plain objects, for assertions. */
import { openCaptureFile } from '../../src/source/capture-file.js';

export interface ReadPacket {
  tsSec: number;
  tsNsec: number;
  caplen: number;
  wirelen: number;
  linkType: number;
  data: Uint8Array;
}

export async function collectPackets(path: string, chunkSize?: number): Promise<{ packets: ReadPacket[]; warnings: readonly string[]; name: string }> {
  const source = await openCaptureFile(path, chunkSize === undefined ? {} : { chunkSize });
  const packets: ReadPacket[] = [];
  try {
    for (let batch = await source.next(); batch !== null; batch = await source.next()) {
      for (let i = 0; i < batch.count; i++) {
        const o = batch.offset[i];
        packets.push({
          tsSec: batch.tsSec[i],
          tsNsec: batch.tsNsec[i],
          caplen: batch.caplen[i],
          wirelen: batch.wirelen[i],
          linkType: batch.linkType[i],
          data: batch.data.slice(o, o + batch.caplen[i]),
        });
      }
    }
    return { packets, warnings: source.warnings(), name: source.name };
  } finally {
    await source.close();
  }
}
