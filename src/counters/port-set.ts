/**
 * A set of 16-bit ports with O(1) add and clear: one generation stamp per port, so a period
 * boundary is a single increment. The ports added are also listed in arrival order (one more
 * write per new port), so that the period's state costs its size, not 65536 probes.
 */
export class PortSet {
  private readonly stamps = new Uint32Array(65536);
  private readonly list = new Uint16Array(65536);
  private gen = 1;
  size = 0;

  add(port: number): void {
    if (this.stamps[port] !== this.gen) {
      this.stamps[port] = this.gen;
      this.list[this.size++] = port;
    }
  }

  /** The period's ports, in the order they were first added (per period: allocates). */
  keys(): Uint16Array {
    return this.list.slice(0, this.size);
  }

  clear(): void {
    this.size = 0;
    if (++this.gen === 0xffffffff) {
      this.stamps.fill(0);
      this.gen = 1;
    }
  }
}
