import type { Counter, CounterDef, PeriodInfo } from './counter.js';

/** A counter that measures the period itself rather than its packets (times, drops). */
export function periodCounter(name: string, description: string, read: (p: PeriodInfo) => number): CounterDef {
  const counter: Counter = { value: read, reset() {} };
  return { name, description, create: () => counter };
}
