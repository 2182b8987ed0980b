import { periodCounter } from './period-counter.js';

export const SOURCE_TIME = periodCounter(
  'SOURCE_TIME',
  "time the period covers in the source's clock, seconds (capture time for files, wall clock live): the period length, or up to the last packet / the stop for the last, partial period",
  (p) => p.sourceSeconds,
);
