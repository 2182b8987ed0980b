import { periodCounter } from './period-counter.js';

export const REAL_TIME = periodCounter(
  'REAL_TIME',
  'wall-clock seconds spent processing the period',
  (p) => p.realSeconds,
);
