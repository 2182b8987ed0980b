import { TCP_CWR } from '../decode/packet-summary.js';
import { tcpFlagCounter } from './tcp-flag-counter.js';

export const CWR = tcpFlagCounter('CWR', TCP_CWR, 'CWR (Congestion Window Reduced)');
