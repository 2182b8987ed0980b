import type { PeerAddress } from './address.js';
import type { Transport } from './background-sender.js';
import { DatagramTransport } from './datagram-transport.js';
import { StreamTransport } from './stream-transport.js';

export interface FramingOptions {
  /** Sent at the start of each connection (each new socket for UDP). */
  preamble?: () => string;
  /** A record as it goes on the wire: on a stream, its framing; on UDP, the datagram. */
  frame: (payload: string) => string;
}

/** A stream transport for unix:// and tcp://, a datagram one for udp://. */
export function transportFor(address: PeerAddress, stream: FramingOptions, datagram: FramingOptions = stream): Transport {
  if (address.scheme === 'udp') return new DatagramTransport(address, datagram);
  return new StreamTransport(address, stream);
}
