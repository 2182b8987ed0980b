import type { CounterDef } from './counter.js';
import { LAYER_TCP } from '../decode/packet-summary.js';

/** TCP segments with one flag set, whatever the others. */
export function tcpFlagCounter(name: string, flag: number, flagName: string): CounterDef {
  return {
    name,
    description: `TCP segments with the ${flagName} flag set (whatever the other flags)`,
    sum: { anyLayer: LAYER_TCP, anyTcpFlag: flag, add: 'one' },
  };
}
