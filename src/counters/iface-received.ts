import { periodCounter } from './period-counter.js';

export const IFACE_RECEIVED = periodCounter(
  'IFACE_RECEIVED',
  'packets the kernel received for the capture during the period (live capture; 0 for files)',
  (p) => p.received,
);
