/**
 * A set of 16-bit ports with O(1) add and clear: one generation stamp per port, so a period
 * boundary is a single increment.
 */
export class PortSet {
  private readonly stamps = new Uint32Array(65536);
  private gen = 1;
  size = 0;

  add(port: number): void {
    if (this.stamps[port] !== this.gen) {
      this.stamps[port] = this.gen;
      this.size++;
    }
  }

  /** The ports in the set (per period: counter state, not per packet). */
  members(): number[] {
    const out: number[] = [];
    for (let port = 0; port < 65536; port++) if (this.stamps[port] === this.gen) out.push(port);
    return out;
  }

  clear(): void {
    this.size = 0;
    if (++this.gen === 0xffffffff) {
      this.stamps.fill(0);
      this.gen = 1;
    }
  }
}
