import { periodCounter } from './period-counter.js';

export const IFACE_DROPPED = periodCounter(
  'IFACE_DROPPED',
  'packets the interface or kernel dropped during the period (live capture; 0 for files)',
  (p) => p.dropped,
);
