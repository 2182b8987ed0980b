import { TCP_FIN } from '../decode/packet-summary.js';
import { tcpFlagCounter } from './tcp-flag-counter.js';

export const FIN = tcpFlagCounter('FIN', TCP_FIN, 'FIN');
