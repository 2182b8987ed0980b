/**
 * The contract between packet sources (capture files, live interfaces) and the decoder.
 *
 * A source hands packets over in batches: one backing buffer plus parallel typed arrays,
 * so the per-packet path never allocates. A batch and its arrays are owned by the source
 * and may be reused for the next batch: consume it before asking for another.
 */
export interface PacketBatch {
  /** Bytes the packets live in (a read chunk, or a live capture buffer). */
  data: Uint8Array;
  /** Number of valid entries in the arrays below. */
  count: number;
  /** Offset of data[0] in the (decompressed) capture stream; 0 for live capture. */
  base: number;
  /** Start of packet i in `data`. */
  offset: Uint32Array;
  /** Captured length of packet i (bytes present in `data`). */
  caplen: Uint32Array;
  /** Length of packet i on the wire (>= caplen when the snapshot length cut it). */
  wirelen: Uint32Array;
  /** Timestamp of packet i: whole seconds since the Unix epoch. */
  tsSec: Float64Array;
  /** Timestamp of packet i: nanoseconds within the second (0..999 999 999). */
  tsNsec: Uint32Array;
  /** Link type (LINKTYPE_* value) of packet i; pcapng interfaces may differ per packet. */
  linkType: Uint16Array;
}

/** Allocates a batch able to hold `capacity` packets over `data`. */
export function createPacketBatch(capacity: number, data: Uint8Array = new Uint8Array(0)): PacketBatch {
  return {
    data,
    count: 0,
    base: 0,
    offset: new Uint32Array(capacity),
    caplen: new Uint32Array(capacity),
    wirelen: new Uint32Array(capacity),
    tsSec: new Float64Array(capacity),
    tsNsec: new Uint32Array(capacity),
    linkType: new Uint16Array(capacity),
  };
}

export interface PcapFile {
  readonly fd: number;
  readonly littleEndian: boolean;
  /** Bytes of a record header: 16, or 24 in the modified (Kuznetzov) format. */
  readonly recordHeader: number;
  readonly linkType: number;
}

/** What a source reports about itself once it ends (or at any time). */
export interface SourceStats {
  /** Bytes consumed from the underlying file (compressed bytes for gzip); 0 for live. */
  bytesRead: number;
  /** Total size of the input when known (progress/ETA), else 0. */
  bytesTotal: number;
  /** Packets handed out so far. */
  packets: number;
  /** Packets the kernel/libpcap dropped (live only). */
  dropped: number;
  /** Packets the kernel received (live only). */
  received: number;
}

export interface PacketSource {
  /** Name used for the series (`%s` in exporter paths): file base name or interface. */
  readonly name: string;
  /** True for a live interface: periods follow the wall clock and the stream never ends. */
  readonly live: boolean;
  /**
   * The next batch, or null once the input is exhausted (never for a live source until
   * `close`). Throws an InputError for an unreadable input.
   */
  next(): Promise<PacketBatch | null>;
  /** Counters for progress, summaries and drop reporting. */
  stats(): SourceStats;
  /** Non-fatal problems met so far (e.g. a truncated last record), human-readable. */
  warnings(): readonly string[];
  /**
   * Live sources: stops capturing but keeps what was captured: `next` goes on returning the
   * buffered packets, then null (a Ctrl-C that loses nothing). Files have no such step.
   */
  stop?(): void;
  /**
   * A plain (uncompressed) classic pcap file: its descriptor and record layout, so that
   * counting threads can read and walk a run of its records themselves (count-job.ts). The
   * bytes of a batch's packet i are at file offset base + offset[i].
   */
  readonly pcapFile?: PcapFile;
  /** Releases the file or interface; a pending `next` resolves to null. */
  close(): Promise<void>;
}
