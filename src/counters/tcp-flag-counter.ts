import type { Counter, CounterDef } from './counter.js';
import type { PacketSummary } from '../decode/packet-summary.js';

/** Counts TCP segments with one flag set; one class for all flags keeps `process` monomorphic. */
class TcpFlagCounter implements Counter {
  private n = 0;
  constructor(private readonly flag: number) {}
  process(p: PacketSummary): void {
    if ((p.tcpFlags & this.flag) !== 0) this.n++;
  }
  value(): number {
    return this.n;
  }
  reset(): void {
    this.n = 0;
  }
}

export function tcpFlagCounter(name: string, flag: number, flagName: string): CounterDef {
  return {
    name,
    description: `TCP segments with the ${flagName} flag set (whatever the other flags)`,
    create: () => new TcpFlagCounter(flag),
  };
}
