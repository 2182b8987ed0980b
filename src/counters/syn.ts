import { TCP_SYN } from '../decode/packet-summary.js';
import { tcpFlagCounter } from './tcp-flag-counter.js';

export const SYN = tcpFlagCounter('SYN', TCP_SYN, 'SYN');
