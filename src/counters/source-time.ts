import { periodCounter } from './period-counter.js';

export const SOURCE_TIME = periodCounter(
  'SOURCE_TIME',
  "length of the period in the source's clock, seconds (capture time for files, wall clock live)",
  (p) => p.sourceSeconds,
);
