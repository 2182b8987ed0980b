export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export function formatRate(pps: number): string {
  if (!Number.isFinite(pps)) return '- pkt/s';
  if (pps >= 1e6) return `${(pps / 1e6).toFixed(2)} Mpkt/s`;
  if (pps >= 1e3) return `${(pps / 1e3).toFixed(1)} kpkt/s`;
  return `${pps.toFixed(0)} pkt/s`;
}
