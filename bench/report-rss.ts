/**
 * Preloaded with `node --import` by the benchmarks: prints the peak RSS and the CPU time used
 * (user + system) when the process exits.
 */
process.on('exit', () => {
  const ru = process.resourceUsage();
  process.stderr.write(`peak RSS ${(ru.maxRSS / 1024).toFixed(0)} MiB\ncpu ${((ru.userCPUTime + ru.systemCPUTime) / 1e6).toFixed(3)} s\n`);
});
