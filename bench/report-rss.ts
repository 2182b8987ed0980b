/** Preloaded with `node --import` by the benchmarks: prints the peak RSS and the CPU time used when the process exits. */
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`peak RSS ${(u.maxRSS / 1024).toFixed(0)} MiB\ncpu ${((u.userCPUTime + u.systemCPUTime) / 1e6).toFixed(3)} s\n`);
});
