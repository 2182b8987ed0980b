/** Preloaded with `node --import` by the benchmarks: prints the peak RSS when the process exits. */
process.on('exit', () => {
  process.stderr.write(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
});
