/** Preloaded with `node --import` by the benchmarks: prints the peak RSS and CPU time when the process exits. */
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`peak RSS ${(u.maxRSS / 1024).toFixed(0)} MiB\n`);
  process.stderr.write(`cpu ${((u.userCPUTime + u.systemCPUTime) / 1e6).toFixed(2)} s\n`);
});
